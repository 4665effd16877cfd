/* Trampoline table for i386.
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

/* Copies of this page are mapped read+exec from the library file, each
   followed by a data page.  i386 has no PC-relative data addressing, so
   an entry at address A calls the helper in slot 0, which finds A + 9
   (the return address) at the top of the stack, loads the target into
   eax (the scratch register) and the data pointer into ecx (the static
   chain register) from A + TRAMP_TABLE_SIZE, and returns; the entry
   then jumps to the target.  The call and its return balance each
   other, on the stack and on a CET shadow stack alike; the only stack
   memory written is below the caller's stack pointer, so the arguments
   and the return address reach the target untouched, and so does edx.
   Only relative branches stay inside the table, so any copy behaves
   like the original.  With CET every entry starts with endbr32 and the
   only call is matched by a return, so the object is IBT and SHSTK
   compatible.  */

/* The return address the helper sees is the entry address plus this.  */
#define TRAMP_ENTRY_BIAS 9

	/* The helper fills slot 0; an entry and a pair fit a slot.  */
	.if	TRAMP_FIRST_SLOT < 1 || TRAMP_SLOT_SIZE < 16
	.error	"table geometry does not fit the entry code"
	.endif

	/* A section of its own, which the linker places after .text.
	   Inside .text its alignment would become that of every
	   relocatable link holding it (libc_pic.os) and of the output
	   .text, each padded to it: on aarch64 that was 128 KiB of
	   padding on top of the one gap before the table.  */
	.section tramp_table, "ax", %progbits
	.balign	TRAMP_TABLE_SIZE
	.globl	__tramp_table
	.hidden	__tramp_table
	.type	__tramp_table, @function
__tramp_table:
tramp_load:
	movl	(%esp), %ecx
	movl	TRAMP_TABLE_SIZE - TRAMP_ENTRY_BIAS(%ecx), %eax
	movl	TRAMP_TABLE_SIZE - TRAMP_ENTRY_BIAS + 4(%ecx), %ecx
	ret
	.fill	TRAMP_FIRST_SLOT * TRAMP_SLOT_SIZE - (. - tramp_load), 1, 0xcc

	.rept	TRAMP_TABLE_SIZE / TRAMP_SLOT_SIZE - TRAMP_FIRST_SLOT
1:
#ifdef __CET__
	endbr32
#else
	/* endbr32 is only a no-op from the P6 family on: a 4-byte no-op
	   that every i386 processor runs keeps the layout.  */
	.byte	0x8d, 0x74, 0x26, 0x00	/* leal 0(%esi,%eiz,1), %esi */
#endif
	/* Force the 5-byte form so that every slot has the same size.  */
	.byte	0xe8
	.long	tramp_load - (. + 4)
2:	jmp	*%eax
	.if	2b - 1b - TRAMP_ENTRY_BIAS
	.error	"TRAMP_ENTRY_BIAS does not match the entry code"
	.endif
	.fill	TRAMP_SLOT_SIZE - (. - 1b), 1, 0xcc
	.if	. - 1b - TRAMP_SLOT_SIZE
	.error	"trampoline slot is not TRAMP_SLOT_SIZE bytes"
	.endif
	.endr

	.if	. - __tramp_table - TRAMP_TABLE_SIZE
	.error	"trampoline table is not TRAMP_TABLE_SIZE bytes"
	.endif
	.size	__tramp_table, TRAMP_TABLE_SIZE
