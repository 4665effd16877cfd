/* Several threads create, call and release nested-function trampolines
   at once, each with its own LIFO; a thread that exits owning
   trampolines (skipped by longjmp) gets them released at exit.  */

#include <pthread.h>
#include <setjmp.h>
#include "nested-test.h"

#define THREADS 4
#ifndef ITERATIONS
# define ITERATIONS 200000
#endif
#define DEPTH 500

typedef long fn_t (long);

static long __attribute__ ((noinline))
call_it (fn_t *f, long x)
{
  return f (x);
}

static long __attribute__ ((noinline))
once (long id, long i)
{
  long k = id * 1000003 + i;
  long add (long x) { return x + k; }
  CHECK_TRAMP (add);
  return call_it (add, 1);
}

static long __attribute__ ((noinline))
deep (long id, int level, fn_t **fps)
{
  long mine = id * 100000 + level;
  long get (long x) { return x + mine; }
  fps[level] = get;
  long sum = 0;
  if (level + 1 < DEPTH)
    sum = deep (id, level + 1, fps);
  else
    /* All of this thread's trampolines are live here.  */
    for (int i = 0; i < DEPTH; i++)
      CHECK (fps[i] (0) == id * 100000 + i);
  CHECK (fps[level] (0) == mine);
  return sum + get (0);
}

static void *
worker (void *arg)
{
  long id = (long) arg;
  fn_t *fps[DEPTH];
  for (long i = 0; i < ITERATIONS; i++)
    if (once (id, i) != id * 1000003 + i + 1)
      FAIL ("thread %ld iteration %ld: wrong result", id, i);
  for (int round = 0; round < 20; round++)
    {
      long want = 0;
      for (int i = 0; i < DEPTH; i++)
	want += id * 100000 + i;
      CHECK (deep (id, 0, fps) == want);
    }
  return NULL;
}

/* A thread that leaves three trampolines behind with longjmp and then
   exits without creating or deleting any other.  */
static fn_t *leaked[3];
static jmp_buf leak_env;

static void __attribute__ ((noinline))
leak (int level)
{
  long mine = level;
  long get (long x) { return x + mine; }
  leaked[level] = get;
  CHECK_TRAMP (get);
  if (level == 2)
    _longjmp (leak_env, 1);
  leak (level + 1);
}

static void *
leaker (void *arg)
{
  if (_setjmp (leak_env) == 0)
    leak (0);
  for (int i = 0; i < 3; i++)
    CHECK_TRAMP (leaked[i]);
  return NULL;
}

int
main (void)
{
  pthread_t t[THREADS];
  for (long i = 0; i < THREADS; i++)
    CHECK (pthread_create (&t[i], NULL, worker, (void *) (i + 1)) == 0);
  for (int i = 0; i < THREADS; i++)
    CHECK (pthread_join (t[i], NULL) == 0);

  pthread_t l;
  CHECK (pthread_create (&l, NULL, leaker, NULL) == 0);
  CHECK (pthread_join (l, NULL) == 0);
  for (int i = 0; i < 3; i++)
    CHECK_FREED (leaked[i]);
  puts ("threads: OK");
  return 0;
}
