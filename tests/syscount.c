/* Count, from outside, how a program's trampoline tables got their
   code: run it under ptrace (following its threads and children) and
   count the system calls that map a table copy.

     own copies          mremap (TABLE, SIZE, SIZE, ...|MREMAP_DONTUNMAP)
			 that succeeded: a copy of the loader's own
			 mapping of the table (the main path, Linux 5.13+);
     refused             the same call failing (older kernels);
     mremap duplicates   mremap (OLD, 0, ...) that succeeded: a copy of
			 the shared template (the fallback's main path);
     refused             the same call failing (qemu-user, old kernels);
     file maps           mmap of a file, shared, executable, at a fixed
			 address: a copy mapped from the file again (the
			 fallback);
     templates           the same without MAP_FIXED: the template.

   The counts go to stderr as one line "syscount: ..."; the exit status
   is the program's (128 + N when signal N killed it).  Only for a real
   kernel: qemu-user does not emulate ptrace.  A seccomp filter stops
   the program at mmap and mremap only (SECCOMP_RET_TRACE), so that
   programs making many other calls run at nearly full speed.

   usage: syscount PROGRAM [ARGS...]  */

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The last system call entry of each thread, by tid.  */
enum { MAX_TIDS = 4096 };
static struct
{
  pid_t tid;
  unsigned long nr;
  unsigned long long args[6];
} entries[MAX_TIDS];

static int
slot_of (pid_t tid)
{
  for (int i = 0; i < MAX_TIDS; i++)
    if (entries[i].tid == tid)
      return i;
  for (int i = 0; i < MAX_TIDS; i++)
    if (entries[i].tid == 0)
      {
	entries[i].tid = tid;
	return i;
      }
  return -1;
}

#ifndef MREMAP_DONTUNMAP
# define MREMAP_DONTUNMAP 4
#endif

static unsigned long copies, copies_refused, dups, refused, file_maps,
  templates;

static void
count (int slot, long long rval, int is_error)
{
  unsigned long nr = entries[slot].nr;
  unsigned long long *a = entries[slot].args;
  if (nr == SYS_mremap && a[1] != 0 && (a[3] & MREMAP_DONTUNMAP))
    {
      if (is_error)
	copies_refused++;
      else
	copies++;
    }
  if (nr == SYS_mremap && a[1] == 0)
    {
      if (is_error)
	refused++;
      else
	dups++;
    }
  int is_mmap = 0;
#ifdef SYS_mmap
  is_mmap |= nr == SYS_mmap;
#endif
#ifdef SYS_mmap2
  is_mmap |= nr == SYS_mmap2;
#endif
  if (is_mmap && !is_error && (int) a[4] != -1 && (a[2] & PROT_EXEC)
      && (a[3] & MAP_SHARED))
    {
      if (a[3] & MAP_FIXED)
	file_maps++;
      else
	templates++;
    }
  (void) rval;
}

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      fprintf (stderr, "usage: %s PROGRAM [ARGS...]\n", argv[0]);
      return 2;
    }
  pid_t child = fork ();
  if (child < 0)
    return perror ("fork"), 125;
  if (child == 0)
    {
#define TRACE_IF(nr) \
      BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1),	\
      BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_TRACE)
      struct sock_filter filter[] =
	{
	  BPF_STMT (BPF_LD | BPF_W | BPF_ABS,
		    offsetof (struct seccomp_data, nr)),
	  TRACE_IF (SYS_mremap),
#ifdef SYS_mmap
	  TRACE_IF (SYS_mmap),
#endif
#ifdef SYS_mmap2
	  TRACE_IF (SYS_mmap2),
#endif
	  BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
      struct sock_fprog prog =
	{ .len = sizeof filter / sizeof filter[0], .filter = filter };
      ptrace (PTRACE_TRACEME, 0, NULL, NULL);
      raise (SIGSTOP);
      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
	  || prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
	{
	  perror ("seccomp");
	  _exit (125);
	}
      execvp (argv[1], argv + 1);
      perror (argv[1]);
      _exit (127);
    }
  int status;
  if (waitpid (child, &status, 0) != child || !WIFSTOPPED (status))
    return perror ("waitpid"), 125;
  if (ptrace (PTRACE_SETOPTIONS, child, NULL,
	      (void *) (PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACESECCOMP
			| PTRACE_O_TRACECLONE
			| PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK
			| PTRACE_O_EXITKILL)) != 0)
    return perror ("PTRACE_SETOPTIONS"), 125;
  ptrace (PTRACE_CONT, child, NULL, NULL);

  int result = 125;
  for (;;)
    {
      pid_t tid = waitpid (-1, &status, __WALL);
      if (tid < 0)
	{
	  if (errno == EINTR)
	    continue;
	  break;			/* ECHILD: all gone.  */
	}
      if (WIFEXITED (status) || WIFSIGNALED (status))
	{
	  if (tid == child)
	    result = WIFEXITED (status) ? WEXITSTATUS (status)
		     : 128 + WTERMSIG (status);
	  int s = slot_of (tid);
	  if (s >= 0)
	    entries[s].tid = 0;
	  continue;
	}
      if (!WIFSTOPPED (status))
	continue;
      /* At a seccomp stop (a call we count), step to the end of the
	 call; at that syscall stop, count and go on to the next.  */
      int sig = WSTOPSIG (status), inject = 0, request = PTRACE_CONT;
      if (sig == (SIGTRAP | 0x80)
	  || status >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8)))
	{
	  struct __ptrace_syscall_info info;
	  int s = slot_of (tid);
	  if (s >= 0 && ptrace (PTRACE_GET_SYSCALL_INFO, tid,
				(void *) sizeof info, &info) > 0)
	    {
	      if (info.op == PTRACE_SYSCALL_INFO_SECCOMP)
		{
		  entries[s].nr = info.seccomp.nr;
		  for (int i = 0; i < 6; i++)
		    entries[s].args[i] = info.seccomp.args[i];
		  request = PTRACE_SYSCALL;
		}
	      else if (info.op == PTRACE_SYSCALL_INFO_EXIT)
		count (s, info.exit.rval, info.exit.is_error);
	    }
	}
      else if (status >> 16 != 0)
	;				/* A fork/clone event.  */
      else if (sig == SIGSTOP || sig == SIGTRAP)
	;	       /* A new child's first stop, or the exec trap.  */
      else
	inject = sig;			/* A real signal: deliver it.  */
      ptrace (request, tid, NULL, (void *) (long) inject);
    }
  fprintf (stderr, "syscount: own copies %lu, refused %lu;"
	   " mremap duplicates %lu, refused %lu;"
	   " file maps %lu, templates %lu\n", copies, copies_refused, dups,
	   refused, file_maps, templates);
  return result;
}
