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
   entries {trampoline, frame, chain}: FRAME is DST, the address of the
   trampoline's slot in the owner's frame object, and CHAIN the address
   of that object.  Entries that longjmp skipped are found, as Jakub
   Jelinek proposed for GCC in 2018, by comparing these addresses with
   those of the current call; the stack grows down on every target this
   serves.  When a frame F calls CREATED with CHAIN and DST, with CFA
   (the canonical frame address of the call: F's stack pointer):

   - an entry whose slot lies below CHAIN is stale: F's own slots are
     in its frame object at CHAIN and up, its callers' frames are above
     F's, and everything from CFA up to CHAIN is F's frame, so such an
     entry belonged to a frame that is gone;
   - an entry with the same CHAIN whose slot is DST is stale: it
     belonged to an earlier activation at the same place, as F never
     initializes one of its slots twice.

   When F calls DELETED, entries whose slot lies below CFA are stale.
   None of these rules can release a live trampoline.  CREATED and
   DELETED release the stale entries at the top of the stack, and
   CREATED also the one that owned DST among the entries with F's
   CHAIN.  A skipped entry may be found late (after alloca moved the
   stack pointer down, say), never wrongly; a program that longjmps
   out of the same frames again and again keeps at most a bounded
   number of skipped entries, not one per iteration.  What a thread
   still owns when it exits is released by a thread_local destructor.

   A caller other than GCC's code whose CHAIN and DST are not in its
   own frame (CFA <= CHAIN <= DST) gets the first rule with CFA in
   place of CHAIN and no second rule.

   A signal handler running on an alternate stack (sigaltstack) only
   reclaims entries on that stack: the interrupted stack may lie below
   it.

   Limits.  As with libgcc's own runtime, trampolines are created and
   deleted in LIFO order per thread, so not across makecontext or
   swapcontext switches, and none of this is async-signal-safe.  The
   address rules also need each thread's frames on one downward stack
   (plus the alternate signal stack): -fsplit-stack, whose segments are
   not ordered by address, is not supported.

   The includer may define, before including this file:
     HEAP_T_LIBC_ATTR          attributes of the two exported functions;
     HEAP_T_LIBC_FALLBACK      nonzero to call heap_t_fallback_created
			       and heap_t_fallback_deleted (provided by
			       the includer) when tramp_alloc fails for
			       a reason other than ENOMEM, for example
			       ENOSYS on a system without a backend.  */

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
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
  uintptr_t chain;
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

/* Release the entries at the top of S whose slot is below LIMIT.  A
   signal handler running on an alternate stack must not take the
   entries of the stack it interrupted for stale ones (the alternate
   stack may lie above it), so there only entries on the alternate
   stack are considered.  Asking costs a system call, paid only when
   the top entry looks stale.  */
static void __attribute__ ((noinline))
heap_t_reclaim (struct heap_t_stack *s, uintptr_t limit)
{
  if (s->count == 0 || s->entries[s->count - 1].frame >= limit)
    return;
  uintptr_t low = 0, high = UINTPTR_MAX;
  stack_t ss;
  if (sigaltstack (NULL, &ss) == 0 && (ss.ss_flags & SS_ONSTACK) != 0)
    {
      low = (uintptr_t) ss.ss_sp;
      high = low + ss.ss_size;
    }
  while (s->count > 0)
    {
      uintptr_t frame = s->entries[s->count - 1].frame;
      if (frame >= limit || frame < low || frame >= high)
	break;
      heap_t_release (&s->entries[--s->count]);
    }
}

/* Release the entries at the top of S whose slot is below CHAIN, then,
   among the entries at the top made with CHAIN, the one whose slot is
   FRAME, if any.  */
static void __attribute__ ((noinline))
heap_t_reclaim_slot (struct heap_t_stack *s, uintptr_t chain,
		     uintptr_t frame)
{
  heap_t_reclaim (s, chain);
  for (size_t i = s->count; i > 0 && s->entries[i - 1].chain == chain; i--)
    if (s->entries[i - 1].frame == frame)
      {
	struct heap_t_entry stale = s->entries[i - 1];
	memmove (&s->entries[i - 1], &s->entries[i],
		 (s->count - i) * sizeof stale);
	s->count--;
	heap_t_release (&stale);
	return;
      }
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
     of this function names the object the destructor lives in.  The
     main thread needs none: its exit is the process's, and exit runs
     thread_local destructors before atexit handlers, which may still
     call the nested functions of a frame that exit left live.  */
  if (s->entries == NULL && __cxa_thread_atexit_impl != NULL
#ifdef SYS_gettid
      && syscall (SYS_gettid) != getpid ()
#endif
      )
    __cxa_thread_atexit_impl (heap_t_thread_exit, s, (void *) heap_t_grow);
  s->entries = entries;
  s->capacity = capacity;
}

/* Push an entry for TRAMP (NULL if made by the fallback).  */
static inline void
heap_t_push (struct heap_t_stack *s, void *tramp, uintptr_t frame,
	     void *chain)
{
  struct heap_t_entry *e = &s->entries[s->count++];
  e->tramp = tramp;
  e->frame = frame;
  e->chain = (uintptr_t) chain;
}

/* tramp_alloc failed: use the fallback, or report and abort.  */
static void __attribute__ ((noinline, cold))
heap_t_alloc_failed (void *chain, void *func, void *dst, uintptr_t frame)
{
  int err = errno;
#if HEAP_T_LIBC_FALLBACK
  if (err != ENOMEM)
    {
      heap_t_fallback_created (chain, func, dst);
      heap_t_push (&heap_t_stack, NULL, frame, chain);
      return;
    }
#endif
  heap_t_fatal ("cannot allocate a trampoline", err);
}

/* CREATED when the top entry may be stale or shares CHAIN, the stack
   is full, or CHAIN and DST are not in the caller's frame.  */
static void __attribute__ ((noinline))
heap_t_created_slow (void *chain, void *func, void *dst, uintptr_t cfa)
{
  struct heap_t_stack *s = &heap_t_stack;
  uintptr_t frame = (uintptr_t) dst;
  if (cfa <= (uintptr_t) chain && (uintptr_t) chain <= frame)
    heap_t_reclaim_slot (s, (uintptr_t) chain, frame);
  else
    {
      /* Not GCC's frame object: the stack pointer stands for the
	 frame.  */
      heap_t_reclaim (s, cfa);
      frame = cfa;
    }
  if (s->count == s->capacity)
    heap_t_grow (s);
  void *tramp = tramp_alloc (func, chain);
  if (tramp == NULL)
    heap_t_alloc_failed (chain, func, dst, frame);
  else
    {
      *(void **) dst = tramp;
      heap_t_push (s, tramp, frame, chain);
    }
}

HEAP_T_LIBC_ATTR void
__gcc_nested_func_ptr_created (void *chain, void *func, void *dst)
{
  struct heap_t_stack *s = &heap_t_stack;
  uintptr_t cfa = (uintptr_t) __builtin_dwarf_cfa ();
  size_t count = s->count;
  /* The common case: GCC's frame object in the caller's frame, room
     on the stack, and a top entry (if any) that is neither stale nor
     the caller's.  */
  if (__builtin_expect (cfa > (uintptr_t) chain
			|| (uintptr_t) chain > (uintptr_t) dst
			|| count == s->capacity
			|| (count > 0
			    && (s->entries[count - 1].frame < (uintptr_t) chain
				|| s->entries[count - 1].chain
				   == (uintptr_t) chain)), 0))
    {
      heap_t_created_slow (chain, func, dst, cfa);
      return;
    }
  void *tramp = tramp_alloc (func, chain);
  if (__builtin_expect (tramp == NULL, 0))
    {
      heap_t_alloc_failed (chain, func, dst, (uintptr_t) dst);
      return;
    }
  *(void **) dst = tramp;
  heap_t_push (&heap_t_stack, tramp, (uintptr_t) dst, chain);
}

HEAP_T_LIBC_ATTR void
__gcc_nested_func_ptr_deleted (void)
{
  struct heap_t_stack *s = &heap_t_stack;
  uintptr_t cfa = (uintptr_t) __builtin_dwarf_cfa ();
  if (__builtin_expect (s->count == 0
			|| s->entries[s->count - 1].frame < cfa, 0))
    {
      heap_t_reclaim (s, cfa);
      if (s->count == 0)
	heap_t_fatal ("deleted without a matching created", 0);
    }
  void *tramp = s->entries[--s->count].tramp;
  if (__builtin_expect (tramp == NULL || tramp_free (tramp) != 0, 0))
    {
      if (tramp != NULL)
	heap_t_fatal ("cannot free a trampoline", errno);
#if HEAP_T_LIBC_FALLBACK
      heap_t_fallback_deleted ();
#endif
    }
}
