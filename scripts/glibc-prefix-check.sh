#!/bin/bash
# Compile what changes between the prefixes of the glibc series, for
# each prefix: misc/tramp.c (stubs, Linux mechanism, trampfd) and the
# architecture's table, with the -Werror flags a finished glibc build
# used, and check that each prefix defines the five functions.  Nothing
# else changes between prefixes (the version node and the abilists are
# all in the first commit), so with a full build and check-abi of the
# whole series this stands for building each prefix.
#
# usage: scripts/glibc-prefix-check.sh BUILD_DIR TREE
#   BUILD_DIR  a finished glibc build (scripts/glibc-check.sh's)
#   TREE       a git tree with the series as its last commits (left at
#              its HEAD afterwards)

set -u
build=$(cd "$1" && pwd)
tree=$(cd "$2" && pwd)
arch=$(sed -n 's/^config-machine = //p' "$build/config.make")
case $arch in
  i?86) arch=i386 ;;
esac
n=$(git -C "$tree" log --format=%s | grep -c -E \
      '^(misc: Add <sys/tramp.h>|Linux: Map trampoline|[a-z0-9_]+: Add the trampoline table|Linux: Use trampfd)')
head=$(git -C "$tree" rev-parse HEAD)
# The compile commands of one C file and one assembler file of libc,
# as make printed them, turned into commands for ours.
# The compiler as make prints it: gcc, or a cross compiler such as
# aarch64-linux-gnu-gcc (no character special to a regular expression
# but "." and "+", escaped).
cc=$(sed -n 's/^CC = *//p' "$build/config.make" | cut -d' ' -f1)
cc_re=$(sed 's/[.+]/\\&/g' <<<"$cc")
nm=${cc%gcc}nm
command -v "$nm" > /dev/null || nm=nm
commands () {
  c=$(grep -m1 -E "^$cc_re [a-z_0-9-]+\.c -c .* -o $build/[a-z]+/[a-z_0-9-]+\.os " \
	"$1")
  s=$(grep -m1 -E "^$cc_re \.\./sysdeps/[^ ]+\.S -c .* -o $build/[a-z]+/[a-z_0-9-]+\.os " \
	"$1")
}
commands "$build/build.log"
# A build that found everything up to date printed no compile command:
# make compiles our two files again.
if [ -z "$c" ] || [ -z "$s" ]; then
  rm -f "$build/misc/tramp.os" "$build/misc/tramp-table.os"
  if ! make -C "$build" -j"${JOBS:-2}" > "$build/build-prefix.log" 2>&1; then
    tail -n 20 "$build/build-prefix.log"
    echo "FAIL: rebuilding misc/tramp.os for the compile commands"
    exit 1
  fi
  commands "$build/build-prefix.log"
fi
if [ -z "$c" ] || [ -z "$s" ]; then
  echo "FAIL: no compile command for a C or an assembler file of libc in the build's log"
  exit 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"; git -C "$tree" checkout -q "$head"' EXIT
edit () {
  sed -E -e "s|^$cc_re [^ ]+ -c|$cc $1 -c|" \
	 -e "s|-I$build/[a-z]+ |-I$build/misc |" \
	 -e "s|-o $build/[^ ]+\.os|-o $out/$2|" \
	 -e "s|-MF [^ ]+|-MF /dev/null|" -e "s|-MT [^ ]+||" \
	 -e "s|-DMODULE_NAME=[a-z]+|-DMODULE_NAME=libc|"
}
cc_c=$(edit tramp.c tramp.os <<<"$c")
cc_s=$(edit "../sysdeps/$arch/tramp-table.S" tramp-table.os <<<"$s")
rc=0
for i in $(seq $((n - 1)) -1 0); do
  git -C "$tree" checkout -q "$head~$i"
  rm -f "$out"/*.os
  ok=1
  what="$(git -C "$tree" log -1 --format=%s | cut -c1-50)"
  if ! (cd "$tree/misc" && eval "$cc_c") > "$out/log" 2>&1; then
    cat "$out/log"; echo "FAIL: $what: misc/tramp.c"; rc=1 ok=0; continue
  fi
  syms=$("$nm" "$out/tramp.os" | grep -cE ' T (tramp_alloc|tramp_code|tramp_data|tramp_free|tramp_set)$')
  table="no $arch table yet"
  if [ -f "$tree/sysdeps/$arch/tramp-table.S" ]; then
    if (cd "$tree/misc" && eval "$cc_s") > "$out/log" 2>&1; then
      table="$arch table assembled"
    else
      cat "$out/log"; table="FAIL: $arch table"; rc=1 ok=0
    fi
  fi
  [ "$syms" -eq 5 ] || rc=1 ok=0
  # This prefix's verdict (rc keeps the whole run's).
  echo "$([ $ok = 1 ] && echo PASS || echo FAIL): prefix $((n - i)) ($what): tramp.c, $syms/5 functions, $table"
done
exit $rc
