/* i386: cdecl and stdcall targets keep their stack discipline.
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

/* A trampoline must leave the arguments on the stack and the return
   address alone, so that a stdcall target (which pops its arguments
   with "ret $N") returns to the caller with the stack balanced, just
   as a cdecl target does.  tst_call3 calls FN (1, 2, 3) and returns
   the difference between the stack pointer before pushing the
   arguments and after the call, which is 0 for a stdcall target and 12
   for a cdecl one; FN's result is stored in *RESULT.

   Targets that take arguments in registers are not supported:
   regparm(1) and more pass the first one in eax, the trampoline's
   scratch register, and fastcall and thiscall pass one in ecx, which
   receives the data pointer.  */

#include <stdio.h>
#include <sys/tramp.h>
#include <support/check.h>

long tst_call3 (void *fn, long *result);
long __attribute__ ((stdcall)) tst_stdcall_chain (long, long, long);
asm (".pushsection .text\n"
     ".globl tst_call3\n"
     ".type tst_call3, @function\n"
     "tst_call3:\n"
     "  endbr32\n"
     "  pushl %ebx\n"
     "  movl %esp, %ebx\n"
     "  pushl $3\n"
     "  pushl $2\n"
     "  pushl $1\n"
     "  call *8(%ebx)\n"
     "  movl 12(%ebx), %edx\n"
     "  movl %eax, (%edx)\n"
     "  movl %ebx, %eax\n"
     "  subl %esp, %eax\n"
     "  movl %ebx, %esp\n"
     "  popl %ebx\n"
     "  ret\n"
     ".size tst_call3, .-tst_call3\n"
     /* stdcall: returns ecx + 100 * a + 10 * b + c, pops 12 bytes.  */
     ".globl tst_stdcall_chain\n"
     ".type tst_stdcall_chain, @function\n"
     "tst_stdcall_chain:\n"
     "  endbr32\n"
     "  imull $100, 4(%esp), %eax\n"
     "  imull $10, 8(%esp), %edx\n"
     "  addl %edx, %eax\n"
     "  addl 12(%esp), %eax\n"
     "  addl %ecx, %eax\n"
     "  ret $12\n"
     ".size tst_stdcall_chain, .-tst_stdcall_chain\n"
     ".popsection\n");

static long __attribute__ ((stdcall))
stdcall_target (long a, long b, long c)
{
  return 100 * a + 10 * b + c + 5000;
}

static long __attribute__ ((cdecl))
cdecl_target (long a, long b, long c)
{
  return 100 * a + 10 * b + c + 6000;
}

static int
do_test (void)
{
  long result;

  /* The references, called directly.  */
  TEST_COMPARE (tst_call3 ((void *) stdcall_target, &result), 0);
  TEST_COMPARE (result, 5123);
  TEST_COMPARE (tst_call3 ((void *) cdecl_target, &result), 12);
  TEST_COMPARE (result, 6123);

  void *s = tramp_alloc ((void *) stdcall_target, NULL);
  void *c = tramp_alloc ((void *) cdecl_target, NULL);
  void *chain = tramp_alloc ((void *) tst_stdcall_chain, (void *) 70000);
  TEST_VERIFY_EXIT (s != NULL && c != NULL && chain != NULL);
  for (int i = 0; i < 100; i++)
    {
      result = 0;
      TEST_COMPARE (tst_call3 (s, &result), 0);
      TEST_COMPARE (result, 5123);
      result = 0;
      TEST_COMPARE (tst_call3 (c, &result), 12);
      TEST_COMPARE (result, 6123);
      result = 0;
      TEST_COMPARE (tst_call3 (chain, &result), 0);
      TEST_COMPARE (result, 70123);
    }

  /* The compiler's own calls, through typed pointers.  */
  long (__attribute__ ((stdcall)) *sp) (long, long, long) = s;
  long (*cp) (long, long, long) = c;
  TEST_COMPARE (sp (4, 5, 6), 5456);
  TEST_COMPARE (cp (4, 5, 6), 6456);

  TEST_COMPARE (tramp_free (s), 0);
  TEST_COMPARE (tramp_free (c), 0);
  TEST_COMPARE (tramp_free (chain), 0);
  printf ("info: stdcall and cdecl targets called through trampolines\n");
  return 0;
}

#include <support/test-driver.c>
