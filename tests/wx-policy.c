/* Run a program under a strict W^X policy enforced by seccomp: the
   process is killed (SIGSYS) on any mmap that would create anonymous
   executable memory, any mmap requesting write and execute together,
   and any mprotect or pkey_mprotect that asks for execute.  Mappings of
   files with PROT_READ|PROT_EXEC (how the loader maps code) pass.

   usage: wx-policy PROGRAM [ARGS...]  */

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined __x86_64__
# define AUDIT_ARCH_NATIVE AUDIT_ARCH_X86_64
#elif defined __i386__
# define AUDIT_ARCH_NATIVE AUDIT_ARCH_I386
#elif defined __aarch64__
# define AUDIT_ARCH_NATIVE AUDIT_ARCH_AARCH64
#elif defined __arm__
# define AUDIT_ARCH_NATIVE AUDIT_ARCH_ARM
#else
# error "unknown architecture"
#endif

/* Low 32 bits of argument N (little-endian on every target here).  */
#define ARG(n) (offsetof (struct seccomp_data, args) + 8 * (n))
#define LOAD(off) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, (off))
#define KILL BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS)
#define ALLOW BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
#define JSET(k, jt, jf) BPF_JUMP (BPF_JMP | BPF_JSET | BPF_K, (k), (jt), (jf))

/* Entered with the system call number in A, which a block leaves
   unchanged when it does not match.  */
#define CHECK_MMAP(nr)							\
  BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 7),			\
  LOAD (ARG (2)),			/* prot */			\
  JSET (PROT_EXEC, 0, 3),		/* not executable: allow */	\
  JSET (PROT_WRITE, 3, 0),		/* writable too: kill */	\
  LOAD (ARG (3)),			/* flags */			\
  JSET (MAP_ANONYMOUS, 1, 0),		/* anonymous: kill */		\
  ALLOW,								\
  KILL

#define CHECK_MPROTECT(nr)						\
  BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 4),			\
  LOAD (ARG (2)),							\
  JSET (PROT_EXEC, 1, 0),						\
  ALLOW,								\
  KILL

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      fprintf (stderr, "usage: %s PROGRAM [ARGS...]\n", argv[0]);
      return 2;
    }
  struct sock_filter filter[] =
    {
      LOAD (offsetof (struct seccomp_data, arch)),
      BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_NATIVE, 1, 0),
      KILL,
      LOAD (offsetof (struct seccomp_data, nr)),
#ifdef SYS_mmap
      CHECK_MMAP (SYS_mmap),
#endif
#ifdef SYS_mmap2
      CHECK_MMAP (SYS_mmap2),
#endif
      CHECK_MPROTECT (SYS_mprotect),
#ifdef SYS_pkey_mprotect
      CHECK_MPROTECT (SYS_pkey_mprotect),
#endif
      ALLOW,
    };
  struct sock_fprog prog = { sizeof filter / sizeof filter[0], filter };
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
      || prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
    {
      fprintf (stderr, "wx-policy: cannot install the seccomp filter: %s\n",
	       strerror (errno));
      return 125;
    }
  execvp (argv[1], argv + 1);
  fprintf (stderr, "wx-policy: %s: %s\n", argv[1], strerror (errno));
  return 127;
}
