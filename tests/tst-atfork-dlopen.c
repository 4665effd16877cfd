/* Fork handlers that use trampolines, registered before libtramp is
   loaded with dlopen.

   pthread_atfork runs prepare handlers in the reverse order of
   registration and the parent and child handlers in the order of
   registration, so the program's handlers here run after libtramp's
   prepare handler, which takes the allocator's lock, and before its
   parent and child handlers, which release it.  Allocating and freeing
   in them must neither deadlock in the parent nor in the child.

   Built with LIBTRAMP_DIR, the build directory, and not linked with
   libtramp.  */

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <support/check.h>

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
  void *handle = dlopen (LIBTRAMP_DIR "/libtramp.so.1", RTLD_NOW);
  if (handle == NULL)
    FAIL_EXIT1 ("dlopen: %s", dlerror ());
  p_tramp_free = (int (*) (void *)) dlsym (handle, "tramp_free");
  p_tramp_alloc = (void *(*) (void *, void *)) dlsym (handle, "tramp_alloc");
  TEST_VERIFY_EXIT (p_tramp_alloc != NULL && p_tramp_free != NULL);
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

#include <support/test-driver.c>
