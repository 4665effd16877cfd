/* Exceptions unwinding through C frames (built with -fexceptions) that
   own nested-function trampolines: GCC's cleanup calls
   __gcc_nested_func_ptr_deleted in each frame.  Three kinds: a forced
   unwind (_Unwind_ForcedUnwind) in the main thread stopped by longjmp,
   pthread_exit, and pthread_cancel.  */

#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <unistd.h>
#include <unwind.h>
#include "nested-test.h"

#define DEPTH 50

typedef long fn_t (long);

static __thread fn_t *fps[DEPTH];
static __thread int cleanups;

static void
count_cleanup (int *p)
{
  (void) p;
  cleanups++;
}

static int pipe_fds[2];

enum how { FORCED, EXIT, CANCEL };

static void throw_forced (void);

static long __attribute__ ((noinline))
deep (int level, enum how how)
{
  int guard __attribute__ ((cleanup (count_cleanup))) = 0;
  long mine = level * 7;
  long get (long x) { return x + mine; }
  fps[level] = get;
  CHECK_TRAMP (get);
  if (level + 1 < DEPTH)
    return deep (level + 1, how) + get (0) + guard;
  for (int i = 0; i < DEPTH; i++)
    CHECK (fps[i] (1) == i * 7 + 1);
  switch (how)
    {
    case FORCED:
      throw_forced ();
      break;
    case EXIT:
      pthread_exit (NULL);
    case CANCEL:
      {
	char c;
	/* A cancellation point; the main thread never writes.  */
	while (1)
	  if (read (pipe_fds[0], &c, 1) < 0)
	    FAIL ("read: %m");
      }
    }
  FAIL ("not reached");
}

/* Forced unwind, stopped by longjmp when it reaches the frame of
   catcher.  */
static jmp_buf catch_env;
static uintptr_t catch_above;
static struct _Unwind_Exception exc;

static _Unwind_Reason_Code
stop (int version, _Unwind_Action actions, _Unwind_Exception_Class class,
      struct _Unwind_Exception *e, struct _Unwind_Context *context,
      void *param)
{
  (void) version, (void) class, (void) e, (void) param;
  if (actions & _UA_END_OF_STACK)
    FAIL ("unwound past the catcher");
  if (_Unwind_GetCFA (context) > catch_above)
    longjmp (catch_env, 1);
  return _URC_NO_REASON;
}

static void
throw_forced (void)
{
  memset (&exc, 0, sizeof exc);
  exc.exception_class = 0x74726d706e657374ULL;
  _Unwind_ForcedUnwind (&exc, stop, NULL);
  FAIL ("_Unwind_ForcedUnwind returned");
}

static void __attribute__ ((noinline))
catcher (void)
{
  volatile int marker = 0;
  catch_above = (uintptr_t) &marker;
  if (setjmp (catch_env) == 0)
    {
      deep (0, FORCED);
      FAIL ("deep returned");
    }
  (void) marker;
}

static void *
thread_main (void *arg)
{
  deep (0, (enum how) (intptr_t) arg);
  return NULL;
}

static fn_t *copy[DEPTH];
static int thread_cleanups;

static void
copy_out (void *arg)
{
  (void) arg;
  memcpy (copy, fps, sizeof copy);
  thread_cleanups = cleanups;
}

static void *
thread_wrapper (void *arg)
{
  void *result = NULL;
  pthread_cleanup_push (copy_out, NULL);
  result = thread_main (arg);
  pthread_cleanup_pop (1);
  return result;
}

static long
one_nested (long v)
{
  long add (long x) { return x + v; }
  CHECK_TRAMP (add);
  return add (1);
}

int
main (void)
{
  CHECK (pipe (pipe_fds) == 0);

  for (int round = 0; round < 1000; round++)
    {
      cleanups = 0;
      catcher ();
      if (cleanups != DEPTH)
	FAIL ("forced unwind: %d cleanups, want %d", cleanups, DEPTH);
      for (int i = 0; i < DEPTH; i++)
	CHECK_FREED (fps[i]);
      CHECK (one_nested (round) == round + 1);
    }

  for (int how = EXIT; how <= CANCEL; how++)
    for (int round = 0; round < 20; round++)
      {
	pthread_t t;
	CHECK (pthread_create (&t, NULL, thread_wrapper,
			       (void *) (intptr_t) how) == 0);
	if (how == CANCEL)
	  {
	    usleep (1000);
	    CHECK (pthread_cancel (t) == 0);
	  }
	void *ret;
	CHECK (pthread_join (t, &ret) == 0);
	CHECK (how == EXIT ? ret == NULL : ret == PTHREAD_CANCELED);
	if (thread_cleanups != DEPTH)
	  FAIL ("%s: %d cleanups, want %d",
		how == EXIT ? "pthread_exit" : "pthread_cancel",
		thread_cleanups, DEPTH);
	for (int i = 0; i < DEPTH; i++)
	  CHECK_FREED (copy[i]);
      }
  puts ("unwind: OK");
  return 0;
}
