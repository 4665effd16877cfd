/* Per-architecture benchmark of <sys/tramp.h>, without libffi, so that
   it runs on every architecture the suite covers (cross builds under
   qemu-user included).  Emulated timings mean little on their own, so
   every figure is also given as a ratio to a plain indirect call timed
   in the same run.

   usage: bench-arch [SCALE]   (SCALE multiplies the iteration counts)  */

#include <stdio.h>
#include <stdlib.h>
#include "bench-common.h"

static long iterations = 1000000;

int
main (int argc, char **argv)
{
  if (argc > 1)
    iterations = (long) (iterations * atof (argv[1]));
  tramp_pair_loop (1000);

  callee = target;
  double plain = best_ns (call_loop, 10 * iterations, 5);
  callee = tramp_alloc ((void *) target, NULL);
  if (callee == NULL)
    {
      perror ("tramp_alloc");
      return 1;
    }
  double via = best_ns (call_loop, 10 * iterations, 5);
  tramp_free (callee);
  double pair = best_ns (tramp_pair_loop, iterations, 5);
  double ccd = best_ns (tramp_ccd_loop, iterations, 5);

  printf ("%-32s %10s %14s\n", "measure", "ns", "x plain call");
  printf ("%-32s %10.2f %14.2f\n", "plain indirect call", plain, 1.0);
  printf ("%-32s %10.2f %14.2f\n", "call through a trampoline", via,
	  via / plain);
  printf ("%-32s %10.2f %14.2f\n", "alloc + set + free", pair,
	  pair / plain);
  printf ("%-32s %10.2f %14.2f\n", "create + call + destroy", ccd,
	  ccd / plain);
  return 0;
}
