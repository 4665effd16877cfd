/* GCC nested-function trampolines on the C library's <sys/tramp.h>.
   Copyright (C) 2026 Free Software Foundation, Inc.

   This file is free software; you can redistribute it and/or modify
   it under the terms of the GNU Lesser General Public License as
   published by the Free Software Foundation; either version 2.1 of the
   License, or (at your option) any later version.

   This file is distributed in the hope that it will be useful, but
   WITHOUT ANY WARRANTY; without even the implied warranty of
   MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
   Lesser General Public License for more details.

   You should have received a copy of the GNU Lesser General Public
   License along with this file; if not, see
   <https://www.gnu.org/licenses/>.  */

/* With -ftrampoline-impl=heap, GCC brackets the life of the frame of a
   function whose nested functions have their address taken with

     __gcc_nested_func_ptr_created (&FRAME, nested_fn, &FRAME.tramp);
     ...
     __gcc_nested_func_ptr_deleted ();

   the second in a cleanup, so it also runs when an exception unwinds
   the frame, but not when longjmp skips it.  DELETED takes no
   argument: trampolines are released in LIFO order per thread.

   This implementation takes each trampoline from tramp_alloc, so no
   page is ever writable and executable.  Each thread keeps a stack of
   {trampoline, frame} entries, where FRAME is the address of the
   owner's frame object (DST points into it).  The stack grows down on
   every target this serves, so when CREATED or DELETED is entered with
   canonical frame address CFA (its caller's stack pointer), an entry
   whose frame lies below CFA belongs to a frame that no longer exists:
   longjmp skipped it.  Such entries are released first, as Jakub
   Jelinek proposed for GCC in 2018.  A live frame is never below CFA,
   so a live trampoline is never released early; an entry skipped by
   longjmp may only be found late (after alloca moved the stack pointer
   down), never wrongly.  What a thread still owns when it exits is
   released by a thread_local destructor.

   Limits (shared with libgcc's own runtime, whose LIFO has the same
   assumptions): trampolines must be created and deleted on one stack
   per thread, so not from a signal handler on an alternate stack nor
   across makecontext/swapcontext switches; and none of this is
   async-signal-safe.

   The includer may define, before including this file:
     HEAP_T_LIBC_ATTR          attributes of the two exported functions;
     HEAP_T_LIBC_FALLBACK      nonzero to call heap_t_fallback_created
			       and heap_t_fallback_deleted (provided by
			       the includer) when tramp_alloc fails for
			       a reason other than ENOMEM, for example
			       ENOSYS on a system without a backend.  */

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/tramp.h>

#ifndef HEAP_T_LIBC_ATTR
# define HEAP_T_LIBC_ATTR
#endif
#ifndef HEAP_T_LIBC_FALLBACK
# define HEAP_T_LIBC_FALLBACK 0
#endif

void __gcc_nested_func_ptr_created (void *chain, void *func, void *dst);
void __gcc_nested_func_ptr_deleted (void);

struct heap_t_entry
{
  /* NULL for an entry made by the fallback.  */
  void *tramp;
  uintptr_t frame;
};

struct heap_t_stack
{
  struct heap_t_entry *entries;
  size_t count;
  size_t capacity;
};

static __thread struct heap_t_stack heap_t_stack;

/* glibc's registration of thread_local destructors; they run at thread
   exit before the destructors of pthread keys, so the trampolines go
   back while the C library's per-thread caches still accept them.  */
extern int __cxa_thread_atexit_impl (void (*) (void *), void *, void *)
  __attribute__ ((weak));

static void __attribute__ ((noreturn, cold))
heap_t_fatal (const char *what, int err)
{
  static const char prefix[] = "fatal error: nested function trampoline: ";
  const char *reason = err != 0 ? strerror (err) : "";
  ssize_t ignored = write (STDERR_FILENO, prefix, sizeof prefix - 1);
  ignored = write (STDERR_FILENO, what, strlen (what));
  if (err != 0)
    {
      ignored = write (STDERR_FILENO, ": ", 2);
      ignored = write (STDERR_FILENO, reason, strlen (reason));
    }
  ignored = write (STDERR_FILENO, "\n", 1);
  (void) ignored;
  abort ();
}

