/* The conditions a process may be in at its first trampoline: its
   library file replaced or deleted on disk, a chroot, a mount namespace
   without /proc, Landlock, a seccomp filter refusing open; and the
   kernel refusing the mremap calls the allocator prefers, for its
   fallbacks.  Shared by tests/tst-firstuse.c (libtramp) and
   tests/tst-libc-replaced.c (the glibc build).

   Each fs_* function changes the calling process for good: call it in
   a child.  They return 0, or -1 (with a message printed) if the
   condition cannot be made here: the caller reports UNSUPPORTED.  */

#ifndef TST_FIRSTUSE_H
#define TST_FIRSTUSE_H 1

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MREMAP_DONTUNMAP
# define MREMAP_DONTUNMAP 4
#endif

#if defined __x86_64__
# define FS_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined __i386__
# define FS_AUDIT_ARCH AUDIT_ARCH_I386
#elif defined __aarch64__
# define FS_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined __arm__
# define FS_AUDIT_ARCH AUDIT_ARCH_ARM
#endif

/* Copy FROM to TO through a new inode (never truncate a file that a
   process may have mapped).  If POISON_LEN, the bytes at POISON_AT are
   trap bytes in the copy: a file of the same layout with foreign code
   where the table was.  */
static __attribute__ ((unused)) int
fs_copy (const char *from, const char *to, off_t poison_at,
	 size_t poison_len)
{
  char tmp[4200];
  snprintf (tmp, sizeof tmp, "%s.tmp", to);
  int in = open (from, O_RDONLY | O_CLOEXEC);
  int out = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
  if (in < 0 || out < 0)
    {
      printf ("error: copy %s to %s: %m\n", from, to);
      return -1;
    }
  static char buf[1 << 16];
  ssize_t n;
  off_t pos = 0;
  while ((n = read (in, buf, sizeof buf)) > 0)
    {
      for (ssize_t i = 0; i < n; i++)
	if (pos + i >= poison_at && pos + i < poison_at + (off_t) poison_len)
	  buf[i] = (char) 0xcc;
      if (write (out, buf, n) != n)
	{
	  printf ("error: write %s: %m\n", tmp);
	  return -1;
	}
      pos += n;
    }
  close (in);
  close (out);
  if (rename (tmp, to) != 0)
    {
      printf ("error: rename %s: %m\n", tmp);
      return -1;
    }
  return 0;
}

/* Change the root directory to EMPTY, made here if needed (the caller
   removes it).  */
static __attribute__ ((unused)) int
fs_chroot (const char *empty)
{
  if ((mkdir (empty, 0755) != 0 && errno != EEXIST)
      || chroot (empty) != 0 || chdir ("/") != 0)
    {
      printf ("warning: cannot chroot into an empty directory: %m\n");
      return -1;
    }
  return 0;
}

/* A mount namespace without /proc, where the directory DIR holding the
   library is hidden under an empty tmpfs.  */
static __attribute__ ((unused)) int
fs_newns (const char *dir)
{
  if (unshare (CLONE_NEWNS) != 0
      || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0
      || umount2 ("/proc", MNT_DETACH) != 0
      || mount ("none", dir, "tmpfs", 0, NULL) != 0)
    {
      printf ("warning: cannot make a mount namespace without /proc and "
	      "%s: %m (needs CAP_SYS_ADMIN)\n", dir);
      return -1;
    }
  if (access ("/proc/self/maps", F_OK) == 0)
    {
      printf ("error: /proc is still there\n");
      return -1;
    }
  return 0;
}

#ifndef LANDLOCK_CREATE_RULESET_VERSION
# define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif

/* Landlock denying every file access it knows of (ABI 1: execute,
   write, read, readdir, remove, make).  */
