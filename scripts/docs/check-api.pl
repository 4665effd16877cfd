#!/usr/bin/perl
# Check that the documentation and the header describe the same API.
#
# usage: check-api.pl manual HEADER.h CHAPTER.texi
#        check-api.pl man HEADER.h MANDIR
#
# manual: every function declared in the header has a @deftypefun with
#   the same return and parameter types, and every @deftypefun names a
#   function of the header; every public macro of the header has a
#   @deftypevr or @defmac, and vice versa; the per-architecture table of
#   data and scratch registers agrees with the header's macros.
# man: MANDIR/tramp_alloc.3 names every function in NAME and declares
#   it in SYNOPSIS as the header does; every other function has a link
#   page MANDIR/NAME.3 that is ".so man3/tramp_alloc.3"; no page
#   documents a function the header lacks.
# Prints one line per problem; exits 1 if any.

use strict;
use warnings;

my ($mode, $header, $doc) = @ARGV;
die "usage: $0 manual|man HEADER DOC\n"
  unless defined $doc && $mode =~ /^(manual|man)$/;
my $errors = 0;
sub problem { print "$_[0]\n"; $errors++; }

sub slurp
{
  my ($f) = @_;
  open my $fh, '<', $f or die "$f: $!\n";
  local $/;
  my $t = <$fh>;
  close $fh;
  return $t;
}

# Normalize a C type: single spaces, "*" attached to nothing.
sub norm_type
{
  my ($t) = @_;
  $t =~ s/\s+/ /g;
  $t =~ s/\s*\*\s*/ * /g;
  $t =~ s/^\s+|\s+$//g;
  $t =~ s/ +/ /g;
  return $t;
}

# "const void *__tramp" -> "const void *"
sub param_type
{
  my ($p) = @_;
  $p =~ s/^\s+|\s+$//g;
  return $p if $p eq 'void' || $p eq '...';
  $p =~ s/\@var\{\w+\}$//;
  $p =~ s/\b[A-Za-z_]\w*$// unless $p =~ /^\w+$/;
  return norm_type ($p);
}

# Functions of the header: name => "RET (T1, T2)".
my $h = slurp ($header);
(my $hc = $h) =~ s{/\*.*?\*/}{}gs;
my %hfun;
while ($hc =~ /\bextern\s+([^;(]*?)\b([A-Za-z_]\w*)\s*\(([^)]*)\)[^;]*;/g)
  {
    my ($ret, $name, $params) = ($1, $2, $3);
    $hfun{$name} = norm_type ($ret) . ' ('
		   . join (', ', map { param_type ($_) } split /,/, $params)
		   . ')';
  }
problem ("$header: no function declarations found") unless %hfun;

# Public macros: #define NAME outside the include guard.
my %hmacro;
$hmacro{$1} = 1 while $hc =~ /^\s*#\s*define\s+([A-Z][A-Z0-9_]*)\b/mg;
delete $hmacro{$_} for grep { /^_/ } keys %hmacro;

# Per-architecture registers from the header.
my %hreg;
while ($hc =~ /^\s*#\s*(?:el)?if\s+defined\s+(__\w+__)\s*\n((?:\s*#\s*define[^\n]*\n)+)/mg)
  {
    my ($arch, $defs) = ($1, $2);
    $hreg{$arch}{data} = $1
      if $defs =~ /TRAMP_DATA_REGISTER\s+"([^"]*)"/;
    $hreg{$arch}{scratch} = $1
      if $defs =~ /TRAMP_SCRATCH_REGISTER\s+"([^"]*)"/;
  }

