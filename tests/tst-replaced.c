/* libtramp's library file replaced or deleted on disk, as a package
   upgrade does, and /proc missing.  Each case runs in its own process
   on a private copy of the library, loaded with dlopen.

   Built with LIBTRAMP_DIR, the build directory: it holds libtramp.so.1
   and tests/libtramp-reopen.so.1, a variant that never duplicates the
   template with mremap and re-opens the file for each table instead
   (the path qemu-user takes).  */

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/tramp.h>
#include <support/check.h>
#include <support/xunistd.h>
#include <tramp-table.h>

#include "../misc/tst-tramp.h"
#include "tst-firstuse.h"

#define TIMEOUT 60

typedef void *chain_fn (void);

struct api
{
  void *(*alloc) (void *, void *);
  int (*free) (void *);
};

static char tmpdir[] = "/tmp/tst-replaced-XXXXXX";
static char copy[4096], poisoned[4096];
/* The table's bytes: the library files hold them at a page-aligned
   offset (what mapping them needs; the table's own alignment may be
   smaller than its size), not necessarily at the same offset in each
   (the re-open variant is built from the same sources with other code
   around the table).  */
static unsigned char table_bytes[TRAMP_TABLE_SIZE];
/* Trampolines that fill this many tables.  */
enum { TABLES = 20 };
static const size_t many = TABLES * (TRAMP_TABLE_SIZE / TRAMP_SLOT_SIZE);

/* Copy FROM to TO (through a new inode: never truncate a file that a
   process may have mapped).  */
static void
copy_file (const char *from, const char *to, bool poison)
{
  char tmp[4200];
  snprintf (tmp, sizeof tmp, "%s.tmp", to);
  int in = open (from, O_RDONLY | O_CLOEXEC);
  int out = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
  if (in < 0 || out < 0)
    FAIL_EXIT1 ("copy %s to %s: %m", from, to);
  off_t table_offset = -1;
  static unsigned char block[TRAMP_TABLE_SIZE];
  for (off_t at = 0; poison && table_offset < 0
	 && pread (in, block, sizeof block, at) == sizeof block;
       at += 4096)
    if (memcmp (block, table_bytes, sizeof block) == 0)
      table_offset = at;
  if (poison && table_offset < 0)
    FAIL_EXIT1 ("no trampoline table in %s", from);
  static char buf[1 << 16];
  ssize_t n;
  off_t pos = 0;
  while ((n = read (in, buf, sizeof buf)) > 0)
    {
      /* The poisoned copy has trap bytes where the table was: a file of
	 the same size and layout, with foreign code at the offset.  */
      for (ssize_t i = 0; poison && i < n; i++)
	if (pos + i >= table_offset
	    && pos + i < table_offset + TRAMP_TABLE_SIZE)
	  buf[i] = 0xcc;
      if (write (out, buf, n) != n)
	FAIL_EXIT1 ("write %s: %m", to);
      pos += n;
    }
  close (in);
  close (out);
  if (rename (tmp, to) != 0)
    FAIL_EXIT1 ("rename %s: %m", tmp);
}

/* Read the table's bytes from the copy mapped for a trampoline of the
   linked libtramp: the first half of its span, aligned to the span's
   size.  */
static void
find_table_bytes (void)
{
  void *t = tramp_alloc ((void *) tst_tramp_chain, NULL);
  TEST_VERIFY_EXIT (t != NULL);
  memcpy (table_bytes,
	  (void *) ((uintptr_t) t & -(uintptr_t) (2 * TRAMP_TABLE_SIZE)),
	  TRAMP_TABLE_SIZE);
  tramp_free (t);
}

/* Whether mremap can duplicate a shared mapping (old size 0), which
   libtramp.so.1 uses for every table after the first where the kernel
   cannot copy the loader's mapping.  qemu-user does not emulate it:
   there the library takes the re-open path, and its cases are held to
   the re-open variant's expectations.  */
static bool
mremap_duplicates (const char *path)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    FAIL_EXIT1 ("open %s: %m", path);
  void *p = mmap (NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
  close (fd);
  if (p == MAP_FAILED)
    FAIL_EXIT1 ("mmap %s: %m", path);
  void *q = mremap (p, 0, 4096, MREMAP_MAYMOVE);
  bool works = q != MAP_FAILED;
  if (works)
    munmap (q, 4096);
  munmap (p, 4096);
  return works;
}

