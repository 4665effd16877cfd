/* libffi closures: alloc + prep + free with 0, 1,000 and 100,000 other
   closures live, and a call through a closure, for a long (long)
   closure; alloc + prep + free and a call for a double (double, double)
   closure, whose arguments come in floating-point registers (on x86_64
   and AArch64 another entry point of libffi's than the usual one).  Built once against
   libffi's headers and run against each libffi build through
   LD_LIBRARY_PATH (scripts/check.d/80-libffi.sh, bench/libffi-bench.sh),
   so the rows compare the libraries, not the program.

   Times are CPU time of the thread, best of 15 runs.

   usage: libffi-bench LABEL [SCALE]   (SCALE multiplies the iteration
   counts)
   Prints one row: LABEL and the six figures in ns per operation.  */

#include <ffi.h>
#include <stdio.h>
#include <stdlib.h>
#include "bench-common.h"

/* Best of REPEAT runs of FN (N operations each), in ns of this thread's
   CPU time per operation: unlike bench-common.h's wall-clock best_ns,
   robust to a machine so loaded that no run goes without preemption.  */
static double
best_cpu_ns (void (*fn) (long), long n, int repeat)
{
  double best = 1e30;
  for (int r = 0; r < repeat; r++)
    {
      struct timespec t0, t1;
      clock_gettime (CLOCK_THREAD_CPUTIME_ID, &t0);
      fn (n);
      clock_gettime (CLOCK_THREAD_CPUTIME_ID, &t1);
      double t = ((t1.tv_sec - t0.tv_sec) * 1e9
		  + (t1.tv_nsec - t0.tv_nsec)) / n;
      best = t < best ? t : best;
    }
  return best;
}

static ffi_cif cif, fp_cif;
static long iterations = 200000;

static void
handler (ffi_cif *c, void *ret, void **args, void *user_data)
{
  (void) c;
  *(ffi_arg *) ret = *(long *) args[0] + (long) user_data;
}

static void
fp_handler (ffi_cif *c, void *ret, void **args, void *user_data)
{
  (void) c, (void) user_data;
  *(double *) ret = *(double *) args[0] * *(double *) args[1] + 1.0;
}

static void
alloc_prep_free (long n, ffi_cif *c,
		 void (*fn) (ffi_cif *, void *, void **, void *))
{
  for (long i = 0; i < n; i++)
    {
      void *code;
      ffi_closure *cl = ffi_closure_alloc (sizeof (ffi_closure), &code);
      if (cl == NULL
	  || ffi_prep_closure_loc (cl, c, fn, (void *) i, code) != FFI_OK)
	{
	  fputs ("libffi-bench: closure allocation failed\n", stderr);
	  exit (1);
	}
      ffi_closure_free (cl);
    }
}

static void
closure_loop (long n)
{
  alloc_prep_free (n, &cif, handler);
}

static void
fp_closure_loop (long n)
{
  alloc_prep_free (n, &fp_cif, fp_handler);
}

/* Read at every call, as a real indirect call site does.  */
static double (*volatile fp_callee) (double, double);
static volatile double fp_sink;

static void
fp_call_loop (long n)
{
  double acc = 0;
  for (long i = 0; i < n; i++)
    acc += fp_callee ((double) i, 0.5);
  fp_sink = acc;
}

/* Keep LIVE closures allocated, prepared and called once, then time
   alloc + prep + free.  */
static double
with_live (long live)
{
  ffi_closure **keep = malloc (live * sizeof *keep);
  long acc = 0;
  for (long i = 0; i < live; i++)
    {
      void *code;
      keep[i] = ffi_closure_alloc (sizeof (ffi_closure), &code);
      if (keep[i] == NULL
	  || ffi_prep_closure_loc (keep[i], &cif, handler, (void *) 1L, code)
	     != FFI_OK)
	{
	  fputs ("libffi-bench: closure allocation failed\n", stderr);
	  exit (1);
	}
      acc += ((long (*) (long)) code) (i);
    }
  sink = acc;
  double ns = best_cpu_ns (closure_loop, iterations, 15);
  for (long i = 0; i < live; i++)
    ffi_closure_free (keep[i]);
  free (keep);
  return ns;
}

int
main (int argc, char **argv)
{
  ffi_type *args[1] = { &ffi_type_slong };
  ffi_type *fp_args[2] = { &ffi_type_double, &ffi_type_double };
  const char *label = argc > 1 ? argv[1] : "libffi";

  if (argc > 2)
    iterations = (long) (iterations * atof (argv[2]));
  if (iterations < 1)
    iterations = 1;
  if (ffi_prep_cif (&cif, FFI_DEFAULT_ABI, 1, &ffi_type_slong, args)
      != FFI_OK
      || ffi_prep_cif (&fp_cif, FFI_DEFAULT_ABI, 2, &ffi_type_double,
		       fp_args) != FFI_OK)
    return 1;

  closure_loop (1000);		/* Warm up.  */
  double live0 = with_live (0);
  /* Before the phases with closures live: after 100,000 closures were
     freed, upstream's static trampolines take microseconds per alloc
     + prep + free of any closure (segment_holding walks the many
     segments dlmalloc keeps), which the 0 live figure would show as
     well.  */
  fp_closure_loop (1000);	/* Warm up.  */
  double fp = best_cpu_ns (fp_closure_loop, iterations, 15);
  double live1k = with_live (1000);
  double live100k = with_live (100000);

  void *code;
  ffi_closure *c = ffi_closure_alloc (sizeof (ffi_closure), &code);
  if (c == NULL
      || ffi_prep_closure_loc (c, &cif, handler, (void *) 1L, code) != FFI_OK)
    return 1;
  callee = (long (*) (long)) code;
  double call = best_cpu_ns (call_loop, 5 * iterations, 15);
  ffi_closure_free (c);

  c = ffi_closure_alloc (sizeof (ffi_closure), &code);
  if (c == NULL
      || ffi_prep_closure_loc (c, &fp_cif, fp_handler, NULL, code) != FFI_OK)
    return 1;
  fp_callee = (double (*) (double, double)) code;
  if (fp_callee (3.0, 0.5) != 2.5)
    {
      fputs ("libffi-bench: wrong result from the double closure\n", stderr);
      return 1;
    }
  double fp_call = best_cpu_ns (fp_call_loop, 5 * iterations, 15);
  ffi_closure_free (c);

  printf ("%-22s %10.1f %10.1f %12.1f %10.1f %10.1f %10.1f\n", label, live0,
	  live1k, live100k, call, fp, fp_call);
  return 0;
}
