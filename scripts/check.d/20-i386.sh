# libtramp for i386, run natively: the cross compiler's C library is
# used in place (its loader and run path are linked into the tests), so
# no i386 packages are needed on the x86_64 machine.  The W^X policy
# runs for real (seccomp filters i386 system calls too).
#
# Some x86_64 kernels cannot execute 32-bit programs (IA32 emulation
# built out or turned off, as on some virtual machines): the suite then
# runs under qemu-i386 instead, like aarch64 and arm, and says so.  The
# full-system VM step runs the i386 programs on a real kernel either way.
#
# The run path is a DT_RPATH (--disable-new-dtags): it also serves the
# dlopen of libgcc_s.so.1 that pthread_cancel makes from libc, which a
# DT_RUNPATH would not.
. scripts/lib.sh
. scripts/arch-check.sh
need_packages make gcc-i686-linux-gnu libc6-dev-i386-cross
sysroot=/usr/i686-linux-gnu/lib
cc="i686-linux-gnu-gcc -Wl,--dynamic-linker=$sysroot/ld-linux.so.2 -Wl,-rpath,$sysroot -Wl,--disable-new-dtags"
probe=$(mktemp -d)
echo 'int main (void) { return 0; }' > "$probe/p.c"
run=
if ! $cc "$probe/p.c" -o "$probe/p" || ! "$probe/p" 2>/dev/null; then
  need_packages qemu-user
  echo "NOTE: this kernel cannot run i386 programs ($(uname -r));" \
       "running the suite under qemu-i386"
  run="qemu-i386 -L /usr/i686-linux-gnu"
fi
rm -rf "$probe"
arch_check i386 "$cc" "$run" 4096 IBT SHSTK
