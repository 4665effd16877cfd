/* Corrupted data pages, and the freed-slot handler as a target.
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
   write can change the {code, data} pair of a free slot.  The
   allocator keeps nothing there: such a write must never make it
   write anywhere else, hand out anything but a working slot of its
   own, or see a free slot as live.  The pair layout comes from
   tramp-table.h.  */

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

/* Where an overwritten pair points: memory of the program, which a
   "trampoline" there would overwrite.  */
static void *bss_target[64];

static void **
pair_of (void *tramp)
{
  uintptr_t slot = (uintptr_t) tramp;
  uintptr_t span = slot & -(uintptr_t) (2 * TRAMP_TABLE_SIZE);
  return (void **) (span + TRAMP_TABLE_SIZE
		    + (slot - span) / TRAMP_SLOT_SIZE * TRAMP_PAIR_SIZE);
}

/* Allocate N trampolines and check that each is distinct from the
   others and from OLD (M of them, still live), and calls its own
   target with its own data.  */
static void
check_fresh (void **t, int n, void **old, int m)
{
  for (int i = 0; i < n; i++)
    {
      t[i] = tramp_alloc ((void *) tst_tramp_chain, &t[i]);
      TEST_VERIFY_EXIT (t[i] != NULL);
      TEST_VERIFY (tramp_code (t[i]) == (void *) tst_tramp_chain);
      TEST_VERIFY (((chain_fn *) t[i]) () == &t[i]);
      for (int j = 0; j < i; j++)
	TEST_VERIFY (t[j] != t[i]);
      for (int j = 0; j < m; j++)
	TEST_VERIFY (old[j] != t[i]);
    }
}

static void
check_bss_untouched (void)
{
  for (int i = 0; i < 64; i++)
    TEST_VERIFY (bss_target[i] == NULL);
}

/* The DATA of the free slots at the top of the cache now points into
   the program's .bss, where the free lists of an allocator that
   chains them through the pairs would take the next slot from.  */
static void
test_data_into_bss (void)
{
  void *t[2], *u[3];
  for (int i = 0; i < 2; i++)
    TEST_VERIFY_EXIT ((t[i] = tramp_alloc ((void *) target, NULL)) != NULL);
  TEST_COMPARE (tramp_free (t[1]), 0);
  TEST_COMPARE (tramp_free (t[0]), 0);
  pair_of (t[0])[1] = &bss_target[32];
  pair_of (t[1])[1] = &bss_target[32];
  check_fresh (u, 3, NULL, 0);
  check_bss_untouched ();
  for (int i = 0; i < 3; i++)
    TEST_COMPARE (tramp_free (u[i]), 0);
}

/* The DATA of every free slot, in the cache and owned by the tables,
   overwritten with the same word.  */
static void
test_all_data (void)
{
  enum { N = 100 };
  void *t[N], *u[2 * N];
  for (int i = 0; i < N; i++)
    TEST_VERIFY_EXIT ((t[i] = tramp_alloc ((void *) target, NULL)) != NULL);
  for (int i = 0; i < N; i++)
    TEST_COMPARE (tramp_free (t[i]), 0);
  for (int i = 0; i < N; i++)
    pair_of (t[i])[1] = (void *) (uintptr_t) 0x41414140;
  check_fresh (u, 2 * N, NULL, 0);
  check_bss_untouched ();
  for (int i = 0; i < 2 * N; i++)
    TEST_COMPARE (tramp_free (u[i]), 0);
}

/* Free slots made to look live (their pairs overwritten with a live
   target and data), in the thread's cache and owned by the table: the
   functions still see them as free, and they are handed out again as
   working slots.  */
static void
test_free_looking_live (void)
{
  enum { N = 200 };
  void *t[N], *u[N];
  for (int i = 0; i < N; i++)
    TEST_VERIFY_EXIT ((t[i] = tramp_alloc ((void *) target, NULL)) != NULL);
  /* Keep one live so that the table is not released.  The slots freed
     first go back to the table when the thread's cache overflows; the
     last freed stay in the cache.  */
  for (int i = 1; i < N; i++)
    TEST_COMPARE (tramp_free (t[i]), 0);
  for (int i = 1; i < N; i++)
    {
      pair_of (t[i])[0] = (void *) target;
      pair_of (t[i])[1] = &bss_target[8];
    }
  for (int k = 1; k < N; k += N - 2)
    {
      errno = 0;
      TEST_VERIFY (tramp_code (t[k]) == NULL);
      TEST_COMPARE (errno, EINVAL);
      errno = 0;
      TEST_VERIFY (tramp_data (t[k]) == NULL);
      TEST_COMPARE (errno, EINVAL);
      errno = 0;
      TEST_COMPARE (tramp_set (t[k], (void *) target, NULL), -1);
      TEST_COMPARE (errno, EINVAL);
      errno = 0;
      TEST_COMPARE (tramp_free (t[k]), -1);
      TEST_COMPARE (errno, EINVAL);
    }
  check_fresh (u, N - 1, t, 1);
  check_bss_untouched ();
  for (int i = 0; i < N - 1; i++)
    TEST_COMPARE (tramp_free (u[i]), 0);
  TEST_COMPARE (tramp_free (t[0]), 0);
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
  test_data_into_bss ();
  test_all_data ();
  test_free_looking_live ();
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
