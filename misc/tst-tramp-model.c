/* Model-based random test of <sys/tramp.h> with tables released behind it.
   Copyright The GNU Toolchain Authors.
   This file is part of the GNU C Library.

   The GNU C Library is free software; you can redistribute it and/or
   modify it under the terms of the GNU Lesser General Public
   License as published by the Free Software Foundation; either
   version 2.1 of the License, or (at your option) any later version.

   The GNU C Library is distributed in the hope that it will be useful,
   but WITHOUT ANY WARRANTY; without even the implied warranty of
   MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
   Lesser General Public License for more details.

   You should have received a copy of the GNU Lesser General Public
   License along with the GNU C Library; if not, see
   <https://www.gnu.org/licenses/>.  */

/* The main thread runs a random sequence of every operation (seeded by
   TST_TRAMP_SEED, default 1, and printed) on its own live trampolines,
   on freed ones, on trampolines another thread is churning and on
   garbage around them, and checks each answer against a model of what
   it owns.  The churning thread allocates several tables' worth of
   trampolines and frees them all, over and over, so that tables are
   released and mapped again under the main thread's lookups.

   What can be checked without owning a pointer: a pointer that is not
   on a slot boundary of an entry is always refused; any other pointer
   the main thread does not own is refused or belongs to the churner
   (its target, its data).  Freeing and retargeting pointers the main
   thread does not own is only done while the churner is paused with
   nothing live, when the answer must be EINVAL.  */

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include <sys/time.h>
#include <sys/tramp.h>
#include <support/check.h>
#include <support/xthread.h>
#include <tramp-table.h>

#if !defined TRAMP_TABLE_SIZE || !defined __linux__
static int
do_test (void)
{
  FAIL_UNSUPPORTED ("no trampolines on this architecture or system");
}
#else

#include "tst-tramp.h"

#define TIMEOUT 60

typedef void *chain_fn (void);

#define SLOTS (TRAMP_TABLE_SIZE / TRAMP_SLOT_SIZE)
#define SPAN (2 * TRAMP_TABLE_SIZE)

enum { POOL = 256, STALE = 1024, NPROBERS = 3 };

/* Targets: the main thread's (tst_tramp_chain and main_other) and the
   churner's.  */
static void
main_other (void)
{
}

static void
churn_target (void)
{
}

/* The churner's data: odd, with a marker in the high bits.  */
#define CHURN_DATA(i) ((void *) (((uintptr_t) 0xc5 << 24) | ((i) << 1) | 1))
#define IS_CHURN_DATA(d) \
  (((uintptr_t) (d) >> 24) == 0xc5 && ((uintptr_t) (d) & 1) != 0)

static uint64_t rng_state;

static uint64_t
rng (void)
{
  /* xorshift64*.  */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545f4914f6cdd1dULL;
}

struct own
{
  void *p;
  void *code;
  void *data;
};

static struct own pool[POOL];
static int npool;

/* Freed pointers of both threads.  */
static _Atomic (void *) stale[STALE];
static atomic_uint stale_next;

static atomic_bool stop;
static atomic_int pause_request;
static atomic_int paused;
static atomic_long churn_rounds;

static void
add_stale (void *p)
{
  atomic_store_explicit (&stale[atomic_fetch_add (&stale_next, 1) % STALE],
			 p, memory_order_relaxed);
}

