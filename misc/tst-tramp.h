/* Helpers shared by the trampoline tests.
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

#ifndef TST_TRAMP_H
#define TST_TRAMP_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/tramp.h>
#include <support/check.h>

/* tst_tramp_chain returns the data register as it was at entry.
   tst_tramp_args stores the data register in tst_tramp_saved_chain and
   the stack pointer at entry in tst_tramp_saved_sp, then tail-calls
   tst_tramp_args_impl with the arguments untouched.  */
void *tst_tramp_chain (void);
void *tst_tramp_saved_chain;
void *tst_tramp_saved_sp;

#if defined __x86_64__
asm (".text\n"
     ".globl tst_tramp_chain\n"
     ".type tst_tramp_chain, @function\n"
     "tst_tramp_chain:\n"
     "  endbr64\n"
     "  movq %r10, %rax\n"
     "  ret\n"
     ".size tst_tramp_chain, .-tst_tramp_chain\n"
     ".globl tst_tramp_args\n"
     ".type tst_tramp_args, @function\n"
     "tst_tramp_args:\n"
     "  endbr64\n"
     "  movq %r10, tst_tramp_saved_chain(%rip)\n"
     "  movq %rsp, tst_tramp_saved_sp(%rip)\n"
     "  jmp tst_tramp_args_impl\n"
     ".size tst_tramp_args, .-tst_tramp_args\n");
# define TST_TRAMP_HAVE_ARGS 1
#endif

#ifdef TST_TRAMP_HAVE_ARGS
/* Eight integer and ten floating-point arguments: the last ones are
   passed on the stack on every supported ABI.  */
typedef long tst_tramp_args_fn (long, long, long, long, long, long, long,
				long, double, double, double, double, double,
				double, double, double, double, double);
tst_tramp_args_fn tst_tramp_args;
/* Returns 0 if every argument has the value the test passes.  */
long tst_tramp_args_impl (long, long, long, long, long, long, long, long,
			  double, double, double, double, double, double,
			  double, double, double, double)
  __attribute__ ((used));

long
tst_tramp_args_impl (long a1, long a2, long a3, long a4, long a5, long a6,
		     long a7, long a8, double d1, double d2, double d3,
		     double d4, double d5, double d6, double d7, double d8,
		     double d9, double d10)
{
  long bad = 0;
  long ints[] = { a1, a2, a3, a4, a5, a6, a7, a8 };
  double dbls[] = { d1, d2, d3, d4, d5, d6, d7, d8, d9, d10 };
  for (int i = 0; i < 8; i++)
    bad += ints[i] != i + 1;
  for (int i = 0; i < 10; i++)
    bad += dbls[i] != i + 1.5;
  return bad;
}
#endif

/* Check /proc/self/maps: no mapping is writable and executable, and
   every executable mapping is backed by a file (the kernel's vdso and
   vsyscall pages aside).  Return the number of executable mappings, or
   -1 if /proc is not available.  */
static int __attribute__ ((unused))
tst_tramp_audit_maps (void)
{
  FILE *f = fopen ("/proc/self/maps", "re");
  if (f == NULL)
    return -1;
  char line[4096];
  int exec = 0;
  while (fgets (line, sizeof line, f) != NULL)
    {
      char perms[8] = "";
      unsigned long inode = 0;
      char path[4096] = "";
      if (sscanf (line, "%*x-%*x %7s %*x %*x:%*x %lu %4095[^\n]", perms,
		  &inode, path) < 2)
	FAIL_EXIT1 ("unparsable maps line: %s", line);
      if (perms[2] != 'x')
	continue;
      exec++;
      if (perms[1] == 'w')
	FAIL ("writable and executable mapping: %s", line);
      const char *name = path + strspn (path, " ");
      if (inode == 0 && strcmp (name, "[vdso]") != 0
	  && strcmp (name, "[vsyscall]") != 0
	  && strcmp (name, "[sigpage]") != 0
	  && strcmp (name, "[vectors]") != 0)
	FAIL ("anonymous executable mapping: %s", line);
    }
  fclose (f);
  return exec;
}

#endif /* tst-tramp.h */
