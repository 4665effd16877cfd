/* The C library's own file replaced or deleted on disk, as a package
   upgrade does.  Run by scripts/glibc-check.sh against the patched
   glibc, on a private copy of libc.so.6 that the dynamic linker loaded
   (ld.so --library-path DIR), with the path of that copy.

   usage: tst-libc-replaced MODE LIBC-COPY
     keep     nothing happens to the file: trampolines work;
     inode    before the first trampoline, the file is replaced by a
              byte-identical copy (a new inode): tramp_alloc fails with
              ELIBBAD, the identity the loader recorded does not match;
     unlink   before the first trampoline, the file is deleted:
              tramp_alloc fails with ELIBACC;
     after    the file is replaced after the first trampoline: new
              tables keep working, they never re-open the file.  */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/tramp.h>

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
  int in = open (path, O_RDONLY | O_CLOEXEC);
  int out = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
  if (in < 0 || out < 0)
    {
      perror ("replace");
      exit (1);
    }
  static char buf[1 << 16];
  ssize_t n;
  while ((n = read (in, buf, sizeof buf)) > 0)
    if (write (out, buf, n) != n)
      {
	perror ("write");
	exit (1);
      }
  close (in);
  close (out);
  if (rename (tmp, path) != 0)
    {
      perror ("rename");
      exit (1);
    }
}

int
main (int argc, char **argv)
{
  if (argc != 3)
    {
      fprintf (stderr, "usage: %s keep|inode|unlink|after LIBC-COPY\n",
	       argv[0]);
      return 2;
    }
  const char *mode = argv[1], *libc = argv[2];
  if (strcmp (mode, "inode") == 0)
    replace (libc);
  else if (strcmp (mode, "unlink") == 0)
    CHECK (unlink (libc) == 0);

  errno = 0;
  long (*fn) (long) = tramp_alloc ((void *) target, NULL);
  int err = errno;
  if (strcmp (mode, "inode") == 0)
    {
      CHECK (fn == NULL);
      CHECK (err == ELIBBAD);
    }
  else if (strcmp (mode, "unlink") == 0)
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
  if (strcmp (mode, "after") == 0 && fn != NULL)
    {
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
