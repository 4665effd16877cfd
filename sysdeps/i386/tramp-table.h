/* Geometry of the i386 trampoline table.
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

/* The table is one 4 KiB page of 16-byte slots.  Slot 0 holds the helper
   shared by all entries; each other slot is an entry whose pair
   {code, data} lives at its address + TRAMP_TABLE_SIZE, in the data
   page mapped after each copy (8 bytes used of each 16-byte stride).  */
#define TRAMP_TABLE_SIZE 4096
#define TRAMP_SLOT_SIZE 16
#define TRAMP_FIRST_SLOT 1

#endif /* tramp-table.h */
