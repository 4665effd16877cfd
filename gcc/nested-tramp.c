/* libtramp-nested: GCC's -ftrampoline-impl=heap runtime on <sys/tramp.h>.
   Copyright The GNU Toolchain Authors.

   This file is free software; you can redistribute it and/or modify
   it under the terms of the GNU Lesser General Public License as
   published by the Free Software Foundation; either version 2.1 of the
   License, or (at your option) any later version.

   This file is distributed in the hope that it will be useful, but
   WITHOUT ANY WARRANTY; without even the implied warranty of
   MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
   Lesser General Public License for more details.

   You should have received a copy of the GNU Lesser General Public
   License along with this file; if not, see
   <https://www.gnu.org/licenses/>.  */

/* Defines __gcc_nested_func_ptr_created and __gcc_nested_func_ptr_deleted
   for programs built with -ftrampoline-impl=heap.  Link the archive
   before libgcc (any position among the program's own objects and
   libraries is before it):

     gcc -ftrampoline-impl=heap prog.c -ltramp-nested -ltramp

   The program's definition then wins over libgcc_s's and libgcc_eh's,
   which map writable and executable pages.  No fallback: when no
   trampoline can be had the process stops with a message, as GCC's
   interface has no way to report an error.  */

#include "heap-trampoline-libc.h"
