/* Functions that own escaping nested functions, inlined into each
   other.  An inlined owner keeps its own frame object (FRAME) inside
   the physical frame of the function it is inlined into, wherever
   GCC's stack slot allocator puts it (larger objects usually higher),
   so one physical frame holds several frame objects, in either order.
   At every step every live nested function pointer must still be a
   live trampoline and answer for its own frame: a runtime that takes
   an entry of the caller's physical frame for a stale one frees it
   early, and the next creation may even hand the freed address to the
   inner function.

   Chains of several depths, frame objects of 1 byte to 4 KiB, alloca
   and VLAs between levels, owners inlined by always_inline (at every
   level, -O0 included), by GCC's own choice (static functions called
   once, small ones; with -flto also across translation units, see
   nested-inline-lto.c), sibling owners sharing a stack slot in a loop,
   and longjmp out of inlined owners back into their caller's frame,
   many times, with flat memory.  */

#include <alloca.h>
#include <setjmp.h>
#include "nested-test.h"
#include "nested-inline.h"

#ifndef ITERATIONS
# define ITERATIONS 200000
#endif

#define MAX_LIVE 64
static fn_t *live_fn[MAX_LIVE];
static long live_want[MAX_LIVE];
static int n_live;
static long checks;

/* Every live nested function answers for its own frame.  */
static void __attribute__ ((noinline))
verify (const char *where)
{
  for (int i = 0; i < n_live; i++)
    {
      CHECK_TRAMP (live_fn[i]);
      long got = live_fn[i] (i);
      if (got != live_want[i] + i)
	FAIL ("%s: nested function %d of %d answers %ld, want %ld", where,
	      i, n_live, got, live_want[i] + i);
      checks++;
    }
}

static void __attribute__ ((noinline))
push (fn_t *f, long want)
{
  if (n_live == MAX_LIVE)
    FAIL ("too many live nested functions");
  live_fn[n_live] = f;
  live_want[n_live++] = want;
}

static void __attribute__ ((noinline))
pop (void)
{
  n_live--;
}

#define OWNER(ATTR, NAME, SIZE, NEXT_CALL) \
  OWNER_WITH (ATTR, NAME, SIZE, NEXT_CALL, push, verify, pop)

/* Chain 1: sizes 1 < 64 < 4096, smallest innermost, then growing.  */
OWNER (ALWAYS, c1_d, 4096, x)
OWNER (ALWAYS, c1_c, 64, c1_d (x + 1))
OWNER (ALWAYS, c1_b, 1, c1_c (x + 1))
OWNER (NOINLINE, c1_a, 512, c1_b (x + 1))

/* Chain 2: the reverse order of sizes.  */
OWNER (ALWAYS, c2_d, 1, x)
OWNER (ALWAYS, c2_c, 64, c2_d (x + 1))
OWNER (ALWAYS, c2_b, 4096, c2_c (x + 1))
OWNER (NOINLINE, c2_a, 8, c2_b (x + 1))

/* Chain 3: inlined where GCC chooses (static, each called once).  */
OWNER (NATURAL, c3_d, 16, x)
OWNER (NATURAL, c3_c, 300, c3_d (x + 1))
OWNER (NATURAL, c3_b, 2, c3_c (x + 1))
OWNER (NATURAL, c3_a, 1024, c3_b (x + 1))

/* Chain 4: alloca and a VLA between inlined owners.  */
OWNER (ALWAYS, c4_e, 32, x)
ALWAYS long
c4_vla (long x)
{
  volatile char vla[100 + (x & 7) * 50];
  vla[0] = 1;
  long r = c4_e (x + 1);
  return r + vla[0] - 1;
}
OWNER (ALWAYS, c4_d, 2048, c4_vla (x + 1))
ALWAYS long
c4_alloca (long x)
{
  volatile char *p = alloca (64 + (x & 7) * 100);
  p[0] = 1;
  long r = c4_d (x + 1);
  return r + p[0] - 1;
}
OWNER (ALWAYS, c4_c, 8, c4_alloca (x + 1))
OWNER (ALWAYS, c4_b, 700, c4_c (x + 1))
OWNER (NOINLINE, c4_a, 3, c4_b (x + 1))

/* Chain 5: a physical frame boundary in the middle: inlined owners
   above and below a noinline owner.  */
