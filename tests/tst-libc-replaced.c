/* The C library's own file replaced or deleted on disk, as a package
   upgrade does, and the process in a sandbox, before its first
   trampoline.  Run by scripts/glibc-check.sh against the patched
   glibc, plainly and under the W^X policy, on a private copy of
   libc.so.6 that the dynamic linker loaded (ld.so --library-path DIR),
   with the path of that copy.

   usage: tst-libc-replaced MODE LIBC-COPY
     keep     nothing happens to the file;
     inode    the file is replaced by a byte-identical copy (a new
	      inode);
     unlink   the file is deleted;
     chroot   the process chroots into an empty directory;
     newns    a mount namespace without /proc, the copy's directory
	      hidden under an empty tmpfs;
     landlock Landlock denies all file access;
     seccomp  a seccomp filter refuses open, openat and openat2;
     after    the file is replaced after the first trampoline;
   in all of these trampolines work: libc copies its own mapping of the
   table and needs no file.  With the kernel refusing that copy (fault
   injection, as before Linux 5.13), libc needs the file at the first
   table, and checks it is the one the loader mapped:
     nocopy         untouched: works (a template, duplicated by mremap);
     nocopy-nodup   untouched, and mremap refuses to duplicate: works
		    (the file is opened for each table);
     nocopy-inode   replaced by a copy: fails with ELIBBAD, the identity
		    the loader recorded does not match;
     nocopy-unlink  deleted: fails with ELIBACC.
   Exit status 77 if the mode cannot be set up here.  */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/tramp.h>

#include "tst-firstuse.h"

static int failures;

#define CHECK(cond) \
  do { if (!(cond)) { printf ("FAIL: %s:%d: %s\n", __FILE__, __LINE__, \
			      #cond); failures++; } } while (0)

static long target (long x) { return x + 1; }

/* Replace PATH by a copy of itself through a new inode.  */
static void
replace (const char *path)
{
  char tmp[4096];
  snprintf (tmp, sizeof tmp, "%s.new", path);
  if (fs_copy (path, tmp, 0, 0) != 0 || rename (tmp, path) != 0)
    {
      perror ("replace");
      exit (1);
    }
}

/* Set up MODE for the copy LIBC.  Return 0, or -1 if it cannot be done
   here.  */
static int
enter (const char *mode, const char *libc)
{
  if (strncmp (mode, "nocopy", 6) == 0
      && fs_refuse_mremap (strcmp (mode, "nocopy-nodup") == 0) != 0)
    return -1;
  if (strcmp (mode, "inode") == 0 || strcmp (mode, "nocopy-inode") == 0)
    replace (libc);
  else if (strcmp (mode, "unlink") == 0
	   || strcmp (mode, "nocopy-unlink") == 0)
    CHECK (unlink (libc) == 0);
  else if (strcmp (mode, "chroot") == 0)
    {
      /* Next to the copy, in a directory glibc-check.sh removes.  */
      char empty[4200];
      snprintf (empty, sizeof empty, "%s", libc);
      snprintf (strrchr (empty, '/'), sizeof empty - strlen (libc),
		"/empty");
      return fs_chroot (empty);
    }
  else if (strcmp (mode, "newns") == 0)
    {
      char dir[4096];
      snprintf (dir, sizeof dir, "%s", libc);
      *strrchr (dir, '/') = '\0';
      return fs_newns (dir);
    }
  else if (strcmp (mode, "landlock") == 0)
    return fs_landlock ();
  else if (strcmp (mode, "seccomp") == 0)
    return fs_seccomp_open ();
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc != 3)
    {
      fprintf (stderr, "usage: %s MODE LIBC-COPY\n", argv[0]);
      return 2;
    }
  const char *mode = argv[1], *libc = argv[2];
  if (enter (mode, libc) != 0)
    return 77;

  errno = 0;
  long (*fn) (long) = tramp_alloc ((void *) target, NULL);
  int err = errno;
  if (strcmp (mode, "nocopy-inode") == 0)
    {
      CHECK (fn == NULL);
      CHECK (err == ELIBBAD);
    }
  else if (strcmp (mode, "nocopy-unlink") == 0)
    {
      CHECK (fn == NULL);
      CHECK (err == ELIBACC);
    }
  else
    {
      CHECK (fn != NULL);
      if (fn != NULL)
	CHECK (fn (41) == 42);
    }
  if (fn != NULL)
    {
      if (strcmp (mode, "after") == 0)
	replace (libc);
      /* Enough trampolines for several new tables.  */
      enum { N = 5000 };
      static void *t[N];
      for (int i = 0; i < N; i++)
	{
	  t[i] = tramp_alloc ((void *) target, NULL);
	  CHECK (t[i] != NULL);
	  if (t[i] == NULL)
	    break;
	  CHECK (((long (*) (long)) t[i]) (i) == i + 1);
	}
      for (int i = 0; i < N && t[i] != NULL; i++)
	CHECK (tramp_free (t[i]) == 0);
    }
  printf ("%s: tramp_alloc %s (%s)\n", mode, fn != NULL ? "works" : "fails",
	  fn != NULL ? "ok" : strerror (err));
  return failures != 0;
}
