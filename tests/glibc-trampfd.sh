#!/bin/bash
# The trampfd backend inside a glibc built with the patch set: the
# basic, thread and fork tests linked against the new libc with the
# kernel-side emulation (tests/trampfd-emul.c), which advertises the
# emulated trampfd in the auxiliary vector (AT_TRAMPFD) as the kernel
# series does, run plainly and under the W^X policy with
# glibc.tramp.trampfd=1 (the default is the static table);
# then the tunable's settings, which can only turn trampfd off or on
# (never name a system call).  Prints one line per run
# and "glibc-trampfd: N passed, N failed, N skipped".
#
# usage: tests/glibc-trampfd.sh GLIBC_BUILD_DIR [OUT_DIR]

set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
out=${2:-$build/tramp-trampfd}
cc=${CC:-gcc}
rm -rf "$out"
mkdir -p "$out"

libdirs="$build:$build/nptl:$build/dlfcn:$build/math:$build/rt:$build/elf"
cflags=(-std=gnu11 -D_GNU_SOURCE -O2 -g -Wall -pthread
	-I"$top/misc" -I"$top" -I"$top/sysdeps/unix/sysv/linux"
	-I"$top/sysdeps/generic" -I"$top/standalone/support")
for d in "$top"/sysdeps/x86_64 "$top"/sysdeps/i386; do
  [ "$(basename "$d")" = "$($cc -dumpmachine | sed 's/-.*//; s/i.86/i386/')" ] \
    && cflags=(-I"$d" "${cflags[@]}")
done
ldflags=(-B"$build/csu/" -L"$build" -L"$build/nptl" -L"$build/dlfcn"
	 -Wl,-rpath="$libdirs" -Wl,-rpath-link="$libdirs"
	 -Wl,--dynamic-linker="$build/elf/ld.so")

passed=0 failed=0 skipped=0
verdict () {
  printf '%-12s %s\n' "$1:" "$2"
  case $1 in
    PASS) passed=$((passed + 1)) ;;
    UNSUPPORTED) skipped=$((skipped + 1)) ;;
    *) failed=$((failed + 1)) ;;
  esac
}

objs=("$out/support.o" "$out/trampfd-emul.o")
$cc "${cflags[@]}" -c "$top/standalone/support/support.c" -o "$out/support.o"
$cc "${cflags[@]}" -c "$top/tests/trampfd-emul.c" -o "$out/trampfd-emul.o"
$cc "${cflags[@]}" -c "$top/tests/trampfd-require.c" \
  -o "$out/trampfd-require.o"
$cc "${cflags[@]}" "$top/tests/wx-policy.c" -o "$out/wx-policy"
tests=()
for t in tst-tramp tst-tramp-threads tst-tramp-fork; do
  if $cc "${cflags[@]}" "$top/misc/$t.c" "${objs[@]}" "$out/trampfd-require.o" \
       "${ldflags[@]}" -o "$out/$t-trampfd" 2> "$out/$t.err"; then
    tests+=("$t-trampfd")
  else
    sed 's/^/    /' "$out/$t.err"
    verdict FAIL "build $t-trampfd against the new libc"
  fi
done
# A probe: allocates one trampoline and reports the emulated kernel's
# counts, without requiring trampfd.
cat > "$out/probe.c" <<'EOF'
#include <stdio.h>
#include <sys/tramp.h>
#include "trampfd-emul.h"
static void f (void) {}
int
main (void)
{
  void *t = tramp_alloc ((void *) f, NULL);
  struct trampfd_emul_stats s;
  trampfd_emul_get_stats (&s);
  bool inside;
  trampfd_emul_pages (t, &inside);
  printf ("%s %ld\n", t == NULL ? "null" : inside ? "trampfd" : "table",
	  s.syscalls);
  return 0;
}
EOF
$cc "${cflags[@]}" -I"$top/tests" "$out/probe.c" "${objs[@]}" "${ldflags[@]}" \
  -o "$out/probe" || verdict FAIL "build the probe"

export GLIBC_TUNABLES=glibc.tramp.trampfd=1
for t in "${tests[@]}"; do
  for policy in "" "$out/wx-policy"; do
    name="$t${policy:+ (W^X policy)}"
    if $policy "$out/$t" > "$out/log" 2>&1; then
      verdict PASS "$name"
    else
      sed 's/^/    /' "$out/log"
      verdict FAIL "$name"
    fi
  done
done

# probe SETTING ADVERTISE WANT: GLIBC_TUNABLES setting (empty: none),
# whether the emulated kernel advertises trampfd (1 or 0), and the
# expected "backend syscalls" answer of the probe.
probe () {
  local got
  if [ -n "$1" ]; then
    got=$(TRAMPFD_EMUL_ADVERTISE=$2 GLIBC_TUNABLES=$1 "$out/probe")
  else
    got=$(TRAMPFD_EMUL_ADVERTISE=$2 env -u GLIBC_TUNABLES "$out/probe")
  fi
  if [ "$got" = "$3" ]; then
    verdict PASS "tunable '${1:-unset}', advertised $2: $got"
  else
    verdict FAIL "tunable '${1:-unset}', advertised $2: got '$got', want '$3'"
  fi
}
# The default is the static table (doc/trampfd.md).
probe "" 1 "table 0"
probe glibc.tramp.trampfd=1 1 "trampfd 1"
probe glibc.tramp.trampfd=0 1 "table 0"
# Not a setting glibc accepts (the range is -1 to 1): the default.
probe glibc.tramp.trampfd=1440 1 "table 0"
probe "" 0 "table 0"
probe glibc.tramp.trampfd=1 0 "table 0"
probe glibc.tramp.trampfd=1440 0 "table 0"

echo "glibc-trampfd: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
