/* Trampolines under a W^X policy enforced with seccomp.
   Copyright The GNU Toolchain Authors.
   This file is part of the GNU C Library.

   The GNU C Library is free software; you can redistribute it and/or
   modify it under the terms of the GNU Lesser General Public
   License as published by the Free Software Foundation; either
   version 2.1 of the License, or (at your option) any later version.

   The GNU C Library is distributed in the hope that it will be useful,
   but WITHOUT ANY WARRANTY; without even the implied warranty of
   MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
   Lesser General Public License for more details.

   You should have received a copy of the GNU Lesser General Public
   License along with the GNU C Library; if not, see
   <https://www.gnu.org/licenses/>.  */

/* Run the tests of misc/tst-tramp.c after installing a seccomp filter
   that kills the process on any mmap creating anonymous executable
   memory, any mmap asking for write and execute together, and any
   mprotect or pkey_mprotect asking for execute.  Mapping files
   PROT_READ|PROT_EXEC, as the dynamic linker and the trampoline
   allocator do, is allowed.  Subprocesses first check that the filter
   kills what it should.  */

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <support/check.h>
#include <support/xunistd.h>

static int do_wx_test (void);
#define TEST_FUNCTION do_wx_test
#include <misc/tst-tramp.c>

#if defined __x86_64__ && defined __ILP32__
# define AUDIT_ARCH_NATIVE AUDIT_ARCH_X86_64
#elif defined __x86_64__
# define AUDIT_ARCH_NATIVE AUDIT_ARCH_X86_64
#elif defined __i386__
# define AUDIT_ARCH_NATIVE AUDIT_ARCH_I386
#elif defined __aarch64__ && !defined __AARCH64EB__
# define AUDIT_ARCH_NATIVE AUDIT_ARCH_AARCH64
#elif defined __arm__ && !defined __ARMEB__
# define AUDIT_ARCH_NATIVE AUDIT_ARCH_ARM
#endif

#ifdef AUDIT_ARCH_NATIVE

/* Low 32 bits of system call argument N (little-endian targets).  */
# define ARG(n) (offsetof (struct seccomp_data, args) + 8 * (n))
# define LOAD(off) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, (off))
# define KILL BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS)
# define ALLOW BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
# define JSET(k, jt, jf) BPF_JUMP (BPF_JMP | BPF_JSET | BPF_K, (k), (jt), (jf))

/* Entered with the system call number in A, which is left unchanged
   when the number does not match.  */
# define CHECK_MMAP(nr)							\
  BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 7),			\
  LOAD (ARG (2)),			/* prot */			\
  JSET (PROT_EXEC, 0, 3),		/* not executable: allow */	\
  JSET (PROT_WRITE, 3, 0),		/* also writable: kill */	\
  LOAD (ARG (3)),			/* flags */			\
  JSET (MAP_ANONYMOUS, 1, 0),		/* anonymous: kill */		\
  ALLOW,								\
  KILL

# define CHECK_MPROTECT(nr)						\
  BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 4),			\
  LOAD (ARG (2)),							\
  JSET (PROT_EXEC, 1, 0),						\
  ALLOW,								\
  KILL

static void
install_policy (void)
{
  struct sock_filter filter[] =
    {
      LOAD (offsetof (struct seccomp_data, arch)),
      BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_NATIVE, 1, 0),
      KILL,
      LOAD (offsetof (struct seccomp_data, nr)),
# ifdef __NR_mmap
      CHECK_MMAP (__NR_mmap),
# endif
# ifdef __NR_mmap2
      CHECK_MMAP (__NR_mmap2),
# endif
      CHECK_MPROTECT (__NR_mprotect),
# ifdef __NR_pkey_mprotect
      CHECK_MPROTECT (__NR_pkey_mprotect),
# endif
      ALLOW,
    };
  struct sock_fprog prog = { sizeof filter / sizeof filter[0], filter };
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    FAIL_UNSUPPORTED ("PR_SET_NO_NEW_PRIVS: %m");
  if (prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
    {
      if (errno == EINVAL || errno == ENOSYS)
	FAIL_UNSUPPORTED ("seccomp filters not supported: %m");
      FAIL_EXIT1 ("PR_SET_SECCOMP: %m");
    }
}

/* Run FN in a subprocess and check that the policy kills it.  */
static void
expect_killed (const char *what, void (*fn) (void))
{
  pid_t pid = xfork ();
  if (pid == 0)
    {
      fn ();
      _exit (0);
    }
  int status;
  xwaitpid (pid, &status, 0);
  if (WIFSIGNALED (status) && WTERMSIG (status) == SIGSYS)
    printf ("info: the policy kills %s\n", what);
  else
    FAIL ("%s not killed by the policy (status %#x)", what, status);
}

static void
anonymous_exec (void)
{
  mmap (NULL, getpagesize (), PROT_READ | PROT_EXEC,
	MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void
write_exec (void)
{
  mmap (NULL, getpagesize (), PROT_READ | PROT_WRITE | PROT_EXEC,
	MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void
mprotect_exec (void)
{
  void *p = mmap (NULL, getpagesize (), PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p != MAP_FAILED)
    mprotect (p, getpagesize (), PROT_READ | PROT_EXEC);
}

static int
do_wx_test (void)
{
  install_policy ();
  expect_killed ("an anonymous executable mapping", anonymous_exec);
  expect_killed ("a writable and executable mapping", write_exec);
  expect_killed ("mprotect to executable", mprotect_exec);
  return do_test ();
}

#else /* !AUDIT_ARCH_NATIVE */

static int
do_wx_test (void)
{
  FAIL_UNSUPPORTED ("no seccomp policy for this architecture");
}

#endif
