#!/bin/bash
# What the patch set costs a process that does not use trampolines, from
# two finished glibc builds of the same tree and architecture, one with
# the series and one without (scripts/glibc-check.sh's build
# directories, for example build-master-src-x86_64 and
# build-master-src-unpatched-x86_64):
#
#   scripts/glibc-cost.sh PATCHED_BUILD UNPATCHED_BUILD
#
# - libc.so's size, whole and stripped, its segments, and what the
#   series adds to it (misc/tramp.os and misc/tramp-table.os);
# - the mappings of a process that never allocates a trampoline
#   (tests/startup-maps.c linked against each build), their count and
#   the difference between the two lists (addresses and paths left out);
# - start-up of that program returning 0 at once, patched against
#   unpatched, with tests/spawn-ratio.c: ROUNDS rounds (default 41) of N
#   pairs of spawns each (default 200), one of each program, which goes
#   first alternating, the ratio per round with its median, quartiles
#   and extremes.  Only where the
#   build's programs run natively (under qemu-user the emulator's own
#   start-up would be measured).
# Cross builds are handled: the compiler and the test-wrapper are taken
# from each build's config.make and configparms.

set -u
top=$(cd "$(dirname "$0")/.." && pwd)
patched=$(cd "$1" && pwd) unpatched=$(cd "$2" && pwd)
rounds=${ROUNDS:-41} n=${N:-200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cc=$(sed -n 's/^CC = *//p' "$patched/config.make" | cut -d' ' -f1)
tools=${cc%gcc}
command -v "${tools}size" > /dev/null || tools=
wrapper=$(sed -n 's/^test-wrapper = *//p' "$patched/configparms" 2>/dev/null)
echo "compiler: $cc${wrapper:+; programs run with: $wrapper}"

# prog BUILD OUT: tests/startup-maps.c linked against BUILD's libc.
prog () {
  local b=$1
  local libdirs="$b:$b/nptl:$b/dlfcn:$b/elf"
  $cc -O2 "$top/tests/startup-maps.c" -B"$b/csu/" -L"$b" \
    -Wl,-rpath="$libdirs" -Wl,-rpath-link="$libdirs" \
    -Wl,--dynamic-linker="$b/elf/ld.so" "$b/libc_nonshared.a" -o "$2"
}

echo "--- libc.so"
for b in "$unpatched" "$patched"; do
  "${tools}strip" -o "$work/stripped" "$b/libc.so"
  printf '%-10s file %9d B, stripped %9d B; %s\n' \
    "$([ "$b" = "$patched" ] && echo patched || echo unpatched):" \
    "$(stat -c %s "$b/libc.so")" "$(stat -c %s "$work/stripped")" \
    "$("${tools}size" "$b/libc.so" | awk 'NR == 2 {printf "text %d, data %d, bss %d", $1, $2, $3}')"
  readelf -lW "$b/libc.so" | awk '$1 == "LOAD" {
      f = ""; for (i = 7; i < NF; i++) f = f $i;
      printf "    LOAD offset %s filesz %s %-3s align %s\n", $2, $5, f, $NF }'
done
s_un=$("${tools}strip" -o "$work/u" "$unpatched/libc.so" && stat -c %s "$work/u")
s_pa=$("${tools}strip" -o "$work/p" "$patched/libc.so" && stat -c %s "$work/p")
added=$("${tools}size" -t "$patched/misc/tramp.os" "$patched/misc/tramp-table.os" \
	  | awk 'END {print $1 + $2 + $3}')
echo "stripped libc.so grows by $((s_pa - s_un)) B; misc/tramp.os and" \
  "misc/tramp-table.os: $added B (text+data+bss, table included)"

echo "--- mappings of a process that never allocates a trampoline"
mkdir "$work/unpatched" "$work/patched"
prog "$unpatched" "$work/unpatched/startup-maps" \
  && prog "$patched" "$work/patched/startup-maps" || exit 1
for v in unpatched patched; do
  # Permissions, offset and file name only.
  $wrapper "$work/$v/startup-maps" -v | awk 'NF >= 5 && $1 ~ /-/ {
      n = split ($NF, p, "/"); name = NF >= 6 ? p[n] : "[anon]";
      print $2, $3, name }' > "$work/$v.maps"
  echo "$v: $(wc -l < "$work/$v.maps") mappings," \
    "libc.so: $(grep -c ' libc\.so' "$work/$v.maps")" \
    "($(awk '$3 ~ /^libc\.so/ {printf "%s%s", n++ ? " " : "", $1}' "$work/$v.maps"))"
done
# The offsets in libc.so move with the text that the series adds: the
# lists are compared on permissions and names, then in full.
if diff <(cut -d' ' -f1,3 "$work/unpatched.maps") \
     <(cut -d' ' -f1,3 "$work/patched.maps") > "$work/maps.diff"; then
  echo "same mappings (permissions and names, in order)"
else
  echo "mappings differ (permissions and names):"
  sed 's/^/    /' "$work/maps.diff"
fi
diff "$work/unpatched.maps" "$work/patched.maps" > "$work/maps.diff" \
  || { echo "with offsets:"; sed 's/^/    /' "$work/maps.diff"; }
[ -z "$wrapper" ] \
  || echo "(mappings as qemu-user shows them to the guest: its own layout, not a kernel's)"

if [ -n "$wrapper" ]; then
  echo "--- start-up: not measured (programs run under qemu-user, whose own start-up would dominate)"
else
  echo "--- start-up of a program returning 0, patched/unpatched"
  cc -O2 "$top/tests/spawn-ratio.c" -o "$work/spawn-ratio" || exit 1
  echo "spawn-ratio $rounds $n PATCHED UNPATCHED (A = patched, B = unpatched)"
  "$work/spawn-ratio" "$rounds" "$n" "$work/patched/startup-maps" \
    "$work/unpatched/startup-maps"
fi
