/* Demonstration: closures as plain function pointers under a strict
   W^X policy.

   usage: demo WX-POLICY   (the path of tests/wx-policy)

   It runs itself twice under the policy: once making counters with
   tramp_alloc, once making code the old way (writing instructions into
   writable+executable memory, as GCC's heap trampolines and libffi's
   fallback do).  The first works; the second is killed.  */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/tramp.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../tests/arch-code.h"

/* counter_next: the target of every counter.  It finds its state, a
   long, through the data register the trampoline loaded, increments it
   and returns it: each trampoline is a different counter.  */
long counter_next (void);
#if defined __x86_64__
asm (".text\n.globl counter_next\n.type counter_next, @function\n"
     "counter_next:\n endbr64\n movq (%r10), %rax\n addq $1, %rax\n"
     " movq %rax, (%r10)\n ret\n.size counter_next, .-counter_next\n");
#elif defined __i386__
asm (".text\n.globl counter_next\n.type counter_next, @function\n"
     "counter_next:\n endbr32\n movl (%ecx), %eax\n addl $1, %eax\n"
     " movl %eax, (%ecx)\n ret\n.size counter_next, .-counter_next\n");
#elif defined __aarch64__
asm (".text\n.globl counter_next\n.type counter_next, %function\n"
     "counter_next:\n hint 34\n ldr x0, [x18]\n add x0, x0, #1\n"
     " str x0, [x18]\n ret\n.size counter_next, .-counter_next\n");
#elif defined __arm__
asm (".text\n.arm\n.globl counter_next\n.type counter_next, %function\n"
     "counter_next:\n ldr r0, [ip]\n add r0, r0, #1\n str r0, [ip]\n"
     " bx lr\n.size counter_next, .-counter_next\n");
#endif

static int
with_trampolines (void)
{
  long a = 0, b = 100;
  long (*next_a) (void) = tramp_alloc ((void *) counter_next, &a);
  long (*next_b) (void) = tramp_alloc ((void *) counter_next, &b);
  if (next_a == NULL || next_b == NULL)
    {
      perror ("tramp_alloc");
      return 1;
    }
  printf ("  next_a() = %ld\n", next_a ());
  printf ("  next_a() = %ld\n", next_a ());
  printf ("  next_b() = %ld\n", next_b ());
  printf ("  next_a() = %ld\n", next_a ());
  printf ("  two plain function pointers, one target, separate state\n");
  tramp_free (next_a);
  tramp_free (next_b);
  return a == 3 && b == 101 ? 0 : 1;
}

static int
the_old_way (void)
{
  printf ("  mmap (PROT_READ|PROT_WRITE|PROT_EXEC, MAP_ANONYMOUS)...\n");
  fflush (stdout);
  char *page = mmap (NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED)
    {
      perror ("  mmap");
      return 1;
    }
  memcpy (page, return42_code, sizeof return42_code);
  __builtin___clear_cache (page, page + sizeof return42_code);
  printf ("  run-time code returned %d\n", ((int (*) (void)) page) ());
  return 0;
}

static int
run_under_policy (const char *policy, const char *self, const char *mode)
{
  fflush (stdout);
  pid_t pid = fork ();
  if (pid == 0)
    {
      execl (policy, policy, self, mode, (char *) NULL);
      perror (policy);
      _exit (127);
    }
  int status;
  waitpid (pid, &status, 0);
  if (WIFSIGNALED (status))
    printf ("  => killed by signal %d (%s)\n", WTERMSIG (status),
	    strsignal (WTERMSIG (status)));
  else
    printf ("  => exited with status %d\n", WEXITSTATUS (status));
  return status;
}

int
main (int argc, char **argv)
{
  if (argc == 2 && strcmp (argv[1], "--tramp") == 0)
    return with_trampolines ();
  if (argc == 2 && strcmp (argv[1], "--old-way") == 0)
    return the_old_way ();
  if (argc != 2)
    {
      fprintf (stderr, "usage: %s WX-POLICY\n", argv[0]);
      return 2;
    }

  char self[4096];
  ssize_t n = readlink ("/proc/self/exe", self, sizeof self - 1);
  if (n < 0)
    {
      perror ("readlink /proc/self/exe");
      return 1;
    }
  self[n] = '\0';

  printf ("Under a W^X policy (seccomp kills any writable+executable or "
	  "anonymous executable mapping):\n\n");
  printf ("1. Counters made with tramp_alloc:\n");
  int good = run_under_policy (argv[1], self, "--tramp");
  printf ("\n2. The same idea the old way, code written at run time:\n");
  int old = run_under_policy (argv[1], self, "--old-way");

  int ok = WIFEXITED (good) && WEXITSTATUS (good) == 0
	   && WIFSIGNALED (old) && WTERMSIG (old) == SIGSYS;
  printf ("\n%s\n", ok ? "Trampolines work where run-time code is refused."
		       : "UNEXPECTED RESULT");
  return ok ? 0 : 1;
}
