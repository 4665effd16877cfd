/* The first trampoline of a process works after its library file was
   replaced or deleted on disk, in a chroot, in a mount namespace
   without /proc and without the library's directory, under Landlock
   and under a seccomp filter refusing open: each happens before the
   first allocation.  Also after a chdir when the library was loaded
   through a relative path.  With the kernel's copy refused (fault
   injection, as before Linux 5.13), the fallbacks still work on an
   untouched file and still refuse a file whose table differs.

   Built twice: with libtramp.so (each case dlopens a private copy of
   the library), and with -DTST_STATIC and libtramp.a (each case runs a
   private copy of this executable, which changes its own file).  */

#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/tramp.h>
#include <support/check.h>
#include <support/xunistd.h>
#include <tramp-table.h>

#include "../misc/tst-tramp.h"
#include "tst-firstuse.h"

#define TIMEOUT 120

typedef void *chain_fn (void);

struct api
{
  void *(*alloc) (void *, void *);
  int (*free) (void *);
};

static char tmpdir[] = "/tmp/tst-firstuse-XXXXXX";
/* The directory holding the copy, and the copy.  */
static char dir[4096], copy[4200];
static off_t table_offset;
enum { TABLES = 20 };
static const size_t many = TABLES * (TRAMP_TABLE_SIZE / TRAMP_SLOT_SIZE);

/* EITHER: works, or fails cleanly; the trampolines that work are
   called, so foreign bytes would trap.  */
enum expect { WORKS, FAILS_CLEANLY, EITHER };

struct mode
{
  const char *name;
  /* Without the kernel's copy of the mapping (before Linux 5.13,
     qemu-user), the file is needed: the case may fail cleanly.  */
  bool needs_copy;
  /* Expected with the copy refused by fault injection (NOCOPY).  */
  enum expect expect;
  int error;
  /* In a static program, where /proc/self/exe still names the file
     the kernel mapped after it was replaced or deleted.  */
  enum expect expect_static;
};

static const struct mode modes[] =
  {
    { "untouched", false, WORKS, 0, WORKS },
    { "replaced", true, WORKS, 0, WORKS },
    { "deleted", true, WORKS, 0, WORKS },
    { "chroot", true, WORKS, 0, WORKS },
    { "newns", true, WORKS, 0, WORKS },
    { "landlock", true, WORKS, 0, WORKS },
    { "seccomp-open", true, WORKS, 0, WORKS },
#ifndef TST_STATIC
    { "chdir", false, WORKS, 0, WORKS },
#endif
    /* The kernel refuses MREMAP_DONTUNMAP: the template path.  The
       trampolines are called: foreign bytes would trap.  */
    { "nocopy", false, WORKS, 0, WORKS },
    { "nocopy-replaced", false, FAILS_CLEANLY, ELIBBAD, WORKS },
    { "nocopy-deleted", false, FAILS_CLEANLY, ELIBACC, WORKS },
    /* And mremap with an old size of 0: the re-open path.  */
    { "nocopy-nodup", false, WORKS, 0, WORKS },
    { "nocopy-nodup-replaced", false, FAILS_CLEANLY, ELIBBAD, WORKS },
  };

/* Find the table's file offset from the maps line of a trampoline of
   the linked library (the same file contents as the copies).  */
static bool
find_table_offset (void)
{
  void *t = tramp_alloc ((void *) tst_tramp_chain, NULL);
  TEST_VERIFY_EXIT (t != NULL);
  FILE *f = fopen ("/proc/self/maps", "re");
  if (f == NULL)
    return false;
  char line[4096];
  bool found = false;
  while (fgets (line, sizeof line, f) != NULL)
    {
      unsigned long start, end, offset;
      if (sscanf (line, "%lx-%lx %*s %lx", &start, &end, &offset) == 3
	  && (uintptr_t) t >= start && (uintptr_t) t < end)
	{
	  table_offset = offset + ((uintptr_t) t - start)
			 / TRAMP_TABLE_SIZE * TRAMP_TABLE_SIZE;
	  found = true;
	}
    }
  fclose (f);
  tramp_free (t);
  return found;
}