OWNER (ALWAYS, c5_f, 4000, x)
OWNER (ALWAYS, c5_e, 5, c5_f (x + 1))
OWNER (NOINLINE, c5_d, 200, c5_e (x + 1))
OWNER (ALWAYS, c5_c, 1, c5_d (x + 1))
OWNER (ALWAYS, c5_b, 3000, c5_c (x + 1))
OWNER (NOINLINE, c5_a, 40, c5_b (x + 1))

/* Sibling owners inlined one after the other in a loop, so their
   frame objects may share a stack slot, under an owner of the
   caller's own.  */
OWNER (ALWAYS, sib_small, 4, x)
OWNER (ALWAYS, sib_big, 1500, x)
OWNER (NATURAL, sib_mid, 100, x)
NOINLINE long
siblings (long x)
{
  volatile char pad[256];
  pad[0] = 5;
  long nested (long a) { return a + pad[0] + x; }
  push (nested, 5 + x);
  long r = 0;
  for (int i = 0; i < 4; i++)
    {
      r += sib_small (x + i);
      r += sib_big (x + i);
      r += sib_mid (x + i);
      verify ("siblings in the loop");
    }
  pop ();
  return r + nested (0);
}

/* longjmp out of inlined owners back into the caller's frame, which
   owns a live nested function of its own: the skipped entries lie in
   the same physical frame as the caller's live one.  */
static jmp_buf env;
ALWAYS long
jump_inner (long x)
{
  volatile char pad[48];
  pad[0] = 2;
  long nested (long a) { return a + pad[0] + x; }
  fn_t *volatile fp = nested;
  if (fp (0) != 2 + x)
    FAIL ("jump_inner: wrong answer");
  _longjmp (env, 1);
}
OWNER (ALWAYS, jump_mid, 600, jump_inner (x + 1))
NOINLINE void
jumps (long x)
{
  volatile char pad[16];
  pad[0] = 3;
  long nested (long a) { return a + pad[0] + x; }
  push (nested, 3 + x);
  long rss0 = 0, vma0 = 0;
  for (volatile long i = 0; i < ITERATIONS; i++)
    {
      if (i == ITERATIONS / 10)
	{
	  rss0 = rss_kib ();
	  vma0 = vma_count ();
	}
      int depth = n_live;
      if (_setjmp (env) == 0)
	{
	  if (i & 1)
	    jump_mid (x);
	  else
	    jump_inner (x);
	}
      n_live = depth;
      if (i % 1000 == 0)
	verify ("after longjmp");
    }
  long rss1 = rss_kib (), vma1 = vma_count ();
  printf ("inline: %d longjmps out of inlined owners, RSS %ld -> %ld KiB, "
	  "mappings %ld -> %ld\n", ITERATIONS, rss0, rss1, vma0, vma1);
  CHECK (rss0 > 0 && vma0 > 0);
  if (rss1 - rss0 > 1024)
    FAIL ("RSS grew by %ld KiB: skipped trampolines leak", rss1 - rss0);
  if (vma1 - vma0 > 2)
    FAIL ("%ld new mappings: skipped trampolines leak", vma1 - vma0);
  verify ("after the longjmps");
  pop ();
}

int
main (int argc, char **argv)
{
  int jump = argc < 2 || argv[1][0] != 'n';
  for (int round = 0; round < 3; round++)
    {
      long x = round * 10;
      CHECK (c1_a (x) > 0);
      CHECK (c2_a (x) > 0);
      CHECK (c3_a (x) > 0);
      CHECK (c4_a (x) > 0);
      CHECK (c5_a (x) > 0);
      CHECK (siblings (x) > 0);
      CHECK (c6_entry (x) > 0);
      CHECK (n_live == 0);
    }
  if (jump)
    jumps (7);
  printf ("inline: OK (%ld answers checked)\n", checks);
  return 0;
}

/* For nested-inline-lto.c.  */
void
inline_push (fn_t *f, long want)
{
  push (f, want);
}

void
inline_pop (void)
{
  pop ();
}

void
inline_verify (const char *where)
{
  verify (where);
}

/* Chain 6: c6_entry (nested-inline-lto.c) -> c6_mid -> c6_leaf
   (nested-inline-lto.c).  */
OWNER_WITH (, c6_mid, 80, c6_leaf (x + 1), inline_push, inline_verify,
	    inline_pop)
