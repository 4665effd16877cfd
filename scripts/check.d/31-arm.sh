# libtramp for arm (armhf, built as Thumb-2 like the distribution) under
# qemu-user.  qemu-user refuses seccomp filters, so run-tests.sh checks
# W^X on the -strace log instead (it says so in the output).
. scripts/lib.sh
. scripts/arch-check.sh
need_packages make gcc-arm-linux-gnueabihf libc6-dev-armhf-cross qemu-user
arch_check arm arm-linux-gnueabihf-gcc "qemu-arm -L /usr/arm-linux-gnueabihf" 4096
