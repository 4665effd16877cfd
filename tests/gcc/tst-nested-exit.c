/* exit called from a frame that owns a trampoline: atexit handlers
   run after thread_local destructors and may still call it, since
   the frame is live.  */

#include "nested-test.h"

typedef long fn_t (long);
static fn_t *saved;

static void
at_exit (void)
{
  if (saved (1) != 42)
    {
      fputs ("exit: wrong result\n", stderr);
      _exit (1);
    }
  puts ("exit: OK");
  fflush (stdout);
}

int
main (void)
{
  long k = 41;
  long add (long x) { return x + k; }
  saved = add;
  CHECK_TRAMP (add);
  CHECK (atexit (at_exit) == 0);
  exit (0);
}
