/* No trampoline function is a cancellation point.
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

/* A thread with a cancellation request pending uses the API: the
   first allocation of the process (which opens and maps the library
   file), then allocations that map new tables.  A cancellation point
   inside would act on the request there, in the middle of the
   allocator with its lock held, and every later allocation of the
   process would hang.  */

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/tramp.h>
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

#define TIMEOUT 30

typedef void *chain_fn (void);

/* Enough for new tables on every architecture (4096 slots per table on
   aarch64).  */
enum { LATER = 3 * TRAMP_TABLE_SIZE / TRAMP_SLOT_SIZE };

static void *tramps[LATER];
static atomic_int survived;

/* Allocate, call and free COUNT trampolines with a cancellation
   request pending, then act on it.  */
static void *
cancelled (void *closure)
{
  int count = (intptr_t) closure;
  TEST_COMPARE (pthread_cancel (pthread_self ()), 0);
  for (int i = 0; i < count; i++)
    {
      tramps[i] = tramp_alloc ((void *) tst_tramp_chain,
			       (void *) (uintptr_t) (i + 1));
      if (tramps[i] == NULL)
	FAIL_EXIT1 ("tramp_alloc: %m");
    }
  for (int i = 0; i < count; i++)
    {
      if (((chain_fn *) tramps[i]) () != (void *) (uintptr_t) (i + 1))
	FAIL_EXIT1 ("trampoline %d is broken", i);
      TEST_COMPARE (tramp_set (tramps[i], (void *) tst_tramp_chain, NULL), 0);
      TEST_VERIFY (tramp_code (tramps[i]) == (void *) tst_tramp_chain);
      TEST_VERIFY (tramp_data (tramps[i]) == NULL);
    }
  for (int i = 0; i < count; i++)
    TEST_COMPARE (tramp_free (tramps[i]), 0);
  tst_tramp_check_refused (tramps[0]);
  atomic_store (&survived, 1);
  pthread_testcancel ();
  FAIL_EXIT1 ("pthread_testcancel returned");
}

static void *
allocate (void *closure)
{
  for (int i = 0; i < 1000; i++)
    {
      void *t = tramp_alloc ((void *) tst_tramp_chain, &t);
      if (t == NULL || ((chain_fn *) t) () != &t || tramp_free (t) != 0)
	FAIL_EXIT1 ("trampoline %d in another thread: %m", i);
    }
  return closure;
}

/* Run a thread that cancels itself while it uses COUNT trampolines,
   then check that another thread still can.  */
static void
check (const char *what, int count)
{
  atomic_store (&survived, 0);
  pthread_t thr = xpthread_create (NULL, cancelled, (void *) (intptr_t) count);
  TEST_VERIFY (xpthread_join (thr) == PTHREAD_CANCELED);
  if (!atomic_load (&survived))
    FAIL ("%s: the thread was cancelled inside the trampoline functions",
	  what);

  /* An allocator lock left held makes the next thread hang: give it a
     few seconds and say so.  */
  thr = xpthread_create (NULL, allocate, (void *) "ok");
  struct timespec deadline;
  clock_gettime (CLOCK_REALTIME, &deadline);
  deadline.tv_sec += 10;
  void *result;
  int ret = pthread_timedjoin_np (thr, &result, &deadline);
  if (ret != 0)
    FAIL_EXIT1 ("%s: allocation in another thread hangs afterwards "
		"(pthread_timedjoin_np: %d)", what, ret);
  TEST_VERIFY (result != NULL);
  printf ("info: %s: %d trampolines with a cancellation pending\n", what,
	  count);
}

static int
do_test (void)
{
  /* Before anything else in the process uses a trampoline.  */
  check ("first allocation", 1);
  check ("later allocations", LATER);
  return 0;
}

#endif /* TRAMP_TABLE_SIZE && __linux__ */

#include <support/test-driver.c>
