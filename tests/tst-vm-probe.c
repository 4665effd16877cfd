/* On a real kernel (scripts/vm.sh): how the kernel really mapped the
   copies of the trampoline table, which qemu-user only pretends to do.
   Allocates trampolines until they live in several tables, then for
   each table copy prints its /proc/self/smaps entry and checks that it
   is a read+exec private mapping of a file, never writable, and on
   aarch64 with BTI that the kernel marked it guarded ("bt" in VmFlags,
   i.e. PROT_BTI).  Then shows that the kernel enforces its page size:
   a copy of the table mapped at a file offset or address 4 KiB off
   (a table aligned only for 4 KiB pages) must fail on a 16 or 64 KiB
   page kernel, and works on a 4 KiB one.

   Prints PASS:/FAIL:/NOTE: lines; exits 1 if anything failed.  */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/tramp.h>
#include <tramp-table.h>
#include <unistd.h>

static int failures;

static void
verdict (int ok, const char *what)
{
  printf ("%-6s %s\n", ok ? "PASS:" : "FAIL:", what);
  failures += !ok;
}

static int
target (int x)
{
  return x + 1;
}

/* The smaps entry of ADDR: its first line in LINE, its VmFlags and
   KernelPageSize lines in FLAGS and KPS.  */
static int
smaps_of (uintptr_t addr, char *line, char *flags, char *kps)
{
  FILE *f = fopen ("/proc/self/smaps", "re");
  char buf[512];
  int in = 0, found = 0;
  while (f != NULL && fgets (buf, sizeof buf, f) != NULL)
    {
      unsigned long lo, hi;
      if (sscanf (buf, "%lx-%lx ", &lo, &hi) == 2 && strchr (buf, '-') < strchr (buf, ' '))
	{
	  if (found)
	    break;
	  in = addr >= lo && addr < hi;
	  if (in)
	    {
	      found = 1;
	      strcpy (line, buf);
	    }
	}
      else if (in && strncmp (buf, "VmFlags:", 8) == 0)
	strcpy (flags, buf);
      else if (in && strncmp (buf, "KernelPageSize:", 15) == 0)
	strcpy (kps, buf);
    }
  if (f != NULL)
    fclose (f);
  return found;
}

int
main (void)
{
  long ps = sysconf (_SC_PAGESIZE);
  printf ("NOTE:  page size %ld, table size %d\n", ps, TRAMP_TABLE_SIZE);

  /* Trampolines in three tables (the first copy may hold fewer).  */
  enum { TABLES = 3 };
  uintptr_t copies[TABLES];
  int ncopies = 0;
  for (long i = 0; i < 4L * TABLES * TRAMP_TABLE_SIZE / TRAMP_SLOT_SIZE
		   && ncopies < TABLES; i++)
    {
      void *t = tramp_alloc ((void *) target, NULL);
      if (t == NULL)
	{
	  perror ("tramp_alloc");
	  return 1;
	}
      if (((int (*) (int)) t) (41) != 42)
	{
	  printf ("FAIL:  call through %p\n", t);
	  return 1;
	}
      uintptr_t copy = (uintptr_t) t & -(uintptr_t) TRAMP_TABLE_SIZE;
      if (ncopies == 0 || copies[ncopies - 1] != copy)
	copies[ncopies++] = copy;
    }
  verdict (ncopies == TABLES, "trampolines spread over several table copies");

  char line[512], flags[512], kps[512], path[512] = "", what[1024];
  unsigned long offset = 0;
  int bti = 0;
#ifdef __aarch64__
# ifndef HWCAP2_BTI
#  define HWCAP2_BTI (1 << 17)
# endif
# if defined __ARM_FEATURE_BTI_DEFAULT && __ARM_FEATURE_BTI_DEFAULT
  bti = (getauxval (AT_HWCAP2) & HWCAP2_BTI) != 0;
# endif
  if (!bti)
    printf ("NOTE:  no BTI here (CPU or build): PROT_BTI not expected\n");
#endif
  for (int i = 0; i < ncopies; i++)
    {
      flags[0] = kps[0] = 0;
      if (!smaps_of (copies[i], line, flags, kps))
	{
	  verdict (0, "table copy in /proc/self/smaps");
	  continue;
	}
      line[strcspn (line, "\n")] = 0;
      flags[strcspn (flags, "\n")] = 0;
      kps[strcspn (kps, "\n")] = 0;
      printf ("NOTE:  copy %d: %s\n        %s; %s\n", i, line, kps, flags);
      char perms[8];
      unsigned long lo;
      if (sscanf (line, "%lx-%*x %7s %lx %*s %*s %511s", &lo, perms, &offset,
		  path) != 4)
	{
	  verdict (0, "smaps line parsed");
	  continue;
	}
      /* A copy of the loader's (or the kernel's) private mapping of
	 the file; where BTI guards the code, guarded too.  */
      snprintf (what, sizeof what, "copy %d mapped r-xp from %s at its start",
		i, path);
      verdict (strcmp (perms, "r-xp") == 0 && lo == copies[i]
	       && path[0] == '/', what);
      if (bti)
	{
	  snprintf (what, sizeof what, "copy %d guarded by the kernel"
		    " (PROT_BTI: \"bt\" in VmFlags)", i);
	  verdict (strstr (flags, " bt") != NULL, what);
	}
    }

  /* The kernel's page size, enforced.  */
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      verdict (0, "table file opened again");
      return 1;
    }
  void *p = mmap (NULL, ps, PROT_READ, MAP_SHARED, fd, offset);
  verdict (p != MAP_FAILED, "table mapped again at its own offset");
  if (p != MAP_FAILED)
    munmap (p, ps);
  char *res = mmap (NULL, 4 * ps, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  void *off4k = mmap (NULL, ps, PROT_READ, MAP_SHARED, fd, offset + 4096);
  void *at4k = mmap (res + ps + 4096, ps, PROT_READ, MAP_SHARED | MAP_FIXED,
		     fd, offset);
  int e = errno;
  if (ps > 4096)
    {
      verdict (off4k == MAP_FAILED, "a table 4 KiB off its page"
	       " (file offset) is refused by the kernel");
      verdict (at4k == MAP_FAILED && e == EINVAL, "a table copy at an"
	       " address 4 KiB off a page is refused by the kernel (EINVAL)");
    }
  else
    printf ("NOTE:  4 KiB pages: 4 KiB-aligned file offset %s, address %s\n",
	    off4k != MAP_FAILED ? "mapped" : "refused",
	    at4k != MAP_FAILED ? "mapped" : "refused");
  close (fd);
  return failures != 0;
}
