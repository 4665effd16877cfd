/* Operating system layer of the trampoline allocator.  Generic version.
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

#ifndef _TRAMP_OS_H
#define _TRAMP_OS_H 1

/* A system supporting trampolines defines, in its own tramp-os.h:
     TRAMP_OS_SUPPORTED      1;
     TRAMP_TLS_MODEL         the TLS model attribute for the per-thread
                             cache of free slots;
     tramp_thread_register   called after a thread first takes slots,
                             if thread exit needs a registration to
                             give them back;
     tramp_open_image        open the file holding the table and give
                             the table's offset in it;
   and makes glibc's internal locks, atomics, __mmap, __munmap,
   __mremap, __fstat64, __getpagesize, __close_nocancel_nostatus and
   __libc_fatal available.

   Elsewhere (for example on Hurd, which has no mremap duplicates of
   shared mappings) tramp_alloc fails with ENOSYS and the other
   functions with EINVAL.  */
#define TRAMP_OS_SUPPORTED 0

#endif /* tramp-os.h */
