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
   trampfd.h for the kernel interface (the trampfd patch series of
   kernel/, not in Linux yet), so that misc/tramp.c can use a kernel
   carrying it.

   The generated trampoline loads the target into a code register and
   jumps through it, so it clobbers that register: it must be the
   scratch register that <sys/tramp.h> allows, distinct from the data
   register.  arm has none (only ip may be touched, and ip is the data
   register), so it never uses trampfd; nor do the ILP32 ABIs of
   64-bit architectures, for which the kernel does not provide it.

   The system call number is only ever the one the kernel advertises
   in the auxiliary vector (AT_TRAMPFD): no setting names a number, so
   no setting can make the library issue another system call.

   The OS layer (tramp-os.h) enables the backend by defining
   TRAMP_OS_TRAMPFD and the following (inside glibc, this file defines
   them itself):
     tramp_trampfd_setting ()    -1 for the default, 0 to never use
                                 trampfd, 1 to use it whenever the
                                 kernel advertises it (glibc: the
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
/* Inside glibc: the setting is the glibc.tramp.trampfd tunable (-1,
   the default; 0: never; 1: whenever the kernel advertises trampfd;
   glibc refuses other values), which glibc ignores in AT_SECURE
   processes.  The system calls are made directly, so that tramp_alloc
   is not a cancellation point.  */
# include <elf/dl-tunables.h>
# include <not-cancel.h>
# include <sysdep.h>
# define TRAMP_OS_TRAMPFD 1

static inline int
tramp_trampfd_setting (void)
{
  return TUNABLE_GET_FULL (glibc, tramp, trampfd, int32_t, NULL);
}

static inline int
tramp_trampfd_syscall (long nr, struct trampfd_info *info)
{
  long int r = INTERNAL_SYSCALL_NCS (nr, 2, info, 0);
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
/* Whether trampfd is used when the kernel advertises it and nothing
   is configured.  It follows the measurement in doc/trampfd.md: the
   static tables allocate and free several times faster (thread
   caches, no lock) and call as fast, so they are preferred, and
   trampfd is used when the setting asks for it (1).  */
# ifndef TRAMP_TRAMPFD_DEFAULT
#  define TRAMP_TRAMPFD_DEFAULT 0
# endif

/* Return the trampfd system call number, or -1 if trampfd is not to be
   used.  The number is the kernel's advertisement and nothing else;
   the setting can only turn its use off (or on, when the default is
   off).  Costs one scan of the auxiliary vector and no system call.  */
static inline long
tramp_trampfd_number (void)
{
  int setting = tramp_trampfd_setting ();
  if (setting == 0 || (setting < 0 && !TRAMP_TRAMPFD_DEFAULT))
    return -1;
  int saved = errno;
  unsigned long value = __getauxval (AT_TRAMPFD);
  __set_errno (saved);
  return value > 0 && value <= INT_MAX ? (long) value : -1;
}
#endif

#endif /* tramp-trampfd.h */
