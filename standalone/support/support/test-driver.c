/* libtramp test shim: the main function of a test, included at the
   end of the test as glibc's support/test-driver.c is.  The test
   defines do_test; it may define TIMEOUT (seconds, default 20, scaled
   by the environment variable TIMEOUTFACTOR).  */

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>
#include <support/check.h>

#ifndef TIMEOUT
# define TIMEOUT 20
#endif

void support_test_driver_init (void);
int main (void);

/* Append "NAME 0x<VALUE>" to *P.  Async-signal-safe.  */
static void
support_test_driver_hex (char **p, const char *name, uintptr_t value)
{
  size_t len = strlen (name);
  memcpy (*p, name, len);
  *p += len;
  *(*p)++ = ' ';
  *(*p)++ = '0';
  *(*p)++ = 'x';
  for (int shift = sizeof value * 8 - 4; shift >= 0; shift -= 4)
    *(*p)++ = "0123456789abcdef"[(value >> shift) & 15];
}

/* Says where the test was when its time ran out (the program counter
   of the thread that took the signal, its link register or the word at
   its stack pointer, which is often a return address, and main's
   address, to find the load bias), so that a hang that shows only
   under load or on another machine can be located afterwards with
   addr2line.  */
static void
support_test_driver_timeout (int sig, siginfo_t *info, void *context)
{
  char line[256];
  char *p = line;
  static const char message[] = "error: test timed out:";
  memcpy (p, message, sizeof message - 1);
  p += sizeof message - 1;
  uintptr_t pc = 0, ret = 0;
  const char *ret_name = " lr";
  const mcontext_t *mc = &((const ucontext_t *) context)->uc_mcontext;
#if defined __x86_64__
  pc = mc->gregs[REG_RIP];
  ret = *(const uintptr_t *) mc->gregs[REG_RSP];
  ret_name = " sp[0]";
#elif defined __i386__
  pc = mc->gregs[REG_EIP];
  ret = *(const uintptr_t *) mc->gregs[REG_ESP];
  ret_name = " sp[0]";
#elif defined __aarch64__
  pc = mc->pc;
  ret = mc->regs[30];
#elif defined __arm__
  pc = mc->arm_pc;
  ret = mc->arm_lr;
#endif
  (void) mc;
  (void) info;
  support_test_driver_hex (&p, " pc", pc);
  support_test_driver_hex (&p, ret_name, ret);
  support_test_driver_hex (&p, " main", (uintptr_t) main);
  *p++ = '\n';
  ssize_t ignored = write (STDERR_FILENO, line, p - line);
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
  struct sigaction sa = { .sa_sigaction = support_test_driver_timeout,
			  .sa_flags = SA_SIGINFO };
  sigaction (SIGALRM, &sa, NULL);
  alarm (seconds);
  int status = do_test ();
  fflush (stdout);
  if (status == EXIT_UNSUPPORTED)
    return status;
  if (support_record_failure_is_failed ())
    return 1;
  return status;
}
