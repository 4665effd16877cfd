/* Trampoline table for aarch64.
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

/* Copies of this table are mapped read+exec from the library file,
   each followed by TRAMP_TABLE_SIZE bytes of data.  Every entry is a
   BTI landing pad for calls (BLR, or BR through x16/x17), loads the
   target into x17 (IP1, which the AAPCS64 already lets veneers
   clobber) and the data pointer into x18 (the static chain register)
   with PC-relative literal loads, and branches through x17, so that a
   target built for BTI accepts the branch as a call.  The stack, the
   link register and the argument registers x0-x8 and v0-v7 are never
   touched, and no instruction depends on where the copy is mapped.
   The table never saves or restores the link register, so the object
   is BTI and PAC compatible (<sysdep.h> marks it so).  */

/* Without branch protection the bytes stay the same: BTI is in the
   hint space and executes as a NOP on processors without it.  The
   test TRAMP_TEST_NO_BTI builds a table whose entries lack the
   landing pad, to show that the protection is really enforced.  */
#ifdef TRAMP_TEST_NO_BTI
# define TRAMP_LANDING_PAD nop
#else
# define TRAMP_LANDING_PAD hint 34	/* bti c */
#endif

	/* Literal loads reach 1 MiB forward; the pair must fit a slot.  */
	.if	TRAMP_TABLE_SIZE + 8 >= 1 << 20 || TRAMP_SLOT_SIZE < 16
	.error	"table geometry out of reach of the entry code"
	.endif
	/* Kernels with 64 KiB pages map the table only if it is whole
	   pages at a file offset that is a multiple of 64 KiB, which the
	   alignment below gives (it is the linker's maximum page size on
	   aarch64, so it does not add a segment).  */
	.if	TRAMP_TABLE_SIZE % 65536
	.error	"the aarch64 table must be a multiple of 64 KiB"
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
	.type	__tramp_table, %function
__tramp_table:
	.rept	TRAMP_TABLE_SIZE / TRAMP_SLOT_SIZE
1:	TRAMP_LANDING_PAD
	ldr	x17, 1b + TRAMP_TABLE_SIZE
	ldr	x18, 1b + TRAMP_TABLE_SIZE + 8
	br	x17
	.if	. - 1b - TRAMP_SLOT_SIZE
	.error	"trampoline slot is not TRAMP_SLOT_SIZE bytes"
	.endif
	.endr

	.if	. - __tramp_table - TRAMP_TABLE_SIZE
	.error	"trampoline table is not TRAMP_TABLE_SIZE bytes"
	.endif
	.size	__tramp_table, TRAMP_TABLE_SIZE
