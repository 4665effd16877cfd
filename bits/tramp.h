/* Registers used by trampolines.  Generic version.
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

#ifndef _SYS_TRAMP_H
# error "Never use <bits/tramp.h> directly; include <sys/tramp.h> instead."
#endif

/* An architecture with a trampoline table defines, in its own
   bits/tramp.h, TRAMP_DATA_REGISTER and TRAMP_SCRATCH_REGISTER (see
   <sys/tramp.h>).  Without a table tramp_alloc fails with ENOSYS and
   neither is defined.  */
