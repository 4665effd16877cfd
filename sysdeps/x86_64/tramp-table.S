/* Trampoline table for x86_64.
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

#include <tramp-table.h>

#if defined __CET__ && __has_include (<cet.h>)
/* Mark the object IBT and SHSTK compatible: every entry starts with
   endbr64 and the table only jumps.  */
# include <cet.h>
#endif

/* Copies of this page are mapped read+exec from the library file, each
   followed by a data page.  Every entry loads its own address into r11
   and jumps to the shared tail, which loads the data pointer into r10
   (the static chain register) and jumps to the target; r11 is the only
   other register touched.  Only relative branches stay inside the
   table, so any copy behaves like the original.  */

	.text
	.balign	TRAMP_TABLE_SIZE
	.globl	__tramp_table
	.hidden	__tramp_table
	.type	__tramp_table, @object
__tramp_table:
tramp_tail:
#ifdef __ILP32__
	movl	TRAMP_TABLE_SIZE + 4(%r11), %r10d
	movl	TRAMP_TABLE_SIZE(%r11), %r11d
	jmp	*%r11
#else
	movq	TRAMP_TABLE_SIZE + 8(%r11), %r10
	jmp	*TRAMP_TABLE_SIZE(%r11)
#endif
	.fill	TRAMP_FIRST_SLOT * TRAMP_SLOT_SIZE - (. - tramp_tail), 1, 0xcc

	.rept	TRAMP_TABLE_SIZE / TRAMP_SLOT_SIZE - TRAMP_FIRST_SLOT
1:	endbr64
	leaq	1b(%rip), %r11
	/* Force the 5-byte form so that every slot is 16 bytes.  */
	.byte	0xe9
	.long	tramp_tail - (. + 4)
	.if	. - 1b - TRAMP_SLOT_SIZE
	.error	"trampoline slot is not TRAMP_SLOT_SIZE bytes"
	.endif
	.endr

	.if	. - __tramp_table - TRAMP_TABLE_SIZE
	.error	"trampoline table is not TRAMP_TABLE_SIZE bytes"
	.endif
	.size	__tramp_table, TRAMP_TABLE_SIZE

	.section .note.GNU-stack, "", @progbits
