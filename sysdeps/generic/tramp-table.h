/* Trampoline table geometry: no table on this architecture.
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

/* An architecture with a table defines, in its own tramp-table.h:
     TRAMP_TABLE_SIZE  bytes in the table, the largest page size of the
                       architecture (a power of two);
     TRAMP_SLOT_SIZE   bytes in a slot;
     TRAMP_PAIR_SIZE   bytes between the data pairs, if not
                       TRAMP_SLOT_SIZE (a power of two, at least two
                       pointers and at most a slot);
     TRAMP_FIRST_SLOT  number of leading slots that are not entries.
   Without TRAMP_TABLE_SIZE, tramp_alloc fails with ENOSYS.  */

#ifndef _TRAMP_TABLE_H
#define _TRAMP_TABLE_H 1
#endif
