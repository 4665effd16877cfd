/* The trampoline file descriptor (trampfd) kernel interface, version 2.
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

#ifndef _TRAMPFD_H
#define _TRAMPFD_H 1

/* THIS DESCRIBES AN OUT-OF-TREE KERNEL INTERFACE: the trampfd RFC,
   version 2 (September 2020), which was never merged into Linux.  No
   released kernel provides it.  The layouts below are those of the
   RFC's include/uapi/linux/trampfd.h and of the register enumerations
   it added to each architecture's uapi asm/ptrace.h; the names are
   prefixed so that they cannot clash with a future real header.

   The RFC's system call number (440) was later given to
   process_madvise, so the number is never assumed: a kernel that
   provides trampfd advertises its number in the auxiliary vector under
   AT_TRAMPFD (a provisional value chosen by this project, see below),
   and the number can be given explicitly for out-of-tree kernels and
   tests (the glibc.tramp.trampfd tunable, or LIBTRAMP_TRAMPFD for
   libtramp).

   Protocol: fd = syscall (nr, &info) fills INFO and returns a
   close-on-exec descriptor.  pwrite a struct trampfd_code at offset
   TRAMPFD_CODE_OFFSET and a struct trampfd_data at TRAMPFD_DATA_OFFSET
   (each once: a second write fails with EEXIST; a wrong size, a bad
   register or a bad count with EINVAL).  Then
     mmap (hint, page size, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd,
	   info.code_offset)
   (exactly those flags and that length, else EINVAL; only once, else
   EEXIST; only by the process that created the descriptor) returns a
   page of INFO.NTRAMPOLINES trampolines of INFO.CODE_SIZE bytes.
   Trampoline X loads CODE_TABLE[X] into the code register and
   DATA_TABLE[X] into the data register, through the addresses of those
   elements, which the kernel writes into the code: the tables must not
   move while the page is mapped.  Table elements are pointers of the
   process's own size (8 bytes on 64-bit, 4 on 32-bit processes).  The
   mapping holds a reference to the file, so the descriptor can be
   closed once the page is mapped; the page is freed when it is
   unmapped.  */

#include <stdint.h>

/* Provisional auxiliary vector entry: its value is the system call
   number of trampfd.  Not allocated by Linux; chosen far above the
   entries Linux uses (the highest is AT_MINSIGSTKSZ, 51) so that it
   cannot be mistaken for one of them.  A kernel implementing this
   proposal would allocate the next free AT_ number instead.  */
#define AT_TRAMPFD 0x7472

/* Filled in by the kernel.  */
struct trampfd_info
{
  uint32_t ntrampolines;	/* Page size / code_size.  */
  uint32_t code_size;		/* Bytes per trampoline.  */
  uint32_t code_offset;		/* mmap offset of the code page.  */
  uint32_t reserved;
};

/* Written at TRAMPFD_CODE_OFFSET.  */
struct trampfd_code
{
  uint32_t ntrampolines;	/* 1 to info.ntrampolines.  */
  uint32_t reg;			/* Code register, TRAMPFD_REG_*.  */
  uint64_t table;		/* Address of the code address table.  */
};

/* Written at TRAMPFD_DATA_OFFSET.  */
struct trampfd_data
{
  uint32_t reg;			/* Data register, TRAMPFD_REG_*.  */
  uint32_t reserved;		/* Must be 0.  */
  uint64_t table;		/* Address of the data address table.  */
};

/* The pwrite offsets (enum trampfd_offsets in the RFC).  */
enum
{
  TRAMPFD_CODE_OFFSET = 0,
  TRAMPFD_DATA_OFFSET = 1,
};

/* Register names (the RFC's enum reg_32_name and reg_64_name).  The
   kernel accepts only the range of the caller's personality: the
   32-bit names for i386 and AArch32 processes, the 64-bit names
   otherwise.  */

/* x86: enum reg_32_name (i386; the RFC's x32_ prefix means i386, not
   the x32 ABI) and enum reg_64_name.  */
enum
{
  TRAMPFD_X86_32_MIN = 0,
  TRAMPFD_X86_EAX = TRAMPFD_X86_32_MIN,
  TRAMPFD_X86_EBX,
  TRAMPFD_X86_ECX,
  TRAMPFD_X86_EDX,
  TRAMPFD_X86_ESI,
  TRAMPFD_X86_EDI,
  TRAMPFD_X86_EBP,
  TRAMPFD_X86_32_MAX,
  TRAMPFD_X86_64_MIN = TRAMPFD_X86_32_MAX,
  TRAMPFD_X86_RAX = TRAMPFD_X86_64_MIN,
  TRAMPFD_X86_RBX,
  TRAMPFD_X86_RCX,
  TRAMPFD_X86_RDX,
  TRAMPFD_X86_RSI,
  TRAMPFD_X86_RDI,
  TRAMPFD_X86_RBP,
  TRAMPFD_X86_R8,
  TRAMPFD_X86_R9,
  TRAMPFD_X86_R10,
  TRAMPFD_X86_R11,
  TRAMPFD_X86_R12,
  TRAMPFD_X86_R13,
  TRAMPFD_X86_R14,
  TRAMPFD_X86_R15,
  TRAMPFD_X86_64_MAX,
};

/* arm and arm64: enum reg_32_name is r0 to r12 (arm, and AArch32
   processes on arm64), enum reg_64_name is x0 to x29 (arm64 only).  */
enum
{
  TRAMPFD_ARM_MIN = 0,
  TRAMPFD_ARM_R0 = TRAMPFD_ARM_MIN,
  TRAMPFD_ARM_R12 = TRAMPFD_ARM_R0 + 12,
  TRAMPFD_ARM_MAX,
  TRAMPFD_ARM64_MIN = TRAMPFD_ARM_MAX,
  TRAMPFD_ARM64_X0 = TRAMPFD_ARM64_MIN,
  TRAMPFD_ARM64_X29 = TRAMPFD_ARM64_X0 + 29,
  TRAMPFD_ARM64_MAX,
};
#define TRAMPFD_ARM_R(n) (TRAMPFD_ARM_R0 + (n))
#define TRAMPFD_ARM64_X(n) (TRAMPFD_ARM64_X0 + (n))

/* Trampoline sizes the RFC generates: x86_64 40 (endbr64, movabs and
   load for each register, jmp, nop, padding), i386 24, arm64 48 (four
   movz/movk, ldr for each register, br, padding), AArch32 28 (movw,
   movt, ldr for each register, bx).  */
#define TRAMPFD_CODE_SIZE_X86_64 40
#define TRAMPFD_CODE_SIZE_I386 24
#define TRAMPFD_CODE_SIZE_ARM64 48
#define TRAMPFD_CODE_SIZE_ARM 28

#endif /* trampfd.h */
