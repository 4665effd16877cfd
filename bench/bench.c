/* Benchmark of <sys/tramp.h> against libffi's closures (built with
   static trampolines in Debian's libffi 3.4.4), in one run.

   usage: bench [SCALE]   (SCALE multiplies the iteration counts)

   Prints one line per measure: libtramp, the anchor, their ratio and
   the goal from DESIGN.md section 6.  Times are the best of several
   repetitions, in nanoseconds per operation.  */

#include <ffi.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bench-common.h"
#include "../tests/proc-stats.h"

static long iterations = 2000000;

static void
closure_handler (ffi_cif *cif, void *ret, void **args, void *data)
{
  *(ffi_arg *) ret = *(long *) args[0] + 1;
}

static ffi_cif cif;
static ffi_type *arg_types[1] = { &ffi_type_slong };

static void
ffi_pair_loop (long n)
{
  for (long i = 0; i < n; i++)
    {
      void *code;
      ffi_closure *c = ffi_closure_alloc (sizeof *c, &code);
      ffi_prep_closure_loc (c, &cif, closure_handler, (void *) i, code);
      ffi_closure_free (c);
    }
}

static void
ffi_ccd_loop (long n)
{
  long acc = 0;
  for (long i = 0; i < n; i++)
    {
      void *code;
      ffi_closure *c = ffi_closure_alloc (sizeof *c, &code);
      ffi_prep_closure_loc (c, &cif, closure_handler, (void *) i, code);
      acc += ((long (*) (long)) code) (i);
      ffi_closure_free (c);
    }
  sink = acc;
}

enum { LIVE = 1000000 };

static void
live_tramp (double *bytes, long *maps)
{
  void **v = malloc (LIVE * sizeof *v);
  /* Touch the array before measuring (not with memset: the compiler
     would make that a calloc of untouched pages).  */
  for (long i = 0; i < LIVE; i++)
    v[i] = v;
  long rss0 = proc_rss_anon_kib (), maps0 = proc_count_maps ();
  for (long i = 0; i < LIVE; i++)
    v[i] = tramp_alloc ((void *) target, (void *) i);
  *bytes = (proc_rss_anon_kib () - rss0) * 1024.0 / LIVE;
  *maps = proc_count_maps () - maps0;
  for (long i = 0; i < LIVE; i++)
    tramp_free (v[i]);
  free (v);
}

static void
live_ffi (double *bytes, long *maps)
{
  void **v = malloc (LIVE * sizeof *v);
  /* Touch the array before measuring (not with memset: the compiler
     would make that a calloc of untouched pages).  */
  for (long i = 0; i < LIVE; i++)
    v[i] = v;
  long rss0 = proc_rss_anon_kib (), maps0 = proc_count_maps ();
  for (long i = 0; i < LIVE; i++)
    {
      void *code;
      v[i] = ffi_closure_alloc (sizeof (ffi_closure), &code);
      ffi_prep_closure_loc (v[i], &cif, closure_handler, (void *) i, code);
    }
  *bytes = (proc_rss_anon_kib () - rss0) * 1024.0 / LIVE;
  *maps = proc_count_maps () - maps0;
  for (long i = 0; i < LIVE; i++)
    ffi_closure_free (v[i]);
  free (v);
}

/* Throughput of alloc+set+free pairs in NTHREADS threads at once, in
   million pairs per second.  */
static void (*thread_loop) (long);

static void *
thread_main (void *arg)
{
  thread_loop ((long) arg);
  return NULL;
}

static double
throughput (void (*loop) (long), int nthreads)
{
  long n = iterations;
  pthread_t threads[8];
  thread_loop = loop;
  double best = 0;
  for (int r = 0; r < 5; r++)
    {
      double t0 = now ();
      for (int i = 0; i < nthreads; i++)
	pthread_create (&threads[i], NULL, thread_main, (void *) n);
      for (int i = 0; i < nthreads; i++)
	pthread_join (threads[i], NULL);
      double rate = n * nthreads / (now () - t0) / 1e6;
      best = rate > best ? rate : best;
    }
  return best;
}

