/* Linked, with trampfd-emul.c, into the basic, thread and fork tests to
   run them against the trampfd backend: at exit, fail the test if the
   emulated kernel never mapped a trampoline page where the backend
   asked (the tests would then have exercised the static tables only)
   or if an emulated trampfd descriptor is still open.  */

#include <stdio.h>
#include <unistd.h>

#include "trampfd-emul.h"

static void __attribute__ ((destructor))
trampfd_require_use (void)
{
  struct trampfd_emul_stats s;
  trampfd_emul_get_stats (&s);
  printf ("info: trampfd emulation: %ld trampfd calls, %ld pages mapped "
	  "(%ld at the hint), %ld descriptors open at exit\n", s.syscalls,
	  s.mmaps, s.hinted, s.open);
  fflush (stdout);
#ifdef __arm__
  /* No trampfd backend on arm (tst-trampfd says why): the test ran on
     the static tables, which is all it can do there.  Seen on a real
     kernel; under qemu-user the emulation never starts.  */
  if (s.syscalls == 0 && s.open == 0)
    {
      printf ("info: arm has no trampfd backend (no scratch register)\n");
      fflush (stdout);
      _exit (77);
    }
#endif
  if (s.hinted == 0 || s.open != 0)
    {
      printf ("error: the trampfd backend was %s\n",
	      s.hinted == 0 ? "not used" : "left a descriptor open");
      fflush (stdout);
      _exit (1);
    }
}
