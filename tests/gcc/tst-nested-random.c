/* Random walks through three functions with different frame layouts
   (one with alloca) that own nested-function trampolines: calls,
   returns and longjmps to random ancestors.  At every step all the
   trampolines of the live frames are called and must give their
   frame's value (a live one released too early aborts or answers
   wrongly), and memory must stay flat: every skipped trampoline is
   reclaimed sooner or later.  Two more threads walk at the same time,
   with their own seeds.  */

#include <alloca.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include "nested-test.h"

#define MAX_DEPTH 48
#ifndef STEPS
# define STEPS 2000000
#endif

typedef long fn_t (long);

struct level
{
  jmp_buf env;
  fn_t *f[2];
  long want[2];
  int n;
};

static __thread struct level levels[MAX_DEPTH];
static __thread int depth;
static __thread long steps_left = STEPS;
static __thread uint64_t rng = 0x9e3779b97f4a7c15ULL;
static __thread int measure;
static long rss0, vma0;

static unsigned int
next_rand (void)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng >> 32;
}

static void
verify (void)
{
  for (int d = 0; d < depth; d++)
    for (int j = 0; j < levels[d].n; j++)
      if (levels[d].f[j] (0) != levels[d].want[j])
	FAIL ("level %d trampoline %d: wrong result", d, j);
}

static void call_random (int d);

/* Stay in frame D until a return; the callee may longjmp here or
   further up.  */
static void
walk (int d)
{
  _setjmp (levels[d].env);
  /* Reached first, or by a longjmp from a deeper frame.  */
  depth = d + 1;
  while (1)
    {
      if (--steps_left == STEPS / 10 && measure)
	{
	  rss0 = rss_kib ();
	  vma0 = vma_count ();
	}
      verify ();
      unsigned int r = next_rand () % 8;
      if (steps_left <= 0 || r < 2)
	return;
      if (r < 5 && d + 1 < MAX_DEPTH)
	{
	  call_random (d + 1);
	  depth = d + 1;
	}
      else if (r == 5 && d > 0)
	_longjmp (levels[next_rand () % d].env, 1);
    }
}

static void __attribute__ ((noinline))
fn_a (int d)
{
  long k = next_rand () % 1000;
  long f0 (long x) { return x + k; }
  CHECK_TRAMP (f0);
  levels[d].f[0] = f0;
  levels[d].want[0] = k;
  levels[d].n = 1;
  walk (d);
}

static void __attribute__ ((noinline))
fn_b (int d)
{
  volatile char pad[200];
  long k = next_rand () % 1000;
  pad[0] = 7;
  long f0 (long x) { return x + k + pad[0]; }
  long f1 (long x) { return x - k; }
  levels[d].f[0] = f0;
  levels[d].want[0] = k + 7;
  levels[d].f[1] = f1;
  levels[d].want[1] = -k;
  levels[d].n = 2;
  walk (d);
}

static void __attribute__ ((noinline))
fn_c (int d)
{
  long k = next_rand () % 1000;
  long f1 (long x) { return x * 2 + k; }
  long f0 (long x) { return x + 3 * k; }
  /* Move the stack pointer down by a random amount.  */
  volatile char *gap = alloca (16 + next_rand () % 512);
  gap[0] = 1;
  levels[d].f[0] = f0;
  levels[d].want[0] = 3 * k;
  levels[d].f[1] = f1;
  levels[d].want[1] = k;
  levels[d].n = 2;
  walk (d);
}

static void
call_random (int d)
{
  switch (next_rand () % 3)
    {
    case 0:
      fn_a (d);
      break;
    case 1:
      fn_b (d);
      break;
    default:
      fn_c (d);
      break;
    }
}

static void
walk_all (uint64_t seed)
{
  rng = seed;
  while (steps_left > 0)
    {
      depth = 0;
      call_random (0);
    }
}

static void *
thread_main (void *arg)
{
  walk_all ((uintptr_t) arg);
  return NULL;
}

int
main (void)
{
  pthread_t t[2];
  for (int i = 0; i < 2; i++)
    CHECK (pthread_create (&t[i], NULL, thread_main,
			   (void *) (uintptr_t) (0x1234567 + i)) == 0);
  for (int i = 0; i < 2; i++)
    CHECK (pthread_join (t[i], NULL) == 0);
  /* The main thread measures memory with no other thread running.  */
  measure = 1;
  walk_all (0x9e3779b97f4a7c15ULL);
  long rss1 = rss_kib (), vma1 = vma_count ();
  printf ("random: %d steps, RSS %ld -> %ld KiB, mappings %ld -> %ld\n",
	  STEPS, rss0, rss1, vma0, vma1);
  CHECK (rss0 > 0 && vma0 > 0);
  if (rss1 - rss0 > 1024)
    FAIL ("RSS grew by %ld KiB: skipped trampolines leak", rss1 - rss0);
  if (vma1 - vma0 > 2)
    FAIL ("%ld new mappings: skipped trampolines leak", vma1 - vma0);
  puts ("random: OK");
  return 0;
}
