/* An alloc + set + free loop for counting instructions, e.g.
     valgrind --tool=callgrind --toggle-collect='tramp_*' tramp-loop N
   Not a test: it measures the static fast path that the trampfd
   backend must not slow down.  */

#include <stdio.h>
#include <stdlib.h>
#include <sys/tramp.h>

static long target (long x) { return x; }

int
main (int argc, char **argv)
{
  long n = argc > 1 ? atol (argv[1]) : 1000000;
  /* Warm up: the first table and the thread cache.  */
  void *warm = tramp_alloc ((void *) target, NULL);
  if (warm == NULL || tramp_free (warm) != 0)
    return 1;
  for (long i = 0; i < n; i++)
    {
      void *t = tramp_alloc ((void *) target, (void *) i);
      if (t == NULL || tramp_set (t, (void *) target, (void *) (i + 1)) != 0
	  || tramp_free (t) != 0)
	return 1;
    }
  puts ("done");
  return 0;
}
