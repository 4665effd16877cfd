#!/bin/bash
# The closure tests of the patched libffi on another architecture:
# i386 natively under the W^X policy, aarch64 and arm under qemu-user
# (where seccomp filters cannot be installed, so without the policy).
# Cross-builds libtramp and libffi (libffi/build.sh --host), then runs
# libffi's closure tests (libffi/closure-tests.sh) and tst-ffi-closure.
#
# usage: libffi/cross-check.sh i386|aarch64|arm
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/lib.sh
case ${1:-} in
  i386)
    host=i686-linux-gnu
    need_packages gcc-i686-linux-gnu libc6-dev-i386-cross
    cc=$I386_CC run=() ;;
  aarch64)
    host=aarch64-linux-gnu
    need_packages gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
    cc=$host-gcc run=(qemu-aarch64 -L /usr/$host -cpu max) ;;
  arm)
    host=arm-linux-gnueabihf
    need_packages gcc-arm-linux-gnueabihf libc6-dev-armhf-cross qemu-user
    cc=$host-gcc run=(qemu-arm -L /usr/$host) ;;
  *) echo "usage: $0 i386|aarch64|arm" >&2; exit 2 ;;
esac
arch=$1
dir=$(libffi/build.sh --host "$host" sys | sed -n 's/^sys: //p')
[ -n "$dir" ] || { echo "$arch-closures: 0 passed, 1 failed"; exit 1; }
src=$(sed -n 's/^srcdir = //p' "$dir/Makefile")
grep -q '^#define FFI_SYS_TRAMP 1' "$dir/fficonfig.h" \
  || { echo "FAIL: $arch: FFI_SYS_TRAMP is off"; exit 1; }

work=$top/build/libffi-$arch
mkdir -p "$work"
label=$arch-closures
if [ "$arch" = i386 ]; then
  $cc -O2 -o "$work/wx-policy" tests/wx-policy.c || exit 1
  read -r -a run <<<"$(i386_runner)"
  if [ ${#run[@]} -eq 0 ]; then
    run=("$work/wx-policy")
    label=$arch-closures-policy
  else
    echo "NOTE: without the W^X policy (qemu-user cannot install it)"
  fi
fi
fails=0
$cc -O2 -I"$dir/include" -I"$dir/tramp/include" libffi/tests/tst-ffi-closure.c \
  -L"$dir/.libs" -L"$dir/tramp/lib" -lffi -ltramp \
  -Wl,-rpath,"$dir/.libs:$dir/tramp/lib" -o "$work/tst-ffi-closure" || exit 1
for mode in tramp raw abi unprepared freed; do
  "${run[@]}" "$work/tst-ffi-closure" $mode
  case $? in
    0) echo "PASS: $arch tst-ffi-closure $mode" ;;
    77) echo "UNSUPPORTED: $arch tst-ffi-closure $mode" ;;
    *) echo "FAIL: $arch tst-ffi-closure $mode"; fails=$((fails + 1)) ;;
  esac
done
libffi/closure-tests.sh "$label" "$dir" "$src" "$cc" "${run[@]}"
rc=$?
[ $fails -eq 0 ] && [ $rc -eq 0 ]
