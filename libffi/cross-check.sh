#!/bin/bash
# The closure tests of the patched libffi on another architecture:
# i386 natively under the W^X policy, aarch64 and arm under qemu-user
# (where seccomp filters cannot be installed, so without the policy).
# Cross-builds libtramp and libffi (libffi/build.sh --host), then runs
# libffi's closure tests (libffi/closure-tests.sh) and tst-ffi-closure.
#
# usage: libffi/cross-check.sh [--vm] i386|aarch64|arm
#
# --vm: on a real kernel instead, in a full-system VM (scripts/vm.sh,
# TCG): i386 in the x86_64 guest, aarch64 in the aarch64 guest (4 KiB
# pages, -cpu max: BTI and PAC), arm as 32-bit armhf programs in the
# same aarch64 guest (its kernel has CONFIG_COMPAT).  The programs are
# compiled here and run in the guest by libffi/vm-closure-run.sh:
# plainly, each under the W^X policy, and the stock build's under the
# policy as the control (every test making a closure killed).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/lib.sh
vm=0
if [ "${1:-}" = --vm ]; then
  vm=1
  shift
fi
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

if [ $vm = 1 ]; then
  need_packages qemu-system-x86 qemu-system-arm cpio
  stock=$(libffi/build.sh --host "$host" stock | sed -n 's/^stock: //p')
  [ -n "$stock" ] || { echo "$arch-vm-closures: 0 passed, 1 failed"; exit 1; }
  work=$top/build/libffi-vm-$arch
  rm -rf "$work"
  mkdir -p "$work"
  dirs=(--dir "$work" --dir "$dir/.libs" --dir "$dir/tramp/lib"
	--dir "$stock/.libs")
  env=()
  case $arch in
    i386) guest=x86_64 ;;	# the guest copies in the i386 C library
    aarch64) guest=aarch64 ;;
    arm)
      # armhf programs on the arm64 kernel: the guest has only the
      # aarch64 C library, so the programs name the cross one's loader
      # and run path, copied in at the same path (and LD_LIBRARY_PATH
      # for libffi.so's own libgcc_s, which its DT_RUNPATH hides from
      # the programs' run path).
      guest=aarch64
      cc="$cc -Wl,--dynamic-linker=/usr/$host/lib/ld-linux-armhf.so.3"
      cc="$cc -Wl,-rpath,/usr/$host/lib -Wl,--disable-new-dtags"
      dirs+=(--dir "/usr/$host/lib")
      env=(LD_LIBRARY_PATH="/usr/$host/lib") ;;
  esac
  $cc -O2 -o "$work/wx-policy" tests/wx-policy.c \
    && $cc -O2 -I"$dir/include" -I"$dir/tramp/include" \
	 libffi/tests/tst-ffi-closure.c -L"$dir/.libs" -L"$dir/tramp/lib" \
	 -lffi -ltramp -Wl,-rpath,"$dir/.libs:$dir/tramp/lib" \
	 -o "$work/tst-ffi-closure" \
    || { echo "$arch-vm-closures: 0 passed, 1 failed (build)"; exit 1; }
  CLOSURE_TESTS_RUN=0 CLOSURE_TESTS_OUT=$work/sys \
    libffi/closure-tests.sh "$arch-sys" "$dir" "$src" "$cc" | tail -n 1
  CLOSURE_TESTS_RUN=0 CLOSURE_TESTS_OUT=$work/stock \
    libffi/closure-tests.sh "$arch-stock" "$stock" \
      "$(sed -n 's/^srcdir = //p' "$stock/Makefile")" "$cc" | tail -n 1
  # The tests that make a closure (the control's: killed under the
  # policy with the stock build); a few only call functions.
  grep -lE 'ffi_closure_alloc|ffi_prep_closure' \
    "$src"/testsuite/libffi.closures/*.c | xargs -n 1 basename \
    | sed 's/\.c$//' >"$work/closure-users.list"
  cp libffi/vm-closure-run.sh "$work/"
  scripts/vm.sh $guest --timeout 2400 "${dirs[@]}" \
    -- env "${env[@]}" sh "$work/vm-closure-run.sh" "$arch" "$work"
  exit
fi

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
