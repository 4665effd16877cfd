/* Trampolines in a process that locks all its future mappings.
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

/* After mlockall (MCL_FUTURE) every new mapping is locked and counts
   against RLIMIT_MEMLOCK, address space reserved with PROT_NONE
   included, unless the process has CAP_IPC_LOCK.  The test drops that
   capability, sets a limit that holds the memory trampolines need but
   not a large reservation, and allocates.  */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
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

enum { COUNT = 10000 };
static void *tramps[COUNT];

static int
do_test (void)
{
  const char *emulator = getenv ("TST_TRAMP_EMULATOR");
  if (emulator != NULL && *emulator != '\0')
    /* mlockall would apply to the emulator's own memory.  */
    FAIL_UNSUPPORTED ("mlockall under %s", emulator);

  /* Drop CAP_IPC_LOCK from the effective set, so that the limit
     applies even to root.  */
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct caps[2];
  if (syscall (SYS_capget, &header, caps) != 0)
    FAIL_UNSUPPORTED ("capget: %m");
  caps[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
  if (syscall (SYS_capset, &header, caps) != 0)
    FAIL_UNSUPPORTED ("capset: %m");

  /* Room for the trampolines, not for hundreds of MiB.  */
  struct rlimit limit = { 32 << 20, 32 << 20 };
  struct rlimit old;
  TEST_COMPARE (getrlimit (RLIMIT_MEMLOCK, &old), 0);
  if (old.rlim_max != RLIM_INFINITY && old.rlim_max < limit.rlim_max)
    limit = old;
  if (setrlimit (RLIMIT_MEMLOCK, &limit) != 0)
    FAIL_UNSUPPORTED ("setrlimit (RLIMIT_MEMLOCK): %m");
  if (mlockall (MCL_FUTURE) != 0)
    FAIL_UNSUPPORTED ("mlockall (MCL_FUTURE): %m");

  for (int round = 0; round < 2; round++)
    {
      for (int i = 0; i < COUNT; i++)
	if ((tramps[i] = tramp_alloc ((void *) tst_tramp_chain,
				      (void *) (uintptr_t) (i + 1))) == NULL)
	  FAIL_EXIT1 ("tramp_alloc %d after mlockall (MCL_FUTURE): %m", i);
      for (int i = 0; i < COUNT; i++)
	{
	  TEST_VERIFY (((chain_fn *) tramps[i]) ()
		       == (void *) (uintptr_t) (i + 1));
	  TEST_COMPARE (tramp_free (tramps[i]), 0);
	}
    }
  TEST_VERIFY (tst_tramp_audit_maps () != 0);
  printf ("info: %d trampolines with every mapping locked, "
	  "RLIMIT_MEMLOCK %lu KiB\n", COUNT,
	  (unsigned long) (limit.rlim_cur >> 10));
  return 0;
}

#endif /* TRAMP_TABLE_SIZE && __linux__ */

#include <support/test-driver.c>
