/* libtramp: what misc/tramp.c takes from glibc's internals, provided
   with public interfaces so the same file builds outside glibc.  */

#ifndef _TRAMP_OS_H
#define _TRAMP_OS_H 1

#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define TRAMP_OS_SUPPORTED 1

#define attribute_hidden __attribute__ ((visibility ("hidden")))
#define TRAMP_TLS_MODEL __attribute__ ((tls_model ("initial-exec")))
/* glibc gives the exported functions hidden aliases for internal calls;
   libtramp has no internal callers.  */
#define libc_hidden_def(name)

#define __set_errno(e) (errno = (e))
#define __mmap mmap
#define __munmap munmap
#define __mremap mremap
#define __fstat64 fstat64
#define __getpagesize getpagesize
#define __getauxval getauxval
#define __close_nocancel_nostatus(fd) ((void) close (fd))

#define atomic_load_relaxed(p) __atomic_load_n ((p), __ATOMIC_RELAXED)
#define atomic_load_acquire(p) __atomic_load_n ((p), __ATOMIC_ACQUIRE)
#define atomic_store_relaxed(p, v) __atomic_store_n ((p), (v), __ATOMIC_RELAXED)
#define atomic_store_release(p, v) __atomic_store_n ((p), (v), __ATOMIC_RELEASE)

#define __libc_lock_define_initialized(class, name) \
  class pthread_mutex_t name = PTHREAD_MUTEX_INITIALIZER
#define __libc_lock_lock(name) pthread_mutex_lock (&(name))
#define __libc_lock_unlock(name) pthread_mutex_unlock (&(name))
#define __libc_lock_init(name) pthread_mutex_init (&(name), NULL)

/* Hooks implemented by tramp.c.  glibc calls them from fork and thread
   exit; libtramp registers them with pthread_atfork and a key.  */
extern void __tramp_thread_freeres (void) attribute_hidden;
extern void __tramp_fork_lock (void) attribute_hidden;
extern void __tramp_fork_unlock_parent (void) attribute_hidden;
extern void __tramp_fork_unlock_child (void) attribute_hidden;

static inline __attribute__ ((noreturn)) void
__libc_fatal (const char *message)
{
  ssize_t ignored = write (STDERR_FILENO, message, strlen (message));
  (void) ignored;
  abort ();
}

static pthread_key_t tramp_thread_key;
static __thread int tramp_thread_registered TRAMP_TLS_MODEL;

static void
tramp_thread_exit (void *unused __attribute__ ((unused)))
{
  __tramp_thread_freeres ();
}

static void __attribute__ ((constructor))
tramp_os_init (void)
{
  pthread_key_create (&tramp_thread_key, tramp_thread_exit);
  pthread_atfork (__tramp_fork_lock, __tramp_fork_unlock_parent,
		  __tramp_fork_unlock_child);
}

/* Make sure the thread's cache is flushed when it exits.  */
static inline void
tramp_thread_register (void)
{
  if (!tramp_thread_registered)
    {
      tramp_thread_registered = 1;
      pthread_setspecific (tramp_thread_key, &tramp_thread_registered);
    }
}

struct tramp_image_search
{
  const void *addr;
  const char *path;
  off64_t offset;
};

static int
tramp_image_search_cb (struct dl_phdr_info *info,
		       size_t size __attribute__ ((unused)), void *closure)
{
  struct tramp_image_search *s = closure;
  for (int i = 0; i < info->dlpi_phnum; i++)
    {
      const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
      ElfW(Addr) start = info->dlpi_addr + ph->p_vaddr;
      if (ph->p_type == PT_LOAD && (ElfW(Addr)) s->addr >= start
	  && (ElfW(Addr)) s->addr - start < ph->p_filesz)
	{
	  s->path = info->dlpi_name;
	  s->offset = ph->p_offset + ((ElfW(Addr)) s->addr - start);
	  return 1;
	}
    }
  return 0;
}

/* Open read-only the file the dynamic loader mapped ADDR from, and
   store the file offset of ADDR in *OFFSET.  The loader's record is
   the source, not /proc/self/maps.  The main program (a static link)
   has no name there: /proc/self/exe names its inode even if its path
   was replaced since, and AT_EXECFN is the fallback without /proc.  */
static inline int
tramp_open_image (const void *addr, off64_t *offset)
{
  struct tramp_image_search s = { addr, NULL, 0 };
  if (dl_iterate_phdr (tramp_image_search_cb, &s) == 0 || s.path == NULL)
    {
      __set_errno (ELIBACC);
      return -1;
    }
  *offset = s.offset;
  int fd;
  if (s.path[0] != '\0')
    fd = open (s.path, O_RDONLY | O_CLOEXEC);
  else
    {
      fd = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
      const char *execfn = (const char *) getauxval (AT_EXECFN);
      if (fd < 0 && execfn != NULL)
	fd = open (execfn, O_RDONLY | O_CLOEXEC);
    }
  if (fd < 0 && errno != ENOMEM && errno != EMFILE && errno != ENFILE)
    __set_errno (ELIBACC);
  return fd;
}

/* trampfd, the kernel-generated trampolines of a kernel interface
   that is not in Linux yet (sysdeps/unix/sysv/linux/trampfd.h): the
   system calls, and the setting LIBTRAMP_TRAMPFD.  The system call
   number only ever comes from the kernel's advertisement (AT_TRAMPFD);
   the setting can only choose whether to use it: "0" never, "1"
   whenever the kernel advertises it.  Anything else, and any value in
   an AT_SECURE (setuid, setgid, file capability) process, is ignored:
   the default applies.  */
#ifdef __linux__
# include <sys/syscall.h>
# define TRAMP_OS_TRAMPFD 1

static inline int
tramp_trampfd_setting (void)
{
  const char *s = secure_getenv ("LIBTRAMP_TRAMPFD");
  if (s == NULL || (s[0] != '0' && s[0] != '1') || s[1] != '\0')
    return -1;
  return s[0] - '0';
}

# define tramp_trampfd_syscall(nr, info) syscall ((nr), (info), 0U)
# define tramp_trampfd_pwrite(fd, buf, len, offset) \
  pwrite64 ((fd), (buf), (len), (offset))
# define tramp_trampfd_close(fd) close (fd)
#endif

#endif /* tramp-os.h */
