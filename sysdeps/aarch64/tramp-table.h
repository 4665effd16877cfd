/* Geometry of the aarch64 trampoline table.
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

#ifndef _TRAMP_TABLE_H
#define _TRAMP_TABLE_H 1

/* The table is 64 KiB, the largest page size of the architecture, so
   the same copy works on kernels with 4 KiB, 16 KiB and 64 KiB pages.
   Every 16-byte slot is an entry; its pair {code, data} lives at its
   address + TRAMP_TABLE_SIZE, in the data pages mapped after each
   copy.  */
#define TRAMP_TABLE_SIZE 65536
#define TRAMP_SLOT_SIZE 16
#define TRAMP_FIRST_SLOT 0

#ifndef __ASSEMBLER__
# include <sys/auxv.h>
# include <sys/mman.h>

/* Every entry starts with "bti c".  When this library was built for
   BTI (so its own text is a guarded page whenever the processor has
   BTI: the loader or the kernel maps it with PROT_BTI), the copies of
   the table are guarded pages too, instead of holes in the protection
   of the process.  A library built without BTI keeps the process as
   it would be without trampolines.  __getauxval is the C library's own
   getauxval (tramp-os.h maps it for libtramp).  */
# if defined __ARM_FEATURE_BTI_DEFAULT && __ARM_FEATURE_BTI_DEFAULT \
     && defined PROT_BTI && defined HWCAP2_BTI
#  define tramp_code_prot() \
  ((__getauxval (AT_HWCAP2) & HWCAP2_BTI) != 0 ? PROT_BTI : 0)
# endif
#endif

#endif /* tramp-table.h */
