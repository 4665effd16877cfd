/* libtramp: what misc/tramp.c takes from glibc's internals, provided
   with public interfaces so the same file builds outside glibc.  */

#ifndef _TRAMP_OS_H
#define _TRAMP_OS_H 1

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
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
#define __mprotect mprotect
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
/* 1 once the key is set for this thread, -1 once its destructor ran.  */
static __thread int tramp_thread_registered TRAMP_TLS_MODEL;

static void
tramp_thread_exit (void *unused __attribute__ ((unused)))
{
  __tramp_thread_freeres ();
  /* The program's own destructors may still free trampolines, in this
     round or in the last one, after which no destructor runs: from now
     on the thread keeps no cache.  */
  tramp_thread_registered = -1;
}

static void
tramp_thread_key_create (void)
{
  tramp_thread_key_ok
    = pthread_key_create (&tramp_thread_key, tramp_thread_exit) == 0;
}

/* Make sure the thread's cache is flushed when it exits.  Return false
   if nothing will (the thread is exiting, or no key could be created):
   the caller then empties the cache itself.  Out of line: tramp_free
   calls it on its fast path's unlikely branch.  */
static bool __attribute__ ((noinline, cold, unused))
tramp_thread_register (void)
{
  if (tramp_thread_registered == 0)
    {
      pthread_once (&tramp_thread_key_once, tramp_thread_key_create);
      if (tramp_thread_key_ok
	  && pthread_setspecific (tramp_thread_key,
				  &tramp_thread_registered) == 0)
	tramp_thread_registered = 1;
    }
  return tramp_thread_registered > 0;
}

/* The kernel's record of a mapping, from a line of /proc/self/maps.  */
struct tramp_maps_entry
{
  unsigned int dev_major;
  unsigned int dev_minor;
  unsigned long long ino;
  /* File offset of the address looked up.  */
  off64_t offset;
  /* As the kernel prints it (absolute, a newline escaped), in memory
     from malloc, if the caller asked for it; else NULL.  */
  char *path;
};

/* Parse LINE, a line of /proc/self/maps without its newline, into *E
   if its mapping contains ADDR.  Copy the path if WANT_PATH.  */
static bool
tramp_maps_line (char *line, uintptr_t addr, struct tramp_maps_entry *e,
		 bool want_path)
{
  unsigned long start, end;
  unsigned long long offset;
  int path = -1;
  if (sscanf (line, "%lx-%lx %*s %llx %x:%x %llu %n", &start, &end, &offset,
	      &e->dev_major, &e->dev_minor, &e->ino, &path) < 6
      || addr < start || addr >= end)
    return false;
  e->offset = offset + (addr - start);
  e->path = want_path && path > 0 ? strdup (line + path) : NULL;
  return true;
}

/* Find the mapping containing ADDR in /proc/self/maps, and its path if
   WANT_PATH.  Return false with errno set if there is none or /proc
   cannot be read.  */