static void *
churner (void *closure)
{
  size_t n = 4 * SLOTS;
  void **mine = calloc (n, sizeof *mine);
  TEST_VERIFY_EXIT (mine != NULL);
  while (!atomic_load (&stop))
    {
      for (size_t i = 0; i < n; i++)
	{
	  mine[i] = tramp_alloc ((void *) churn_target, CHURN_DATA (i));
	  if (mine[i] == NULL)
	    FAIL_EXIT1 ("churner: tramp_alloc: %m");
	}
      for (size_t i = 0; i < n; i += 61)
	if (tramp_code (mine[i]) != (void *) churn_target
	    || tramp_data (mine[i]) != CHURN_DATA (i))
	  FAIL_EXIT1 ("churner: trampoline %p changed", mine[i]);
      for (size_t i = 0; i < n; i++)
	{
	  if (tramp_free (mine[i]) != 0)
	    FAIL_EXIT1 ("churner: tramp_free %p: %m", mine[i]);
	  if (i % 3 == 0)
	    add_stale (mine[i]);
	}
      atomic_fetch_add (&churn_rounds, 1);
      /* Nothing live: the main thread may free and retarget any
	 pointer it does not own.  */
      if (atomic_load (&pause_request))
	{
	  atomic_store (&paused, 1);
	  while (atomic_load (&pause_request))
	    {
	      struct timespec ts = { 0, 100000 };
	      nanosleep (&ts, NULL);
	    }
	  atomic_store (&paused, 0);
	}
    }
  free (mine);
  return NULL;
}

/* Other threads only read what the churner freed last, as fast as
   they can: the lookups most likely to be caught by a release.  The
   answers it may get: refused, or any of the targets with data of the
   kind that goes with it (the main thread may own the pointer by
   now).  */
static atomic_long probes;

/* A timer signal stops the probers for a while at random points,
   inside lookups among them: the window in which a release can happen
   between two loads of a lookup becomes wide enough to be hit every
   run instead of now and then.  */
static void
stall (int sig)
{
  int saved = errno;
  struct timespec ts = { 0, 100000 };
  nanosleep (&ts, NULL);
  errno = saved;
}

static void *
prober (void *closure)
{
  sigset_t set;
  sigemptyset (&set);
  sigaddset (&set, SIGPROF);
  pthread_sigmask (SIG_UNBLOCK, &set, NULL);
  long n = 0;
  while (!atomic_load_explicit (&stop, memory_order_relaxed))
    {
      unsigned int last = atomic_load_explicit (&stale_next,
						memory_order_relaxed);
      for (unsigned int k = 1; k <= 256; k++, n++)
	{
	  void *p = atomic_load_explicit (&stale[(last - k) % STALE],
					  memory_order_relaxed);
	  errno = 0;
	  void *code = tramp_code (p);
	  if (code == NULL ? errno != EINVAL
	      : (code != (void *) churn_target
		 && code != (void *) tst_tramp_chain
		 && code != (void *) main_other))
	    FAIL_EXIT1 ("prober: tramp_code (%p) = %p, errno %d", p, code,
			errno);
	}
    }
  atomic_fetch_add (&probes, n);
  return NULL;
}

static struct own *
owned (const void *p)
{
  for (int i = 0; i < npool; i++)
    if (pool[i].p == p)
      return &pool[i];
  return NULL;
}

/* Whether P can be an entry: on a slot boundary in the code half of a
   span.  Anything else is refused whoever owns what.  */
static bool
maybe_entry (const void *p)
{
  uintptr_t a = (uintptr_t) p;
  return (a % TRAMP_SLOT_SIZE == 0 && (a & TRAMP_TABLE_SIZE) == 0
	  && (a % TRAMP_TABLE_SIZE) / TRAMP_SLOT_SIZE + 1 > TRAMP_FIRST_SLOT);
}

static long checks;

#define CHECK(cond, ...) \
  do								\
    {								\
      checks++;							\
      if (!(cond))						\
	FAIL_EXIT1 (__VA_ARGS__);				\
    }								\
  while (0)

/* Check the getters on P, which the main thread does not own.  */
static void
check_foreign_read (void *p)
{
  errno = 0;
  void *code = tramp_code (p);
  if (code == NULL)
    CHECK (errno == EINVAL, "tramp_code (%p): NULL, errno %d", p, errno);
  else
    CHECK (code == (void *) churn_target && maybe_entry (p),
	   "tramp_code (%p) = %p, not owned by anyone", p, code);
  errno = 0;
  void *data = tramp_data (p);
  if (data == NULL)
    CHECK (errno == EINVAL, "tramp_data (%p): NULL, errno %d", p, errno);
  else
    CHECK (IS_CHURN_DATA (data) && maybe_entry (p),
	   "tramp_data (%p) = %p, not owned by anyone", p, data);
}

