/* Corrupted free lists, and the freed-slot handler as a target.
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

/* The data pages are writable by the program: an overflow or a stray
   write can change the {code, data} pair of a free slot, where the
   free lists are linked.  Each such corruption must end in the
   allocator's fatal error message, never in a write through the
   corrupted link.  The pair layout comes from tramp-table.h.  */

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/tramp.h>
#include <support/capture_subprocess.h>
#include <support/check.h>
#include <support/xthread.h>
#include <tramp-table.h>

#if !defined TRAMP_TABLE_SIZE || !defined __linux__
static int
do_test (void)
{
  FAIL_UNSUPPORTED ("no trampolines on this architecture or system");
}
#else

#include "tst-tramp.h"

#ifndef TRAMP_PAIR_SIZE
# define TRAMP_PAIR_SIZE TRAMP_SLOT_SIZE
#endif
#define SLOTS (TRAMP_TABLE_SIZE / TRAMP_SLOT_SIZE)

typedef void *chain_fn (void);

static void
target (void)
{
}

/* Where a corrupted link points in the first case: memory of the
   program, which a "trampoline" there would overwrite.  */
static void *bss_target[64];

static void **
pair_of (void *tramp)
{
  uintptr_t slot = (uintptr_t) tramp;
  uintptr_t span = slot & -(uintptr_t) (2 * TRAMP_TABLE_SIZE);
  return (void **) (span + TRAMP_TABLE_SIZE
		    + (slot - span) / TRAMP_SLOT_SIZE * TRAMP_PAIR_SIZE);
}

/* The link of the free slot at the head of the cache now points into
   the program's .bss.  */
static void
corrupt_link (void *closure)
{
  void *t[2];
  for (int i = 0; i < 2; i++)
    TEST_VERIFY_EXIT ((t[i] = tramp_alloc ((void *) target, NULL)) != NULL);
  TEST_COMPARE (tramp_free (t[1]), 0);
  TEST_COMPARE (tramp_free (t[0]), 0);
  pair_of (t[0])[1] = &bss_target[32];
  for (int i = 0; i < 3; i++)
    {
      void *u = tramp_alloc ((void *) target, NULL);
      printf ("allocated %p\n", u);
    }
  printf ("bss: %p %p\n", bss_target[32], bss_target[33]);
  exit (0);
}

/* A free slot in the cache looks live: its code was overwritten.  */
static void
corrupt_code (void *closure)
{
  void *t = tramp_alloc ((void *) target, NULL);
  TEST_VERIFY_EXIT (t != NULL);
  TEST_COMPARE (tramp_free (t), 0);
  pair_of (t)[0] = (void *) target;
  void *u = tramp_alloc ((void *) target, NULL);
  printf ("allocated %p\n", u);
  exit (0);
}

/* Every link of free slots, in the cache and in the table's list,
   overwritten with the same word.  */
static void
corrupt_lists (void *closure)
{
  enum { N = 100 };
  void *t[N];
  for (int i = 0; i < N; i++)
    TEST_VERIFY_EXIT ((t[i] = tramp_alloc ((void *) target, NULL)) != NULL);
  for (int i = 0; i < N; i++)
    TEST_COMPARE (tramp_free (t[i]), 0);
  for (int i = 0; i < N; i++)
    pair_of (t[i])[1] = (void *) (uintptr_t) 0x41414140;
  for (int i = 0; i < 2 * N; i++)
    tramp_alloc ((void *) target, NULL);
  exit (0);
}

static void
expect_fatal (const char *name, void (*fn) (void *))
{
  struct support_capture_subprocess result
    = support_capture_subprocess (fn, NULL);
  printf ("info: %s: status %#x, stdout: %s, stderr: %s\n", name,
	  result.status, result.out.buffer ? result.out.buffer : "",
	  result.err.buffer ? result.err.buffer : "");
  if (!WIFSIGNALED (result.status) || WTERMSIG (result.status) != SIGABRT)
    FAIL ("%s: not ended by abort", name);
  if (result.err.buffer == NULL
      || strstr (result.err.buffer, "Fatal error: corrupted trampoline")
	 == NULL)
    FAIL ("%s: no fatal error message", name);
  support_capture_subprocess_free (&result);
}

/* A trampoline may target the freed-slot handler itself (its address
   can be read from any free pair): it is live and can be freed.  */
static void
test_handler_target (void)
{
  void *t = tramp_alloc ((void *) target, NULL);
  TEST_VERIFY_EXIT (t != NULL);
  TEST_COMPARE (tramp_free (t), 0);
  void *handler = pair_of (t)[0];
  void *u = tramp_alloc (handler, (void *) 7);
  TEST_VERIFY_EXIT (u != NULL);
  TEST_VERIFY (tramp_code (u) == handler);
  TEST_VERIFY (tramp_data (u) == (void *) 7);
  TEST_COMPARE (tramp_set (u, handler, (void *) 8), 0);
  TEST_VERIFY (tramp_code (u) == handler);
  TEST_COMPARE (tramp_free (u), 0);
  errno = 0;
  TEST_COMPARE (tramp_free (u), -1);
  TEST_COMPARE (errno, EINVAL);
}

static void *
alloc_free_tables (void *closure)
{
  void **t = closure;
  for (int i = 0; i < 4 * SLOTS; i++)
    TEST_VERIFY_EXIT ((t[i] = tramp_alloc ((void *) target, NULL)) != NULL);
  for (int i = 0; i < 4 * SLOTS; i++)
    TEST_COMPARE (tramp_free (t[i]), 0);
  return NULL;
}

/* Calling a freed trampoline whose table has been released: the
   process dies by a signal (the table's copy is gone), and the target
   never runs.  */
static void
call_released (void *closure)
{
  void **t = calloc (4 * SLOTS, sizeof *t);
  TEST_VERIFY_EXIT (t != NULL);
  /* The thread's cache goes back to the tables when it exits.  */
  xpthread_join (xpthread_create (NULL, alloc_free_tables, t));
  /* One table is kept as the spare: call into each in turn.  */
  for (int k = 0; k < 4; k++)
    ((chain_fn *) t[k * SLOTS]) ();
  exit (0);
}

static int
do_test (void)
{
  expect_fatal ("link into .bss", corrupt_link);
  expect_fatal ("free slot looking live", corrupt_code);
  expect_fatal ("all links overwritten", corrupt_lists);
  test_handler_target ();

  struct support_capture_subprocess result
    = support_capture_subprocess (call_released, NULL);
  printf ("info: call of a freed trampoline in a released table: "
	  "status %#x, stderr: %s\n", result.status,
	  result.err.buffer ? result.err.buffer : "");
  TEST_VERIFY (WIFSIGNALED (result.status)
	       && (WTERMSIG (result.status) == SIGSEGV
		   || WTERMSIG (result.status) == SIGABRT));
  support_capture_subprocess_free (&result);
  return 0;
}

#endif /* TRAMP_TABLE_SIZE && __linux__ */

#include <support/test-driver.c>
