/* The old ways of making code at run time, which a W^X policy must
   refuse: "wx" maps anonymous memory writable and executable, writes
   code and calls it; "mprotect" writes code into writable memory and
   then asks mprotect for execute.  Exits 0 if the code ran.  Under
   wx-policy both must be killed with SIGSYS: that shows the policy the
   tests run under is really enforced.  */

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include "arch-code.h"

int
main (int argc, char **argv)
{
  int wx = argc > 1 && strcmp (argv[1], "wx") == 0;
  char *page = mmap (NULL, 4096,
		     PROT_READ | PROT_WRITE | (wx ? PROT_EXEC : 0),
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED)
    {
      perror ("mmap");
      return 1;
    }
  memcpy (page, return42_code, sizeof return42_code);
  __builtin___clear_cache (page, page + sizeof return42_code);
  if (!wx && mprotect (page, 4096, PROT_READ | PROT_EXEC) != 0)
    {
      perror ("mprotect");
      return 1;
    }
  int (*fn) (void) = (int (*) (void)) page;
#ifdef __arm__
  fn = (int (*) (void)) ((unsigned long) page & ~1UL);
#endif
  int r = fn ();
  printf ("run-time code returned %d\n", r);
  return r == 42 ? 0 : 1;
}
