/* libtramp: every system call of the first allocation fails in turn.

   The test program defines mmap, munmap, mremap, open, openat and close
   itself: the dynamic linker binds libtramp.so's calls to them (the
   executable comes first in the lookup scope), so no LD_PRELOAD and no
   hook in the library are needed; they forward to the system calls.
   This only works against the shared library, whose calls go through
   the PLT, which is why the test is libtramp's and not glibc's (there
   the allocator calls __mmap and friends directly).

   A dry run counts the calls the first tramp_alloc makes.  Then for
   each N, a fresh child makes the Nth call fail (ENOMEM for the memory
   calls, EMFILE for open, EIO after closing for close, as Linux
   does), and checks: no crash, a clean error if any, no W+X or
   anonymous executable mapping, no descriptor left open, allocation
   working afterwards, and after the same work as a child without a
   failure no more address space and no more mappings than it.  */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/tramp.h>
#include <support/capture_subprocess.h>
#include <support/check.h>
#include <tramp-table.h>

#include "tst-tramp.h"

#define TIMEOUT 120

/* Volatile: <sys/tramp.h> declares the functions leaf functions (they
   do not call back into this file as far as the compiler knows), so
   it could otherwise drop stores around the calls.  */
static volatile int armed;
static volatile int calls;
static volatile int fail_at;
static char failed_call[16];

/* Whether this call is the one to fail.  */
static int
inject (const char *name)
{
  if (!armed)
    return 0;
  if (++calls != fail_at)
    return 0;
  strncpy (failed_call, name, sizeof failed_call - 1);
  return 1;
}

static void *
raw_mmap (void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
#ifdef SYS_mmap2
  return (void *) syscall (SYS_mmap2, addr, len, prot, flags, fd,
			   (long) (off / 4096));
#else
  return (void *) syscall (SYS_mmap, addr, len, prot, flags, fd, off);
#endif
}

void *
mmap (void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
  if (inject ("mmap"))
    {
      errno = ENOMEM;
      return MAP_FAILED;
    }
  return raw_mmap (addr, len, prot, flags, fd, off);
}

void *
mmap64 (void *addr, size_t len, int prot, int flags, int fd, off64_t off)
{
  return mmap (addr, len, prot, flags, fd, off);
}

int
munmap (void *addr, size_t len)
{
  if (inject ("munmap"))
    {
      errno = ENOMEM;
      return -1;
    }
  return syscall (SYS_munmap, addr, len);
}

void *
mremap (void *old, size_t old_size, size_t new_size, int flags, ...)
{
  void *new_addr = NULL;
  if (flags & MREMAP_FIXED)
    {
      va_list ap;
      va_start (ap, flags);
      new_addr = va_arg (ap, void *);
      va_end (ap);
    }
  if (inject ("mremap"))
    {
      errno = ENOMEM;
      return MAP_FAILED;
    }
  return (void *) syscall (SYS_mremap, old, old_size, new_size, flags,
			   new_addr);
}

static int
do_openat (int dirfd, const char *path, int flags, mode_t mode)
{
  if (inject ("open"))
    {
      errno = EMFILE;
      return -1;
    }
  return syscall (SYS_openat, dirfd, path, flags, mode);
}

int
open (const char *path, int flags, ...)
{
  va_list ap;
  va_start (ap, flags);
  mode_t mode = va_arg (ap, mode_t);
  va_end (ap);
  return do_openat (AT_FDCWD, path, flags, mode);
}

int
open64 (const char *path, int flags, ...)
{
  va_list ap;
  va_start (ap, flags);
  mode_t mode = va_arg (ap, mode_t);
  va_end (ap);
  return do_openat (AT_FDCWD, path, flags | O_LARGEFILE, mode);
}

int
openat (int dirfd, const char *path, int flags, ...)
{
  va_list ap;
  va_start (ap, flags);
  mode_t mode = va_arg (ap, mode_t);
  va_end (ap);
  return do_openat (dirfd, path, flags, mode);
}

int
openat64 (int dirfd, const char *path, int flags, ...)
{
  va_list ap;
  va_start (ap, flags);
  mode_t mode = va_arg (ap, mode_t);
  va_end (ap);
  return do_openat (dirfd, path, flags | O_LARGEFILE, mode);
}

int
close (int fd)
{
  int r = syscall (SYS_close, fd);
  if (inject ("close"))
    {
      /* Linux releases the descriptor even when close fails.  */
      errno = EIO;
      return -1;
    }
  return r;
}

typedef void *chain_fn (void);

static int
count_fds (void)
{
  DIR *d = opendir ("/proc/self/fd");
  if (d == NULL)
    return -1;
  int n = 0;
  while (readdir (d) != NULL)
    n++;
  closedir (d);
  return n;
}

