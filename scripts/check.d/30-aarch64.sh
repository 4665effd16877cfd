# libtramp for aarch64 under qemu-user with a CPU that enforces BTI
# (-cpu max); everything is built with -mbranch-protection=standard.
# qemu-user refuses seccomp filters, so run-tests.sh checks W^X on the
# -strace log instead (it says so in the output).
. scripts/lib.sh
. scripts/arch-check.sh
need_packages make gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
arch_check aarch64 aarch64-linux-gnu-gcc \
  "qemu-aarch64 -L /usr/aarch64-linux-gnu -cpu max" 65536 BTI PAC
# Kernels with 16 KiB and 64 KiB pages: qemu-user's -p tells the guest
# that page size (AT_PAGESZ, getpagesize), which is what libtramp reads,
# but qemu still lets 4 KiB-aligned mappings through, so the alignment
# itself is proved by the ELF checks above (64 KiB address and offset).
for ps in 16384 65536; do
  echo "NOTE: guest page size $ps (qemu-aarch64 -p $ps; alignment not enforced by qemu)"
  RUN="qemu-aarch64 -p $ps -L /usr/aarch64-linux-gnu -cpu max" \
    ARCH=aarch64-$((ps / 1024))k tests/run-tests.sh build/aarch64/tests \
    tst-tramp tst-tramp-static tst-tramp-threads tst-tramp-fork \
    tst-tramp-bti tst-tramp-bti-broken
done
# glibc's test-wrapper for the cross builds of the patch set
# (scripts/glibc-all.sh), which only runs by hand: its promises here.
tests/glibc-test-wrapper-test.sh
