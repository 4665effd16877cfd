/* The old ways of making code at run time, which a W^X policy must
   refuse: "wx" maps anonymous memory writable and executable, writes
   code and calls it; "mprotect" writes code into writable memory and
   then asks mprotect for execute.  Exits 0 if the code ran.  Under
   wx-policy both must be killed with SIGSYS: that shows the policy the
   tests run under is really enforced.  "mprotect-bti" (AArch64 with
   BTI) asks for execute together with PROT_BTI, which the policy leaves
   to the kernel's W^X: it must be refused (exit 3), not run.  Exits 77
   where it cannot be tried.  */

#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include "arch-code.h"

int
main (int argc, char **argv)
{
  int wx = argc > 1 && strcmp (argv[1], "wx") == 0;
  int bti = argc > 1 && strcmp (argv[1], "mprotect-bti") == 0;
  int extra_prot = 0;
  const void *code = return42_code;
  size_t code_size = sizeof return42_code;
  if (bti)
    {
#if defined __aarch64__
      /* bti c; mov w0, #42; ret */
      static const uint32_t bti_return42_code[]
	= { 0xd503245f, 0x52800540, 0xd65f03c0 };
      if (!(getauxval (AT_HWCAP2) & (1 << 17)))	/* HWCAP2_BTI */
	{
	  puts ("no BTI on this processor");
	  return 77;
	}
      extra_prot = 0x10;			/* PROT_BTI */
      code = bti_return42_code;
      code_size = sizeof bti_return42_code;
#else
      puts ("not AArch64");
      return 77;
#endif
    }
  char *page = mmap (NULL, 4096,
		     PROT_READ | PROT_WRITE | (wx ? PROT_EXEC : 0),
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED)
    {
      perror ("mmap");
      return 1;
    }
  memcpy (page, code, code_size);
  __builtin___clear_cache (page, page + code_size);
  if (!wx && mprotect (page, 4096, PROT_READ | PROT_EXEC | extra_prot) != 0)
    {
      perror ("mprotect");
      return bti ? 3 : 1;
    }
  int (*fn) (void) = (int (*) (void)) page;
#ifdef __arm__
  fn = (int (*) (void)) ((unsigned long) page & ~1UL);
#endif
  int r = fn ();
  printf ("run-time code returned %d\n", r);
  return r == 42 ? 0 : 1;
}