/* Mappings and kilobytes of address space.  */
static void
footprint (int *count, long *kb)
{
  *count = 0;
  *kb = 0;
  FILE *f = fopen ("/proc/self/maps", "re");
  if (f == NULL)
    return;
  char line[4096];
  while (fgets (line, sizeof line, f) != NULL)
    {
      unsigned long start, end;
      /* The stack grows with how deep the calls went, and the heap
	 with what stdio and strerror of the failing run allocated (a
	 page more on i386): neither is what the library kept, which
	 are mappings of its own.  */
      if (strstr (line, "[stack]") != NULL || strstr (line, "[heap]") != NULL)
	continue;
      if (sscanf (line, "%lx-%lx", &start, &end) == 2)
	{
	  (*count)++;
	  *kb += (end - start) / 1024;
	}
    }
  fclose (f);
}

/* The child: fail the Nth call (none if 0) of the first allocation.  */
static void
child (void *closure)
{
  int n = (intptr_t) closure;
  int fds = count_fds ();
  calls = 0;
  fail_at = n;
  armed = 1;
  errno = 0;
  void *t = tramp_alloc ((void *) tst_tramp_chain, (void *) 1);
  int err = errno;
  armed = 0;
  printf ("calls %d\n", calls);
  if (t == NULL)
    {
      printf ("info: failing call %d (%s): tramp_alloc: %s\n", n,
	      failed_call, strerror (err));
      TEST_VERIFY (err == ENOMEM || err == EMFILE);
    }
  else
    {
      TEST_VERIFY ((uintptr_t) ((chain_fn *) t) () == 1);
      TEST_COMPARE (tramp_free (t), 0);
    }
  tst_tramp_audit_maps ();
  TEST_COMPARE (count_fds (), fds);

  /* Allocation works, and a table is released at the end.  */
  enum { MANY = 3 * (TRAMP_TABLE_SIZE / TRAMP_SLOT_SIZE) };
  static void *many[MANY];
  for (int i = 0; i < MANY; i++)
    {
      many[i] = tramp_alloc ((void *) tst_tramp_chain, (void *) (intptr_t) i);
      if (many[i] == NULL)
	FAIL_EXIT1 ("after failing call %d (%s): tramp_alloc %d: %m", n,
		    failed_call, i);
    }
  for (int i = 0; i < MANY; i++)
    TEST_VERIFY ((intptr_t) ((chain_fn *) many[i]) () == i);
  for (int i = 0; i < MANY; i++)
    TEST_COMPARE (tramp_free (many[i]), 0);
  tst_tramp_audit_maps ();
  TEST_COMPARE (count_fds (), fds);
  int count;
  long kb;
  footprint (&count, &kb);
  printf ("footprint %d %ld\n", count, kb);
  exit (support_record_failure_is_failed () ? 1 : 0);
}

static struct support_capture_subprocess
run (int n, int *calls_made, int *count, long *kb)
{
  struct support_capture_subprocess r
    = support_capture_subprocess (child, (void *) (intptr_t) n);
  const char *p = strstr (r.out.buffer, "calls ");
  *calls_made = p != NULL ? atoi (p + 6) : -1;
  p = strstr (r.out.buffer, "footprint ");
  if (p == NULL || sscanf (p, "footprint %d %ld", count, kb) != 2)
    *count = *kb = -1;
  return r;
}

static int
do_test (void)
{
  int total, ref_count;
  long ref_kb;
  struct support_capture_subprocess r = run (0, &total, &ref_count, &ref_kb);
  if (r.status != 0)
    FAIL_EXIT1 ("reference run: status %#x: %s%s", r.status, r.out.buffer,
		r.err.buffer);
  support_capture_subprocess_free (&r);
  printf ("info: the first allocation makes %d of the intercepted calls; "
	  "%d mappings, %ld kB after the work without a failure\n",
	  total, ref_count, ref_kb);
  TEST_VERIFY_EXIT (total > 0);
  for (int n = 1; n <= total; n++)
    {
      int c, count;
      long kb;
      r = run (n, &c, &count, &kb);
      const char *info = strstr (r.out.buffer, "info: failing");
      if (info != NULL)
	fputs (info, stdout);
      if (r.status != 0)
	FAIL ("failing call %d: status %#x: %s%s", n, r.status, r.out.buffer,
	      r.err.buffer);
      else if (kb > ref_kb || count > ref_count + 2)
	FAIL ("failing call %d: %d mappings, %ld kB left, not %d, %ld kB: "
	      "%s", n, count, kb, ref_count, ref_kb, r.out.buffer);
      support_capture_subprocess_free (&r);
    }
  return 0;
}

#include <support/test-driver.c>
