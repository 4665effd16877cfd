/* The trampfd backend against a real kernel carrying the kernel/ patch
   series (run in a VM by tests/trampfd-kernel.sh): the library finds
   AT_TRAMPFD, and every trampoline it hands out is in a page that is a
   mapping of the kernel's trampfd file ("anon_inode:[trampfd]" in
   /proc/self/maps); threads, fork, bad input; the fallback to the
   static tables when the kernel refuses trampfd (a seccomp filter
   answering EPERM, RLIMIT_NOFILE reached); no descriptor left open.
   On aarch64 with BTI: the kernel's page is guarded ("bt" in its
   VmFlags, PROT_BTI), each trampoline starts with its landing pad
   ("bti c"), and an indirect call past the pad dies with SIGILL.
   UNSUPPORTED where the kernel does not advertise trampfd.  */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/tramp.h>
#include <support/check.h>
#include <support/xthread.h>
#include <support/xunistd.h>
#include <trampfd.h>

#include "tst-tramp.h"

#define TIMEOUT 120

typedef void *chain_fn (void);

#if defined __x86_64__
# define TRAMP_TRAMPFD_CODE_SIZE_NATIVE TRAMPFD_CODE_SIZE_X86_64
#elif defined __i386__
# define TRAMP_TRAMPFD_CODE_SIZE_NATIVE TRAMPFD_CODE_SIZE_I386
#elif defined __aarch64__
# define TRAMP_TRAMPFD_CODE_SIZE_NATIVE TRAMPFD_CODE_SIZE_ARM64
#else
# define TRAMP_TRAMPFD_CODE_SIZE_NATIVE 64
#endif

/* Is ADDR in a private read+exec mapping of the trampfd file?  */
static bool
in_kernel_page (const void *addr)
{
  FILE *f = fopen ("/proc/self/maps", "re");
  TEST_VERIFY_EXIT (f != NULL);
  char line[512];
  bool found = false;
  while (fgets (line, sizeof line, f) != NULL)
    {
      unsigned long start, end;
      char perms[8];
      if (sscanf (line, "%lx-%lx %7s", &start, &end, perms) == 3
	  && (uintptr_t) addr >= start && (uintptr_t) addr < end)
	found = (strstr (line, "anon_inode:[trampfd]") != NULL
		 && strcmp (perms, "r-xp") == 0);
    }
  fclose (f);
  return found;
}

/* Descriptors open to a trampfd file.  */
static int
trampfd_fds (void)
{
  DIR *d = opendir ("/proc/self/fd");
  TEST_VERIFY_EXIT (d != NULL);
  struct dirent *e;
  int n = 0;
  while ((e = readdir (d)) != NULL)
    {
      char path[300], target[256];
      snprintf (path, sizeof path, "/proc/self/fd/%s", e->d_name);
      ssize_t len = readlink (path, target, sizeof target - 1);
      if (len > 0)
	{
	  target[len] = '\0';
	  n += strstr (target, "[trampfd]") != NULL;
	}
    }
  closedir (d);
  return n;
}

/* Allocate N trampolines; check where they are (from the kernel's page
   if KERNEL) and what they do; free them.  */
static void
alloc_check_free (unsigned int n, bool kernel)
{
  void **t = calloc (n, sizeof *t);
  TEST_VERIFY_EXIT (t != NULL);
  for (unsigned int i = 0; i < n; i++)
    {
      errno = 0;
      t[i] = tramp_alloc ((void *) tst_tramp_chain, (void *) (uintptr_t) i);
      if (t[i] == NULL)
	FAIL_EXIT1 ("tramp_alloc %u: %m", i);
      TEST_COMPARE (errno, 0);
    }
  unsigned int wrong = 0;
  for (unsigned int i = 0; i < n; i++)
    {
      TEST_COMPARE ((uintptr_t) ((chain_fn *) t[i]) (), i);
      wrong += in_kernel_page (t[i]) != kernel;
    }
  if (wrong != 0)
    FAIL ("%u of %u trampolines %s the kernel's page", wrong, n,
	  kernel ? "not in" : "in");
  for (unsigned int i = 0; i < n; i += 2)
    {
      TEST_COMPARE (tramp_set (t[i], (void *) tst_tramp_chain,
			       (void *) (uintptr_t) (i + 7)), 0);
      TEST_COMPARE ((uintptr_t) ((chain_fn *) t[i]) (), i + 7);
    }
  for (unsigned int i = 0; i < n; i++)
    TEST_COMPARE (tramp_free (t[i]), 0);
  free (t);
  TEST_COMPARE (trampfd_fds (), 0);
}

