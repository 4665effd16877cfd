/* Geometry of the x86_64 trampoline table.
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

/* The table is two pages of 32-byte entries.  An entry is endbr64,
   a RIP-relative load of the data pointer and a RIP-relative indirect
   jump: 17 bytes, more than 16, so slots are 32 bytes apart.  The pairs
   {code, data} are 16 bytes apart, so the data page mapped after each
   copy is half used and costs one page per 256 trampolines: the pair of
   entry I is at TABLE + TRAMP_TABLE_SIZE + I * TRAMP_PAIR_SIZE.  One
   jump, not two: a call through a trampoline costs about half as much
   as with a 16-byte entry jumping to a shared tail.  */
#define TRAMP_TABLE_SIZE 8192
#define TRAMP_SLOT_SIZE 32
#define TRAMP_PAIR_SIZE 16
#define TRAMP_FIRST_SLOT 0

#endif /* tramp-table.h */
