/* No trampoline is lost when a thread exits, however it used them.
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

/* Freed trampolines wait in a cache of the freeing thread, which must
   give them back when it exits.  Threads that only free (finalizer or
   worker threads), and threads whose trampolines are freed by the
   program's own thread-specific data destructor as the thread exits,
   run in a loop here; the number of tables must not grow.  */

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Fewer per thread than a cache holds, so that nothing but the exit of
   the thread gives them back.  */
enum { PER_THREAD = 60, THREADS = 8, ROUNDS = 40,
       SLOTS = TRAMP_TABLE_SIZE / TRAMP_SLOT_SIZE };

/* The code mappings (one per table) the rounds after the first would
   add if exiting threads kept their trampolines, and what the test
   allows: slack for the tables that caches keep mapped.  x86_64 and
   i386: 73 and 24; arm: 36 and 12; aarch64 (4096 slots a table): 4
   and 1.  */
enum { LOSS = (ROUNDS - 1) * THREADS * PER_THREAD / SLOTS,
       ALLOWED = LOSS / 3 };

/* A trampoline that stays live, to find the tables' file.  */
static void *witness;

static void *tramps[THREADS][PER_THREAD];

static void *
free_only (void *closure)
{
  void **mine = closure;
  for (int i = 0; i < PER_THREAD; i++)
    if (tramp_free (mine[i]) != 0)
      FAIL_EXIT1 ("tramp_free: %m");
  return NULL;
}

static pthread_key_t key;

static void
destructor (void *closure)
{
  void **mine = closure;
  for (int i = 0; i < PER_THREAD; i++)
    if (((chain_fn *) mine[i]) () != &mine[i] || tramp_free (mine[i]) != 0)
      {
	printf ("error: trampoline %d in the destructor: %m\n", i);
	exit (1);
      }
}

static void *
free_in_destructor (void *closure)
{
  void **mine = closure;
  for (int i = 0; i < PER_THREAD; i++)
    if ((mine[i] = tramp_alloc ((void *) tst_tramp_chain, &mine[i])) == NULL)
      FAIL_EXIT1 ("tramp_alloc: %m");
  TEST_COMPARE (pthread_setspecific (key, mine), 0);
  return NULL;
}

/* A destructor that sets its key again until the last round of the
   thread's destructors, and only then allocates one trampoline and
   frees them all: the trampoline library's own exit hook has run for
   the last time before.  */
#ifndef __SANITIZE_THREAD__
static pthread_key_t last_round_key;
static __thread int destructor_rounds;

static void
last_round_destructor (void *closure)
{
  if (++destructor_rounds < PTHREAD_DESTRUCTOR_ITERATIONS)
    {
      if (pthread_setspecific (last_round_key, closure) != 0)
	{
	  puts ("error: pthread_setspecific in a destructor failed");
	  exit (1);
	}
      return;
    }
  void *late = tramp_alloc ((void *) tst_tramp_chain, NULL);
  if (late == NULL || tramp_free (late) != 0)
    {
      printf ("error: trampoline in the last round: %m\n");
      exit (1);
    }
  destructor (closure);
}

static void *
free_in_last_round (void *closure)
{
  void **mine = closure;
  for (int i = 0; i < PER_THREAD; i++)
    if ((mine[i] = tramp_alloc ((void *) tst_tramp_chain, &mine[i])) == NULL)
      FAIL_EXIT1 ("tramp_alloc: %m");
  TEST_COMPARE (pthread_setspecific (last_round_key, mine), 0);
  return NULL;
}
#endif

/* Run ROUNDS rounds of THREADS threads of FN; return how many mappings
   the process gained between the first round and the last.  */
static long
rounds (const char *what, void *(*fn) (void *), bool preallocate)
{
  long first = 0;
  for (int round = 0; round < ROUNDS; round++)
    {
      if (preallocate)
	for (int t = 0; t < THREADS; t++)
	  for (int i = 0; i < PER_THREAD; i++)
	    if ((tramps[t][i] = tramp_alloc ((void *) tst_tramp_chain,
					     NULL)) == NULL)
	      FAIL_EXIT1 ("tramp_alloc: %m");
      pthread_t threads[THREADS];
      for (int t = 0; t < THREADS; t++)
	threads[t] = xpthread_create (NULL, fn, tramps[t]);
      for (int t = 0; t < THREADS; t++)
	xpthread_join (threads[t]);
      if (round == 0)
	first = tst_tramp_count_table_maps (witness);
    }
  long grown = tst_tramp_count_table_maps (witness) - first;
  printf ("info: %s: %d threads, %d trampolines each: %+ld tables "
	  "over %d rounds (%d if they were lost, at most %d allowed)\n",
	  what, ROUNDS * THREADS, PER_THREAD, grown, ROUNDS - 1, LOSS,
	  ALLOWED);
  return grown;
}

static int
do_test (void)
{
  witness = tramp_alloc ((void *) tst_tramp_chain, NULL);
  TEST_VERIFY_EXIT (witness != NULL);
  if (tst_tramp_count_table_maps (witness) < 0)
    FAIL_UNSUPPORTED ("no /proc/self/maps");

  TEST_VERIFY (rounds ("threads that only free", free_only, true)
	       <= ALLOWED);

  /* The key is created after the first use of the API, so that its
     destructor runs after the trampoline library's own exit hook.  */
  TEST_COMPARE (pthread_key_create (&key, destructor), 0);
  TEST_VERIFY (rounds ("frees in a TSD destructor", free_in_destructor,
		       false) <= ALLOWED);
#ifdef __SANITIZE_THREAD__
  /* ThreadSanitizer ends the thread in the last round itself, and code
     that runs after that faults.  */
  puts ("info: frees in the last round of TSD destructors: not under "
	"ThreadSanitizer");
#else
  TEST_COMPARE (pthread_key_create (&last_round_key, last_round_destructor),
		0);
  TEST_VERIFY (rounds ("frees in the last round of TSD destructors",
		       free_in_last_round, false) <= ALLOWED);
#endif
  return 0;
}

#endif /* TRAMP_TABLE_SIZE && __linux__ */

#include <support/test-driver.c>
