#!/usr/bin/perl
# Checks of a glibc manual chapter, in the spirit of glibc's
# manual/check-deftype.sh and manual/check-safety.sh (written anew).
#
# usage: check-texi.pl deftype FILE.texi
#        check-texi.pl safety FILE.texi
#
# deftype: every @deftypefun/@deftypefunx line is
#   "@deftypefun TYPE NAME (ARGS)" where a TYPE of more than one word is
#   braced, NAME is an identifier followed by one space, and every named
#   parameter is written @var{name}; @deftypevr lines have a category,
#   a braced or one-word type and a name.
# safety: every @deftypefun block has @standards{STD, HEADER} and then
#   @safety{...} before its text; a @safety note has MT, AS and AC parts
#   in this order, each remark inside its own part and known to glibc's
#   macros, blank-separated, no duplicates; a Safe part has no remark
#   that makes it unsafe and an Unsafe part has at least one; analysis
#   comments "@c NAME @remark..." list known remarks in MT, AS, AC order
#   without duplicates, and the top-level comment for a documented
#   function lists the same remarks as its @safety note.
# Prints one line per problem as FILE:LINE: message; exits 1 if any.

use strict;
use warnings;

my ($mode, $file) = @ARGV;
die "usage: $0 deftype|safety FILE\n"
  unless defined $file && $mode =~ /^(deftype|safety)$/;
open my $fh, '<', $file or die "$file: $!\n";
my @lines = <$fh>;
close $fh;
chomp @lines;
my $errors = 0;

sub problem
{
  my ($n, $msg) = @_;
  print "$file:", $n + 1, ": $msg\n";
  $errors++;
}

# Remarks glibc's manual/macros.texi defines, by the parts they make
# unsafe: the letters after "mt"/"as"/"ac" say which parts a remark
# concerns (as, ac, asc = as+ac) and whether it is an unsafe (u) or a
# safe-with-caveat (s) remark.
my %remarks = map { $_ => 1 } qw(
  mtasurace asurace mtsrace mtasuconst mtslocale mtsenv mtshostid
  mtssigintr mtuinit asuinit acuinit asulock aculock asucorrupt
  acucorrupt ascuheap asuheap ascudlopen ascuplugin ascuintl asuintl
  acsfd acsmem mtascusig mtasuterm acuterm mtstimer mtascutimer
  mtasscwd acscwd mtsposix mtuposix assposix asuposix acsposix
  acuposix);

# Parse a remark name into (part it is written in, set of parts it
# makes unsafe).  mtasurace is written in MT and makes MT and AS
# unsafe; ascuheap is written in AS and makes AS and AC unsafe.
sub classify
{
  my ($r) = @_;
  $r =~ /^(mt)?(as)?(c)?(ac)?([su])/ or return;
  my ($mt, $as, $c, $ac, $su) = ($1, $2, $3, $4, $5);
  my $written = $mt ? 'mt' : $as ? 'as' : $ac ? 'ac' : return;
  my %unsafe;
  if ($su eq 'u')
    {
      $unsafe{mt} = 1 if $mt;
      $unsafe{as} = 1 if $as;
      $unsafe{ac} = 1 if $ac || $c;
    }
  return ($written, \%unsafe);
}

