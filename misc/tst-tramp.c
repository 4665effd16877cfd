/* Basic tests for <sys/tramp.h>: calls, data register, reuse, bad input.
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

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/tramp.h>
#include <support/capture_subprocess.h>
#include <support/check.h>
#include <support/xthread.h>
#include <tramp-table.h>

#if !defined TRAMP_TABLE_SIZE || !defined __linux__
/* No trampolines here: tst-tramp-nosys checks how the functions fail.  */
static int
do_test (void)
{
  FAIL_UNSUPPORTED ("no trampolines on this architecture or system");
}
#else

#include "tst-tramp.h"

#define NLIVE 5000

typedef void *chain_fn (void);

/* A target that identifies itself: returns its own index and the data
   register, through distinct functions so that a wrong jump shows.  */
static long target_calls[3];
static long target0 (long x) { target_calls[0]++; return x + 1000; }
static long target1 (long x) { target_calls[1]++; return x + 2000; }
static long target2 (long x) { target_calls[2]++; return x + 3000; }

static int
count_open_fds (void)
{
  DIR *d = opendir ("/proc/self/fd");
  if (d == NULL)
    return -1;
  int n = 0;
  while (readdir (d) != NULL)
    n++;
  closedir (d);
  return n;
}

static void
call_freed (void *closure)
{
  chain_fn *fn = (chain_fn *) closure;
  fn ();
}

static void
test_live_trampolines (void)
{
  static void *tramps[NLIVE];
  for (int i = 0; i < NLIVE; i++)
    {
      tramps[i] = tramp_alloc ((void *) tst_tramp_chain,
			       (void *) (uintptr_t) (i * 7 + 1));
      if (tramps[i] == NULL)
	FAIL_EXIT1 ("tramp_alloc %d: %m", i);
    }
  /* Each call reaches the target with its own data in the register.  */
  for (int i = 0; i < NLIVE; i++)
    TEST_COMPARE ((uintptr_t) ((chain_fn *) tramps[i]) (), i * 7 + 1);
  for (int i = 0; i < NLIVE; i++)
    {
      TEST_VERIFY (tramp_code (tramps[i]) == (void *) tst_tramp_chain);
      TEST_COMPARE ((uintptr_t) tramp_data (tramps[i]), i * 7 + 1);
    }
  /* All distinct.  */
  for (int i = 1; i < NLIVE; i++)
    TEST_VERIFY (tramps[i] != tramps[i - 1]);
  for (int i = 0; i < NLIVE; i++)
    TEST_COMPARE (tramp_free (tramps[i]), 0);
}

static void
test_targets_and_set (void)
{
  long (*fn) (long) = tramp_alloc ((void *) target0, NULL);
  TEST_VERIFY_EXIT (fn != NULL);
  TEST_COMPARE (fn (1), 1001);
  TEST_COMPARE (tramp_set (fn, (void *) target1, (void *) 5), 0);
  TEST_COMPARE (fn (2), 2002);
  TEST_VERIFY (tramp_code (fn) == (void *) target1);
  TEST_VERIFY (tramp_data (fn) == (void *) 5);
  TEST_COMPARE (tramp_set (fn, (void *) target2, NULL), 0);
  TEST_COMPARE (fn (3), 3003);
  TEST_COMPARE (target_calls[0], 1);
  TEST_COMPARE (target_calls[1], 1);
  TEST_COMPARE (target_calls[2], 1);
  /* A NULL target is refused and the trampoline is unchanged.  */
  errno = 0;
  TEST_COMPARE (tramp_set (fn, NULL, (void *) 9), -1);
  TEST_COMPARE (errno, EINVAL);
  TEST_COMPARE (fn (4), 3004);
  TEST_VERIFY (tramp_data (fn) == NULL);
  TEST_COMPARE (tramp_free (fn), 0);
}

