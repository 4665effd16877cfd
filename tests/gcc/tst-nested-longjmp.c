/* longjmp out of frames that own nested-function trampolines, a
   million times (ITERATIONS; fewer under an emulator): the runtime must reclaim what longjmp skipped, so
   memory and mappings stay flat.  libgcc's own runtime never reclaims
   them (it grows by 32 bytes of W+X memory per skipped trampoline),
   which this test reports as a failure.  */

#include <setjmp.h>
#include "nested-test.h"

#ifndef ITERATIONS
# define ITERATIONS 1000000
#endif
#ifndef WARMUP
# define WARMUP 10000
#endif
#define LEVELS 3

typedef int fn_t (int);

static jmp_buf env;
static fn_t *last[LEVELS];

static void other (int level, int i);

static void __attribute__ ((noinline))
inner (int level, int i)
{
  int v = i;
  int f (int x) { return x + v + level; }
  fn_t *volatile fp = f;
  last[level] = f;
  if (fp (0) != i + level)
    FAIL ("iteration %d level %d: wrong result", i, level);
  if (level == 0)
    _longjmp (env, 1);
  inner (level - 1, i);
}

/* Another frame layout with two nested functions, called alternately
   with inner from the same place: earlier activations of both leave
   skipped slots at the same depth.  */
static void __attribute__ ((noinline))
other (int level, int i)
{
  volatile char pad[200];
  int v = i;
  pad[0] = 1;
  int f (int x) { return x + v + pad[0]; }
  int g (int x) { return x - v; }
  fn_t *volatile fp = f;
  fn_t *volatile gp = g;
  if (fp (0) != i + 1 || gp (i) != 0)
    FAIL ("iteration %d level %d: wrong result", i, level);
  if (level == 0)
    _longjmp (env, 1);
  if (level % 2)
    inner (level - 1, i);
  else
    other (level - 1, i);
}

static int __attribute__ ((noinline))
fresh (int v)
{
  int f (int x) { return x + v; }
  fn_t *volatile fp = f;
  CHECK_TRAMP (fp);
  return fp (1);
}

int
main (void)
{
  long rss0 = 0, vma0 = 0;
  for (int i = 0; i < ITERATIONS; i++)
    {
      if (i == WARMUP)
	{
	  rss0 = rss_kib ();
	  vma0 = vma_count ();
	}
      if (_setjmp (env) == 0)
	{
	  if (i % 2)
	    inner (LEVELS - 1, i);
	  else
	    other (LEVELS - 1, i);
	}
    }
  long rss1 = rss_kib (), vma1 = vma_count ();
  printf ("longjmp: %d iterations, RSS %ld -> %ld KiB, mappings %ld -> %ld\n",
	  ITERATIONS, rss0, rss1, vma0, vma1);
  CHECK (rss0 > 0 && vma0 > 0);

  /* The three trampolines of the last iteration are still owned; the
     next creation releases them (and may reuse one).  */
  for (int i = 0; i < LEVELS; i++)
    CHECK_TRAMP (last[i]);
  CHECK (fresh (41) == 42);
#ifdef EXPECT_LIBTRAMP
  int live = 0;
  for (int i = 0; i < LEVELS; i++)
    live += is_live_tramp (last[i]);
  if (live != 0)
    FAIL ("%d trampolines skipped by longjmp were not released", live);
#endif

  if (rss1 - rss0 > 1024)
    FAIL ("RSS grew by %ld KiB: trampolines skipped by longjmp leak",
	  rss1 - rss0);
  if (vma1 - vma0 > 2)
    FAIL ("%ld new mappings: trampolines skipped by longjmp leak",
	  vma1 - vma0);
  puts ("longjmp: OK");
  return 0;
}