/* Check every function on P, which nobody owns.  */
static void
check_refused (void *p)
{
  errno = 0;
  CHECK (tramp_free (p) == -1 && errno == EINVAL,
	 "tramp_free (%p) accepted (errno %d)", p, errno);
  errno = 0;
  CHECK (tramp_set (p, (void *) main_other, p) == -1 && errno == EINVAL,
	 "tramp_set (%p) accepted (errno %d)", p, errno);
  errno = 0;
  CHECK (tramp_code (p) == NULL && errno == EINVAL,
	 "tramp_code (%p) accepted (errno %d)", p, errno);
  errno = 0;
  CHECK (tramp_data (p) == NULL && errno == EINVAL,
	 "tramp_data (%p) accepted (errno %d)", p, errno);
}

/* A pointer near a known one: the same slot plus a small offset, a
   random slot of a nearby span, or anywhere nearby.  */
static void *
garbage (void)
{
  void *base = NULL;
  if (npool > 0 && rng () % 2)
    base = pool[rng () % npool].p;
  else
    base = atomic_load_explicit (&stale[rng () % STALE],
				 memory_order_relaxed);
  if (base == NULL)
    return (void *) (uintptr_t) rng ();
  char *b = base;
  switch (rng () % 4)
    {
    case 0:
      return b + 1 + rng () % (TRAMP_SLOT_SIZE - 1);
    case 1:
      return b + TRAMP_TABLE_SIZE + (rng () % (TRAMP_TABLE_SIZE / 8)) * 8;
    case 2:
      return b + ((int64_t) (rng () % (8 * SPAN)) - 4 * SPAN)
	/ TRAMP_SLOT_SIZE * TRAMP_SLOT_SIZE;
    default:
      return b + (int64_t) (rng () % (16 * SPAN)) - 8 * SPAN;
    }
}

static void
op_alloc (void)
{
  if (npool == POOL)
    return;
  void *code = rng () % 2 ? (void *) tst_tramp_chain : (void *) main_other;
  void *data = (void *) (uintptr_t) (rng () << 1);
  void *p = tramp_alloc (code, data);
  CHECK (p != NULL, "tramp_alloc: %m");
  CHECK (owned (p) == NULL, "tramp_alloc returned %p, already live", p);
  CHECK (maybe_entry (p), "tramp_alloc returned %p, not an entry", p);
  pool[npool++] = (struct own) { p, code, data };
}

static void
op_own (void)
{
  if (npool == 0)
    return;
  int i = rng () % npool;
  struct own *o = &pool[i];
  switch (rng () % 5)
    {
    case 0:
      CHECK (tramp_free (o->p) == 0, "tramp_free (%p): %m", o->p);
      add_stale (o->p);
      *o = pool[--npool];
      break;
    case 1:
      {
	void *code = rng () % 2 ? (void *) tst_tramp_chain
				: (void *) main_other;
	void *data = (void *) (uintptr_t) rng ();
	CHECK (tramp_set (o->p, code, data) == 0, "tramp_set (%p): %m", o->p);
	o->code = code;
	o->data = data;
      }
      break;
    case 2:
      CHECK (tramp_code (o->p) == o->code, "tramp_code (%p) = %p, not %p",
	     o->p, tramp_code (o->p), o->code);
      break;
    case 3:
      CHECK (tramp_data (o->p) == o->data, "tramp_data (%p) = %p, not %p",
	     o->p, tramp_data (o->p), o->data);
      break;
    default:
      if (o->code == (void *) tst_tramp_chain)
	CHECK (((chain_fn *) o->p) () == o->data,
	       "call of %p: wrong data", o->p);
      break;
    }
}

/* Reads of pointers freed by either thread or near them, while the
   churner releases tables.  */
static void
op_foreign (void)
{
  void *p = rng () % 2 ? atomic_load_explicit (&stale[rng () % STALE],
					       memory_order_relaxed)
		       : garbage ();
  struct own *o = owned (p);
  if (o != NULL)
    {
      CHECK (tramp_code (p) == o->code && tramp_data (p) == o->data,
	     "own trampoline %p changed", p);
      return;
    }
  if (!maybe_entry (p))
    check_refused (p);
  else
    check_foreign_read (p);
}

