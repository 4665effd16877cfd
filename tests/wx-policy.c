/* Run a program under a strict W^X policy enforced by seccomp: the
   process is killed (SIGSYS) on any mmap that would create anonymous
   executable memory, any mmap requesting write and execute together,
   and any mprotect or pkey_mprotect that asks for execute (on AArch64,
   see below for one asking for PROT_BTI too).  Mappings of
   files with PROT_READ|PROT_EXEC (how the loader maps code) pass.

   The kernel also makes the stack executable at exec when the program
   (or the interpreter of a script) asks for it in its PT_GNU_STACK
   program header, or has none, without any system call the filter
   could see: such a program is refused before exec, with exit status
   126 and a message.  --check PROGRAM only does that check (exit 0
   if the program would run), for emulators that cannot install the
   filter.

   usage: wx-policy [--check] PROGRAM [ARGS...]  */

/* asprintf.  */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE 1
#endif
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
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

#ifdef __aarch64__
/* On AArch64 the loader adds PROT_BTI to code the kernel mapped, and
   libtramp to its copies of the table, with mprotect: that makes no
   memory executable that was not.  The filter cannot see a mapping's
   old protection, so such a request (execute and BTI, not write) goes
   to the kernel's own W^X, which refuses any mapping gaining execute
   (PR_SET_MDWE, Linux 6.3); without it, the filter refuses the request
   with EPERM, as systemd's MemoryDenyWriteExecute= does.  */
# ifndef PROT_BTI
#  define PROT_BTI 0x10
# endif
# ifndef PR_SET_MDWE
#  define PR_SET_MDWE 65
#  define PR_MDWE_REFUSE_EXEC_GAIN 1
# endif
/* BTI_VERDICT: the answer to such a request.  */
# define CHECK_MPROTECT(nr)						\
  BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 7),			\
  LOAD (ARG (2)),							\
  JSET (PROT_EXEC, 0, 3),		/* not executable: allow */	\
  JSET (PROT_WRITE, 3, 0),		/* writable too: kill */	\
  JSET (PROT_BTI, 0, 2),		/* not BTI: kill */		\
  BPF_STMT (BPF_RET | BPF_K, bti_verdict),				\
  ALLOW,								\
  KILL
#else
# define CHECK_MPROTECT(nr)						\
  BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 4),			\
  LOAD (ARG (2)),							\
  JSET (PROT_EXEC, 1, 0),						\
  ALLOW,								\
  KILL
#endif

/* The file execvp would run for NAME, or NULL.  */
static char *
find_program (const char *name)
{
  if (strchr (name, '/') != NULL)
    return strdup (name);
  const char *path = getenv ("PATH");
  if (path == NULL)
    path = "/bin:/usr/bin";
  while (*path != '\0')
    {
      size_t len = strcspn (path, ":");
      char *file;
      if (asprintf (&file, "%.*s%s%s", (int) len, path, len > 0 ? "/" : "",
		    name) < 0)
	return NULL;
      if (access (file, X_OK) == 0)
	return file;
      free (file);
      path += len + (path[len] == ':');
    }
  return NULL;
}

/* Return the reason why the kernel would give FILE an executable
   stack at exec, or NULL if it would not.  */
static const char *
executable_stack (const char *file, int depth)
{
  static char reason[4096];
  int fd = open (file, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return NULL;			/* execvp reports it.  */
  unsigned char buf[512];
  ssize_t n = pread (fd, buf, sizeof buf, 0);
  const char *result = NULL;
  if (n >= 2 && buf[0] == '#' && buf[1] == '!' && depth < 4)
    {
      /* A script: the kernel runs its interpreter.  */
      buf[n == sizeof buf ? n - 1 : n] = '\0';
      char *interp = (char *) buf + 2;
      interp += strspn (interp, " \t");
      interp[strcspn (interp, " \t\n")] = '\0';
      close (fd);
      return executable_stack (interp, depth + 1);
    }
  if (n < EI_NIDENT || memcmp (buf, ELFMAG, SELFMAG) != 0)
    {
      close (fd);
      return NULL;
    }
  bool is64 = buf[EI_CLASS] == ELFCLASS64;
  unsigned long phoff, phnum, phentsize;
  if (is64)
    {
      Elf64_Ehdr eh;
      memcpy (&eh, buf, sizeof eh);
      phoff = eh.e_phoff, phnum = eh.e_phnum, phentsize = eh.e_phentsize;
    }
  else
    {
      Elf32_Ehdr eh;
      memcpy (&eh, buf, sizeof eh);
      phoff = eh.e_phoff, phnum = eh.e_phnum, phentsize = eh.e_phentsize;
    }
  bool found = false;
  for (unsigned long i = 0; i < phnum && result == NULL; i++)
    {
      Elf64_Phdr ph64;
      Elf32_Phdr ph32;
      unsigned long type, flags;
      if (is64)
	{
	  if (pread (fd, &ph64, sizeof ph64, phoff + i * phentsize)
	      != sizeof ph64)
	    break;
	  type = ph64.p_type, flags = ph64.p_flags;
	}
      else
	{
	  if (pread (fd, &ph32, sizeof ph32, phoff + i * phentsize)
	      != sizeof ph32)
	    break;
	  type = ph32.p_type, flags = ph32.p_flags;
	}
      if (type == PT_GNU_STACK)
	{
	  found = true;
	  if (flags & PF_X)
	    {
	      snprintf (reason, sizeof reason,
			"%s asks for an executable stack (PT_GNU_STACK RWE)",
			file);
	      result = reason;
	    }
	}
    }
  if (!found && result == NULL)
    {
      snprintf (reason, sizeof reason,
		"%s has no PT_GNU_STACK header (the stack may be executable)",
		file);
      result = reason;
    }
  close (fd);
  return result;
}

int
main (int argc, char **argv)
{
  bool check_only = argc > 1 && strcmp (argv[1], "--check") == 0;
  if (check_only)
    argv++, argc--;
  if (argc < 2)
    {
      fprintf (stderr, "usage: %s [--check] PROGRAM [ARGS...]\n", argv[0]);
      return 2;
    }
  char *file = find_program (argv[1]);
  const char *reason = file != NULL ? executable_stack (file, 0) : NULL;
  free (file);
  if (reason != NULL)
    {
      fprintf (stderr, "wx-policy: refused: %s\n", reason);
      return 126;
    }
  if (check_only)
    return 0;
#ifdef __aarch64__
  unsigned int bti_verdict
    = (prctl (PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) == 0
       ? SECCOMP_RET_ALLOW : SECCOMP_RET_ERRNO | EPERM);
#endif
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
