# The whole suite on real kernels, in full-system VMs (scripts/vm.sh:
# qemu TCG, Debian kernels, a busybox initramfs), for what qemu-user
# cannot show: the seccomp W^X policy itself, mremap duplication of the
# table, PROT_BTI copies and the kernel's SIGILL on aarch64, and page
# sizes the kernel enforces.  tests/vm-suite.sh runs in each guest.
# Guests: x86_64 (x86_64 and i386 builds), aarch64 with 4 KiB and
# 16 KiB pages, aarch64 with 64 KiB pages if a kernel was built once
# by hand (scripts/vm.sh --build-kernel aarch64 64k; otherwise reported
# as skipped), and arm.  One result line per build and guest, and one
# for what only the kernel shows ("NAME-kernel: ...").
. scripts/lib.sh
need_packages make gcc libc6-dev gcc-i686-linux-gnu libc6-dev-i386-cross \
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross gcc-arm-linux-gnueabihf \
  libc6-dev-armhf-cross qemu-system-x86 qemu-system-arm cpio

status=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# build NAME CC: the suite and the VM tools in build/vm-NAME.
build () {
  if ! nice make -s -C standalone O="$PWD/build/vm-$1" CC="$2" -j2 tests-vm
  then
    echo "vm-$1: 0 passed, 1 failed, 0 skipped (the build broke)"
    status=1
    return 1
  fi
}

# guest "ARCH [PAGE]" NAME:BUILD...: boot the guest and run the suite of
# each BUILD in it under the result names NAME and NAME-kernel.  A
# guest that dies, or still runs after 15 minutes a build (a few
# minutes on an idle machine), or a result line missing, is a failure.
guest () {
  local vm=$1 b dirs=() names=() builds=() start=$SECONDS
  shift
  for b in "$@"; do
    dirs+=(--dir "$PWD/build/vm-${b#*:}")
    names+=("${b%%:*}")
    builds+=("${b%%:*}:$PWD/build/vm-${b#*:}")
  done
  # shellcheck disable=SC2086
  scripts/vm.sh $vm --timeout $((900 * $#)) --dir "$PWD/tests" "${dirs[@]}" \
    -- env TRAMP_VM_FULL="${TRAMP_VM_FULL:-0}" tests/vm-suite.sh "${builds[@]}" \
    2>&1 | tee "$out"
  local rc=${PIPESTATUS[0]} n
  for n in "${names[@]}"; do
    for n in "$n" "$n-kernel"; do
      grep -qE "^$n: [0-9]+ passed" "$out" \
	|| echo "$n: 0 passed, 1 failed, 0 skipped (no result from the guest)"
    done
  done
  echo "vm: guest $vm done in $((SECONDS - start)) s (exit $rc)"
  [ "$rc" -eq 0 ] || status=1
}

build x86_64 gcc \
  && build i386 "$I386_CC" \
  && guest x86_64 vm-x86_64:x86_64 vm-i386:i386
# CI boots x86_64 (the only real kernel i386 builds get where the
# host cannot run them) and aarch64 with 4 KiB pages (BTI); each guest
# costs minutes under TCG.  TRAMP_VM_ALL=1 adds 16 KiB and 64 KiB
# pages and arm: the by-hand command is TRAMP_VM_ALL=1 scripts/check vm.
all=${TRAMP_VM_ALL:-0}
if build aarch64 aarch64-linux-gnu-gcc; then
  guest "aarch64 4k" vm-aarch64-4k:aarch64
  if [ "$all" = 1 ]; then
    guest "aarch64 16k" vm-aarch64-16k:aarch64
    if [ -e "$TRAMP_CACHE/vm/kernel/linux-aarch64-64k/vmlinuz" ]; then
      guest "aarch64 64k" vm-aarch64-64k:aarch64
    else
      echo "SKIP: aarch64 with 64 KiB pages: Debian packages no such kernel;"
      echo "      build one once with scripts/vm.sh --build-kernel aarch64 64k"
      echo "vm-aarch64-64k: 0 passed, 0 failed, 1 skipped"
    fi
  fi
fi
if [ "$all" = 1 ]; then
  build arm arm-linux-gnueabihf-gcc && guest arm vm-arm:arm
else
  echo "SKIP: aarch64 16k/64k and arm guests (TRAMP_VM_ALL=1 runs them)"
  echo "vm-more: 0 passed, 0 failed, 3 skipped"
fi
exit $status
