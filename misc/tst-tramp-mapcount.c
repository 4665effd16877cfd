/* Trampolines up to vm.max_map_count, then freeing them all.
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

/* The process first uses up all but a few hundred of the mappings
   vm.max_map_count allows, with pages of its own, so that the limit is
   reached after a few hundred tables without changing the system's
   setting.  Allocation then fails cleanly with ENOMEM; freeing every
   trampoline gives the mappings and the memory back, and as many
   trampolines can be allocated again.  */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
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

#define TIMEOUT 60

enum { HEADROOM = 600, MAXPAGES = 1 << 20 };

static long
read_long (const char *path)
{
  FILE *f = fopen (path, "re");
  if (f == NULL)
    return -1;
  long v = -1;
  if (fscanf (f, "%ld", &v) != 1)
    v = -1;
  fclose (f);
  return v;
}

static int
count_maps (void)
{
  FILE *f = fopen ("/proc/self/maps", "re");
  if (f == NULL)
    return -1;
  int n = 0, c;
  while ((c = getc (f)) != EOF)
    n += c == '\n';
  fclose (f);
  return n;
}

/* Resident pages.  */
static long
resident (void)
{
  FILE *f = fopen ("/proc/self/statm", "re");
  if (f == NULL)
    return -1;
  long size, rss = -1;
  if (fscanf (f, "%ld %ld", &size, &rss) != 2)
    rss = -1;
  fclose (f);
  return rss;
}

static void *pages[MAXPAGES];
static void **tramps;

/* Allocate until failure; return the number allocated.  */
static long
alloc_all (long max)
{
  long n = 0;
  while (n < max)
    {
      void *t = tramp_alloc ((void *) tst_tramp_chain, (void *) n);
      if (t == NULL)
	{
	  TEST_COMPARE (errno, ENOMEM);
	  break;
	}
      tramps[n++] = t;
    }
  return n;
}

static int
do_test (void)
{
  const char *emulator = getenv ("TST_TRAMP_EMULATOR");
  if (emulator != NULL && *emulator != '\0')
    FAIL_UNSUPPORTED ("%s shows the guest mappings of its own making",
		      emulator);
  long limit = read_long ("/proc/sys/vm/max_map_count");
  if (limit < 0 || limit > MAXPAGES || count_maps () < 0)
    FAIL_UNSUPPORTED ("vm.max_map_count %ld or /proc/self/maps unusable",
		      limit);
  /* A first trampoline maps the template and reserves a region.  */
  void *first = tramp_alloc ((void *) tst_tramp_chain, NULL);
  TEST_VERIFY_EXIT (first != NULL);
  long max = (HEADROOM + 64) * (long) (TRAMP_TABLE_SIZE / TRAMP_SLOT_SIZE);
  tramps = calloc (max, sizeof *tramps);
  TEST_VERIFY_EXIT (tramps != NULL);
  /* Resident before the pages are counted.  */
  memset (tramps, 1, max * sizeof *tramps);

  /* Use up the mappings: pages of alternating protection, which do not
     merge, up to the limit; then give HEADROOM back.  */
  long npages = 0;
  while (npages < MAXPAGES)
    {
      void *p = mmap (NULL, 4096, npages % 2 ? PROT_READ : PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED)
	break;
      pages[npages++] = p;
    }
  for (int i = 0; i < HEADROOM && npages > 0; i++)
    TEST_COMPARE (munmap (pages[--npages], 4096), 0);
  int maps_before = count_maps ();
  long rss_before = resident ();

  long n1 = alloc_all (max);
  int maps_full = count_maps ();
  long rss_full = resident ();
  printf ("info: limit %ld; %ld pages mapped; %d mappings before, %ld "
	  "trampolines until ENOMEM with %d mappings\n",
	  limit, npages, maps_before, n1, maps_full);
  TEST_VERIFY (n1 > 0);

  for (long i = 0; i < n1; i++)
    TEST_COMPARE (tramp_free (tramps[i]), 0);
  int maps_freed = count_maps ();
  long rss_freed = resident ();
  printf ("info: after freeing them: %d mappings; resident pages %ld "
	  "before, %ld full, %ld freed\n", maps_freed, rss_before,
	  rss_full, rss_freed);
  /* The spare table and the thread's cache may stay: a few mappings
     and pages.  So does the metadata of every table mapped at the
     peak: a byte and a bit per slot, and a few words.  */
  long slots = TRAMP_TABLE_SIZE / TRAMP_SLOT_SIZE;
  long metadata = (n1 / slots + 2) * (slots + slots / 8 + 64) / 4096 + 2;
  TEST_VERIFY (maps_freed <= maps_before + 8);
  TEST_VERIFY (rss_freed - rss_before
	       <= 4 * (2 * TRAMP_TABLE_SIZE / 4096) + 16 + metadata);

  long n2 = alloc_all (max);
  printf ("info: %ld trampolines allocated again\n", n2);
  TEST_VERIFY (n2 >= n1 - (long) (TRAMP_TABLE_SIZE / TRAMP_SLOT_SIZE));
  for (long i = 0; i < n2; i++)
    TEST_COMPARE (tramp_free (tramps[i]), 0);

  for (long i = 0; i < npages; i++)
    TEST_COMPARE (munmap (pages[i], 4096), 0);
  TEST_COMPARE (tramp_free (first), 0);
  tst_tramp_audit_maps ();
  return 0;
}

#endif /* TRAMP_TABLE_SIZE && __linux__ */

#include <support/test-driver.c>