/* With the churner paused and nothing of it live: every pointer the
   main thread does not own is refused by every function, double frees
   included.  */
static void
paused_ops (bool churning)
{
  atomic_store (&pause_request, 1);
  while (churning && !atomic_load (&paused))
    {
      struct timespec ts = { 0, 100000 };
      nanosleep (&ts, NULL);
    }
  for (int k = 0; k < 200; k++)
    {
      void *p = rng () % 2 ? atomic_load_explicit (&stale[rng () % STALE],
						   memory_order_relaxed)
			   : garbage ();
      if (p == NULL || owned (p) != NULL)
	continue;
      check_refused (p);
    }
  atomic_store (&pause_request, 0);
  while (churning && atomic_load (&paused))
    {
      struct timespec ts = { 0, 10000 };
      nanosleep (&ts, NULL);
    }
}

static int
do_test (void)
{
  const char *s = getenv ("TST_TRAMP_SEED");
  uint64_t seed = s != NULL ? strtoull (s, NULL, 0) : 1;
  s = getenv ("TST_TRAMP_SECONDS");
  double seconds = s != NULL ? atof (s) : 2;
  printf ("info: seed %llu (TST_TRAMP_SEED), %.1f s (TST_TRAMP_SECONDS)\n",
	  (unsigned long long) seed, seconds);
  rng_state = seed * 0x9e3779b97f4a7c15ULL + 1;

  /* Fill the pool first and keep a cache of free slots: the pool never
     grows beyond it, so the main thread never takes slots from the
     tables the churner empties, and those are released.  */
  void *extra[64];
  for (int i = 0; i < 64; i++)
    TEST_VERIFY_EXIT ((extra[i] = tramp_alloc ((void *) main_other, NULL))
		      != NULL);
  while (npool < POOL)
    op_alloc ();
  for (int i = 0; i < 64; i++)
    TEST_COMPARE (tramp_free (extra[i]), 0);

  /* Only the probers take the timer signal.  */
  sigset_t set;
  sigemptyset (&set);
  sigaddset (&set, SIGPROF);
  pthread_sigmask (SIG_BLOCK, &set, NULL);
  timer_t timer = tst_tramp_stop_timer (stall, 300000);

  pthread_t thr = xpthread_create (NULL, churner, NULL);
  pthread_t probe_thr[NPROBERS];
  for (int i = 0; i < NPROBERS; i++)
    probe_thr[i] = xpthread_create (NULL, prober, NULL);
  struct timespec start, now;
  clock_gettime (CLOCK_MONOTONIC, &start);
  long ops = 0;
  do
    {
      for (int k = 0; k < 1000; k++, ops++)
	{
	  unsigned int r = rng () % 16;
	  if (r < 2)
	    op_alloc ();
	  else if (r < 5)
	    op_own ();
	  else
	    op_foreign ();
	}
      if (ops % 50000 == 0)
	paused_ops (true);
      clock_gettime (CLOCK_MONOTONIC, &now);
    }
  while (now.tv_sec - start.tv_sec
	 + (now.tv_nsec - start.tv_nsec) / 1e9 < seconds);
  atomic_store (&stop, true);
  atomic_store (&pause_request, 0);
  timer_delete (timer);
  xpthread_join (thr);
  for (int i = 0; i < NPROBERS; i++)
    xpthread_join (probe_thr[i]);
  paused_ops (false);

  printf ("info: %ld operations, %ld checks, %ld churner rounds, "
	  "%ld probes\n", ops, checks, atomic_load (&churn_rounds),
	  atomic_load (&probes));
  for (int i = 0; i < npool; i++)
    {
      CHECK (tramp_code (pool[i].p) == pool[i].code,
	     "own trampoline %p changed", pool[i].p);
      CHECK (tramp_free (pool[i].p) == 0, "tramp_free: %m");
    }
  tst_tramp_audit_maps ();
  return 0;
}

#endif /* TRAMP_TABLE_SIZE && __linux__ */

#include <support/test-driver.c>
