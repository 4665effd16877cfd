/* C frames, built with -fexceptions, that own nested-function
   trampolines and call back into C++, which throws through them (see
   tst-nested-cxx.cc).  */

#include "nested-test.h"

#define DEPTH 20

typedef long fn_t (long);

fn_t *nested_cxx_fps[DEPTH];
int nested_cxx_cleanups;

static void
count_cleanup (int *p)
{
  (void) p;
  nested_cxx_cleanups++;
}

long
nested_cxx_recurse (int level, void (*callback) (void))
{
  int guard __attribute__ ((cleanup (count_cleanup))) = 0;
  long mine = level * 5;
  long get (long x) { return x + mine; }
  nested_cxx_fps[level] = get;
  CHECK_TRAMP (get);
  if (level + 1 < DEPTH)
    return nested_cxx_recurse (level + 1, callback) + get (0) + guard;
  for (int i = 0; i < DEPTH; i++)
    CHECK (nested_cxx_fps[i] (1) == i * 5 + 1);
  callback ();
  return get (0);
}

int
nested_cxx_all_freed (void)
{
#ifdef EXPECT_LIBTRAMP
  for (int i = 0; i < DEPTH; i++)
    if (is_live_tramp (nested_cxx_fps[i]))
      return 0;
#endif
  return 1;
}
