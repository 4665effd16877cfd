/* Concurrent allocation, calls, retargeting and release of trampolines.
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

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/tramp.h>
#include <support/check.h>
#include <tramp-table.h>
#include <support/xthread.h>

#if !defined TRAMP_TABLE_SIZE || !defined __linux__
/* No trampolines here: tst-tramp-nosys checks how the functions fail.  */
static int
do_test (void)
{
  FAIL_UNSUPPORTED ("no trampolines on this architecture or system");
}
#else

#include "tst-tramp.h"

#define TIMEOUT 60

typedef void *chain_fn (void);

enum { LOCAL = 200, EXCHANGE = 64 };

/* Slots where threads leave trampolines for others to check and free,
   so that slots migrate between thread caches and tables.  */
static _Atomic (void *) exchange[EXCHANGE];
static atomic_bool stop;
static atomic_long total_calls;

static void *
worker (void *closure)
{
  uintptr_t id = (uintptr_t) closure;
  void *mine[LOCAL];
  unsigned int seed = id;
  long calls = 0;
  for (unsigned long round = 0; !atomic_load (&stop); round++)
    {
      int n = 1 + rand_r (&seed) % LOCAL;
      for (int i = 0; i < n; i++)
	{
	  /* The data encodes the owner and the index.  */
	  uintptr_t data = (id << 20) | (uintptr_t) i << 1 | 1;
	  mine[i] = tramp_alloc ((void *) tst_tramp_chain, (void *) data);
	  if (mine[i] == NULL)
	    FAIL_EXIT1 ("thread %lu: tramp_alloc: %m", (unsigned long) id);
	}
      for (int i = 0; i < n; i++)
	{
	  uintptr_t want = (id << 20) | (uintptr_t) i << 1 | 1;
	  uintptr_t got = (uintptr_t) ((chain_fn *) mine[i]) ();
	  if (got != want)
	    FAIL_EXIT1 ("thread %lu: trampoline %d returned %#lx, not %#lx",
			(unsigned long) id, i, (unsigned long) got,
			(unsigned long) want);
	  /* Retarget: the new data must be what the next call sees.  */
	  if (tramp_set (mine[i], (void *) tst_tramp_chain,
			 (void *) (want + 2 * LOCAL)) != 0)
	    FAIL_EXIT1 ("tramp_set: %m");
	  got = (uintptr_t) ((chain_fn *) mine[i]) ();
	  if (got != want + 2 * LOCAL
	      || tramp_data (mine[i]) != (void *) (want + 2 * LOCAL))
	    FAIL_EXIT1 ("thread %lu: retargeted trampoline returned %#lx",
			(unsigned long) id, (unsigned long) got);
	  calls += 2;
	}
      /* Swap one into the exchange; free what was there, which another
	 thread probably allocated.  */
      void *old = atomic_exchange (&exchange[rand_r (&seed) % EXCHANGE],
				   mine[0]);
      if (old != NULL)
	{
	  if (((chain_fn *) old) () != tramp_data (old))
	    FAIL_EXIT1 ("exchanged trampoline lost its data");
	  if (tramp_free (old) != 0)
	    FAIL_EXIT1 ("tramp_free of exchanged trampoline: %m");
	}
      for (int i = 1; i < n; i++)
	if (tramp_free (mine[i]) != 0)
	  FAIL_EXIT1 ("tramp_free: %m");
    }
  atomic_fetch_add (&total_calls, calls);
  return NULL;
}

static int
do_test (void)
{
  static const int nthreads[] = { 2, 4, 8 };
  for (size_t k = 0; k < sizeof nthreads / sizeof nthreads[0]; k++)
    {
      pthread_t threads[8];
      atomic_store (&stop, false);
      atomic_store (&total_calls, 0);
      for (int i = 0; i < nthreads[k]; i++)
	threads[i] = xpthread_create (NULL, worker,
				      (void *) (uintptr_t) (i + 1));
      struct timespec pause = { 1, 0 };
      nanosleep (&pause, NULL);
      atomic_store (&stop, true);
      for (int i = 0; i < nthreads[k]; i++)
	xpthread_join (threads[i]);
      printf ("info: %d threads: %ld calls in 1 s\n", nthreads[k],
	      atomic_load (&total_calls));
      TEST_VERIFY (atomic_load (&total_calls) > 0);
    }
  for (int i = 0; i < EXCHANGE; i++)
    {
      void *t = atomic_load (&exchange[i]);
      if (t != NULL)
	TEST_COMPARE (tramp_free (t), 0);
    }
  tst_tramp_audit_maps ();
  return 0;
}

#endif /* TRAMP_TABLE_SIZE && __linux__ */

#include <support/test-driver.c>
