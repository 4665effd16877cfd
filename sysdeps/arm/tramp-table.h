/* Geometry of the arm trampoline table.
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

/* The table is one 4 KiB page (the only page size of 32-bit Arm Linux)
   of 8-byte slots, every one an entry; the pair {code, data} of the
   entry at address A lives at A + TRAMP_TABLE_SIZE, in the data page
   mapped after each copy, so pairs and slots have the same stride.  */
/* The entries are ARM-state code, and a load into pc switches to Thumb
   state for an odd target address only from ARMv5T on: processors
   without the ARM instruction set (M profile) or older than ARMv5 get
   no table, and tramp_alloc fails with ENOSYS there.  */
#if defined __ARM_ARCH_ISA_ARM && __ARM_ARCH >= 5
# define TRAMP_TABLE_SIZE 4096
# define TRAMP_SLOT_SIZE 8
# define TRAMP_FIRST_SLOT 0
#endif

#endif /* tramp-table.h */
