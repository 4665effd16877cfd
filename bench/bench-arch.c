/* Per-architecture benchmark of <sys/tramp.h>, without libffi, so that
   it runs on every architecture the suite covers (cross builds under
   qemu-user included).  Emulated timings mean little on their own, so
   every figure is also given as a ratio to a plain indirect call timed
   in the same run.

   usage: bench-arch [SCALE]   (SCALE multiplies the iteration counts)  */

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/tramp.h>

static long iterations = 1000000;

static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Best of 5 runs of FN (N operations each), in ns per operation.  */
static double
best_ns (void (*fn) (long), long n)
{
  double best = 1e30;
  for (int r = 0; r < 5; r++)
    {
      double t0 = now ();
      fn (n);
      double t = (now () - t0) * 1e9 / n;
      best = t < best ? t : best;
    }
  return best;
}

static long __attribute__ ((noinline))
target (long x)
{
  return x + 1;
}

static long (*volatile callee) (long);
static volatile long sink;

static void
call_loop (long n)
{
  long acc = 0;
  for (long i = 0; i < n; i++)
    acc += callee (i);
  sink = acc;
}

static void
pair_loop (long n)
{
  for (long i = 0; i < n; i++)
    {
      void *t = tramp_alloc ((void *) target, (void *) i);
      tramp_set (t, (void *) target, (void *) (i + 1));
      tramp_free (t);
    }
}

static void
ccd_loop (long n)
{
  long acc = 0;
  for (long i = 0; i < n; i++)
    {
      long (*fn) (long) = tramp_alloc ((void *) target, (void *) i);
      acc += fn (i);
      tramp_free (fn);
    }
  sink = acc;
}

int
main (int argc, char **argv)
{
  if (argc > 1)
    iterations = (long) (iterations * atof (argv[1]));
  pair_loop (1000);

  callee = target;
  double plain = best_ns (call_loop, 10 * iterations);
  callee = tramp_alloc ((void *) target, NULL);
  if (callee == NULL)
    {
      perror ("tramp_alloc");
      return 1;
    }
  double via = best_ns (call_loop, 10 * iterations);
  tramp_free (callee);
  double pair = best_ns (pair_loop, iterations);
  double ccd = best_ns (ccd_loop, iterations);

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
