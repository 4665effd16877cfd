/* Racing frees, and tramp_set racing tramp_free, on one trampoline.
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

/* Two threads call tramp_free (or tramp_set and tramp_free) over and
   over on the same trampoline until it is freed.  Exactly one
   free succeeds; a set either lands before the free or fails, and
   never brings the trampoline back or overwrites the free list: the
   trampolines allocated afterwards are all distinct and work.  */

#include <errno.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

static void
other_target (void)
{
}

enum { BATCH = 1024 };
static void *victims[BATCH];
static atomic_int frees[BATCH];
static int mode;		/* 0: free and free; 1: set and free.  */

/* Set while thread A is in a call on victims[A_INDEX].  */
static volatile sig_atomic_t a_busy;
static volatile int a_index;
static sem_t request;
static atomic_int done;
static atomic_int b_index;
static atomic_long interleaved;

static void
interrupt (int sig)
{
  if (!a_busy)
    return;
  int saved = errno;
  atomic_store (&done, 0);
  atomic_store (&b_index, a_index);
  sem_post (&request);
  while (!atomic_load (&done))
    {
      struct timespec ts = { 0, 10000 };
      nanosleep (&ts, NULL);
    }
  atomic_fetch_add (&interleaved, 1);
  errno = saved;
}

static void *
thread_b (void *closure)
{
  while (true)
    {
      while (sem_wait (&request) != 0)
	;
      int i = atomic_load (&b_index);
      if (i < 0)
	break;
      if (tramp_free (victims[i]) == 0)
	atomic_fetch_add (&frees[i], 1);
      atomic_store (&done, 1);
    }
  return NULL;
}

/* Allocate many trampolines and check they are distinct and work.  */
static void
check_allocator (void)
{
  enum { N = 4096 };
  static void *t[N];
  for (int i = 0; i < N; i++)
    {
      t[i] = tramp_alloc ((void *) tst_tramp_chain, (void *) (uintptr_t) i);
      TEST_VERIFY_EXIT (t[i] != NULL);
      TEST_VERIFY_EXIT ((uintptr_t) t[i] % TRAMP_SLOT_SIZE == 0);
    }
  for (int i = 0; i < N; i++)
    if ((uintptr_t) ((chain_fn *) t[i]) () != (uintptr_t) i)
      FAIL_EXIT1 ("trampoline %p handed out twice", t[i]);
  for (int i = 0; i < N; i++)
    TEST_COMPARE (tramp_free (t[i]), 0);
}

static void
run (int which, double seconds)
{
  mode = which;
  struct timespec start, now;
  clock_gettime (CLOCK_MONOTONIC, &start);
  long rounds = 0, wrong = 0;
  atomic_store (&interleaved, 0);
  do
    {
      for (int i = 0; i < BATCH; i++)
	{
	  victims[i] = tramp_alloc ((void *) tst_tramp_chain, NULL);
	  TEST_VERIFY_EXIT (victims[i] != NULL);
	  atomic_store (&frees[i], 0);
	}
      for (int i = 0; i < BATCH; i++)
	{
	  a_index = i;
	  a_busy = 1;
	  if (which == 1)
	    /* Data that would be taken for a link if it replaced one.  */
	    tramp_set (victims[i], (void *) other_target,
		       (void *) (uintptr_t) 0x5a5a5a50);
	  else if (tramp_free (victims[i]) == 0)
	    atomic_fetch_add (&frees[i], 1);
	  a_busy = 0;
	}
      for (int i = 0; i < BATCH; i++, rounds++)
	{
	  if (which == 1 && atomic_load (&frees[i]) == 0
	      && tramp_free (victims[i]) == 0)
	    atomic_fetch_add (&frees[i], 1);
	  int n = atomic_load (&frees[i]);
	  if (n != 1 && ++wrong <= 5)
	    printf ("error: %p freed %d times\n", victims[i], n);
	  /* Nothing brings it back.  */
	  errno = 0;
	  if (tramp_code (victims[i]) != NULL || errno != EINVAL)
	    FAIL_EXIT1 ("%p live again after racing calls", victims[i]);
	}
      clock_gettime (CLOCK_MONOTONIC, &now);
    }
  while (now.tv_sec - start.tv_sec
	 + (now.tv_nsec - start.tv_nsec) / 1e9 < seconds);
  printf ("info: %s: %ld trampolines, %ld calls interleaved, %ld not "
	  "freed exactly once\n",
	  which == 0 ? "free and free" : "set and free", rounds,
	  atomic_load (&interleaved), wrong);
  TEST_COMPARE (wrong, 0);
  check_allocator ();
}

static int
do_test (void)
{
  const char *s = getenv ("TST_TRAMP_SECONDS");
  double seconds = s != NULL ? atof (s) : 1;
  TEST_COMPARE (sem_init (&request, 0, 0), 0);
  /* Only A, the main thread, takes the timer signal.  */
  sigset_t set;
  sigemptyset (&set);
  sigaddset (&set, SIGPROF);
  pthread_sigmask (SIG_BLOCK, &set, NULL);
  pthread_t b = xpthread_create (NULL, thread_b, NULL);
  pthread_sigmask (SIG_UNBLOCK, &set, NULL);
  timer_t timer = tst_tramp_stop_timer (interrupt, 50000);
  run (0, seconds);
  run (1, seconds);
  timer_delete (timer);
  atomic_store (&b_index, -1);
  sem_post (&request);
  xpthread_join (b);
  tst_tramp_audit_maps ();
  return 0;
}

#endif /* TRAMP_TABLE_SIZE && __linux__ */

#include <support/test-driver.c>
