/* Trampolines used by constructors, exit handlers and destructors.
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

/* A constructor with a priority runs before the default-priority
   constructors of the same link, those of a statically linked
   trampoline library included (tst-tramp-ctor-static).  It creates a
   thread-specific data key of the program's own, then a thread that
   uses the API and exits: the library must not touch a key it has not
   created (the program's key would get the library's value, and its
   destructor would be called with it).  Exit handlers and destructors
   use the API too.  The constructors cannot report through the test
   driver, which is not set up yet: they record, do_test reports.  */

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/tramp.h>
#include <support/check.h>
#include <tramp-table.h>

#if !defined TRAMP_TABLE_SIZE || !defined __linux__
static int
do_test (void)
{
  FAIL_UNSUPPORTED ("no trampolines on this architecture or system");
}
#else

#include "tst-tramp.h"

typedef void *chain_fn (void);

static pthread_key_t early_key;
static int early_key_ok;
static void *foreign_value;
static const char *early_error;

static void
early_destructor (void *value)
{
  /* The program never sets a value in early_thread.  */
  foreign_value = value;
}

/* Use trampolines, free some of them, and leave the others for the
   process.  Returns NULL or what went wrong.  */
static const char *
use (int count, void **keep)
{
  void *t[100];
  for (int i = 0; i < count; i++)
    {
      t[i] = tramp_alloc ((void *) tst_tramp_chain,
			  (void *) (uintptr_t) (i + 1));
      if (t[i] == NULL)
	return "tramp_alloc failed";
      if (((chain_fn *) t[i]) () != (void *) (uintptr_t) (i + 1))
	return "a trampoline is broken";
    }
  for (int i = keep != NULL; i < count; i++)
    if (tramp_free (t[i]) != 0)
      return "tramp_free failed";
  if (keep != NULL)
    *keep = t[0];
  return NULL;
}

static void *early_kept;

static void *
early_thread (void *closure)
{
  early_error = use (40, &early_kept);
  return NULL;
}

static void __attribute__ ((constructor (101)))
early_constructor (void)
{
  early_key_ok = pthread_key_create (&early_key, early_destructor) == 0;
  pthread_t thr;
  if (pthread_create (&thr, NULL, early_thread, NULL) != 0
      || pthread_join (thr, NULL) != 0)
    early_error = "pthread_create or pthread_join failed";
}

/* At exit nothing can fail the test through the driver any more: exit
   with a status of our own.  */
static void
check_at_exit (const char *what)
{
  const char *error = use (100, NULL);
  if (error != NULL)
    {
      printf ("error: %s: %s\n", what, error);
      fflush (stdout);
      _exit (1);
    }
}

static void
exit_handler (void)
{
  check_at_exit ("atexit handler");
}

static void __attribute__ ((destructor))
destructor (void)
{
  check_at_exit ("destructor");
  if (early_kept != NULL && tramp_free (early_kept) != 0)
    _exit (1);
  early_kept = NULL;
}

static int
do_test (void)
{
  TEST_VERIFY (early_key_ok);
  if (early_error != NULL)
    FAIL ("thread started by an early constructor: %s", early_error);
  if (foreign_value != NULL)
    FAIL ("the program's own key got a value it never set: %p",
	  foreign_value);
  TEST_VERIFY (early_kept != NULL
	       && ((chain_fn *) early_kept) () == (void *) 1);
  TEST_COMPARE (atexit (exit_handler), 0);
  return 0;
}

#endif /* TRAMP_TABLE_SIZE && __linux__ */

#include <support/test-driver.c>