static struct api
load (const char *path)
{
  void *h = dlopen (path, RTLD_NOW | RTLD_LOCAL);
  if (h == NULL)
    FAIL_EXIT1 ("dlopen %s: %s", path, dlerror ());
  struct api api = { dlsym (h, "tramp_alloc"), dlsym (h, "tramp_free") };
  TEST_VERIFY_EXIT (api.alloc != NULL && api.free != NULL);
  return api;
}

/* Allocate N trampolines and call each.  Return how many succeeded
   before the first failure; its errno is left in errno.  */
static size_t
alloc_and_call (struct api *api, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      void *t = api->alloc ((void *) tst_tramp_chain,
			    (void *) (uintptr_t) (i + 1));
      if (t == NULL)
	return i;
      if (((chain_fn *) t) () != (void *) (uintptr_t) (i + 1))
	FAIL_EXIT1 ("trampoline %zu returned the wrong data", i);
    }
  return n;
}

enum expect { WORKS, FAILS_CLEANLY };

/* What to do to the copy before or after the first allocation.  */
enum change { UNCHANGED, REPLACE, DELETE };

static void
do_change (enum change change)
{
  if (change == UNCHANGED)
    return;
  if (change == REPLACE)
    {
      copy_file (copy, poisoned, true);
      if (rename (poisoned, copy) != 0)
	FAIL_EXIT1 ("rename: %m");
      /* The old inode stays mapped in this process: the code of the
	 library itself keeps running.  */
    }
  else if (unlink (copy) != 0)
    FAIL_EXIT1 ("unlink: %m");
}

struct scenario
{
  const char *name;
  const char *lib;
  enum change change;
  bool after_first_table;
  enum expect expect;
  int error;			/* errno when FAILS_CLEANLY.  */
};

static void
run (const struct scenario *s)
{
  copy_file (s->lib, copy, false);
  fflush (stdout);
  pid_t pid = xfork ();
  if (pid == 0)
    {
      struct api api = load (copy);
      if (s->after_first_table)
	{
	  TEST_COMPARE (alloc_and_call (&api, 1), 1);
	  do_change (s->change);
	}
      else
	do_change (s->change);
      errno = 0;
      size_t done = alloc_and_call (&api, many);
      int error = errno;
      printf ("info: %s: %zu of %zu allocations (%s)\n", s->name, done,
	      many, done == many ? "all" : strerror (error));
      if (s->expect == WORKS)
	TEST_COMPARE (done, many);
      else
	{
	  TEST_VERIFY (done < many);
	  TEST_COMPARE (error, s->error);
	  /* The verdict holds.  */
	  errno = 0;
	  TEST_VERIFY (alloc_and_call (&api, many) < many);
	}
      fflush (stdout);
      _exit (support_record_failure_is_failed ());
    }
  int status;
  xwaitpid (pid, &status, 0);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    FAIL ("%s: child status %#x", s->name, status);
  unlink (copy);
}

/* Run the main cases without /proc (a private mount namespace with
   /proc detached).  Where the kernel cannot copy the loader's mapping
   (COPIES false), the library needs /proc to check the identity of its
   file, so it must fail cleanly.  */
