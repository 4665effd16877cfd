# libtramp for i386, run natively: the cross compiler's C library is
# used in place (its loader and run path are linked into the tests), so
# no i386 packages are needed on the x86_64 machine.  The W^X policy
# runs for real (seccomp filters i386 system calls too).
. scripts/lib.sh
. scripts/arch-check.sh
need_packages make gcc-i686-linux-gnu libc6-dev-i386-cross
sysroot=/usr/i686-linux-gnu/lib
arch_check i386 "i686-linux-gnu-gcc -Wl,--dynamic-linker=$sysroot/ld-linux.so.2 -Wl,-rpath,$sysroot" "" 4096 IBT SHSTK
