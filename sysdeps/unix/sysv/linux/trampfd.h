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

/* THIS DESCRIBES A KERNEL INTERFACE THAT IS NOT IN LINUX YET: the
   trampfd patch series for Linux 6.12 in this project's kernel/
   directory, which keeps the layouts of the trampfd RFC, version 2
   (September 2020), and adds a flags argument and the advertisement.
   The layouts below are those of its include/uapi/linux/trampfd.h and
   asm/trampfd.h; the names are prefixed or kept apart so that they
   cannot clash with the real headers.

   The system call number is never assumed (the RFC's 440 was later
   given to process_madvise, and the series' 463 is only provisional):
   the kernel advertises the number for the process's ABI in the
   auxiliary vector under AT_TRAMPFD, and that is the only number the
   library ever calls.

   Protocol: fd = syscall (nr, &info, 0) fills INFO and returns a
   close-on-exec descriptor.  pwrite a struct trampfd_code at offset
   TRAMPFD_CODE_OFFSET and a struct trampfd_data at TRAMPFD_DATA_OFFSET
   (each once: a second write fails with EEXIST; a wrong size, a bad
   register, the same register twice or a bad count or table with
   EINVAL).  Then
     mmap (hint, page size, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd,
	   info.code_offset)
   (a private, non-writable mapping of exactly one page, else EINVAL;
   only once, else EEXIST; only by the process that created the
   descriptor, else EPERM) returns a page of INFO.NTRAMPOLINES
   trampolines of INFO.CODE_SIZE bytes.  Trampoline X loads CODE_TABLE[X]
   into the code register and DATA_TABLE[X] into the data register,
   through the addresses of those elements, which the kernel writes into
   the code: the tables must not move while the page is mapped.  Table
   elements are pointers of the process's own size (8 bytes on 64-bit,
   4 on 32-bit processes).  The mapping holds a reference to the file,
   so the descriptor can be closed once the page is mapped; the page
   is freed when the last mapping of it goes away.  */

#include <stdint.h>

/* The auxiliary vector entry of the kernel series: its value is the
   trampfd system call number for the process's ABI.  52 is the first
   value that neither Linux's generic <linux/auxvec.h> nor any
   architecture's uses (sparc has 48 to 50, several architectures 51,
   AT_MINSIGSTKSZ).  */
#ifndef AT_TRAMPFD
# define AT_TRAMPFD 52
#endif

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

/* Trampoline sizes: x86_64 40 (endbr64, movabs and load for each
   register, jmp, int3 padding), i386 24, arm64 48 (bti c, four
   movz/movk and ldr for each register, br), AArch32 28 in the RFC
   (the kernel series has no AArch32 trampfd).  */
#define TRAMPFD_CODE_SIZE_X86_64 40
#define TRAMPFD_CODE_SIZE_I386 24
#define TRAMPFD_CODE_SIZE_ARM64 48
#define TRAMPFD_CODE_SIZE_ARM 28

#endif /* trampfd.h */
