/* Kernel-generated trampolines (trampfd).  Linux version.
   Copyright The GNU Toolchain Authors.
   This file is part of the GNU C Library.

   The GNU C Library is free software; you can redistribute it and/or
   modify it under the terms of the GNU Lesser General Public
   License as published by the Free Software Foundation; either
   version 2.1 of the License, or (at your option) any later version.

   The GNU C Library is distributed in the hope that it will be useful,
   but WITHOUT ANY WARRANTY; without even the implied warranty of
   MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
   Lesser General Public License for more details.

   You should have received a copy of the GNU Lesser General Public
   License along with the GNU C Library; if not, see
   <https://www.gnu.org/licenses/>.  */

#ifndef _TRAMP_TRAMPFD_H
#define _TRAMP_TRAMPFD_H 1

/* See sysdeps/generic/tramp-trampfd.h for what this file provides, and
   trampfd.h for the kernel interface, which is not in Linux: it
   describes the trampfd RFC (version 2), so that misc/tramp.c can use
   a kernel carrying it.

   The generated trampoline loads the target into a code register and
   jumps through it, so it clobbers that register: it must be the
   scratch register that <sys/tramp.h> allows, distinct from the data
   register.  arm has none (only ip may be touched, and ip is the data
   register), so it never uses trampfd; nor do the ILP32 ABIs of
   64-bit architectures, for which the RFC would generate 32-bit code
   or 64-bit tables of the wrong width.

   The OS layer (tramp-os.h) enables the backend by defining
   TRAMP_OS_TRAMPFD and the following (inside glibc, this file defines
   them itself):
     tramp_trampfd_override ()   -1 if no number is configured, 0 if
                                 trampfd is disabled, or the system
                                 call number to use (glibc: the
                                 glibc.tramp.trampfd tunable; libtramp:
                                 the LIBTRAMP_TRAMPFD environment
                                 variable; both ignored in AT_SECURE
                                 processes);
     tramp_trampfd_syscall (NR, INFO), tramp_trampfd_pwrite (FD, BUF,
     LEN, OFFSET), tramp_trampfd_close (FD): the system calls.  */

#include <errno.h>
#include <limits.h>
#include <trampfd.h>

#if defined _LIBC && !defined TRAMP_OS_TRAMPFD
/* Inside glibc: the number comes from the glibc.tramp.trampfd tunable
   (-1, the default: whatever the kernel advertises; 0: never; N > 0:
   system call N), which glibc ignores in AT_SECURE processes.  The
   system calls are made directly, so that tramp_alloc is not a
   cancellation point.  */
# include <elf/dl-tunables.h>
# include <not-cancel.h>
# include <sysdep.h>
# define TRAMP_OS_TRAMPFD 1

static inline long
tramp_trampfd_override (void)
{
  return TUNABLE_GET_FULL (glibc, tramp, trampfd, int32_t, NULL);
}

static inline int
tramp_trampfd_syscall (long nr, struct trampfd_info *info)
{
  long int r = INTERNAL_SYSCALL_NCS (nr, 1, info);
  if (INTERNAL_SYSCALL_ERROR_P (r))
    {
      __set_errno (INTERNAL_SYSCALL_ERRNO (r));
      return -1;
    }
  return r;
}

# define tramp_trampfd_pwrite(fd, buf, len, offset) \
  INLINE_SYSCALL_CALL (pwrite64, fd, buf, len, \
		       SYSCALL_LL64_PRW ((off64_t) (offset)))
# define tramp_trampfd_close(fd) __close_nocancel_nostatus (fd)
#endif

#if !defined TRAMP_OS_TRAMPFD
# define TRAMP_TRAMPFD 0
#elif defined __x86_64__ && !defined __ILP32__
# define TRAMP_TRAMPFD 1
# define TRAMP_TRAMPFD_CODE_SIZE TRAMPFD_CODE_SIZE_X86_64
# define TRAMP_TRAMPFD_CODE_REG TRAMPFD_X86_R11
# define TRAMP_TRAMPFD_DATA_REG TRAMPFD_X86_R10
#elif defined __i386__
# define TRAMP_TRAMPFD 1
# define TRAMP_TRAMPFD_CODE_SIZE TRAMPFD_CODE_SIZE_I386
# define TRAMP_TRAMPFD_CODE_REG TRAMPFD_X86_EAX
# define TRAMP_TRAMPFD_DATA_REG TRAMPFD_X86_ECX
#elif defined __aarch64__ && !defined __ILP32__
/* x17, so that the target may start with "bti c".  The generated code
   has no landing pad of its own: the page is mapped without PROT_BTI,
   which the RFC's mmap leaves to the caller.  */
# define TRAMP_TRAMPFD 1
# define TRAMP_TRAMPFD_CODE_SIZE TRAMPFD_CODE_SIZE_ARM64
# define TRAMP_TRAMPFD_CODE_REG TRAMPFD_ARM64_X (17)
# define TRAMP_TRAMPFD_DATA_REG TRAMPFD_ARM64_X (18)
#else
# define TRAMP_TRAMPFD 0
#endif

#if TRAMP_TRAMPFD
/* Return the trampfd system call number, or -1 if trampfd is not to be
   used.  A configured number wins over the kernel's advertisement (so
   that trampfd can be disabled, or used on an out-of-tree kernel that
   does not advertise it).  Costs one scan of the auxiliary vector and
   no system call.  */
static inline long
tramp_trampfd_number (void)
{
  long nr = tramp_trampfd_override ();
  if (nr >= 0)
    return nr > 0 ? nr : -1;
  int saved = errno;
  unsigned long value = __getauxval (AT_TRAMPFD);
  __set_errno (saved);
  return value > 0 && value <= LONG_MAX ? (long) value : -1;
}
#endif

#endif /* tramp-trampfd.h */
