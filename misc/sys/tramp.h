/* Trampolines without writable or anonymous executable memory.
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
#define _SYS_TRAMP_H 1

#include <features.h>

/* TRAMP_DATA_REGISTER, the name of the register that receives the data
   pointer, as a string usable in inline assembly (without the %
   prefix), and TRAMP_SCRATCH_REGISTER, the register that the trampoline
   may clobber (empty if none).  Defined only where trampolines are
   implemented.  */
#include <bits/tramp.h>

/* A trampoline is a code address that, when called, loads a data
   pointer into a register and jumps to a target function.  It turns a
   (function, context) pair into a plain function pointer, for example
   for a GCC nested function whose address escapes or for an FFI
   closure.

   The code executed by a trampoline is part of the C library's own
   text, mapped again next to a page of data: no page is ever writable
   and executable at once, no anonymous memory is ever executable, and
   nothing is made executable with mprotect.  Programs using these
   functions keep working under W^X policies (SELinux execmem, PaX
   MPROTECT, systemd MemoryDenyWriteExecute=).

   Calling a trampoline behaves as calling CODE directly, with the
   argument registers, the stack and the return address untouched, and
   with DATA in the register named by TRAMP_DATA_REGISTER.  That
   register is the static chain register of the architecture's ABI, so
   a trampoline is a valid pointer to a GCC nested function.  The
   scratch registers below may be clobbered.  TRAMP_SCRATCH_REGISTER
   names the one the entries use (x17 on aarch64; x16 is reserved too,
   as the procedure call standard lets any call change both).

     architecture  data register  scratch register
     x86_64        r10            r11
     i386          ecx            eax
     aarch64       x18            x16, x17
     arm           ip (r12)       none

   On i386 the target must not take arguments in eax, so fastcall,
   thiscall and regparm(1) or more are not supported.  On arm the entry
   point is in ARM state and the target may be ARM or Thumb code.

   All functions are thread-safe.  They are not async-signal-safe.  A
   child created by fork can use them, and the trampolines it inherited
   from its parent keep working in it.  No file descriptor stays open
   after a call returns.  */

__BEGIN_DECLS

/* Return a new trampoline that calls CODE with DATA in the data
   register.  CODE must not be NULL; DATA may be anything.  On failure
   return NULL and set errno:
     EINVAL   CODE is NULL;
     ENOMEM   no memory, address space or mappings (vm.max_map_count)
              for a new table;
     EAGAIN   the new table would exceed RLIMIT_MEMLOCK (mlockall);
     ENOSYS   trampolines are not supported on this architecture or
              system;
   Only where the kernel cannot copy the library's own mapping of the
   table (Linux before 5.13), the file is opened at the first
   allocation, and then also:
     ELIBACC  that file cannot be opened;
     ELIBBAD  that file is not the one loaded (it was replaced on disk
              before the first allocation);
     EMFILE, ENFILE
              no file descriptor to open that file (a later call tries
              again);
     EPERM, EACCES, ENODEV
              the file cannot be mapped executable (a security policy,
              a file system mounted noexec); other errors of mapping
              that file are reported as they are.
   Errors other than ENOMEM, EAGAIN, EMFILE and ENFILE are final for
   the process.  */
extern void *tramp_alloc (void *__code, void *__data) __THROW __wur;

/* Make the trampoline TRAMP call CODE with DATA.  Return 0, or -1 with
   errno set to EINVAL if TRAMP is not a live trampoline or CODE is
   NULL.  A thread calling TRAMP at the same time may see the old pair,
   the new pair, or the new DATA with the old CODE: synchronize if that
   matters.  A tramp_free racing with it wins or loses as a whole.  */
extern int tramp_set (void *__tramp, void *__code, void *__data) __THROW;

/* Free the trampoline TRAMP.  Return 0, or -1 with errno set to EINVAL
   if TRAMP is not a live trampoline (including a second free; of two
   threads freeing it at once, exactly one succeeds).  A later call
   through a freed trampoline terminates the process, until tramp_alloc
   hands the same address out again: with a diagnostic and abort, or,
   once all trampolines of its table are free and the table has been
   unmapped, with SIGSEGV.  It never reaches the old target.  */
extern int tramp_free (void *__tramp) __THROW;

/* Return the target of the live trampoline TRAMP, or NULL with errno
   set to EINVAL if TRAMP is not a live trampoline.  */
extern void *tramp_code (const void *__tramp) __THROW __wur;

/* Return the data pointer of the live trampoline TRAMP.  If TRAMP is
   not a live trampoline return NULL and set errno to EINVAL; a caller
   that stored NULL data tells the cases apart by clearing errno
   first.  */
extern void *tramp_data (const void *__tramp) __THROW __wur;

__END_DECLS

#endif /* sys/tramp.h */