static unsigned int per_page;

static void
scenario_basic (void)
{
  alloc_check_free (3 * per_page + 1, true);
  /* Bad input.  */
  void *t = tramp_alloc ((void *) tst_tramp_chain, (void *) 5);
  TEST_VERIFY_EXIT (t != NULL && in_kernel_page (t));
  tst_tramp_check_refused ((char *) t + 1);
  tst_tramp_check_refused ((char *) t + per_page * 64);
  TEST_COMPARE (tramp_free (t), 0);
  errno = 0;
  TEST_COMPARE (tramp_free (t), -1);
  TEST_COMPARE (errno, EINVAL);
  TEST_VERIFY (tramp_code (t) == NULL);
}

static void *
thread_fn (void *closure)
{
  for (int round = 0; round < 20; round++)
    alloc_check_free (per_page / 2 + round, true);
  return NULL;
}

static void
scenario_threads (void)
{
  pthread_t th[4];
  for (int i = 0; i < 4; i++)
    th[i] = xpthread_create (NULL, thread_fn, NULL);
  for (int i = 0; i < 4; i++)
    xpthread_join (th[i]);
}

static void
scenario_fork (void)
{
  void *t = tramp_alloc ((void *) tst_tramp_chain, (void *) 11);
  TEST_VERIFY_EXIT (t != NULL && in_kernel_page (t));
  pid_t pid = xfork ();
  if (pid == 0)
    {
      /* The child has the parent's trampolines and makes its own.  */
      TEST_COMPARE ((uintptr_t) ((chain_fn *) t) (), 11);
      TEST_COMPARE (tramp_free (t), 0);
      alloc_check_free (per_page + 3, true);
      _exit (0);
    }
  int status;
  xwaitpid (pid, &status, 0);
  TEST_COMPARE (status, 0);
  TEST_COMPARE ((uintptr_t) ((chain_fn *) t) (), 11);
  alloc_check_free (per_page + 3, true);
  TEST_COMPARE (tramp_free (t), 0);
}

/* A seccomp filter makes trampfd fail with EPERM: the static tables
   take over, and errno is left alone.  */
