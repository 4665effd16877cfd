#!/usr/bin/perl
# Extract the example programs of a document into files, so that the
# test suite can compile and run them as printed.
#
# usage: extract-examples.pl texi|man|md FILE DIR
#
# texi: a "@c example-file: NAME" line right before @example or
#   @smallexample names the file for that block; Texinfo escapes are
#   undone and @r{...}, @samp{...}, @code{...} reduced to their text.
# man:  the lines between '.\" SRC BEGIN (NAME)' and '.\" SRC END',
#   without .EX/.EE, with roff escapes undone.
# md:   a "<!-- example: NAME -->" line right before a fenced block.
# If a block contains a comment "Prints X." (texi, md), or the man page
# says 'prints' followed by '.IR "X"', X is written to NAME.expected:
# the output the document promises.  Prints the names written.

use strict;
use warnings;

my ($mode, $file, $dir) = @ARGV;
die "usage: $0 texi|man|md FILE DIR\n" unless defined $dir;
open my $fh, '<', $file or die "$file: $!\n";
my @lines = <$fh>;
close $fh;
my $whole = join '', @lines;

sub write_file
{
  my ($name, $text) = @_;
  die "$file: bad example name $name\n" unless $name =~ /^[\w.-]+$/;
  open my $out, '>', "$dir/$name" or die "$dir/$name: $!\n";
  print $out $text;
  close $out;
  print "$name\n";
}

sub write_expected
{
  my ($name, $text) = @_;
  if ($text =~ /Prints\s+(?:\@samp\{)?(.*?)\}?\.\s*(?:\}\s*)?\*\//)
    {
      my $want = $1;
      $want =~ s/\}$//;
      write_file ("$name.expected", "$want\n");
    }
}

my $count = 0;
if ($mode eq 'texi')
  {
    for (my $i = 0; $i < @lines; $i++)
      {
	next unless $lines[$i] =~ /^\@c example-file: (\S+)\s*$/;
	my $name = $1;
	$lines[$i + 1] =~ /^\@(small)?example\s*$/
	  or die "$file:", $i + 2, ": \@example expected after example-file\n";
	my $text = '';
	my $j;
	for ($j = $i + 2; $j < @lines; $j++)
	  {
	    last if $lines[$j] =~ /^\@end (small)?example\s*$/;
	    $text .= $lines[$j];
	  }
	die "$file: unterminated example $name\n" if $j == @lines;
	my $raw = $text;
	1 while $text =~ s/\@(?:r|samp|code|var)\{([^{}]*)\}/$1/g;
	$text =~ s/\@([\@{}])/$1/g;
	die "$file: example $name still has Texinfo commands: $1\n"
	  if $text =~ /(\@[a-z]+\{)/;
	write_file ($name, $text);
	(my $plain = $raw) =~ s/\@r\{(.*)\}/$1/g;
	1 while $plain =~ s/\@(?:samp|code)\{([^{}]*)\}/$1/g;
	write_expected ($name, $plain);
	$count++;
	$i = $j;
      }
  }
elsif ($mode eq 'man')
  {
    while ($whole =~ /^\.\\" SRC BEGIN \((\S+)\)\n(.*?)^\.\\" SRC END\n/msg)
      {
	my ($name, $text) = ($1, $2);
	$text =~ s/^\.E[XE]\n//mg;
	$text =~ s/^\\&$//mg;
	$text =~ s/\\e/\\/g;
	$text =~ s/\\-/-/g;
	$text =~ s/\\\(aq/'/g;
	$text =~ s/\\\(dq/"/g;
	die "$file: example $name still has roff requests\n"
	  if $text =~ /^\.[A-Za-z]/m;
	write_file ($name, $text);
	write_file ("$name.expected", "$1\n")
	  if $whole =~ /prints\s*\n\.IR "([^"]*)"/;
	$count++;
      }
  }
elsif ($mode eq 'md')
  {
    for (my $i = 0; $i < @lines; $i++)
      {
	next unless $lines[$i] =~ /^<!-- example: (\S+) -->\s*$/;
	my $name = $1;
	$lines[$i + 1] =~ /^```/ or die "$file:", $i + 2, ": fence expected\n";
	my $text = '';
	my $j;
	for ($j = $i + 2; $j < @lines; $j++)
	  {
	    last if $lines[$j] =~ /^```\s*$/;
	    $text .= $lines[$j];
	  }
	die "$file: unterminated example $name\n" if $j == @lines;
	write_file ($name, $text);
	write_expected ($name, $text);
	$count++;
	$i = $j;
      }
  }
else
  { die "usage: $0 texi|man|md FILE DIR\n"; }
die "$file: no examples found\n" unless $count;
