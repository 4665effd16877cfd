# libtramp for i386, run natively: the cross compiler's C library is
# used in place (its loader and run path are linked into the tests), so
# no i386 packages are needed on the x86_64 machine.  The W^X policy
# runs for real (seccomp filters i386 system calls too).
#
# Some x86_64 kernels cannot execute 32-bit programs (IA32 emulation
# built out or turned off, as on some virtual machines): the suite then
# runs under qemu-i386 instead, like aarch64 and arm, and says so.  The
# full-system VM step runs the i386 programs on a real kernel either way.
. scripts/lib.sh
. scripts/arch-check.sh
need_packages make gcc-i686-linux-gnu libc6-dev-i386-cross
run=$(i386_runner)
arch_check i386 "$I386_CC" "$run" 4096 IBT SHSTK
