/* Per-architecture benchmark of <sys/tramp.h>, without libffi, so that
   it runs on every architecture the suite covers (cross builds under
   qemu-user included).  Emulated timings mean little on their own, so
   every figure is also given as a ratio to a plain indirect call timed
   in the same run.

   usage: bench-arch [SCALE]   (SCALE multiplies the iteration counts)  */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "bench-common.h"

static long iterations = 1000000;

#ifdef __x86_64__
/* Issue 10 asked whether the targets of live trampolines should be
   mangled like glibc's PTR_MANGLE (xor with the pointer guard at
   %fs:0x30, rotate left 17): an entry would then have to demangle
   before it jumps.  Model entries, the table's entry as it is and one
   that demangles, both loading from a pair in memory, timed in the
   same run.  */
asm (".text\n"
     ".balign 32\n"
     "bench_plain_entry:\n"
     "  endbr64\n"
     "  movq bench_plain_pair+8(%rip), %r10\n"
     "  jmp *bench_plain_pair(%rip)\n"
     ".balign 32\n"
     "bench_mangled_entry:\n"
     "  endbr64\n"
     "  movq bench_mangled_pair+8(%rip), %r10\n"
     "  movq bench_mangled_pair(%rip), %r11\n"
     "  rorq $17, %r11\n"
     "  xorq %fs:0x30, %r11\n"
     "  jmp *%r11\n"
     ".data\n"
     ".balign 16\n"
     "bench_plain_pair: .quad 0, 0\n"
     "bench_mangled_pair: .quad 0, 0\n"
     ".text\n");
extern char bench_plain_entry[], bench_mangled_entry[];
extern void *bench_plain_pair[2], *bench_mangled_pair[2];

static void
mangle_models (double plain)
{
  uintptr_t guard;
  asm ("movq %%fs:0x30, %0" : "=r" (guard));
  uintptr_t m = (uintptr_t) target ^ guard;
  bench_plain_pair[0] = (void *) target;
  bench_mangled_pair[0] = (void *) ((m << 17) | (m >> 47));
  callee = (long (*) (long)) bench_plain_entry;
  double p = best_ns (call_loop, 10 * iterations, 5);
  callee = (long (*) (long)) bench_mangled_entry;
  double m_ns = best_ns (call_loop, 10 * iterations, 5);
  printf ("%-32s %10.2f %14.2f\n", "model entry, plain pointer", p,
	  p / plain);
  printf ("%-32s %10.2f %14.2f\n", "model entry, mangled pointer", m_ns,
	  m_ns / plain);
}
#endif

/* tramp_set alone, on one live trampoline.  */
static void *set_tramp;

static void
tramp_set_loop (long n)
{
  for (long i = 0; i < n; i++)
    tramp_set (set_tramp, (void *) target, (void *) i);
}

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
  set_tramp = tramp_alloc ((void *) target, NULL);
  double set = best_ns (tramp_set_loop, 10 * iterations, 5);
  tramp_free (set_tramp);
  double ccd = best_ns (tramp_ccd_loop, iterations, 5);

  printf ("%-32s %10s %14s\n", "measure", "ns", "x plain call");
  printf ("%-32s %10.2f %14.2f\n", "plain indirect call", plain, 1.0);
  printf ("%-32s %10.2f %14.2f\n", "call through a trampoline", via,
	  via / plain);
  printf ("%-32s %10.2f %14.2f\n", "alloc + set + free", pair,
	  pair / plain);
  printf ("%-32s %10.2f %14.2f\n", "create + call + destroy", ccd,
	  ccd / plain);
  printf ("%-32s %10.2f %14.2f\n", "tramp_set", set, set / plain);
#ifdef __x86_64__
  mangle_models (plain);
#endif
  return 0;
}