#ifdef TST_TRAMP_HAVE_ARGS
static void
test_arguments (void)
{
  tst_tramp_args_fn *fn = tramp_alloc ((void *) tst_tramp_args,
				       (void *) 0x5eed);
  TEST_VERIFY_EXIT (fn != NULL);
  tst_tramp_saved_sp = NULL;
  long r = fn (1, 2, 3, 4, 5, 6, 7, 8, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5,
	       8.5, 9.5, 10.5);
  TEST_COMPARE (r, 0);
  TEST_VERIFY (tst_tramp_saved_chain == (void *) 0x5eed);
  /* Direct call for the reference stack pointer at the target's entry:
     the trampoline must leave it exactly as the caller set it.  */
  void *via_tramp = tst_tramp_saved_sp;
  r = tst_tramp_args (1, 2, 3, 4, 5, 6, 7, 8, 1.5, 2.5, 3.5, 4.5, 5.5,
		      6.5, 7.5, 8.5, 9.5, 10.5);
  TEST_COMPARE (r, 0);
  TEST_VERIFY (via_tramp == tst_tramp_saved_sp);
  TEST_COMPARE (tramp_free (fn), 0);
}

#endif

enum { RELEASE_TABLES = 20 };

struct release_counts
{
  int during;
  size_t live;
};

static void *
alloc_many_thread (void *closure)
{
  struct release_counts *counts = closure;
  size_t n = (size_t) RELEASE_TABLES * (TRAMP_TABLE_SIZE / TRAMP_SLOT_SIZE);
  void **many = calloc (n, sizeof *many);
  TEST_VERIFY_EXIT (many != NULL);
  for (size_t i = 0; i < n; i++)
    TEST_VERIFY_EXIT ((many[i] = tramp_alloc ((void *) target2, many))
		      != NULL);
  counts->during = tst_tramp_audit_maps ();
  counts->live = n;
  for (size_t i = 0; i < n; i++)
    TEST_COMPARE (tramp_free (many[i]), 0);
  free (many);
  return NULL;
}

/* INITIAL is the number of executable mappings before the first
   allocation, or -1 without /proc.  */
static void
test_reuse_and_release (int initial)
{
  /* A freed slot is the next one handed out.  */
  void *t = tramp_alloc ((void *) target0, NULL);
  TEST_VERIFY_EXIT (t != NULL);
  TEST_COMPARE (tramp_free (t), 0);
  void *u = tramp_alloc ((void *) target1, NULL);
  TEST_VERIFY (u == t);
  TEST_COMPARE (((long (*) (long)) u) (1), 2001);
  TEST_COMPARE (tramp_free (u), 0);

  /* Churn does not grow the address space: a leak would add a table
     per round.  The cache may pin a table more or less.  */
  enum { N = 300, ROUNDS = 1000 };
  void *batch[N];
  int before = -1, most = -1;
  for (int round = 0; round < ROUNDS; round++)
    {
      for (int i = 0; i < N; i++)
	TEST_VERIFY_EXIT ((batch[i] = tramp_alloc ((void *) target0,
						   batch)) != NULL);
      for (int i = 0; i < N; i++)
	TEST_COMPARE (tramp_free (batch[i]), 0);
      int now = tst_tramp_audit_maps ();
      if (round == 0)
	before = now;
      most = now > most ? now : most;
    }
  TEST_VERIFY (most <= before + 2);

  /* Tables are mapped as needed and released when empty.  A new thread
     starts with an empty cache and flushes it when it exits, so after
     it is gone only the spare table may remain of what it mapped.  */
  before = tst_tramp_audit_maps ();
  struct release_counts counts;
  xpthread_join (xpthread_create (NULL, alloc_many_thread, &counts));
  int after = tst_tramp_audit_maps ();
  if (initial >= 0)
    {
      printf ("info: executable mappings: %d at start, %d before, "
	      "%d with %zu live, %d after freeing them\n",
	      initial, before, counts.during, counts.live, after);
      /* It may have used the spare table.  */
      TEST_VERIFY (counts.during >= before + RELEASE_TABLES - 1);
      TEST_VERIFY (after <= before + 1);
    }
}

