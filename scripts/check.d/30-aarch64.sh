# libtramp for aarch64 under qemu-user with a CPU that enforces BTI
# (-cpu max); everything is built with -mbranch-protection=standard.
# qemu-user refuses seccomp filters, so run-tests.sh checks W^X on the
# -strace log instead (it says so in the output).
. scripts/lib.sh
. scripts/arch-check.sh
need_packages make gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
arch_check aarch64 aarch64-linux-gnu-gcc \
  "qemu-aarch64 -L /usr/aarch64-linux-gnu -cpu max" BTI PAC
