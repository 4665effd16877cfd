/* Fork handlers that use trampolines.
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

/* Fork handlers registered before the first use allocate and free
   trampolines, in the parent and in the child.  glibc takes the
   allocator's lock after running the prepare handlers and resets it
   before the others.  libtramp registers its own handlers, and the
   standalone build of this test loads it with dlopen (LIBTRAMP_DIR, not
   linked with it) after registering the program's: pthread_atfork runs
   prepare handlers in the reverse order of registration and the others
   in the order of registration, so the program's run after libtramp's
   prepare handler has taken the lock, and before its parent and child
   handlers release it.  Neither the parent nor the child may
   deadlock.  */

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sys/tramp.h>
#include <support/check.h>
#include <tramp-table.h>

#if !defined TRAMP_TABLE_SIZE || !defined __linux__
static int
do_test (void)
{
  FAIL_UNSUPPORTED ("no trampolines on this architecture or system");
}
#else

#define TIMEOUT 30

enum { FORKS = 20, COUNT = 200 };

static void *(*p_tramp_alloc) (void *, void *);
static int (*p_tramp_free) (void *);

static int
target (void)
{
  return 42;
}

/* Enough trampolines to take the allocator's lock on the way in
   (refill) and on the way out (flush).  */
static int
use (void)
{
  void *t[COUNT];
  for (int i = 0; i < COUNT; i++)
    if ((t[i] = p_tramp_alloc ((void *) target, NULL)) == NULL)
      return 0;
  for (int i = 0; i < COUNT; i++)
    if (((int (*) (void)) t[i]) () != 42 || p_tramp_free (t[i]) != 0)
      return 0;
  return 1;
}

static volatile int prepare_ok, parent_ok, child_ok;

static void
prepare (void)
{
  if (p_tramp_alloc != NULL)
    prepare_ok = use ();
}

static void
parent (void)
{
  if (p_tramp_alloc != NULL)
    parent_ok = use ();
}

static void
child (void)
{
  if (p_tramp_alloc != NULL)
    child_ok = use ();
}

static int
do_test (void)
{
  TEST_COMPARE (pthread_atfork (prepare, parent, child), 0);
#ifdef LIBTRAMP_DIR
  void *handle = dlopen (LIBTRAMP_DIR "/libtramp.so.1", RTLD_NOW);
  if (handle == NULL)
    FAIL_EXIT1 ("dlopen: %s", dlerror ());
  p_tramp_free = (int (*) (void *)) dlsym (handle, "tramp_free");
  p_tramp_alloc = (void *(*) (void *, void *)) dlsym (handle, "tramp_alloc");
  TEST_VERIFY_EXIT (p_tramp_alloc != NULL && p_tramp_free != NULL);
#else
  p_tramp_free = tramp_free;
  p_tramp_alloc = tramp_alloc;
#endif
  TEST_VERIFY (use ());

  for (int i = 0; i < FORKS; i++)
    {
      prepare_ok = parent_ok = 0;
      /* A deadlock in the parent's handlers ends in the test's timeout.  */
      pid_t pid = fork ();
      if (pid < 0)
	FAIL_EXIT1 ("fork: %m");
      if (pid == 0)
	_exit (child_ok && use () ? 0 : 3);
      TEST_VERIFY (prepare_ok);
      TEST_VERIFY (parent_ok);
      TEST_VERIFY (use ());
      /* A deadlock in the child's handler: give it 10 seconds.  */
      int status = 0;
      pid_t done = 0;
      for (int ms = 0; ms < 10000 && done == 0; ms += 10)
	{
	  done = waitpid (pid, &status, WNOHANG);
	  if (done == 0)
	    nanosleep (&(struct timespec) { 0, 10 * 1000 * 1000 }, NULL);
	}
      if (done == 0)
	{
	  kill (pid, SIGKILL);
	  waitpid (pid, &status, 0);
	  FAIL_EXIT1 ("fork %d: the child hangs in its fork handler", i);
	}
      if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
	FAIL_EXIT1 ("fork %d: child status %#x", i, status);
    }
  printf ("info: %d forks with fork handlers that allocate and free\n",
	  FORKS);
  return 0;
}

#endif /* TRAMP_TABLE_SIZE && __linux__ */

#include <support/test-driver.c>