static void
scenario_seccomp (void)
{
  long nr = getauxval (AT_TRAMPFD);
  struct sock_filter filter[] =
    {
      BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
      BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
      BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
      BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
  struct sock_fprog prog = { sizeof filter / sizeof filter[0], filter };
  TEST_COMPARE (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
  TEST_COMPARE (prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog), 0);
  alloc_check_free (per_page + 1, false);
}

/* No descriptor left for trampfd: the static tables take over (or, if
   they need a descriptor too, tramp_alloc fails with EMFILE), and
   once descriptors are available again allocation works.  */
static void
scenario_emfile (void)
{
  int fd = dup (0);
  TEST_VERIFY_EXIT (fd >= 0);
  close (fd);
  struct rlimit old, rl;
  TEST_COMPARE (getrlimit (RLIMIT_NOFILE, &old), 0);
  rl = old;
  rl.rlim_cur = fd;
  TEST_COMPARE (setrlimit (RLIMIT_NOFILE, &rl), 0);
  errno = 0;
  void *t = tramp_alloc ((void *) tst_tramp_chain, (void *) 3);
  int err = errno;
  /* Reading /proc/self/maps needs a descriptor too.  */
  TEST_COMPARE (setrlimit (RLIMIT_NOFILE, &old), 0);
  printf ("info: at RLIMIT_NOFILE: %s (%s)\n",
	  t == NULL ? "failed" : in_kernel_page (t) ? "trampfd" : "static",
	  strerror (err));
  TEST_VERIFY (t == NULL ? err == EMFILE : !in_kernel_page (t));
  if (t != NULL)
    {
      TEST_COMPARE ((uintptr_t) ((chain_fn *) t) (), 3);
      TEST_COMPARE (tramp_free (t), 0);
    }
  /* trampfd has been abandoned for this process.  */
  alloc_check_free (per_page + 1, false);
}

/* aarch64 with BTI: the kernel maps its page guarded, every
   trampoline starts with "bti c", so an indirect call to it works
   (shown by every scenario above), and one that lands past the pad
   dies with SIGILL, raised by the kernel's BTI check.  */
#ifdef __aarch64__
# ifndef HWCAP2_BTI
#  define HWCAP2_BTI (1 << 17)
# endif
/* The VmFlags line of the smaps entry of ADDR into FLAGS (empty if
   none); whether ADDR is mapped.  */
static bool
vmflags_of (const void *addr, char *flags, size_t size)
{
  FILE *f = fopen ("/proc/self/smaps", "re");
  TEST_VERIFY_EXIT (f != NULL);
  char line[512];
  bool in = false, found = false;
  flags[0] = '\0';
  while (fgets (line, sizeof line, f) != NULL)
    {
      unsigned long start, end;
      char perms[8];
      /* A mapping's first line (no field name is hex digits then a
	 '-').  */
      if (sscanf (line, "%lx-%lx %7s", &start, &end, perms) == 3)
	{
	  in = (uintptr_t) addr >= start && (uintptr_t) addr < end;
	  found |= in;
	}
      else if (in && strncmp (line, "VmFlags:", 8) == 0)
	snprintf (flags, size, "%s", line + 8);
    }
  fclose (f);
  return found;
}

static bool
have_bti (void)
{
  return (getauxval (AT_HWCAP2) & HWCAP2_BTI) != 0;
}

static void
scenario_bti (void)
{
  void *t = tramp_alloc ((void *) tst_tramp_chain, (void *) 21);
  TEST_VERIFY_EXIT (t != NULL && in_kernel_page (t));
  char flags[512];
  TEST_VERIFY (vmflags_of (t, flags, sizeof flags));
  printf ("info: VmFlags of the kernel's page:%s", flags);
  /* " bt" as a whole word.  */
  char *bt = strstr (flags, " bt");
  TEST_VERIFY (bt != NULL && (bt[3] == ' ' || bt[3] == '\n'));
  uint32_t insn;
  memcpy (&insn, t, sizeof insn);
  TEST_COMPARE (insn, 0xd503245f);	/* bti c */
  TEST_COMPARE ((uintptr_t) ((chain_fn *) t) (), 21);
  pid_t pid = xfork ();
  if (pid == 0)
    {
      /* Not a landing pad: the first movz.  */
      chain_fn *past = (chain_fn *) ((char *) t + 4);
      __asm__ volatile ("" : "+r" (past));
      past ();
      _exit (0);
    }
  int status;
  xwaitpid (pid, &status, 0);
  if (!WIFSIGNALED (status) || WTERMSIG (status) != SIGILL)
    FAIL ("a call past the landing pad: status %#x, not SIGILL", status);
  else
    printf ("info: a call past the landing pad: SIGILL\n");
  TEST_COMPARE (tramp_free (t), 0);
}
#endif

/* LIBTRAMP_TRAMPFD=0 turns the advertised trampfd off.  */
static void
scenario_off (void)
{
  setenv ("LIBTRAMP_TRAMPFD", "0", 1);
  alloc_check_free (per_page + 1, false);
}

static void
run (const char *name, void (*fn) (void))
{
  printf ("info: scenario %s\n", name);
  fflush (stdout);
  pid_t pid = xfork ();
  if (pid == 0)
    {
      fn ();
      fflush (stdout);
      _exit (0);
    }
  int status;
  xwaitpid (pid, &status, 0);
  if (status != 0)
    FAIL ("scenario %s: status %#x", name, status);
}

static int
do_test (void)
{
  unsigned long nr = getauxval (AT_TRAMPFD);
  if (nr == 0)
    FAIL_UNSUPPORTED ("the kernel does not advertise trampfd (AT_TRAMPFD)");
  printf ("info: AT_TRAMPFD = %lu\n", nr);
  per_page = getpagesize () / TRAMP_TRAMPFD_CODE_SIZE_NATIVE;
  /* The static tables are the default: ask for trampfd.  */
  setenv ("LIBTRAMP_TRAMPFD", "1", 1);
  run ("basic", scenario_basic);
  run ("threads", scenario_threads);
  run ("fork", scenario_fork);
  run ("seccomp EPERM", scenario_seccomp);
  run ("EMFILE", scenario_emfile);
  run ("setting off", scenario_off);
#ifdef __aarch64__
  if (have_bti ())
    run ("BTI", scenario_bti);
  else
    printf ("info: no BTI on this CPU: the BTI scenario is not run\n");
#endif
  return 0;
}

#include <support/test-driver.c>
