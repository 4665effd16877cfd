/* The first trampoline under RLIMIT_AS, in a fragmented address space
   and under mlockall (MCL_FUTURE).
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

/* Each case runs in a child that has not allocated a trampoline yet, so
   that the first allocation, which reserves the address space, happens
   under the condition.  */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/tramp.h>
#ifdef __linux__
# include <linux/capability.h>
#endif
#include <support/capture_subprocess.h>
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

typedef void *chain_fn (void);

/* Allocate N trampolines, check them, free them.  */
static void
use_trampolines (const char *what, int n)
{
  void **t = calloc (n, sizeof *t);
  TEST_VERIFY_EXIT (t != NULL);
  for (int i = 0; i < n; i++)
    {
      t[i] = tramp_alloc ((void *) tst_tramp_chain, (void *) (uintptr_t) i);
      if (t[i] == NULL)
	FAIL_EXIT1 ("%s: tramp_alloc %d: %m", what, i);
    }
  for (int i = 0; i < n; i++)
    TEST_COMPARE ((uintptr_t) ((chain_fn *) t[i]) (), i);
  for (int i = 0; i < n; i++)
    TEST_COMPARE (tramp_free (t[i]), 0);
  free (t);
  tst_tramp_audit_maps ();
}

/* Kilobytes of address space in use, or -1.  */
static long
vm_size (void)
{
  FILE *f = fopen ("/proc/self/status", "re");
  if (f == NULL)
    return -1;
  char line[256];
  long kb = -1;
  while (fgets (line, sizeof line, f) != NULL)
    if (sscanf (line, "VmSize: %ld kB", &kb) == 1)
      break;
  fclose (f);
  return kb;
}

/* ulimit -v 100000, where malloc still works.  */
static void
rlimit_as (void *closure)
{
  long kb = vm_size ();
  if (kb < 0 || kb > 60000)
    {
      printf ("UNSUPPORTED: %ld kB of address space already in use\n", kb);
      exit (77);
    }
  struct rlimit rl = { 100000 * 1024, 100000 * 1024 };
  TEST_COMPARE (setrlimit (RLIMIT_AS, &rl), 0);
  void *p = malloc (10 << 20);
  TEST_VERIFY (p != NULL);
  free (p);
  use_trampolines ("RLIMIT_AS", 20000);
  exit (support_record_failure_is_failed () ? 1 : 0);
}

/* A 32-bit address space with no free hole larger than 1 MiB.  */
static void
fragmented (void *closure)
{
  enum { CHUNK = 1 << 20, MAXCHUNKS = 4096 };
  static void *chunks[MAXCHUNKS];
  int n = 0;
  while (n < MAXCHUNKS)
    {
      void *p = mmap (NULL, CHUNK, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (p == MAP_FAILED)
	break;
      chunks[n++] = p;
    }
  /* What is left is smaller than a chunk: fill it too.  */
  size_t small = CHUNK / 2;
  int filled = 0;
  while (small >= 4096)
    {
      if (mmap (NULL, small, PROT_NONE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
	  == MAP_FAILED)
	small /= 2;
      else
	filled++;
    }
  /* Holes of one chunk, every other chunk.  */
  for (int i = 0; i < n; i += 2)
    TEST_COMPARE (munmap (chunks[i], CHUNK), 0);
  printf ("info: %d chunks of 1 MiB mapped, %d smaller holes filled, "
	  "every other chunk unmapped\n", n, filled);
  use_trampolines ("fragmented address space", 20000);
  exit (support_record_failure_is_failed () ? 1 : 0);
}

/* mlockall (MCL_FUTURE) with the default RLIMIT_MEMLOCK of an
   unprivileged process (8 MiB): without CAP_IPC_LOCK, which root
   would have.  */
static void
mlock_future (void *closure)
{
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2];
  if (syscall (SYS_capget, &hdr, data) == 0
      && (data[0].effective & (1U << CAP_IPC_LOCK)) != 0)
    {
      data[0].effective &= ~(1U << CAP_IPC_LOCK);
      data[0].permitted &= ~(1U << CAP_IPC_LOCK);
      data[0].inheritable &= ~(1U << CAP_IPC_LOCK);
      TEST_COMPARE (syscall (SYS_capset, &hdr, data), 0);
    }
  struct rlimit rl = { 8 << 20, 8 << 20 };
  TEST_COMPARE (setrlimit (RLIMIT_MEMLOCK, &rl), 0);
  if (mlockall (MCL_FUTURE) != 0)
    {
      printf ("UNSUPPORTED: mlockall: %m\n");
      exit (77);
    }
  use_trampolines ("mlockall (MCL_FUTURE)", 5000);
  exit (support_record_failure_is_failed () ? 1 : 0);
}

static void
run (const char *name, void (*fn) (void *))
{
  struct support_capture_subprocess result
    = support_capture_subprocess (fn, NULL);
  printf ("%s: status %#x\n%s%s", name, result.status,
	  result.out.buffer ? result.out.buffer : "",
	  result.err.buffer ? result.err.buffer : "");
  if (WIFEXITED (result.status) && WEXITSTATUS (result.status) == 77)
    printf ("info: %s unsupported here\n", name);
  else if (!WIFEXITED (result.status) || WEXITSTATUS (result.status) != 0)
    FAIL ("%s failed", name);
  support_capture_subprocess_free (&result);
}

static int
do_test (void)
{
  /* Sanitizers reserve terabytes of shadow memory, and qemu-user maps
     the guest's memory for itself.  */
  const char *emulator = getenv ("TST_TRAMP_EMULATOR");
  bool emulated = emulator != NULL && *emulator != '\0';
  run ("RLIMIT_AS", rlimit_as);
  if (sizeof (void *) == 4)
    run ("fragmented", fragmented);
  if (!emulated)
    run ("mlockall", mlock_future);
  return 0;
}

#endif /* TRAMP_TABLE_SIZE && __linux__ */

#include <support/test-driver.c>