static __attribute__ ((unused)) int
fs_landlock (void)
{
#ifdef SYS_landlock_create_ruleset
  long abi = syscall (SYS_landlock_create_ruleset, NULL, 0,
		      LANDLOCK_CREATE_RULESET_VERSION);
  if (abi < 1)
    {
      printf ("warning: Landlock not supported by this kernel: %m\n");
      return -1;
    }
  struct { uint64_t handled_access_fs; } attr = { (1ULL << 13) - 1 };
  int fd = syscall (SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
  if (fd < 0 || prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
      || syscall (SYS_landlock_restrict_self, fd, 0) != 0)
    {
      printf ("warning: cannot enforce a Landlock ruleset: %m\n");
      return -1;
    }
  close (fd);
  if (open ("/", O_RDONLY | O_CLOEXEC) >= 0 || errno != EACCES)
    {
      printf ("error: Landlock does not deny reading /\n");
      return -1;
    }
  return 0;
#else
  printf ("warning: no Landlock system calls in these headers\n");
  return -1;
#endif
}

#define FS_LOAD(off) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, (off))
#define FS_ARG(n) (offsetof (struct seccomp_data, args) + 8 * (n))
#define FS_ALLOW BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
#define FS_ERRNO(e) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (e))

static __attribute__ ((unused)) int
fs_seccomp (struct sock_filter *filter, unsigned short len)
{
  struct sock_fprog prog = { len, filter };
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
      || prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
    {
      printf ("warning: cannot install a seccomp filter: %m\n");
      return -1;
    }
  return 0;
}

#ifndef SYS_openat2
# define SYS_openat2 437
#endif

/* A seccomp filter refusing every open (open, openat, openat2) with
   EACCES.  */
static __attribute__ ((unused)) int
fs_seccomp_open (void)
{
  struct sock_filter filter[] =
    {
      FS_LOAD (offsetof (struct seccomp_data, arch)),
      BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, FS_AUDIT_ARCH, 1, 0),
      FS_ALLOW,
      FS_LOAD (offsetof (struct seccomp_data, nr)),
#ifdef SYS_open
      BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SYS_open, 3, 0),
#else
      BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 3, 0),
#endif
      BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 2, 0),
      BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 1, 0),
      FS_ALLOW,
      FS_ERRNO (EACCES),
    };
  if (fs_seccomp (filter, sizeof filter / sizeof filter[0]) != 0)
    return -1;
  if (open ("/", O_RDONLY | O_CLOEXEC) >= 0 || errno != EACCES)
    {
      printf ("error: the seccomp filter does not refuse open\n");
      return -1;
    }
  return 0;
}

/* Fault injection: the kernel refuses mremap with MREMAP_DONTUNMAP
   (as before Linux 5.13) and, if ALSO_DUP, mremap with an old size of
   0 (the legacy special case a future kernel may drop), with EINVAL.  */
static __attribute__ ((unused)) int
fs_refuse_mremap (bool also_dup)
{
  struct sock_filter filter[] =
    {
      FS_LOAD (offsetof (struct seccomp_data, arch)),
      BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, FS_AUDIT_ARCH, 1, 0),
      FS_ALLOW,
      FS_LOAD (offsetof (struct seccomp_data, nr)),
      BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SYS_mremap, 1, 0),
      FS_ALLOW,
      FS_LOAD (FS_ARG (3)),		/* flags */
      BPF_JUMP (BPF_JMP | BPF_JSET | BPF_K, MREMAP_DONTUNMAP, 3, 0),
      FS_LOAD (FS_ARG (1)),		/* old size */
      BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, 0, also_dup ? 1 : 0, 0),
      FS_ALLOW,
      FS_ERRNO (EINVAL),
    };
  return fs_seccomp (filter, sizeof filter / sizeof filter[0]);
}

/* Whether the kernel copies a private file mapping with
   MREMAP_DONTUNMAP, leaving the old range mapped: Linux 5.13 and later
   do; qemu-user passes the call to the host but then loses the old
   range, which mincore shows.  Tried on a page of the file PATH.  */
static __attribute__ ((unused)) bool
fs_kernel_copies (const char *path)
{
  long pagesize = sysconf (_SC_PAGESIZE);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  char *old = mmap (NULL, pagesize, PROT_READ, MAP_PRIVATE, fd, 0);
  close (fd);
  void *dest = mmap (NULL, pagesize, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  unsigned char vec[1];
  bool works = (old != MAP_FAILED && dest != MAP_FAILED
		&& mremap (old, pagesize, pagesize,
			   MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP,
			   dest) != MAP_FAILED
		&& mincore (old, pagesize, vec) == 0);
  if (old != MAP_FAILED)
    munmap (old, pagesize);
  if (dest != MAP_FAILED)
    munmap (dest, pagesize);
  return works;
}

#endif /* tst-firstuse.h */
