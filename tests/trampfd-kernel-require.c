/* Linked into the basic, thread and fork tests to run them against a
   real kernel's trampfd (tests/trampfd-kernel.sh): at exit, fail the
   test unless a page of the kernel's trampfd file is mapped (the
   allocator keeps one spare table while it uses trampfd, so a process
   that used it always has one) and no trampfd descriptor is open.  */

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void __attribute__ ((destructor))
trampfd_kernel_require (void)
{
  FILE *f = fopen ("/proc/self/maps", "re");
  char line[512];
  int pages = 0;
  while (f != NULL && fgets (line, sizeof line, f) != NULL)
    pages += (strstr (line, "anon_inode:[trampfd]") != NULL
	      && strstr (line, " r-xp ") != NULL);
  if (f != NULL)
    fclose (f);
  int fds = 0;
  DIR *d = opendir ("/proc/self/fd");
  struct dirent *e;
  while (d != NULL && (e = readdir (d)) != NULL)
    {
      char path[300], target[256];
      snprintf (path, sizeof path, "/proc/self/fd/%s", e->d_name);
      ssize_t len = readlink (path, target, sizeof target - 1);
      if (len > 0)
	{
	  target[len] = '\0';
	  fds += strstr (target, "[trampfd]") != NULL;
	}
    }
  if (d != NULL)
    closedir (d);
  if (pages == 0 || fds != 0)
    {
      printf ("error: the kernel's trampfd was %s (%d pages mapped, %d "
	      "descriptors open at exit)\n",
	      pages == 0 ? "not used" : "left open", pages, fds);
      fflush (stdout);
      _exit (1);
    }
}
