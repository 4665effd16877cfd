/* What bench.c and bench-arch.c share: the clock, best-of-N timing, the
   target every trampoline calls, and the libtramp loops.  */

#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <time.h>
#include <sys/tramp.h>

static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Best of REPEAT runs of FN (N operations each), in ns per operation:
   the run least disturbed by the rest of the machine.  */
static double
best_ns (void (*fn) (long), long n, int repeat)
{
  double best = 1e30;
  for (int r = 0; r < repeat; r++)
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

/* Read at every call, as a real indirect call site does.  */
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
tramp_pair_loop (long n)
{
  for (long i = 0; i < n; i++)
    {
      void *t = tramp_alloc ((void *) target, (void *) i);
      tramp_set (t, (void *) target, (void *) (i + 1));
      tramp_free (t);
    }
}

static void
tramp_ccd_loop (long n)
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

#endif