static bool
tramp_maps_find (const void *addr, struct tramp_maps_entry *e,
		 bool want_path)
{
  int fd = __open64_nocancel ("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  char buf[PATH_MAX + 256];
  size_t len = 0;
  bool skip = false, found = false;
  while (!found)
    {
      ssize_t n = TRAMP_NOCANCEL (read (fd, buf + len,
					  sizeof buf - 1 - len));
      if (n <= 0)
	break;
      len += n;
      char *line = buf, *nl;
      while (!found && (nl = memchr (line, '\n', buf + len - line)) != NULL)
	{
	  *nl = '\0';
	  if (!skip)
	    found = tramp_maps_line (line, (uintptr_t) addr, e, want_path);
	  skip = false;
	  line = nl + 1;
	}
      len -= line - buf;
      memmove (buf, line, len);
      /* A line longer than the buffer: not ours, drop its start.  */
      if (len == sizeof buf - 1)
	{
	  len = 0;
	  skip = true;
	}
    }
  __close_nocancel_nostatus (fd);
  if (!found)
    __set_errno (ENOENT);
  return found;
}

/* Open read-only the file the loader (or, for a static executable,
   the kernel) mapped ADDR from, and store the file offset of ADDR in
   *OFFSET.  Only needed where the kernel cannot copy the mapping itself
   (see tramp_map_code).  The path is the kernel's record of the
   mapping, absolute even when the library was found through a relative
   LD_LIBRARY_PATH and the process changed its directory since, and
   never a path chosen by the caller of execve; for the executable,
   /proc/self/exe.  Whatever file is now
   at that path, tramp_image_same then checks that its mapping is the
   same file as the loader's.  Asking the loader (dl_iterate_phdr)
   instead would take its lock while the caller holds tramp_lock.  */
/* The loader's mapping of the table, looked up once: it stays the same
   while the library is loaded.  Written under tramp_lock.  */
static struct tramp_maps_entry tramp_image;
static bool tramp_image_known;
static bool tramp_image_in_exe;

static inline int
tramp_open_image (const void *addr, off64_t *offset)
{
  if (!tramp_image_known)
    {
      struct tramp_maps_entry exe;
      if (!tramp_maps_find (addr, &tramp_image, true)
	  || tramp_image.ino == 0 || tramp_image.path == NULL
	  || tramp_image.path[0] != '/')
	{
	  if (errno != ENOMEM && errno != EMFILE && errno != ENFILE)
	    __set_errno (ELIBACC);
	  free (tramp_image.path);
	  tramp_image.path = NULL;
	  return -1;
	}
      /* In the executable (a static link): /proc/self/exe names the
	 inode the kernel mapped even if its path was replaced since.  */
      const void *phdr = (const void *) getauxval (AT_PHDR);
      tramp_image_in_exe = (phdr != NULL
			    && tramp_maps_find (phdr, &exe, false)
			    && exe.ino == tramp_image.ino
			    && exe.dev_major == tramp_image.dev_major
			    && exe.dev_minor == tramp_image.dev_minor);
      /* A file deleted or replaced since: open whatever is at its path
	 now, for a precise error.  */
      static const char deleted[] = " (deleted)";
      size_t len = strlen (tramp_image.path);
      if (len > sizeof deleted - 1
	  && strcmp (tramp_image.path + len - (sizeof deleted - 1),
		     deleted) == 0)
	tramp_image.path[len - (sizeof deleted - 1)] = '\0';
      tramp_image_known = true;
    }
  *offset = tramp_image.offset;
  int fd = __open64_nocancel (tramp_image_in_exe
			      ? "/proc/self/exe" : tramp_image.path,
			      O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno != ENOMEM && errno != EMFILE && errno != ENFILE)
    __set_errno (ELIBACC);
  return fd;
}

/* Whether the page at PAGE is mapped.  */
static inline bool
tramp_page_mapped (void *page)
{
  unsigned char vec[1];
  return mincore (page, getpagesize (), vec) == 0;
}

/* Whether COPY, just mapped from the descriptor tramp_open_image
   returned, maps the same file as the loader's mapping of ADDR, at
   the same offset, as the kernel records both.  Comparing the
   kernel's records of the two mappings, rather than fstat of the
   descriptor with the mapping, also holds on overlayfs, where a
   mapping records the underlying file.  If it cannot tell (no
   descriptor or memory to read the records), return false with errno
   ENOMEM, EMFILE or ENFILE: that is no verdict on the file.  */
static inline bool
tramp_image_same (const void *addr, const void *copy)
{
  struct tramp_maps_entry c;
  if (tramp_image_known && !tramp_maps_find (copy, &c, false))
    {
      if (errno != ENOMEM && errno != EMFILE && errno != ENFILE)
	__set_errno (ELIBBAD);
      return false;
    }
  __set_errno (ELIBBAD);
  return (tramp_image_known
	  && c.ino == tramp_image.ino && c.dev_major == tramp_image.dev_major
	  && c.dev_minor == tramp_image.dev_minor
	  && c.offset == tramp_image.offset);
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
  TRAMP_NOCANCEL (pwrite64 ((fd), (buf), (len), (offset)))
# define tramp_trampfd_close(fd) __close_nocancel_nostatus (fd)
#endif

#endif /* tramp-os.h */