/* Put the process into MODE's condition for the library file COPY in
   DIR.  Return 0, or -1 if the condition cannot be made here.  */
static int
enter (const char *mode)
{
  if (strncmp (mode, "nocopy", 6) == 0)
    {
      if (fs_refuse_mremap (strstr (mode, "nodup") != NULL) != 0)
	return -1;
      mode = (strstr (mode, "replaced") != NULL ? "replaced"
	      : strstr (mode, "deleted") != NULL ? "deleted" : "");
    }
  if (strcmp (mode, "replaced") == 0)
    {
      char poisoned[4300];
      snprintf (poisoned, sizeof poisoned, "%s.new", copy);
      if (fs_copy (copy, poisoned, table_offset, TRAMP_TABLE_SIZE) != 0
	  || rename (poisoned, copy) != 0)
	FAIL_EXIT1 ("replace %s: %m", copy);
      return 0;
    }
  if (strcmp (mode, "deleted") == 0)
    {
      if (unlink (copy) != 0)
	FAIL_EXIT1 ("unlink %s: %m", copy);
      return 0;
    }
  if (strcmp (mode, "chroot") == 0)
    {
      /* Next to DIR, in the test's own directory.  */
      char empty[4200];
      snprintf (empty, sizeof empty, "%s", dir);
      snprintf (strrchr (empty, '/'), sizeof empty - strlen (dir),
		"/empty");
      return fs_chroot (empty);
    }
  if (strcmp (mode, "newns") == 0)
    return fs_newns (dir);
  if (strcmp (mode, "landlock") == 0)
    return fs_landlock ();
  if (strcmp (mode, "seccomp-open") == 0)
    return fs_seccomp_open ();
  if (strcmp (mode, "chdir") == 0)
    return chdir ("/");
  return 0;
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

/* In the process of the case: enter MODE, then check the first
   allocations.  Exit status 0, 1 or EXIT_UNSUPPORTED.  */
static void __attribute__ ((noreturn))
child (const struct mode *m, struct api *api, bool copies)
{
  if (enter (m->name) != 0)
    {
      fflush (stdout);
      _exit (EXIT_UNSUPPORTED);
    }
#ifdef TST_STATIC
  enum expect expect = m->expect_static;
#else
  enum expect expect = m->expect;
#endif
  if (m->needs_copy && !copies)
    expect = EITHER;
  errno = 0;
  size_t done = alloc_and_call (api, many);
  int error = errno;
  printf ("info: %s: %zu of %zu allocations (%s)\n", m->name, done, many,
	  done == many ? "all" : strerror (error));
  if (expect == WORKS)
    TEST_COMPARE (done, many);
  else if (expect == EITHER)
    TEST_VERIFY (done == many || error == ELIBACC || error == ELIBBAD);
  else
    {
      TEST_VERIFY (done < many);
      if (m->error != 0)
	TEST_COMPARE (error, m->error);
      else
	TEST_VERIFY (error == ELIBACC || error == ELIBBAD);
    }
  fflush (stdout);
  _exit (support_record_failure_is_failed ());
}

#ifdef TST_STATIC
static const char *self_copy;

static struct api
load (const struct mode *m)
{
  return (struct api) { tramp_alloc, tramp_free };
}
#else
static struct api
load (const struct mode *m)
{
  /* A relative path, and the directory changed after loading, as with
     a relative LD_LIBRARY_PATH.  */
  char rel[4200];
  const char *path = copy;
  if (strcmp (m->name, "chdir") == 0)
    {
      if (chdir (tmpdir) != 0)
	FAIL_EXIT1 ("chdir %s: %m", tmpdir);
      snprintf (rel, sizeof rel, "./lib/libtramp.so.1");
      path = rel;
    }
  void *h = dlopen (path, RTLD_NOW | RTLD_LOCAL);
  if (h == NULL)
    FAIL_EXIT1 ("dlopen %s: %s", path, dlerror ());
  struct api api = { dlsym (h, "tramp_alloc"), dlsym (h, "tramp_free") };
  TEST_VERIFY_EXIT (api.alloc != NULL && api.free != NULL);
  return api;
}
#endif

static void
run (const struct mode *m, bool copies)
{
#ifdef TST_STATIC
  const char *source = self_copy;
#else
  const char *source = LIBTRAMP_DIR "/libtramp.so.1";
#endif
  if (fs_copy (source, copy, 0, 0) != 0)
    FAIL_EXIT1 ("cannot copy %s", source);
  fflush (stdout);
  pid_t pid = xfork ();
  if (pid == 0)
    {
#ifdef TST_STATIC
      /* The copy of this program runs the case on its own file.  Under
	 qemu-user a guest cannot exec another guest program directly:
	 run it through the emulator command run-tests.sh passes.  */
      const char *emulator = getenv ("TST_TRAMP_RUN");
      char offset[32];
      snprintf (offset, sizeof offset, "%lld", (long long) table_offset);
      if (emulator != NULL && *emulator != '\0')
	execl ("/bin/sh", "sh", "-c",
	       "exec $TST_TRAMP_RUN \"$0\" \"$@\"", copy, "child", m->name,
	       offset, copies ? "1" : "0", (char *) NULL);
      else
	execl (copy, copy, "child", m->name, offset, copies ? "1" : "0",
	       (char *) NULL);
      _exit (127);
#else
      struct api api = load (m);
      child (m, &api, copies);
#endif
    }
  int status;
  xwaitpid (pid, &status, 0);
  if (WIFEXITED (status) && WEXITSTATUS (status) == EXIT_UNSUPPORTED)
    printf ("info: %s: not run here\n", m->name);
  else if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    FAIL ("%s: child status %#x", m->name, status);
  unlink (copy);
}

static int
do_test (void)
{
  if (!find_table_offset ())
    FAIL_UNSUPPORTED ("/proc/self/maps is needed to prepare the files");
  if (mkdtemp (tmpdir) == NULL)
    FAIL_EXIT1 ("mkdtemp: %m");
  snprintf (dir, sizeof dir, "%s/lib", tmpdir);
  if (mkdir (dir, 0755) != 0)
    FAIL_EXIT1 ("mkdir %s: %m", dir);
#ifdef TST_STATIC
  /* The executable under test, before any copy of it is made.  */
  static char self[4200];
  snprintf (self, sizeof self, "%s/self", tmpdir);
  if (fs_copy ("/proc/self/exe", self, 0, 0) != 0)
    FAIL_EXIT1 ("cannot copy /proc/self/exe");
  self_copy = self;
  snprintf (copy, sizeof copy, "%s/tst-firstuse-static", dir);
#else
  snprintf (copy, sizeof copy, "%s/libtramp.so.1", dir);
#endif
  bool copies = fs_kernel_copies ("/proc/self/exe");
  if (!copies)
    printf ("note: the kernel cannot copy a private file mapping with "
	    "MREMAP_DONTUNMAP here (before Linux 5.13, or qemu-user): "
	    "the cases that need the file may fail cleanly instead\n");
  for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
    run (&modes[i], copies);
#ifdef TST_STATIC
  unlink (self);
#endif
  char empty[4200];
  snprintf (empty, sizeof empty, "%s/empty", tmpdir);
  rmdir (empty);
  rmdir (dir);
  rmdir (tmpdir);
  return 0;
}

#ifdef TST_STATIC
/* The copy of the program, running one case: tst-firstuse-static child
   MODE TABLE-OFFSET COPIES.  */
static int
static_child (int argc, char **argv)
{
  if (argc != 5)
    return 2;
  snprintf (copy, sizeof copy, "%s", argv[0]);
  snprintf (dir, sizeof dir, "%s", argv[0]);
  *strrchr (dir, '/') = '\0';
  table_offset = atoll (argv[3]);
  for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
    if (strcmp (modes[i].name, argv[2]) == 0)
      {
	struct api api = load (&modes[i]);
	child (&modes[i], &api, argv[4][0] == '1');
      }
  return 2;
}

# define main test_main
#endif

#include <support/test-driver.c>

#ifdef TST_STATIC
# undef main
int
main (int argc, char **argv)
{
  if (argc > 1 && strcmp (argv[1], "child") == 0)
    return static_child (argc, argv);
  return test_main ();
}
#endif