static void
heap_t_release (struct heap_t_entry *entry)
{
  if (entry->tramp == NULL)
    {
#if HEAP_T_LIBC_FALLBACK
      heap_t_fallback_deleted ();
#endif
    }
  else if (tramp_free (entry->tramp) != 0)
    heap_t_fatal ("cannot free a trampoline", errno);
}

/* Release the entries at the top of S whose frame is below CFA.  */
static inline void
heap_t_reclaim (struct heap_t_stack *s, uintptr_t cfa)
{
  while (s->count > 0
	 && __builtin_expect (s->entries[s->count - 1].frame < cfa, 0))
    heap_t_release (&s->entries[--s->count]);
}

/* At thread exit: release what the thread still owns.  */
static void
heap_t_thread_exit (void *arg)
{
  struct heap_t_stack *s = arg;
  while (s->count > 0)
    heap_t_release (&s->entries[--s->count]);
  free (s->entries);
  s->entries = NULL;
  s->capacity = 0;
}

static void __attribute__ ((noinline, cold))
heap_t_grow (struct heap_t_stack *s)
{
  size_t capacity = s->capacity == 0 ? 64 : 2 * s->capacity;
  struct heap_t_entry *entries = NULL;
  if (capacity <= SIZE_MAX / sizeof *entries)
    entries = realloc (s->entries, capacity * sizeof *entries);
  if (entries == NULL)
    heap_t_fatal ("cannot grow the trampoline stack", ENOMEM);
  /* The thread's first trampoline registers its cleanup.  The address
     of this function names the object the destructor lives in.  */
  if (s->entries == NULL && __cxa_thread_atexit_impl != NULL)
    __cxa_thread_atexit_impl (heap_t_thread_exit, s, (void *) heap_t_grow);
  s->entries = entries;
  s->capacity = capacity;
}

HEAP_T_LIBC_ATTR void
__gcc_nested_func_ptr_created (void *chain, void *func, void *dst)
{
  struct heap_t_stack *s = &heap_t_stack;
  uintptr_t cfa = (uintptr_t) __builtin_dwarf_cfa ();
  /* DST is in the caller's frame, at or above CFA.  Were it not (a
     caller other than GCC's code), the stack pointer stands for the
     frame.  */
  uintptr_t frame = (uintptr_t) dst >= cfa ? (uintptr_t) dst : cfa;

  heap_t_reclaim (s, cfa);
  if (__builtin_expect (s->count == s->capacity, 0))
    heap_t_grow (s);
  void *tramp = tramp_alloc (func, chain);
  if (__builtin_expect (tramp == NULL, 0))
    {
      int err = errno;
#if HEAP_T_LIBC_FALLBACK
      if (err != ENOMEM)
	{
	  heap_t_fallback_created (chain, func, dst);
	  s->entries[s->count].tramp = NULL;
	  s->entries[s->count].frame = frame;
	  s->count++;
	  return;
	}
#endif
      heap_t_fatal ("cannot allocate a trampoline", err);
    }
  s->entries[s->count].tramp = tramp;
  s->entries[s->count].frame = frame;
  s->count++;
  *(void **) dst = tramp;
}

HEAP_T_LIBC_ATTR void
__gcc_nested_func_ptr_deleted (void)
{
  struct heap_t_stack *s = &heap_t_stack;
  heap_t_reclaim (s, (uintptr_t) __builtin_dwarf_cfa ());
  if (__builtin_expect (s->count == 0, 0))
    heap_t_fatal ("deleted without a matching created", 0);
  heap_t_release (&s->entries[--s->count]);
}
