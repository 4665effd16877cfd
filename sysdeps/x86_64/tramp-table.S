/* Trampoline table for x86_64.
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

#include <sysdep.h>
#include <tramp-table.h>

/* Copies of these pages are mapped read+exec from the library file,
   each followed by a data page.  Entry I loads the data pointer into
   r10 (the static chain register) from the pair I of that page and
   jumps to the target through the pair; on x32 r11 carries the target
   (pointers are 4 bytes there).  The loads are RIP-relative, so any
   copy reaches its own data.  Every entry starts with endbr64 and the
   table only jumps, so the object is IBT and SHSTK compatible (the
   build marks it so when CET is enabled).

   mmap needs the table at a page-aligned file offset; the copies are
   placed by tramp.c, so the table itself needs no more than page
   alignment.  Aligning it to TRAMP_TABLE_SIZE would raise the
   alignment of libc's .text above the 4 KiB maximum page size and
   cost every process an extra mapping.  */

	/* A section of its own, which the linker places after .text.
	   Inside .text its alignment would become that of every
	   relocatable link holding it (libc_pic.os) and of the output
	   .text, each padded to it: on aarch64 that was 128 KiB of
	   padding on top of the one gap before the table.  */
	.section tramp_table, "ax", %progbits
	.balign	4096
	.globl	__tramp_table
	.hidden	__tramp_table
	.type	__tramp_table, @function
__tramp_table:
	.set	tramp_pair, __tramp_table + TRAMP_TABLE_SIZE
	.rept	TRAMP_TABLE_SIZE / TRAMP_SLOT_SIZE
1:	endbr64
#ifdef __ILP32__
	movl	tramp_pair + 4(%rip), %r10d
	movl	tramp_pair(%rip), %r11d
	jmp	*%r11
#else
	movq	tramp_pair + 8(%rip), %r10
	jmp	*tramp_pair(%rip)
#endif
	.if	. - 1b > TRAMP_SLOT_SIZE
	.error	"trampoline entry does not fit in TRAMP_SLOT_SIZE bytes"
	.endif
	.fill	TRAMP_SLOT_SIZE - (. - 1b), 1, 0xcc
	.set	tramp_pair, tramp_pair + TRAMP_PAIR_SIZE
	.endr

	.if	. - __tramp_table - TRAMP_TABLE_SIZE
	.error	"trampoline table is not TRAMP_TABLE_SIZE bytes"
	.endif
	.size	__tramp_table, TRAMP_TABLE_SIZE
