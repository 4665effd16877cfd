#!/bin/bash
# Build and check the glibc series on every tree and architecture, by
# hand (about 20 to 40 minutes per build on 2 cores, so hours in all):
#
#   scripts/glibc-all.sh [--master-only] [MASTER_TREE] [ARCH...]
#
# Trees: Debian's 2.41 (fetched as scripts/glibc-check.sh does) and, if
# given, MASTER_TREE, a work tree of upstream glibc master
# (--master-only: that tree alone).  ARCHs:
# x86_64 i686 aarch64 arm (default: all, in that order after x86_64 on
# both trees).  For each tree and architecture it builds the unpatched
# tree and runs "make check subdirs=misc" on it (the baseline), then
# builds the tree with the series and runs every check of
# scripts/glibc-check.sh plus the misc run compared with the baseline,
# and then scripts/glibc-cost.sh on the two builds (libc.so's size,
# the mappings of a process that never allocates a trampoline, and
# start-up patched against unpatched where the programs run natively).
# i686, aarch64 and arm are cross builds with Debian's cross compilers;
# their tests run under qemu-user through scripts/glibc-test-wrapper.sh
# (i686 natively where the kernel runs 32-bit programs).  Build
# directories stay in $GLIBC_CACHE (default $TRAMP_CACHE/glibc) and are
# reused.  Ends with one line per build and fails if any failed.
# Everything runs under nice -n $NICE (default 10), make -j$JOBS
# (default nproc).

set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"
master= master_only=0
if [ "${1:-}" = --master-only ]; then
  master_only=1; shift
fi
if [ $# -gt 0 ] && [ -d "$1" ]; then
  master=$(cd "$1" && pwd); shift
fi
if [ $master_only = 1 ] && [ -z "$master" ]; then
  echo "glibc-all: --master-only needs MASTER_TREE" >&2; exit 2
fi
arches=("$@")
[ ${#arches[@]} -gt 0 ] || arches=(x86_64 aarch64 arm i686)
need_packages qemu-user gcc-i686-linux-gnu g++-i686-linux-gnu \
  gcc-aarch64-linux-gnu g++-aarch64-linux-gnu gcc-arm-linux-gnueabihf \
  g++-arm-linux-gnueabihf linux-libc-dev-i386-cross \
  linux-libc-dev-arm64-cross linux-libc-dev-armhf-cross

summary=()
rc=0
one () {
  local tree=$1 arch=$2 unpatched=$3 cc log
  case $arch in
    x86_64) cc=gcc ;;
    i686) cc=i686-linux-gnu-gcc ;;
    aarch64) cc=aarch64-linux-gnu-gcc ;;
    arm) cc=arm-linux-gnueabihf-gcc ;;
    *) echo "unknown architecture $arch" >&2; return 1 ;;
  esac
  local what="${tree:-2.41} $arch$([ "$unpatched" = 1 ] && echo ' (unpatched)')"
  echo "=== $what"
  log=$(mktemp)
  GLIBC_SRC=$tree GLIBC_UNPATCHED=$unpatched GLIBC_MISC_CHECK=1 \
    GLIBC_CC=$([ $arch = x86_64 ] || echo $cc) GLIBC_ARCH=$arch \
    nice -n "${NICE:-10}" bash "$top/scripts/glibc-check.sh" 2>&1 | tee "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
  summary+=("$what: $(grep -h '^make check subdirs=misc:' "$log" | cut -d: -f2- | head -n 1 | sed 's/^ *//') | $(tail -n 1 "$log")")
  rm -f "$log"
  # After the build with the series: its cost against the unpatched
  # build of the same tree and architecture (sizes, mappings, start-up).
  local cache=${GLIBC_CACHE:-$TRAMP_CACHE/glibc}
  local name=${tree:+$(basename "$tree")-}
  if [ "$unpatched" = 0 ] && [ -f "$cache/build-$name$arch/libc.so" ] \
     && [ -f "$cache/build-${name}unpatched-$arch/libc.so" ]; then
    echo "=== $what: cost against the unpatched build"
    nice -n "${NICE:-10}" bash "$top/scripts/glibc-cost.sh" "$cache/build-$name$arch" \
      "$cache/build-${name}unpatched-$arch" | tee "$log"
    summary+=("$what: $(grep -m1 'grows by' "$log") | mappings: $(grep -E '^(un)?patched: [0-9]+ mappings' "$log" | tr '\n' ' ')| start-up: $(grep -m1 '^A/B' "$log" || echo 'not measured (emulated)')")
    rm -f "$log"
  fi
}

trees=("")
[ -n "$master" ] && trees+=("$master")
[ $master_only = 1 ] && trees=("$master")
for arch in "${arches[@]}"; do
  for tree in "${trees[@]}"; do
    one "$tree" "$arch" 1
    one "$tree" "$arch" 0
  done
done
echo "=== summary"
printf '%s\n' "${summary[@]}"
exit $rc
