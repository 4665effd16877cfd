/* Kernel-generated trampolines (trampfd): not available.  Generic version.
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

/* A system whose kernel can generate trampoline pages defines, in its
   own tramp-trampfd.h, TRAMP_TRAMPFD to 1 and:
     TRAMP_TRAMPFD_CODE_SIZE   the size of one generated trampoline;
     TRAMP_TRAMPFD_CODE_REG    the register name for the code address
                               (the scratch register of <sys/tramp.h>);
     TRAMP_TRAMPFD_DATA_REG    the register name for the data pointer
                               (TRAMP_DATA_REGISTER);
     struct trampfd_info, trampfd_code and trampfd_data, and
     TRAMPFD_CODE_OFFSET and TRAMPFD_DATA_OFFSET;
     tramp_trampfd_number ()   the system call number the kernel
                               advertises, or -1;
     tramp_trampfd_open (NR, INFO), tramp_trampfd_pwrite (FD, BUF,
     LEN, OFFSET), tramp_trampfd_close (FD)
                               the system calls, returning -1 with
                               errno set on failure.
   Elsewhere misc/tramp.c uses its own table only.  */
#define TRAMP_TRAMPFD 0

#endif /* tramp-trampfd.h */
