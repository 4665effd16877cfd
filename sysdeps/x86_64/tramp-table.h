/* Geometry of the x86_64 trampoline table.
   Copyright (C) 2026 Free Software Foundation, Inc.
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

/* The table is one page (the only page size x86_64 has) of 16-byte
   slots.  The pair {code, data} of the slot at address A lives at
   A + TRAMP_TABLE_SIZE in the data page mapped after each copy.  The
   first slots hold the tail shared by all entries (two on x32, whose
   tail needs 17 bytes).  */
#define TRAMP_TABLE_SIZE 4096
#define TRAMP_SLOT_SIZE 16
#ifdef __ILP32__
# define TRAMP_FIRST_SLOT 2
#else
# define TRAMP_FIRST_SLOT 1
#endif

#endif /* tramp-table.h */
