/* A million live trampolines: each allocated, called once and freed.
   Reports the mappings (VMAs) and resident memory they cost.  */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/tramp.h>
#include <support/check.h>
#include <tramp-table.h>

#include "../misc/tst-tramp.h"
#include "proc-stats.h"

#define TIMEOUT 120

typedef void *chain_fn (void);

enum { COUNT = 1000000 };

static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
do_test (void)
{
  void **tramps = malloc (COUNT * sizeof *tramps);
  TEST_VERIFY_EXIT (tramps != NULL);
  /* Touch the array first, so that only our memory is measured (not
     with memset, which the compiler may turn into calloc).  */
  for (size_t i = 0; i < COUNT; i++)
    tramps[i] = tramps;
  long maps_before = proc_count_maps ();
  int exec_before = tst_tramp_audit_maps ();
  long rss_before = proc_rss_anon_kib ();

  double t0 = now ();
  for (size_t i = 0; i < COUNT; i++)
    if ((tramps[i] = tramp_alloc ((void *) tst_tramp_chain,
				  (void *) (uintptr_t) i)) == NULL)
      FAIL_EXIT1 ("tramp_alloc %zu: %m", i);
  double t1 = now ();
  for (size_t i = 0; i < COUNT; i++)
    if (((chain_fn *) tramps[i]) () != (void *) (uintptr_t) i)
      FAIL_EXIT1 ("trampoline %zu returned the wrong data", i);
  double t2 = now ();
  long maps_live = proc_count_maps ();
  long rss_live = proc_rss_anon_kib ();
  int exec_live = tst_tramp_audit_maps ();
  for (size_t i = 0; i < COUNT; i++)
    if (tramp_free (tramps[i]) != 0)
      FAIL_EXIT1 ("tramp_free %zu: %m", i);
  double t3 = now ();
  long maps_after = proc_count_maps ();
  int exec_after = tst_tramp_audit_maps ();

  long max_map_count = -1;
  FILE *f = fopen ("/proc/sys/vm/max_map_count", "re");
  if (f != NULL)
    {
      if (fscanf (f, "%ld", &max_map_count) != 1)
	max_map_count = -1;
      fclose (f);
    }
  printf ("info: %d live trampolines: +%ld mappings (%ld -> %ld, "
	  "vm.max_map_count %ld), +%ld KiB private (%.1f bytes each)\n",
	  COUNT, maps_live - maps_before, maps_before, maps_live,
	  max_map_count, rss_live - rss_before,
	  (rss_live - rss_before) * 1024.0 / COUNT);
  printf ("info: alloc %.1f ns, call %.1f ns, free %.1f ns each; "
	  "%ld mappings after freeing all\n",
	  (t1 - t0) * 1e9 / COUNT, (t2 - t1) * 1e9 / COUNT,
	  (t3 - t2) * 1e9 / COUNT, maps_after);
  if (maps_before >= 0)
    {
      /* The bounds count code mappings, which are ours alone (a
	 sanitizer runtime maps memory of its own): one per table, and
	 the template.  */
      int tables = COUNT / (TRAMP_TABLE_SIZE / TRAMP_SLOT_SIZE
			    - TRAMP_FIRST_SLOT) + 1;
      TEST_VERIFY (exec_live - exec_before <= tables + 1);
      if (max_map_count > 0)
	TEST_VERIFY (maps_live < max_map_count / 2);
      /* After: the template, the spare table and those pinned by this
	 thread's cache.  */
      TEST_VERIFY (exec_after <= exec_before + 4);
    }
  free (tramps);
  return 0;
}

#include <support/test-driver.c>
