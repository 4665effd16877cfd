#!/bin/bash
# The trampfd backend against a real kernel: build (or take from the
# cache) Linux 6.12 with the kernel/ series (kernel/build.sh), boot it
# in a full-system VM (scripts/vm.sh, TCG) and run there: the kernel's
# selftest (tools/testing/selftests/trampfd), the library's tests
# against the kernel's trampfd (tst-trampfd-kernel, and the basic,
# thread and fork tests with a check that the kernel's pages were
# used), each plainly and under the W^X policy, and bench-arch with
# trampfd off and on.  Prints one line per run and
# "trampfd-kernel: N passed, N failed, N skipped".
#
# usage: tests/trampfd-kernel.sh [ARCH]   (x86_64, the default; arm64)
# VM_SH overrides the path of scripts/vm.sh.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"
arch=${1:-x86_64}
vm=${VM_SH:-$top/scripts/vm.sh}
case $arch in
  x86_64) cc=gcc vmarch=x86_64 ;;
  arm64|aarch64) arch=arm64 cc=aarch64-linux-gnu-gcc vmarch=aarch64 ;;
  *) echo "trampfd-kernel.sh: unknown architecture $arch" >&2; exit 2 ;;
esac
if [ ! -x "$vm" ]; then
  echo "SKIP: trampfd-kernel: no $vm"
  echo "trampfd-kernel: 0 passed, 0 failed, 1 skipped"
  exit 0
fi
kdir=$("$top/kernel/build.sh" "$arch" | tail -n 1)
[ -e "$kdir/image" ] || { echo "FAIL: trampfd-kernel: the kernel build"
			  echo "trampfd-kernel: 0 passed, 1 failed, 0 skipped"
			  exit 1; }
out=$top/build/trampfd-kernel-$arch
make -s -C "$top/standalone" O="$out" CC="$cc" tests-trampfd-kernel \
  || { echo "trampfd-kernel: 0 passed, 1 failed, 0 skipped"; exit 1; }
# The selftest, from its patch, with the kernel's uapi headers.
st=$out/selftest
rm -rf "$st" && mkdir -p "$st"
# git apply works relative to the enclosing repository: give it its own.
(cd "$st" && git init -q && git apply --include='tools/testing/selftests/trampfd/*' \
   "$top"/kernel/patches/0*-selftests-*.patch) \
  || { echo "trampfd-kernel: 0 passed, 1 failed, 0 skipped"; exit 1; }
cp "$kdir"/selftests/*.h "$st/tools/testing/selftests/"
$cc -O2 -g -Wall -I"$kdir/headers/include" \
  "$st/tools/testing/selftests/trampfd/trampfd_test.c" -pthread \
  -o "$out/tests/trampfd_test" \
  || { echo "trampfd-kernel: 0 passed, 1 failed, 0 skipped"; exit 1; }

# The guest's script: busybox sh.
cat >"$out/guest.sh" <<'GUEST'
cd "$(dirname "$0")"
# Emulated CPUs are slow: the test driver scales its time limits.
export TIMEOUTFACTOR=${TIMEOUTFACTOR:-10}
p=0 f=0
verdict () {
  if [ "$1" = 0 ]; then echo "PASS: $2"; p=$((p + 1))
  else echo "FAIL: $2 (exit $1)"; f=$((f + 1)); fi
}
echo "kernel: $(uname -r -v)"
echo "AT_TRAMPFD: $(od -An -t u8 -w16 /proc/self/auxv | awk '$1 == 52 { print $2 }')"
tests/trampfd_test > log 2>&1; rc=$?; sed 's/^/    /' log; verdict $rc "kernel selftest trampfd_test"
# The static tables are the library's default: ask for trampfd.
export LIBTRAMP_TRAMPFD=1
for t in tst-trampfd-kernel tst-tramp-kernel tst-tramp-threads-kernel \
	 tst-tramp-fork-kernel; do
  for pol in "" tests/wx-policy; do
    $pol tests/$t > log 2>&1; rc=$?
    [ $rc = 0 ] || sed 's/^/    /' log
    grep '^info: at RLIMIT\|^info: AT_TRAMPFD\|^info: VmFlags\|^info: a call past\|^info: no BTI' log | sed 's/^/    /'
    verdict $rc "$t${pol:+ (W^X policy)}"
  done
done
echo "bench-arch, static table (LIBTRAMP_TRAMPFD=0):"
LIBTRAMP_TRAMPFD=0 ./bench-arch 0.2 | sed 's/^/    /'
echo "bench-arch, trampfd (LIBTRAMP_TRAMPFD=1):"
LIBTRAMP_TRAMPFD=1 ./bench-arch 0.2 | sed 's/^/    /'
echo "guest: $p passed, $f failed"
[ $f = 0 ]
GUEST

log=$out/vm.log
"$vm" "$vmarch" --kernel "$kdir/image" --dir "$out" --timeout 1500 \
  -- sh "$out/guest.sh" 2>&1 | tee "$log"
echo "kernel: $(cat "$kdir/package")"
pass=$(grep -c '^PASS: ' "$log") fail=$(grep -c '^FAIL: ' "$log")
if ! grep -q '^guest: ' "$log"; then
  echo "FAIL: trampfd-kernel: the VM did not finish"
  fail=$((fail + 1))
fi
echo "trampfd-kernel: $pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
