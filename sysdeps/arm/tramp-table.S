/* Trampoline table for arm.
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
   followed by a data page.  The entries are in ARM state, whatever
   state the rest of the library is compiled for (Thumb-2 on most
   distributions): callers reach them with BLX, which switches state
   because the entry address is even.  The entry at A loads the data
   pointer into ip (the static chain register) and then loads the
   target straight into pc with PC-relative loads; LDR into pc
   interworks (ARMv5T and later), so the target may be ARM code or
   Thumb code (odd address).  No other register, the stack and lr are
   not touched, so r0-r3, the VFP argument registers and the stacked
   arguments reach the target as the caller left them.  In ARM state
   pc reads as the address of the instruction plus 8.  */

#ifdef TRAMP_TABLE_SIZE
	/* LDR reaches 4095 bytes from pc; the pair must fit a slot.  */
	.if	TRAMP_TABLE_SIZE + 4 - 8 > 4095 || TRAMP_SLOT_SIZE < 8
	.error	"table geometry out of reach of the entry code"
	.endif

	.syntax	unified
	.arm
	/* A section of its own, which the linker places after .text.
	   Inside .text its alignment would become that of every
	   relocatable link holding it (libc_pic.os) and of the output
	   .text, each padded to it: on aarch64 that was 128 KiB of
	   padding on top of the one gap before the table.  */
	.section tramp_table, "ax", %progbits
	.balign	TRAMP_TABLE_SIZE
	.globl	__tramp_table
	.hidden	__tramp_table
	.type	__tramp_table, %function
__tramp_table:
	.rept	TRAMP_TABLE_SIZE / TRAMP_SLOT_SIZE
1:	ldr	ip, [pc, #TRAMP_TABLE_SIZE + 4 - 8]	/* data */
	ldr	pc, [pc, #TRAMP_TABLE_SIZE - 4 - 8]	/* code */
	.if	. - 1b - TRAMP_SLOT_SIZE
	.error	"trampoline slot is not TRAMP_SLOT_SIZE bytes"
	.endif
	.endr

	.if	. - __tramp_table - TRAMP_TABLE_SIZE
	.error	"trampoline table is not TRAMP_TABLE_SIZE bytes"
	.endif
	.size	__tramp_table, TRAMP_TABLE_SIZE
#endif
