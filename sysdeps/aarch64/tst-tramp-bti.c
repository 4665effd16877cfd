/* aarch64: trampolines are BTI landing pads in guarded pages.
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

/* Built twice, both linked with the table and allocator objects
   directly and run under a BTI-enforcing CPU (qemu-aarch64 -cpu max):
   with the real table, calls through trampolines work although their
   pages are mapped PROT_BTI; with TST_TRAMP_BROKEN_BTI the table was
   assembled with TRAMP_TEST_NO_BTI (no "bti c" at the entries) and the
   first call through a trampoline must die with SIGILL.  The second
   build shows that the copies really are guarded pages: were they
   mapped without PROT_BTI, it would not fail.  */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/tramp.h>
#include <sys/wait.h>
#include <support/capture_subprocess.h>
#include <support/check.h>

static int
target (int x)
{
  return 3 * x;
}

static void
call_through (void *closure)
{
  int (*fn) (int) = closure;
  int r = fn (14);
  printf ("call returned %d\n", r);
  exit (r == 42 ? 0 : 1);
}

static int
do_test (void)
{
  if ((getauxval (AT_HWCAP2) & HWCAP2_BTI) == 0)
    FAIL_UNSUPPORTED ("the CPU does not implement BTI "
		      "(run under qemu-aarch64 -cpu max)");
#if !defined __ARM_FEATURE_BTI_DEFAULT || !__ARM_FEATURE_BTI_DEFAULT
  FAIL_UNSUPPORTED ("not built with -mbranch-protection=bti or standard");
#endif

  void *t = tramp_alloc ((void *) target, NULL);
  TEST_VERIFY_EXIT (t != NULL);
  struct support_capture_subprocess result
    = support_capture_subprocess (call_through, t);
#ifdef TST_TRAMP_BROKEN_BTI
  printf ("info: entry without landing pad: %s",
	  WIFSIGNALED (result.status)
	  ? strsignal (WTERMSIG (result.status)) : result.out.buffer);
  printf ("\n");
  TEST_VERIFY (WIFSIGNALED (result.status)
	       && WTERMSIG (result.status) == SIGILL);
#else
  TEST_VERIFY (WIFEXITED (result.status) && WEXITSTATUS (result.status) == 0);
  TEST_VERIFY (strstr (result.out.buffer, "returned 42") != NULL);
  /* Also in this process, many times and through many copies.  */
  enum { N = 10000 };
  static void *many[N];
  for (int i = 0; i < N; i++)
    {
      TEST_VERIFY_EXIT ((many[i] = tramp_alloc ((void *) target, NULL))
			!= NULL);
      TEST_COMPARE (((int (*) (int)) many[i]) (i), 3 * i);
    }
  for (int i = 0; i < N; i++)
    TEST_COMPARE (tramp_free (many[i]), 0);
  printf ("info: %d calls through guarded trampolines\n", N + 1);
#endif
  support_capture_subprocess_free (&result);
  TEST_COMPARE (tramp_free (t), 0);
  return 0;
}

#include <support/test-driver.c>
