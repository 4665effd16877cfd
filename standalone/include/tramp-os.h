/* libtramp: what misc/tramp.c takes from glibc's internals, provided
   with public interfaces so the same file builds outside glibc.  */

#ifndef _TRAMP_OS_H
#define _TRAMP_OS_H 1

#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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
#define tramp_munlock munlock
#define __fstat64 fstat64
#define __getpagesize getpagesize
#define __getauxval getauxval
#define __madvise madvise
/* The system call, not getrandom (a cancellation point).  */
#define __getrandom_nocancel(buf, len, flags) \
  syscall (SYS_getrandom, (buf), (len), (flags))

/* No libtramp function is a cancellation point, and none may be
   cancelled with tramp_lock held: glibc calls the __*_nocancel
   variants, libtramp disables cancellation around the few calls that
   are cancellation points (opening and closing the library file,
   writing to trampfd).  They only happen on the way to the kernel
   that maps a new table, never on the fast paths.  */
#define TRAMP_NOCANCEL(call)						\
  ({									\
    int __tramp_oldstate;						\
    pthread_setcancelstate (PTHREAD_CANCEL_DISABLE, &__tramp_oldstate); \
    __typeof__ (call) __tramp_result = (call);				\
    pthread_setcancelstate (__tramp_oldstate, NULL);			\
    __tramp_result;							\
  })
#define __open64_nocancel(path, flags) TRAMP_NOCANCEL (open ((path), (flags)))
#define __close_nocancel_nostatus(fd) ((void) TRAMP_NOCANCEL (close (fd)))

#define atomic_load_relaxed(p) __atomic_load_n ((p), __ATOMIC_RELAXED)
#define atomic_load_acquire(p) __atomic_load_n ((p), __ATOMIC_ACQUIRE)
#define atomic_store_relaxed(p, v) __atomic_store_n ((p), (v), __ATOMIC_RELAXED)
#define atomic_store_release(p, v) __atomic_store_n ((p), (v), __ATOMIC_RELEASE)
#define atomic_compare_exchange_weak_relaxed(p, e, v) \
  __atomic_compare_exchange_n ((p), (e), (v), 1, __ATOMIC_RELAXED, \
			       __ATOMIC_RELAXED)
#define atomic_compare_exchange_weak_acquire(p, e, v) \
  __atomic_compare_exchange_n ((p), (e), (v), 1, __ATOMIC_ACQUIRE, \
			       __ATOMIC_RELAXED)
#define atomic_compare_exchange_weak_release(p, e, v) \
  __atomic_compare_exchange_n ((p), (e), (v), 1, __ATOMIC_RELEASE, \
			       __ATOMIC_RELAXED)

/* glibc takes tramp_lock in fork after running the atfork handlers
   and releases it before running them again.  libtramp's own handlers
   run among the program's: a handler registered before libtramp (one
   dlopens it later) runs after libtramp's prepare handler and before
   its parent and child handlers, with tramp_lock held by the same
   thread.  So the thread that holds the lock for fork is recorded, and
   its own calls neither take nor release the lock: they are already
   serialized with every other thread.  */
static int tramp_fork_held;
static pthread_t tramp_fork_owner;

static inline bool
tramp_lock_held_for_fork (void)
{
  return (__atomic_load_n (&tramp_fork_held, __ATOMIC_RELAXED)
	  && pthread_equal (__atomic_load_n (&tramp_fork_owner,
					     __ATOMIC_RELAXED),
			    pthread_self ()));
}

#define __libc_lock_define_initialized(class, name) \
  class pthread_mutex_t name = PTHREAD_MUTEX_INITIALIZER
#define __libc_lock_lock(name) \
  (tramp_lock_held_for_fork () ? 0 : pthread_mutex_lock (&(name)))
#define __libc_lock_unlock(name) \
  (tramp_lock_held_for_fork () ? 0 : pthread_mutex_unlock (&(name)))
/* tramp.c resets its lock only in the child of fork, where the forking
   thread holds it.  glibc re-initializes its internal locks there, as
   malloc does; re-initializing a locked pthread mutex is undefined
   (ThreadSanitizer reports a double lock), so libtramp unlocks it.  */
#define __libc_lock_init(name) pthread_mutex_unlock (&(name))

/* Hooks implemented by tramp.c.  glibc calls them from fork and thread
   exit; libtramp registers them with pthread_atfork and a key.  */
extern void __tramp_thread_freeres (void) attribute_hidden;
extern void __tramp_fork_lock (void) attribute_hidden;
extern void __tramp_fork_unlock_parent (void) attribute_hidden;
extern void __tramp_fork_unlock_child (void) attribute_hidden;

