# The trampfd backend against the emulated kernel (make check-trampfd):
# natively on x86_64 and i386 (seccomp works), under qemu-user on
# aarch64 and arm, where seccomp filters cannot be installed, so only
# tst-trampfd-portable runs and the rest reports UNSUPPORTED.  Plus the
# AT_SECURE check: a setgid copy of tst-trampfd must ignore
# LIBTRAMP_TRAMPFD; the real kernel: Linux 6.12 with the kernel/ series
# in a full-system VM (tests/trampfd-kernel.sh; the kernel build is
# cached, see kernel/build.sh; TRAMP_KERNEL=0 skips it); and, if
# scripts/glibc-check.sh has built a glibc
# with these sources, the tests against that libc and its
# glibc.tramp.trampfd tunable (tests/glibc-trampfd.sh).  Architectures
# without a table in this tree are reported as skipped.
. scripts/lib.sh
need_packages gcc make libc6-dev

pass=0 fail=0 skip=0
out=$(mktemp)
trap 'rm -f "$out"; [ -n "${sdir:-}" ] && rm -rf "$sdir"' EXIT

# tally LINE: add "NAME: N passed, N failed, N skipped" to the totals.
tally () {
  local p f s
  p=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$1")
  f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$1")
  s=$(sed -nE 's/.* ([0-9]+) skipped.*/\1/p' <<<"$1")
  pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + ${s:-0}))
}

# tallied NAME COMMAND...: run COMMAND, which ends with the result line
# "NAME: N passed, N failed[, N skipped]", and add it to the totals, or
# count a failure if it has none.  Result lines are indented in the
# output, so that scripts/check counts only the total line of this step.
tallied () {
  local name=$1 line
  shift
  "$@" 2>&1 | sed -E 's/^([A-Za-z0-9_.+-]+: [0-9]+ passed, [0-9]+ failed)/  \1/' \
    | tee "$out"
  line=$(grep -E "^  $name: [0-9]+ passed" "$out" | tail -n 1)
  if [ -z "$line" ]; then
    echo "FAIL: $name: the build or the run broke"
    fail=$((fail + 1))
  else
    tally "$line"
  fi
}

# run_arch ARCH CC RUN: make check-trampfd in build/trampfd-ARCH.
run_arch () {
  local arch=$1 cc=$2 run=$3
  if [ ! -e "sysdeps/$arch/tramp-table.S" ]; then
    echo "SKIP: $arch: no trampoline table in this tree"
    skip=$((skip + 1))
    return
  fi
  tallied "$arch-trampfd" make -s -C standalone O="$PWD/build/trampfd-$arch" \
    CC="$cc" RUN="$run" check-trampfd
}

run_arch x86_64 gcc ""

# AT_SECURE: needs root to make a setgid copy whose group is not ours,
# and a process without no_new_privs (the emulation sets it only after
# exec).
secure_check () {
  local t=$PWD/build/trampfd-x86_64/tests/tst-trampfd
  if [ "$(id -u)" -ne 0 ] || [ ! -x "$t" ]; then
    echo "SKIP: AT_SECURE check (needs root and the x86_64 build)"
    skip=$((skip + 1))
    return
  fi
  sdir=$(mktemp -d)
  chmod 755 "$sdir"
  cp "$t" "$sdir/tst-trampfd-sgid"
  chgrp 65534 "$sdir/tst-trampfd-sgid" && chmod 2755 "$sdir/tst-trampfd-sgid"
  TST_TRAMPFD_SECURE=1 LIBTRAMP_TRAMPFD=1 "$sdir/tst-trampfd-sgid" \
    >"$out" 2>&1
  local rc=$?
  sed 's/^/    /' "$out"
  case $rc in
    0) echo "PASS: AT_SECURE process ignores LIBTRAMP_TRAMPFD"
       pass=$((pass + 1)) ;;
    77) echo "SKIP: AT_SECURE check (setgid did not take effect here)"
	skip=$((skip + 1)) ;;
    *) echo "FAIL: AT_SECURE process ignores LIBTRAMP_TRAMPFD (exit $rc)"
       fail=$((fail + 1)) ;;
  esac
}
secure_check

# The real kernel, x86_64 (arm64 by hand: tests/trampfd-kernel.sh arm64).
kernel_check () {
  if [ "${TRAMP_KERNEL:-1}" = 0 ]; then
    echo "SKIP: trampfd-kernel (TRAMP_KERNEL=0)"
    skip=$((skip + 1))
    return
  fi
  tallied trampfd-kernel tests/trampfd-kernel.sh x86_64
}
kernel_check

# Inside glibc: the tests against the libc that scripts/glibc-check.sh
# built (in $TRAMP_CACHE/glibc), if it has the glibc.tramp.trampfd
# tunable, i.e. was built from a tree with these sources.
glibc_check () {
  local b
  for b in "$TRAMP_CACHE/glibc/build-x86_64" "$TRAMP_CACHE/build-x86_64"; do
    if [ -e "$b/libc.so" ] && [ -e "$b/elf/ld.so" ] \
	 && grep -q 'glibc, tramp, trampfd' "$b/dl-tunable-list.h" 2>/dev/null
    then
      tallied glibc-trampfd \
	tests/glibc-trampfd.sh "$b" "$PWD/build/glibc-trampfd"
      return
    fi
  done
  echo "SKIP: glibc-trampfd: no glibc built with glibc.tramp.trampfd" \
       "(scripts/glibc-check.sh builds one)"
  skip=$((skip + 1))
}
glibc_check

if [ -e sysdeps/i386/tramp-table.S ]; then
  need_packages gcc-i686-linux-gnu libc6-dev-i386-cross
  # A kernel that cannot run i386 programs: under qemu-i386, as for
  # aarch64 (the seccomp emulation is then unsupported; the VM step
  # runs these tests on a real kernel).
  run_arch i386 "$I386_CC" "$(i386_runner)"
else
  run_arch i386 "" ""
fi
if [ -e sysdeps/aarch64/tramp-table.S ]; then
  need_packages gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
fi
run_arch aarch64 aarch64-linux-gnu-gcc \
  "qemu-aarch64 -L /usr/aarch64-linux-gnu -cpu max"
if [ -e sysdeps/arm/tramp-table.S ]; then
  need_packages gcc-arm-linux-gnueabihf libc6-dev-armhf-cross qemu-user
fi
run_arch arm arm-linux-gnueabihf-gcc "qemu-arm -L /usr/arm-linux-gnueabihf"

echo "trampfd: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
