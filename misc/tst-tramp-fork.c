/* Trampolines in a child forked while other threads allocate and free.
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
#include <sys/wait.h>
#include <unistd.h>
#include <sys/tramp.h>
#include <support/check.h>
#include <tramp-table.h>
#include <support/xthread.h>
#include <support/xunistd.h>

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

enum { INHERITED = 300, FORKS = 200, CHILD_ALLOCS = 1000 };

static atomic_bool stop;
static void *inherited[INHERITED];

/* Keeps the allocator's lock and the thread caches busy, so that forks
   land while another thread is inside tramp_alloc or tramp_free.  */
static void *
churn (void *closure)
{
  void *batch[100];
  while (!atomic_load (&stop))
    {
      for (int i = 0; i < 100; i++)
	if ((batch[i] = tramp_alloc ((void *) tst_tramp_chain, batch)) == NULL)
	  FAIL_EXIT1 ("tramp_alloc: %m");
      for (int i = 0; i < 100; i++)
	if (tramp_free (batch[i]) != 0)
	  FAIL_EXIT1 ("tramp_free: %m");
    }
  return NULL;
}

static void
child (void)
{
  /* A deadlocked child fails the test instead of hanging it.  */
  alarm (10);
  for (int i = 0; i < INHERITED; i++)
    if (((chain_fn *) inherited[i]) () != (void *) (uintptr_t) (i + 1))
      {
	printf ("error: inherited trampoline %d is broken\n", i);
	_exit (1);
      }
  static void *mine[CHILD_ALLOCS];
  for (int i = 0; i < CHILD_ALLOCS; i++)
    {
      mine[i] = tramp_alloc ((void *) tst_tramp_chain,
			     (void *) (uintptr_t) (i + 7));
      if (mine[i] == NULL)
	{
	  printf ("error: tramp_alloc in child: %m\n");
	  _exit (1);
	}
    }
  for (int i = 0; i < CHILD_ALLOCS; i++)
    if (((chain_fn *) mine[i]) () != (void *) (uintptr_t) (i + 7)
	|| tramp_free (mine[i]) != 0)
      {
	printf ("error: child trampoline %d is broken\n", i);
	_exit (1);
      }
  /* Inherited trampolines can be freed in the child.  */
  for (int i = 0; i < INHERITED; i++)
    if (tramp_free (inherited[i]) != 0)
      _exit (1);
  _exit (0);
}

static int
do_test (void)
{
  for (int i = 0; i < INHERITED; i++)
    TEST_VERIFY_EXIT ((inherited[i]
		       = tramp_alloc ((void *) tst_tramp_chain,
				      (void *) (uintptr_t) (i + 1))) != NULL);
  pthread_t threads[2];
  for (int i = 0; i < 2; i++)
    threads[i] = xpthread_create (NULL, churn, NULL);
  for (int i = 0; i < FORKS; i++)
    {
      pid_t pid = xfork ();
      if (pid == 0)
	child ();
      int status;
      xwaitpid (pid, &status, 0);
      if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
	FAIL_EXIT1 ("child %d: status %#x", i, status);
    }
  atomic_store (&stop, true);
  for (int i = 0; i < 2; i++)
    xpthread_join (threads[i]);
  /* The parent's trampolines are unaffected by what the children did.  */
  for (int i = 0; i < INHERITED; i++)
    {
      TEST_VERIFY (((chain_fn *) inherited[i]) ()
		   == (void *) (uintptr_t) (i + 1));
      TEST_COMPARE (tramp_free (inherited[i]), 0);
    }
  printf ("info: %d children forked during allocation\n", FORKS);
  return 0;
}

#endif /* TRAMP_TABLE_SIZE && __linux__ */

#include <support/test-driver.c>
