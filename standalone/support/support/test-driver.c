/* libtramp test shim: the main function of a test, included at the
   end of the test as glibc's support/test-driver.c is.  The test
   defines do_test; it may define TIMEOUT (seconds, default 20, scaled
   by the environment variable TIMEOUTFACTOR).  */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <support/check.h>

#ifndef TIMEOUT
# define TIMEOUT 20
#endif

void support_test_driver_init (void);

static void
support_test_driver_timeout (int sig)
{
  static const char message[] = "error: test timed out\n";
  ssize_t ignored = write (STDERR_FILENO, message, sizeof message - 1);
  (void) ignored;
  signal (sig, SIG_DFL);
  raise (sig);
}

int
main (void)
{
  support_test_driver_init ();
  const char *factor = getenv ("TIMEOUTFACTOR");
  unsigned int seconds = TIMEOUT;
  if (factor != NULL && atoi (factor) > 0)
    seconds *= atoi (factor);
  signal (SIGALRM, support_test_driver_timeout);
  alarm (seconds);
  int status = do_test ();
  fflush (stdout);
  if (status == EXIT_UNSUPPORTED)
    return status;
  if (support_record_failure_is_failed ())
    return 1;
  return status;
}