if ($mode eq 'manual')
  {
    my $t = slurp ($doc);
    my %dfun;
    while ($t =~ /^\@deftypefunx? (\{[^}]*\}|\S+) (\w+) \((.*)\)$/mg)
      {
	my ($ret, $name, $params) = ($1, $2, $3);
	$ret =~ s/^\{|\}$//g;
	$dfun{$name} = norm_type ($ret) . ' ('
		       . join (', ', map { param_type ($_) } split /,/, $params)
		       . ')';
      }
    for my $f (sort keys %hfun)
      {
	if (!exists $dfun{$f})
	  { problem ("$doc: $f (declared in $header) has no \@deftypefun"); }
	elsif ($dfun{$f} ne $hfun{$f})
	  { problem ("$doc: $f is documented as $dfun{$f}, declared as $hfun{$f}"); }
      }
    problem ("$doc: \@deftypefun $_ is not declared in $header")
      for grep { !exists $hfun{$_} } sort keys %dfun;

    my %dmacro;
    $dmacro{$1} = 1 while $t =~ /^\@deftypevrx? Macro \S+(?: \S+)* (\w+)$/mg;
    $dmacro{$1} = 1 while $t =~ /^\@defmacx? (\w+)/mg;
    problem ("$doc: macro $_ of $header is not documented")
      for grep { !$dmacro{$_} } sort keys %hmacro;
    problem ("$doc: documented macro $_ is not in $header")
      for grep { !$hmacro{$_} } sort keys %dmacro;

    # The register table: "@item ARCH @tab @code{DATA} @tab SCRATCH @tab".
    my %arch = ('x86-64' => '__x86_64__', 'i386' => '__i386__',
		'AArch64' => '__aarch64__', 'Arm' => '__arm__');
    my %seen;
    while ($t =~ /^\@item (\S+) \@tab (.*?) \@tab (.*?) \@tab/mg)
      {
	my ($name, $data, $scratch) = ($1, $2, $3);
	my $a = $arch{$name} or next;
	$seen{$a} = 1;
	my @data = $data =~ /\@code\{(\w+)\}/g;
	my @scratch = $scratch =~ /\@code\{(\w+)\}/g;
	my $hr = $hreg{$a};
	if (!$hr)
	  {
	    problem ("$doc: $name is in the register table, not in $header");
	    next;
	  }
	problem ("$doc: $name data register is @data, $header says $hr->{data}")
	  unless @data && $data[0] eq $hr->{data};
	if ($hr->{scratch} eq '')
	  {
	    problem ("$doc: $name has scratch @scratch, $header says none")
	      if @scratch;
	  }
	else
	  {
	    problem ("$doc: $name scratch is @scratch, $header says $hr->{scratch}")
	      unless grep { $_ eq $hr->{scratch} } @scratch;
	  }
      }
    problem ("$doc: architecture $_ of $header is not in the register table")
      for grep { !$seen{$_} } sort keys %hreg;
  }
else
  {
    my $main = "$doc/tramp_alloc.3";
    my $t = slurp ($main);
    my ($name_line) = $t =~ /^\.SH NAME\n(.*?)\n\.SH/ms;
    $name_line //= '';
    my ($synopsis) = $t =~ /^\.SH SYNOPSIS\n(.*?)\n\.SH /ms;
    $synopsis //= '';
    # man-pages style: ".BI \"void *tramp_alloc(void *\" code \", ...\");\""
    my $syn = '';
    for my $l (split /\n/, $synopsis)
      {
	next unless $l =~ /^\.BR? |^\.BI /;
	$l =~ s/^\.\w+ //;
	my @parts = $l =~ /"((?:[^"\\]|\\.)*)"|(\S+)/g;
	$syn .= join ('', grep { defined } @parts) . "\n";
      }
    $syn =~ s/\\-/-/g;
    my %mfun;
    while ($syn =~ /^([^(\n]*?)\b([A-Za-z_]\w*)\((.*)\);$/mg)
      {
	my ($ret, $name, $params) = ($1, $2, $3);
	$mfun{$name} = norm_type ($ret) . ' ('
		       . join (', ', map { param_type ($_) } split /,/, $params)
		       . ')';
      }
    for my $f (sort keys %hfun)
      {
	problem ("$main: $f is not in the NAME section")
	  unless $name_line =~ /\b\Q$f\E\b/;
	if (!exists $mfun{$f})
	  { problem ("$main: $f is not in the SYNOPSIS"); }
	elsif ($mfun{$f} ne $hfun{$f})
	  { problem ("$main: SYNOPSIS has $f as $mfun{$f}, $header as $hfun{$f}"); }
	next if $f eq 'tramp_alloc';
	my $link = "$doc/$f.3";
	if (!-e $link)
	  { problem ("$link: missing link page"); }
	elsif (slurp ($link) ne ".so man3/tramp_alloc.3\n")
	  { problem ("$link: not exactly \".so man3/tramp_alloc.3\""); }
      }
    problem ("$main: SYNOPSIS declares $_, which $header lacks")
      for grep { !exists $hfun{$_} } sort keys %mfun;
    opendir my $dh, $doc or die "$doc: $!\n";
    for my $p (sort grep { /\.3$/ } readdir $dh)
      {
	(my $f = $p) =~ s/\.3$//;
	problem ("$doc/$p: page for $f, which $header does not declare")
	  unless exists $hfun{$f};
      }
    closedir $dh;
  }

exit ($errors ? 1 : 0);