/* A loop that shares nothing: how well this machine runs two threads
   at once, the ceiling for the ratios above.  */
static void
independent_loop (long n)
{
  volatile long x = 0;
  for (long i = 0; i < 4 * n; i++)
    x += i;
}

static void
row (const char *what, double ours, double anchor, const char *unit,
     const char *goal)
{
  printf ("%-34s %10.2f %10.2f %8.2fx  %-6s %s\n", what, ours, anchor,
	  anchor / ours, unit, goal);
}

int
main (int argc, char **argv)
{
  if (argc > 1)
    iterations = (long) (iterations * atof (argv[1]));
  if (ffi_prep_cif (&cif, FFI_DEFAULT_ABI, 1, &ffi_type_slong, arg_types)
      != FFI_OK)
    return 1;

  /* Warm up both allocators (first table, template, file opens).  */
  tramp_pair_loop (1000);
  ffi_pair_loop (1000);

  printf ("%-34s %10s %10s %9s  %-6s %s\n", "measure", "libtramp",
	  "libffi", "ratio", "unit", "goal");

  double pair_t = best_ns (tramp_pair_loop, iterations, 7);
  double pair_f = best_ns (ffi_pair_loop, iterations / 4, 7);
  row ("alloc + set + free", pair_t, pair_f, "ns", "<= 15 ns");

  callee = target;
  double plain = best_ns (call_loop, iterations * 5, 7);
  callee = tramp_alloc ((void *) target, NULL);
  double via_t = best_ns (call_loop, iterations * 5, 7);
  tramp_free (callee);
  void *code;
  ffi_closure *c = ffi_closure_alloc (sizeof *c, &code);
  ffi_prep_closure_loc (c, &cif, closure_handler, NULL, code);
  callee = code;
  double via_f = best_ns (call_loop, iterations * 5, 7);
  ffi_closure_free (c);
  printf ("%-34s %10.2f %10s %9s  %-6s\n", "plain indirect call", plain, "",
	  "", "ns");
  row ("call overhead vs plain call", via_t - plain, via_f - plain, "ns",
       "<= +1 ns");

  double ccd_t = best_ns (tramp_ccd_loop, iterations, 7);
  double ccd_f = best_ns (ffi_ccd_loop, iterations / 4, 7);
  row ("create + call + destroy", ccd_t, ccd_f, "ns", "<= 30 ns");

  double bytes_t, bytes_f;
  long maps_t, maps_f;
  live_tramp (&bytes_t, &maps_t);
  live_ffi (&bytes_f, &maps_f);
  row ("private bytes per live trampoline", bytes_t, bytes_f, "B",
       "<= 16 B");
  row ("mappings per 1M live trampolines", maps_t, maps_f, "VMAs",
       "< 65530 (vm.max_map_count)");

  double one_t = throughput (tramp_pair_loop, 1);
  double two_t = throughput (tramp_pair_loop, 2);
  double one_f = throughput (ffi_pair_loop, 1);
  double two_f = throughput (ffi_pair_loop, 2);
  printf ("%-34s %10.2f %10.2f %9s  %-6s\n", "pairs/s, 1 thread", one_t,
	  one_f, "", "M/s");
  printf ("%-34s %10.2f %10.2f %9s  %-6s\n", "pairs/s, 2 threads", two_t,
	  two_f, "", "M/s");
  printf ("%-34s %10.2f %10.2f %9s  %-6s %s\n", "2 threads / 1 thread",
	  two_t / one_t, two_f / one_f, "", "x", ">= 1.6x");
  double one_c = throughput (independent_loop, 1);
  double two_c = throughput (independent_loop, 2);
  printf ("%-34s %10.2f %10s %9s  %-6s %s\n",
	  "control: 2/1 threads, no sharing", two_c / one_c, "", "", "x",
	  "(this machine's ceiling)");
  return 0;
}