static void
tramp_atfork_prepare (void)
{
  __tramp_fork_lock ();
  __atomic_store_n (&tramp_fork_owner, pthread_self (), __ATOMIC_RELAXED);
  __atomic_store_n (&tramp_fork_held, 1, __ATOMIC_RELAXED);
}

static void
tramp_atfork_parent (void)
{
  __atomic_store_n (&tramp_fork_held, 0, __ATOMIC_RELAXED);
  __tramp_fork_unlock_parent ();
}

static void
tramp_atfork_child (void)
{
  __atomic_store_n (&tramp_fork_held, 0, __ATOMIC_RELAXED);
  __tramp_fork_unlock_child ();
}

static inline __attribute__ ((noreturn)) void
__libc_fatal (const char *message)
{
  ssize_t ignored = write (STDERR_FILENO, message, strlen (message));
  (void) ignored;
  abort ();
}

static void __attribute__ ((constructor))
tramp_os_init (void)
{
  pthread_atfork (tramp_atfork_prepare, tramp_atfork_parent,
		  tramp_atfork_child);
}

/* glibc flushes every exiting thread's cache from
   __libc_thread_freeres, after the thread-specific data destructors.
   libtramp flushes it from a destructor of its own key, set when the
   thread's cache stops being empty (tramp.c calls
   tramp_thread_register then).  The key is created on first use, not
   in a constructor: a program's constructor may run before libtramp's
   (libtramp.a) and use the API.  */
static pthread_key_t tramp_thread_key;
static pthread_once_t tramp_thread_key_once = PTHREAD_ONCE_INIT;
static int tramp_thread_key_ok;
static __thread int tramp_thread_registered TRAMP_TLS_MODEL;

static void
tramp_thread_exit (void *unused __attribute__ ((unused)))
{
  __tramp_thread_freeres ();
  /* Trampolines freed later in the thread's exit, by the program's own
     destructors, set the key again: the destructors then run another
     round (up to PTHREAD_DESTRUCTOR_ITERATIONS).  */
  tramp_thread_registered = 0;
}

static void
tramp_thread_key_create (void)
{
  tramp_thread_key_ok
    = pthread_key_create (&tramp_thread_key, tramp_thread_exit) == 0;
}

/* Make sure the thread's cache is flushed when it exits.  Out of line:
   tramp_free calls it on its fast path's unlikely branch.  */
static void __attribute__ ((noinline, cold, unused))
tramp_thread_register (void)
{
  if (!tramp_thread_registered)
    {
      pthread_once (&tramp_thread_key_once, tramp_thread_key_create);
      if (tramp_thread_key_ok
	  && pthread_setspecific (tramp_thread_key,
				  &tramp_thread_registered) == 0)
	tramp_thread_registered = 1;
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
    fd = __open64_nocancel (s.path, O_RDONLY | O_CLOEXEC);
  else
    {
      fd = __open64_nocancel ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
      const char *execfn = (const char *) getauxval (AT_EXECFN);
      if (fd < 0 && execfn != NULL)
	fd = __open64_nocancel (execfn, O_RDONLY | O_CLOEXEC);
    }
  if (fd < 0 && errno != ENOMEM && errno != EMFILE && errno != ENFILE)
    __set_errno (ELIBACC);
  return fd;
}

/* trampfd, the kernel-generated trampolines of an out-of-tree kernel
   interface (sysdeps/unix/sysv/linux/trampfd.h): the system calls, and
   the number configured with the environment variable
   LIBTRAMP_TRAMPFD: a system call number, or 0 to never use trampfd.
   It is ignored in AT_SECURE (setuid, setgid, file capability)
   processes, as is a malformed value.  */
#ifdef __linux__
# include <sys/syscall.h>
# define TRAMP_OS_TRAMPFD 1

static inline long
tramp_trampfd_override (void)
{
  const char *s = secure_getenv ("LIBTRAMP_TRAMPFD");
  if (s == NULL || *s < '0' || *s > '9')
    return -1;
  char *end;
  int saved = errno;
  errno = 0;
  long nr = strtol (s, &end, 10);
  int bad = errno != 0 || *end != '\0' || nr < 0;
  errno = saved;
  return bad ? -1 : nr;
}

# define tramp_trampfd_syscall(nr, info) syscall ((nr), (info))
# define tramp_trampfd_pwrite(fd, buf, len, offset) \
  TRAMP_NOCANCEL (pwrite64 ((fd), (buf), (len), (offset)))
# define tramp_trampfd_close(fd) __close_nocancel_nostatus (fd)
#endif

#endif /* tramp-os.h */
