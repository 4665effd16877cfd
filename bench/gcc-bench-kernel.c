/* The nested functions measured by gcc-bench.c.  This file is built
   once per trampoline implementation, with VARIANT naming it:
     ours    -ftrampoline-impl=heap, runtime from libtramp-nested;
     libgcc  -ftrampoline-impl=heap, libgcc's runtime (its symbols and
	     this object's references renamed with objcopy, so that both
	     heap runtimes live in one program);
     stack   -ftrampoline-impl=stack, GCC's on-stack trampolines.  */

#define JOIN2(a, b) a##_##b
#define JOIN(a, b) JOIN2 (a, b)

long bench_call_through (long (*f) (long), long x);
long bench_loop_calls (long (*f) (long), long n);

/* Create a trampoline, call it once, destroy it.  */
long
JOIN (VARIANT, ccd) (long i)
{
  long k = i;
  long add (long x) { return x + k; }
  return bench_call_through (add, i);
}

/* Create one trampoline and call it N times.  */
long
JOIN (VARIANT, calls) (long n)
{
  long k = 1;
  long add (long x) { return x + k; }
  return bench_loop_calls (add, n);
}