if ($mode eq 'deftype')
  {
    for my $n (0 .. $#lines)
      {
	my $l = $lines[$n];
	if ($l =~ /^\@deftypefunx?\b/)
	  {
	    my $type = qr/(?:\{[A-Za-z0-9_ *]+\}|[A-Za-z0-9_]+)/;
	    if ($l !~ /^\@deftypefunx? $type ([A-Za-z_][A-Za-z0-9_]*) \((.*)\)$/)
	      {
		problem ($n, "malformed \@deftypefun: $l");
		next;
	      }
	    my $args = $2;
	    next if $args eq 'void';
	    for my $a (split /,\s*/, $args)
	      {
		problem ($n, "parameter without \@var{}: $a")
		  unless $a =~ /^[A-Za-z_][A-Za-z0-9_ *]*?\s*\**\@var\{[A-Za-z_][A-Za-z0-9_]*\}(\[\])?$/
			 || $a eq '...';
	      }
	  }
	elsif ($l =~ /^\@deftypevrx?\b/)
	  {
	    problem ($n, "malformed \@deftypevr: $l")
	      unless $l =~ /^\@deftypevrx? (\{[A-Za-z ]+\}|[A-Za-z]+) (\{[A-Za-z0-9_ *]+\}|[A-Za-z0-9_]+) [A-Za-z_][A-Za-z0-9_]*$/;
	  }
	elsif ($l =~ /^\@deftypefn/)
	  {
	    problem ($n, "malformed \@deftypefn: $l")
	      unless $l =~ /^\@deftypefnx? (\{[A-Za-z ]+\}|[A-Za-z]+) (\{[A-Za-z0-9\@{}_ *]+\}|[A-Za-z0-9_]+) [A-Za-z_][A-Za-z0-9_]* \(.*\)$/;
	  }
      }
  }
else
  {
    my %safety_of;		# function => remark set of its @safety
    my $in_fun;			# line of the current @deftypefun
    my @names;
    my ($seen_std, $seen_safety) = (0, 0);
    for my $n (0 .. $#lines)
      {
	my $l = $lines[$n];
	if ($l =~ /^\@deftypefun \S+ (\w+)|^\@deftypefun \{[^}]*\} (\w+)/)
	  {
	    ($in_fun, @names) = ($n, $1 // $2);
	    ($seen_std, $seen_safety) = (0, 0);
	    next;
	  }
	if (defined $in_fun)
	  {
	    if ($l =~ /^\@deftypefunx \S+ (\w+)|^\@deftypefunx \{[^}]*\} (\w+)/)
	      {
		push @names, $1 // $2;
		next;
	      }
	    next if $l =~ /^\@c(\s|$)/;
	    if ($l =~ /^\@standards\{/)
	      {
		problem ($n, "malformed \@standards: $l")
		  unless $l =~ /^\@standards\{[^,{}]+, [A-Za-z0-9_\/.]+\.h\}$/;
		problem ($n, "\@standards after \@safety") if $seen_safety;
		$seen_std = 1;
		next;
	      }
	    if ($l =~ /^\@safety\{/)
	      {
		problem ($n, "\@safety without \@standards before it")
		  unless $seen_std;
		$seen_safety = 1;
		my $set = check_safety ($n, $l);
		$safety_of{$_} = $set for @names;
		next;
	      }
	    problem ($in_fun, "\@deftypefun $names[0] lacks \@standards")
	      unless $seen_std;
	    problem ($in_fun, "\@deftypefun $names[0] lacks \@safety")
	      unless $seen_safety;
	    undef $in_fun;
	  }
	problem ($n, "\@safety outside a \@deftypefun header")
	  if $l =~ /^\@safety/;
      }

    # Analysis comments: "@c name @remark @remark..." (indentation marks
    # callees).
    for my $n (0 .. $#lines)
      {
	my $l = $lines[$n];
	next unless $l =~ /^\@c( +)([A-Za-z_]\w*)((?: \@\S+)*)$/;
	my ($indent, $fn, $rest) = (length $1, $2, $3);
	my @r = map { s/^\@//r } grep { length } split / /, $rest;
	my $last = 0;
	my %seen;
	my %rank = (mt => 1, as => 2, ac => 3);
	for my $r (@r)
	  {
	    my $base = $r =~ s/[:{].*//r;
	    my ($written) = classify ($base);
	    if (!$remarks{$base} || !$written)
	      {
		problem ($n, "unknown remark \@$r in analysis comment");
		next;
	      }
	    problem ($n, "remark \@$r out of MT, AS, AC order")
	      if $rank{$written} < $last;
	    $last = $rank{$written};
	    problem ($n, "duplicate remark \@$r") if $seen{$r}++;
	  }
	if ($indent == 1 && exists $safety_of{$fn})
	  {
	    my $want = join ' ', sort keys %{$safety_of{$fn}};
	    my $got = join ' ', sort @r;
	    problem ($n, "analysis of $fn lists \"$got\" but its \@safety"
			 . " has \"$want\"")
	      unless $want eq $got;
	  }
      }
  }

# Check one @safety line; return the set of its remarks (as "name" or
# "name:arg").
sub check_safety
{
  my ($n, $l) = @_;
  my %set;
  unless ($l =~ /^\@safety\{(\@prelim\{\})?\@mt(un)?safe\{(.*?)\}\@as(un)?safe\{(.*?)\}\@ac(un)?safe\{(.*?)\}\}$/)
    {
      problem ($n, "\@safety is not {[\@prelim{}]\@mt..{}\@as..{}\@ac..{}}: $l");
      return \%set;
    }
  my %unsafe_part = (mt => defined $2, as => defined $4, ac => defined $6);
  my %text = (mt => $3, as => $5, ac => $7);
  my %made_unsafe;
  for my $part (qw(mt as ac))
    {
      my $t = $text{$part};
      next if $t eq '';
      unless ($t =~ /^\@\w+\{[^{} ]*\}( \@\w+\{[^{} ]*\})*$/)
	{
	  problem ($n, "remarks in the $part part are not blank-separated"
		       . " \@remark{} items: $t");
	  next;
	}
      for my $item (split / /, $t)
	{
	  $item =~ /^\@(\w+)\{([^{}]*)\}$/;
	  my ($r, $arg) = ($1, $2);
	  my $key = $arg eq '' ? $r : "$r$arg";
	  problem ($n, "duplicate remark \@$r\{$arg\}") if $set{$key}++;
	  unless ($remarks{$r})
	    {
	      problem ($n, "unknown remark \@$r");
	      next;
	    }
	  my ($written, $unsafe) = classify ($r);
	  problem ($n, "remark \@$r belongs in the $written part, not $part")
	    unless $written eq $part;
	  $made_unsafe{$_} = 1 for keys %$unsafe;
	}
    }
  for my $part (qw(mt as ac))
    {
      problem ($n, uc ($part) . "-Safe but a remark makes it unsafe")
	if !$unsafe_part{$part} && $made_unsafe{$part};
      problem ($n, uc ($part) . "-Unsafe without a remark saying why")
	if $unsafe_part{$part} && !$made_unsafe{$part};
    }
  return \%set;
}

exit ($errors ? 1 : 0);