static void
test_bad_input (void)
{
  void *t = tramp_alloc ((void *) target0, (void *) 1);
  TEST_VERIFY_EXIT (t != NULL);
  char *slot = t;
  char *table = (char *) ((uintptr_t) slot & -(uintptr_t) TRAMP_TABLE_SIZE);
  int on_stack;
  void *bad[] =
    {
      NULL, (void *) 1, &on_stack, (void *) test_bad_input, bad,
      (void *) (uintptr_t) -16,
      slot + 1, slot + 4, slot + TRAMP_SLOT_SIZE / 2,
      slot + TRAMP_TABLE_SIZE,		/* Its data pair.  */
      slot + TRAMP_TABLE_SIZE + sizeof (void *),
      table,				/* Not a live entry.  */
      table + TRAMP_TABLE_SIZE - TRAMP_SLOT_SIZE, /* Never handed out.  */
    };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      if (bad[i] == t)
	continue;
      tst_tramp_check_refused (bad[i]);
    }
  errno = 0;
  TEST_VERIFY (tramp_alloc (NULL, NULL) == NULL);
  TEST_COMPARE (errno, EINVAL);

  /* Random pointers around the live trampoline, across its table, the
     neighbouring spans and unmapped parts of the reservation: each is
     refused unless it is the live one.  */
  unsigned int seed = 1;
  for (int i = 0; i < 100000; i++)
    {
      long delta = (long) (rand_r (&seed) % (1 << 22)) - (1 << 21);
      if (i % 2)
	delta &= -(long) TRAMP_SLOT_SIZE;
      char *p = slot + delta;
      if (p == slot)
	continue;
      errno = 0;
      if (tramp_free (p) != -1 || errno != EINVAL)
	FAIL_EXIT1 ("tramp_free accepted %p (trampoline %p)", p, t);
      if (tramp_data (p) != NULL)
	FAIL_EXIT1 ("tramp_data accepted %p", p);
    }

  /* The live trampoline was not disturbed.  */
  TEST_COMPARE (((long (*) (long)) t) (5), 1005);
  TEST_COMPARE (tramp_free (t), 0);
  /* Double free and use after free are refused.  */
  errno = 0;
  TEST_COMPARE (tramp_free (t), -1);
  TEST_COMPARE (errno, EINVAL);
  errno = 0;
  TEST_COMPARE (tramp_set (t, (void *) target0, NULL), -1);
  TEST_COMPARE (errno, EINVAL);
  TEST_VERIFY (tramp_code (t) == NULL);
  TEST_VERIFY (tramp_data (t) == NULL);

  /* The allocator still works.  */
  void *u = tramp_alloc ((void *) target2, NULL);
  TEST_VERIFY_EXIT (u != NULL);
  TEST_COMPARE (((long (*) (long)) u) (6), 3006);
  TEST_COMPARE (tramp_free (u), 0);
}

static void
test_call_freed (void)
{
  void *t = tramp_alloc ((void *) tst_tramp_chain, NULL);
  TEST_VERIFY_EXIT (t != NULL);
  TEST_COMPARE (tramp_free (t), 0);
  struct support_capture_subprocess result
    = support_capture_subprocess (call_freed, t);
  TEST_VERIFY (WIFSIGNALED (result.status)
	       && WTERMSIG (result.status) == SIGABRT);
  TEST_VERIFY (strstr (result.err.buffer, "freed trampoline") != NULL);
  printf ("info: calling a freed trampoline: %s", result.err.buffer);
  support_capture_subprocess_free (&result);
}

static int
do_test (void)
{
  int fds = count_open_fds ();
  int maps = tst_tramp_audit_maps ();

  test_live_trampolines ();
  test_targets_and_set ();
#ifdef TST_TRAMP_HAVE_ARGS
  test_arguments ();
#endif
  test_reuse_and_release (maps);
  test_bad_input ();
  test_call_freed ();

  /* No descriptor stays open, and the address space is still W^X.  */
  if (fds >= 0)
    TEST_COMPARE (count_open_fds (), fds);
  if (maps >= 0)
    tst_tramp_audit_maps ();
  else
    printf ("warning: /proc/self/maps not readable, audit skipped\n");
  return 0;
}

#endif /* TRAMP_TABLE_SIZE && __linux__ */

#include <support/test-driver.c>
