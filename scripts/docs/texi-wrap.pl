#!/usr/bin/perl
# Wrap a glibc manual chapter in a minimal Texinfo document, so that
# makeinfo can build it alone and check its nodes and cross references.
#
# usage: texi-wrap.pl CHAPTER.texi MACROS.texi [NEIGHBOUR.patch...] > DOC
#
# The chapter's "@c @node Name, Next, Prev, Up" line (the one glibc's
# libc-texinfo.sh orders chapters by) becomes its real @node line.  For
# each neighbour patch, the "@c @node" line it adds becomes the @node
# line of a stub chapter, and the nodes those lines point to get stubs
# too, so makeinfo checks that the Next/Prev chain is consistent.
# Nodes of glibc's manual that the chapter refers to get stub nodes.

use strict;
use warnings;

my ($chapter, $macros, @patches) = @ARGV;
die "usage: $0 CHAPTER MACROS [PATCH...]\n" unless defined $macros;

# Nodes of glibc 2.41's manual outside the chapter that it may refer
# to, by @xref/@pxref/@ref or through the @safety macro.  Anything else
# is an error reported by makeinfo.
my @external = ('POSIX Safety Concepts', 'Tunables');

sub node_pointers
{
  my ($line) = @_;
  $line =~ /^\@c \@node\s+([^,]+),\s*([^,]+),\s*([^,]+),\s*(\S.*?)\s*$/
    or return;
  return ($1, $2, $3, $4);
}

open my $in, '<', $chapter or die "$chapter: $!\n";
my @text = <$in>;
close $in;
die "$chapter: the first line is not \@node\n"
  unless $text[0] =~ /^\@node\s+(.+?)\s*$/;
my $name = $1;
my @own = node_pointers ($text[1]);
die "$chapter: the second line is not \"\@c \@node $name, Next, Prev, Top\"\n"
  unless @own && $own[0] eq $name && $own[3] eq 'Top';
$text[0] = "\@node $own[0], $own[1], $own[2], $own[3]\n";
shift @own;
my %stub;			# node name => explicit @node line or ''
for my $p (@patches)
  {
    open my $ph, '<', $p or die "$p: $!\n";
    while (<$ph>)
      {
	next unless /^\+(\@c \@node .*)$/;
	my @n = node_pointers ($1) or die "$p: bad node line: $1\n";
	$stub{$n[0]} = "\@node $n[0], $n[1], $n[2], $n[3]\n";
	for my $m (@n[1 .. 2])
	  { $stub{$m} //= '' unless $m eq $name; }
      }
    close $ph;
  }
for my $m (@own[0 .. 1])
  { $stub{$m} //= ''; }

# Order the chapters by following Next pointers from the one that no
# stub names as its Next, as libc-texinfo.sh does for the real manual.
my %next = ($name => $own[0]);
for my $n (keys %stub)
  {
    $next{$n} = (split /,\s*/, substr ($stub{$n}, 6))[1]
      if $stub{$n} ne '';
  }
# A stub without pointers of its own comes before the node naming it
# as Prev.
for my $n ($name, keys %stub)
  {
    my $line = $n eq $name ? $text[0] : $stub{$n};
    next if $line eq "";
    my $prev = (split /,\s*/, substr ($line, 6))[2];
    $next{$prev} //= $n if exists $stub{$prev} && $stub{$prev} eq "";
  }
my %is_next = map { $_ => 1 } values %next;
my @order;
my %seen;
my @starts = sort grep { !$is_next{$_} } ($name, keys %stub);
for my $s (@starts)
  {
    for (my $n = $s; defined $n && exists $stub{$n} || $n eq $name;
	 $n = $next{$n})
      {
	last if $seen{$n}++;
	push @order, $n;
	last unless defined $next{$n};
      }
  }
for my $n (sort keys %stub)
  { push @order, $n unless $seen{$n}++; }

print "\\input texinfo\n\@setfilename tramp-check.info\n";
print "\@settitle Stand-alone check of the $name chapter\n";
print "\@include $macros\n\n";
print "\@node Top\n\@top Stand-alone check of the $name chapter\n\n";
print "\@menu\n";
@external = grep { !exists $stub{$_} } @external;
print "* ${_}::\n" for @order, @external;
print "\@end menu\n\n";
for my $n (@order)
  {
    if ($n eq $name)
      {
	print @text;
	print "\n";
	next;
      }
    print $stub{$n} ne '' ? $stub{$n} : "\@node $n\n";
    print "\@chapter $n\n\nStand-in for a chapter of the manual.\n\n";
  }
for my $n (@external)
  {
    print "\@node $n\n\@unnumbered $n\n\n";
    print "Stand-in for a node of the manual.\n\n";
  }
print "\@bye\n";
