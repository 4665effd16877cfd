/* Threads of a forked child use trampolines.
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

/* The allocator's lock is held across fork and made free again in the
   child.  A child of a single-threaded process may start threads of
   its own, which then take the lock: they must find it free and
   properly released (in the ThreadSanitizer build, a lock reset by
   re-initializing it while locked is reported as a double lock, which
   fails the child).  */

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/tramp.h>
#include <support/check.h>
#include <support/xthread.h>
#include <support/xunistd.h>
#include <tramp-table.h>

#if !defined TRAMP_TABLE_SIZE || !defined __linux__
static int
do_test (void)
{
  FAIL_UNSUPPORTED ("no trampolines on this architecture or system");
}
#else

#include "tst-tramp.h"

typedef void *chain_fn (void);

enum { FORKS = 20, THREADS = 2, COUNT = 300 };

static void *
use (void *closure)
{
  void *t[COUNT];
  for (int i = 0; i < COUNT; i++)
    if ((t[i] = tramp_alloc ((void *) tst_tramp_chain, &t[i])) == NULL)
      FAIL_EXIT1 ("tramp_alloc: %m");
  for (int i = 0; i < COUNT; i++)
    if (((chain_fn *) t[i]) () != &t[i] || tramp_free (t[i]) != 0)
      FAIL_EXIT1 ("trampoline %d: %m", i);
  return NULL;
}

static int
do_test (void)
{
  use (NULL);
  void *kept = tramp_alloc ((void *) tst_tramp_chain, &kept);
  TEST_VERIFY_EXIT (kept != NULL);
  for (int i = 0; i < FORKS; i++)
    {
      pid_t pid = xfork ();
      if (pid == 0)
	{
	  alarm (10);
	  pthread_t threads[THREADS];
	  for (int t = 0; t < THREADS; t++)
	    threads[t] = xpthread_create (NULL, use, NULL);
	  for (int t = 0; t < THREADS; t++)
	    xpthread_join (threads[t]);
	  if (((chain_fn *) kept) () != &kept || tramp_free (kept) != 0)
	    _exit (2);
	  _exit (0);
	}
      int status;
      xwaitpid (pid, &status, 0);
      if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
	FAIL_EXIT1 ("child %d: status %#x", i, status);
      /* The parent keeps using the lock between forks.  */
      use (NULL);
    }
  TEST_COMPARE (tramp_free (kept), 0);
  printf ("info: %d children each ran %d threads\n", FORKS, THREADS);
  return 0;
}

#endif /* TRAMP_TABLE_SIZE && __linux__ */

#include <support/test-driver.c>
