/* A signal handler on an alternate stack that lies above the thread's
   stack creates nested-function trampolines while the interrupted
   frames own live ones.  Seen from the handler, those entries are
   below its frame, as stale ones would be; they must survive.  */

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include "nested-test.h"

#define STACK_SIZE (1024 * 1024)

typedef long fn_t (long);

static volatile long handler_sum;

static long __attribute__ ((noinline))
call_it (fn_t *f, long x)
{
  return f (x);
}

static void __attribute__ ((noinline))
handler_work (int depth)
{
  long mine = depth;
  long add (long x) { return x + mine; }
  CHECK_TRAMP (add);
  handler_sum += call_it (add, 1);
  if (depth > 0)
    handler_work (depth - 1);
}

static void
handler (int sig)
{
  (void) sig;
  handler_work (3);
}

static void *
thread_main (void *arg)
{
  char *alt = arg;
  stack_t ss = { .ss_sp = alt, .ss_size = STACK_SIZE, .ss_flags = 0 };
  CHECK (sigaltstack (&ss, NULL) == 0);
  long k = 41;
  long add (long x) { return x + k; }
  fn_t *volatile fp = add;
  CHECK_TRAMP (fp);
  /* The alternate stack is above this frame.  */
  CHECK ((uintptr_t) alt > (uintptr_t) &k);
  for (int i = 0; i < 100; i++)
    {
      CHECK (raise (SIGUSR1) == 0);
      CHECK_TRAMP (fp);
      CHECK (fp (1) == 42);
    }
  /* Each signal adds 4 + 3 + 2 + 1.  */
  CHECK (handler_sum == 100 * 10);
  return NULL;
}

int
main (void)
{
  /* One mapping: the thread's stack in the lower half, the alternate
     signal stack in the upper half.  */
  char *mem = mmap (NULL, 2 * STACK_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  CHECK (mem != MAP_FAILED);
  struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_ONSTACK };
  sigemptyset (&sa.sa_mask);
  CHECK (sigaction (SIGUSR1, &sa, NULL) == 0);
  pthread_attr_t attr;
  CHECK (pthread_attr_init (&attr) == 0);
  CHECK (pthread_attr_setstack (&attr, mem, STACK_SIZE) == 0);
  pthread_t t;
  CHECK (pthread_create (&t, &attr, thread_main, mem + STACK_SIZE) == 0);
  CHECK (pthread_join (t, NULL) == 0);
  puts ("sigaltstack: OK");
  return 0;
}
