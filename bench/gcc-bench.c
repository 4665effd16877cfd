/* Cost of GCC nested-function trampolines: libtramp-nested (on
   <sys/tramp.h>) against libgcc's -ftrampoline-impl=heap runtime and
   GCC's on-stack trampolines, in one process.  Prints nanoseconds per
   operation (best of several runs) and ratios.

   usage: gcc-bench [SCALE]   (SCALE multiplies the iteration counts)  */

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/tramp.h>

void __gcc_nested_func_ptr_created (void *chain, void *func, void *dst);
void __gcc_nested_func_ptr_deleted (void);

long ours_ccd (long), libgcc_ccd (long), stack_ccd (long);
long ours_calls (long), libgcc_calls (long), stack_calls (long);

long __attribute__ ((noinline))
bench_call_through (long (*f) (long), long x)
{
  return f (x);
}

long __attribute__ ((noinline))
bench_loop_calls (long (*f) (long), long n)
{
  long sum = 0;
  for (long i = 0; i < n; i++)
    {
      long (*volatile g) (long) = f;
      sum += g (i);
    }
  return sum;
}

static long plain_k = 1;

static long __attribute__ ((noinline))
plain_add (long x)
{
  return x + plain_k;
}

static long
plain_calls (long n)
{
  return bench_loop_calls (plain_add, n);
}

/* The floor under libtramp-nested: the trampoline API called directly
   (the target ignores the data register and returns X + 1 + X - 1).  */
static long __attribute__ ((noinline))
twice (long x)
{
  return 2 * x;
}

static long __attribute__ ((noinline))
api_ccd (long i)
{
  void *t = tramp_alloc ((void *) twice, NULL);
  long r = bench_call_through ((long (*) (long)) t, i);
  tramp_free (t);
  return r;
}

/* What GCC's code calls, without a nested function around it.  */
static long __attribute__ ((noinline))
runtime_ccd (long i)
{
  void *slot;
  __gcc_nested_func_ptr_created (&slot, (void *) twice, &slot);
  long r = bench_call_through ((long (*) (long)) slot, i);
  __gcc_nested_func_ptr_deleted ();
  return r;
}

static double
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

#define RUNS 7

/* Time per call of F over N calls F (i).  */
static double
per_op (long (*f) (long), long n, long want_sum)
{
  double t0 = now_ns ();
  long sum = 0;
  for (long i = 0; i < n; i++)
    sum += f (i);
  double t = (now_ns () - t0) / n;
  if (sum != want_sum)
    {
      fprintf (stderr, "gcc-bench: wrong result %ld, want %ld\n", sum,
	       want_sum);
      exit (1);
    }
  return t;
}

/* Time per call for a function that makes N calls itself.  */
static double
per_call (long (*f) (long), long n)
{
  long want = n * (n - 1) / 2 + n;
  double t0 = now_ns ();
  long sum = f (n);
  double t = (now_ns () - t0) / n;
  if (sum != want)
    {
      fprintf (stderr, "gcc-bench: wrong result %ld, want %ld\n", sum,
	       want);
      exit (1);
    }
  return t;
}

static void
keep_min (double *best, double t)
{
  if (t < *best)
    *best = t;
}

int
main (int argc, char **argv)
{
  double scale = argc > 1 ? atof (argv[1]) : 1.0;
  long n_fast = 1000000 * scale, n_slow = 100000 * scale;
  long n_calls = 20000000 * scale;
  /* Each ccd returns 2 * i.  */
#define SUM(n) ((n) * ((n) - 1))

  /* The variants take turns, RUNS rounds, and the best round of each
     counts: a busy machine slows all of them alike.  */
  double api = 1e300, runtime = 1e300, ours = 1e300, libgcc = 1e300;
  double stack = 1e300, plain = 1e300, c_ours = 1e300, c_libgcc = 1e300;
  double c_stack = 1e300;
  for (int r = 0; r < RUNS; r++)
    {
      keep_min (&api, per_op (api_ccd, n_fast, SUM (n_fast)));
      keep_min (&runtime, per_op (runtime_ccd, n_fast, SUM (n_fast)));
      keep_min (&ours, per_op (ours_ccd, n_fast, SUM (n_fast)));
      keep_min (&libgcc, per_op (libgcc_ccd, n_slow, SUM (n_slow)));
      keep_min (&stack, per_op (stack_ccd, n_slow, SUM (n_slow)));
      keep_min (&plain, per_call (plain_calls, n_calls));
      keep_min (&c_ours, per_call (ours_calls, n_calls));
      keep_min (&c_libgcc, per_call (libgcc_calls, n_calls));
      keep_min (&c_stack, per_call (stack_calls, n_calls));
    }

  printf ("nested function create+call+destroy, ns/op (best of %d):\n",
	  RUNS);
  printf ("  %-40s %8.1f\n", "libtramp-nested (<sys/tramp.h>)", ours);
  printf ("  %-40s %8.1f\n", "  created/deleted called directly", runtime);
  printf ("  %-40s %8.1f\n", "  tramp_alloc/tramp_free called directly",
	  api);
  printf ("  %-40s %8.1f  (%.1fx ours)\n", "libgcc heap runtime", libgcc,
	  libgcc / ours);
  printf ("  %-40s %8.1f  (%.1fx ours)\n", "GCC on-stack trampoline", stack,
	  stack / ours);
  printf ("call through the trampoline, ns/call (plain indirect call "
	  "%.2f):\n", plain);
  printf ("  %-40s %8.2f  (%+.2f)\n", "libtramp-nested", c_ours,
	  c_ours - plain);
  printf ("  %-40s %8.2f  (%+.2f)\n", "libgcc heap runtime", c_libgcc,
	  c_libgcc - plain);
  printf ("  %-40s %8.2f  (%+.2f)\n", "GCC on-stack trampoline", c_stack,
	  c_stack - plain);
  printf ("goal: create+call+destroy <= 30 ns: %s\n",
	  ours <= 30 ? "met" : "NOT met");
  return 0;
}
