/* Recursion that keeps many nested-function trampolines live at once,
   calls every one of them from the deepest frame, and releases them in
   LIFO order on the way back.  */

#include <unistd.h>
#include "nested-test.h"

#define DEPTH 20000

typedef long fn_t (long);
static fn_t *fps[DEPTH];

static long __attribute__ ((noinline))
recurse (int level)
{
  long mine = 3L * level + 7;
  long get (long x) { return x + mine; }
  fps[level] = get;
  CHECK_TRAMP (get);
  long sum = 0;
  if (level + 1 < DEPTH)
    sum = recurse (level + 1);
  else
    for (int i = 0; i < DEPTH; i++)
      sum += fps[i] (1);
  /* Deeper frames are gone; this frame's trampoline still works.  */
  CHECK (get (0) == mine);
  CHECK (fps[level] (10) == mine + 10);
  return sum;
}

int
main (void)
{
  long want = 0;
  for (int i = 0; i < DEPTH; i++)
    want += 1 + 3L * i + 7;
  for (int round = 0; round < 5; round++)
    {
      long got = recurse (0);
      if (got != want)
	FAIL ("round %d: sum %ld, want %ld", round, got, want);
      for (int i = 0; i < DEPTH; i++)
	CHECK_FREED (fps[i]);
    }
  puts ("recursion: OK");
  return 0;
}