static void
run_without_proc (const char *lib, const char *static_test, bool copies)
{
  copy_file (lib, copy, false);
  fflush (stdout);
  pid_t pid = xfork ();
  if (pid == 0)
    {
      if (unshare (CLONE_NEWNS) != 0
	  || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0
	  || umount2 ("/proc", MNT_DETACH) != 0)
	{
	  printf ("warning: no /proc case not run: cannot make a mount "
		  "namespace without /proc: %m (needs CAP_SYS_ADMIN)\n");
	  _exit (EXIT_UNSUPPORTED);
	}
      TEST_VERIFY (access ("/proc/self/maps", F_OK) != 0);
      struct api api = load (copy);
      errno = 0;
      size_t done = alloc_and_call (&api, many);
      printf ("info: without /proc: %zu allocations from the library\n",
	      done);
      if (!copies)
	{
	  TEST_COMPARE (done, 0);
	  TEST_COMPARE (errno, ELIBACC);
	  printf ("info: without /proc and without the kernel's copy, the "
		  "static case would fail the same way: not run\n");
	  fflush (stdout);
	  _exit (support_record_failure_is_failed ());
	}
      TEST_COMPARE (done, many);
      /* A static executable finds itself without /proc/self/exe.  */
      if (access (static_test, X_OK) != 0)
	{
	  printf ("warning: %s not built (sanitizer build): static case "
		  "without /proc not run here\n", static_test);
	  fflush (stdout);
	  _exit (support_record_failure_is_failed ());
	}
      fflush (stdout);
      pid_t p = xfork ();
      if (p == 0)
	{
	  /* Under qemu-user a guest program cannot exec another guest
	     program directly (no binfmt_misc handler is assumed): run it
	     through the emulator command run-tests.sh passes.  */
	  const char *emulator = getenv ("TST_TRAMP_RUN");
	  if (emulator != NULL && *emulator != '\0')
	    execl ("/bin/sh", "sh", "-c", "exec $TST_TRAMP_RUN \"$0\"",
		   static_test, (char *) NULL);
	  else
	    execl (static_test, static_test, (char *) NULL);
	  _exit (127);
	}
      int status;
      xwaitpid (p, &status, 0);
      TEST_VERIFY (WIFEXITED (status) && WEXITSTATUS (status) == 0);
      printf ("info: without /proc: static tst-tramp-static exit %#x\n",
	      status);
      fflush (stdout);
      _exit (support_record_failure_is_failed ());
    }
  int status;
  xwaitpid (pid, &status, 0);
  unlink (copy);
  if (WIFEXITED (status) && WEXITSTATUS (status) == EXIT_UNSUPPORTED)
    return;
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    FAIL ("without /proc: child status %#x", status);
}

static int
do_test (void)
{
  find_table_bytes ();
  if (mkdtemp (tmpdir) == NULL)
    FAIL_EXIT1 ("mkdtemp: %m");
  snprintf (copy, sizeof copy, "%s/libtramp.so.1", tmpdir);
  snprintf (poisoned, sizeof poisoned, "%s/new", tmpdir);

  const char *lib = LIBTRAMP_DIR "/libtramp.so.1";
  const char *reopen = LIBTRAMP_DIR "/tests/libtramp-reopen.so.1";
  const struct scenario scenarios[] =
    {
      { "untouched", lib, UNCHANGED, false, WORKS, 0 },
      { "re-open: untouched", reopen, UNCHANGED, false, WORKS, 0 },
      { "replaced after the first table", lib, REPLACE, true, WORKS, 0 },
      { "deleted after the first table", lib, DELETE, true, WORKS, 0 },
      /* The kernel copies the loader's mapping: the file is not
	 needed, not even for the first table.  */
      { "replaced before the first allocation", lib, REPLACE, false,
	WORKS, 0 },
      { "deleted before the first allocation", lib, DELETE, false,
	WORKS, 0 },
      { "re-open: replaced after the first table", reopen, REPLACE, true,
	FAILS_CLEANLY, ELIBBAD },
      { "re-open: deleted after the first table", reopen, DELETE, true,
	FAILS_CLEANLY, ELIBACC },
      { "re-open: replaced before the first allocation", reopen, REPLACE,
	false, FAILS_CLEANLY, ELIBBAD },
    };
  bool copies = fs_kernel_copies (lib);
  bool dup = mremap_duplicates (lib);
  if (!copies)
    printf ("note: the kernel cannot copy a private file mapping with "
	    "MREMAP_DONTUNMAP here (before Linux 5.13, qemu-user): "
	    "libtramp.so.1 needs its file for the first table%s\n",
	    dup ? "" : ", and since mremap cannot duplicate a shared "
	    "mapping either, for every table like the re-open variant");
  for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
    {
      struct scenario s = scenarios[i];
      if (!copies && s.lib == lib && s.change != UNCHANGED
	  && (!s.after_first_table || !dup))
	{
	  s.expect = FAILS_CLEANLY;
	  s.error = s.change == REPLACE ? ELIBBAD : ELIBACC;
	}
      run (&s);
    }

  run_without_proc (lib, LIBTRAMP_DIR "/tests/tst-tramp-static", copies);
  rmdir (tmpdir);
  return 0;
}

#include <support/test-driver.c>
