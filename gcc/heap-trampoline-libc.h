/* GCC nested-function trampolines on the C library's <sys/tramp.h>.
   Copyright The GNU Toolchain Authors.

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
   entries {trampoline, slot, chain, sp}: the slot is DST, where the
   trampoline's address is stored in the owner's frame object, CHAIN is
   that object's address and SP the creator's stack pointer (the CFA of
   its CREATED call).  Entries that longjmp skipped are found, as Jakub
   Jelinek proposed for GCC in 2018, by comparing these addresses with
   those of the current call; the stack grows down on every target this
   serves.

   The rules rely on two facts about live entries, those whose owner
   has not returned, unwound or been skipped by longjmp.  (1) When a
   function calls CREATED or DELETED, its stack pointer SP (the call's
   CFA) is at most every live entry's slot, and at most its SP plus
   HEAP_T_SP_SLACK: the caller is the owner's physical frame or a
   callee of it, a frame's objects lie above its stack pointer, and
   while the owner is live its frame's stack pointer only moves down
   (alloca, VLAs), but for the words pushed around calls.  (2) Live
   frame objects do not overlap, and GCC initializes each slot once per
   life of its object.  Neither assumes one frame object per physical
   frame: when GCC inlines an owner into another, each keeps its own
   frame object in the one physical frame, placed wherever the stack
   slot allocator chooses, and both facts still hold.  So when a
   function calls CREATED with CHAIN and DST:

   - an entry whose slot is below SP, or whose SP plus HEAP_T_SP_SLACK
     is, is stale (1);
   - an entry from another frame object whose slot lies in [CHAIN, DST]
     is stale, since that memory is the caller's frame object now; so
     is any entry whose slot is DST (2).

   When a function calls DELETED, the first rule applies.  A skipped
   entry of an owner inlined into a frame that is still live, left by
   longjmp, passes the first rule; the sweep of the whole stack before
   it grows releases it once a later CREATED has reused its slot.  An
   entry's slot below the caller's own frame object is no proof: an
   inlined owner's frame object may lie there.  None of these rules can
   release a live trampoline; libtramp's tests/gcc/tst-nested-random.c
   checks that every live one still works at every step of random
   calls, returns and longjmps, and tst-nested-inline.c does so for
   owners inlined into each other.

   CREATED and DELETED release the stale entries at the top of the
   stack (CREATED looks past the caller's own); when the stack is full,
   all stale entries are released before it grows, which bounds what
   skipped entries the top sweeps miss (alloca between frames, frame
   layouts that interleave, inlined owners) at the size of the live
   set, amortized.
   What a thread still owns when it exits is released by a
   thread_local destructor.

   A caller other than GCC's code whose CHAIN and DST are not in its
   own frame (SP <= CHAIN <= DST) gets only the first rule, and its
   entry's slot is SP (made odd, so that the second never matches).

   A signal handler running on an alternate stack (sigaltstack) only
   applies the first rule to entries on that stack: the interrupted
   stack may lie below it.

   Limits.  As with libgcc's own runtime, trampolines are created and
   deleted in LIFO order per thread, so not across makecontext or
   swapcontext switches, and none of this is async-signal-safe.  The
   address rules also need each thread's frames on one downward stack
   (plus the alternate signal stack): -fsplit-stack, whose segments are
   not ordered by address, is not supported, nor, on i386,
   -mpreferred-stack-boundary above 5 (see HEAP_T_SP_SLACK).

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
  /* DST, the trampoline's slot in its frame object.  */
  uintptr_t slot;
  uintptr_t chain;
  /* The creator's stack pointer when it called CREATED.  */
  uintptr_t sp;
};

/* How far above an entry's SP its frame's stack pointer may be at a
   later call while the entry is live: the words pushed for CREATED's
   arguments (i386; none elsewhere), their alignment padding (under 32
   bytes up to -mpreferred-stack-boundary=5) and the pops GCC defers
   from earlier calls (it does them before a call once they reach 32
   bytes).  */
#define HEAP_T_SP_SLACK 128

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

/* What a call of CREATED or DELETED knows about the entries.  Every
   live entry's slot is at or above LIMIT, the caller's stack pointer,
   and so is its SP plus HEAP_T_SP_SLACK.
   For CREATED from GCC's code (DST nonzero), the caller's frame object
   starts at CHAIN and holds the slot DST being initialized: no live
   entry but the caller's own (made with CHAIN) has a slot in [CHAIN,
   DST], and none has DST.  On an alternate signal stack, which may lie
   above the stack it interrupted, LIMIT only judges entries on that
   stack, [LOW, HIGH); finding out costs a system call, made only when
   an entry is below LIMIT.  */
struct heap_t_bounds
{
  uintptr_t limit;
  uintptr_t chain;
  uintptr_t dst;
  uintptr_t low;
  uintptr_t high;
  int have_altstack;
};

static int
heap_t_stale (struct heap_t_bounds *b, const struct heap_t_entry *e)
{
  if (e->slot < b->limit
      || e->sp + HEAP_T_SP_SLACK < b->limit)
    {
      if (!b->have_altstack)
	{
	  stack_t ss;
	  b->have_altstack = 1;
	  b->low = 0;
	  b->high = UINTPTR_MAX;
	  if (sigaltstack (NULL, &ss) == 0
	      && (ss.ss_flags & SS_ONSTACK) != 0)
	    {
	      b->low = (uintptr_t) ss.ss_sp;
	      b->high = b->low + ss.ss_size;
	    }
	}
      return e->slot >= b->low && e->slot < b->high;
    }
  return b->dst != 0
	 && (e->slot == b->dst
	     || (e->chain != b->chain && e->slot >= b->chain
		 && e->slot <= b->dst));
}

/* Entries made by the fallback (TRAMP NULL) come from an allocator
   that only works in LIFO order: one of them may be released only if
   no entry of the fallback that stays is above it.  */

/* Release the stale entries at the top of S, looking past the
   caller's own.  */
static void __attribute__ ((noinline))
heap_t_sweep_top (struct heap_t_stack *s, struct heap_t_bounds *b)
{
  size_t i = s->count;
  int fallback_kept = 0;
  while (i > 0)
    {
      struct heap_t_entry *e = &s->entries[i - 1];
      if (!(e->tramp == NULL && fallback_kept) && heap_t_stale (b, e))
	{
	  struct heap_t_entry stale = *e;
	  memmove (e, e + 1, (s->count - i) * sizeof *e);
	  s->count--;
	  i--;
	  heap_t_release (&stale);
	}
      else if (b->dst != 0 && e->chain == b->chain)
	{
	  fallback_kept |= e->tramp == NULL;
	  i--;
	}
      else
	break;
    }
}

/* Release every stale entry of S.  Done when the stack is full, so the
   cost is amortized over the entries pushed since the last time.
   Besides the rules for the current call, the second rule is applied
   as every later entry's CREATED would have: an entry whose slot a
   later entry's CREATED initialized was stale by then.  This is what
   releases skipped entries of owners inlined into a frame that is
   still live, which no stack pointer can tell from live ones.  SEEN
   is an open-addressing set of those slots, if memory allows.  */
static void
heap_t_sweep_all (struct heap_t_stack *s, struct heap_t_bounds *b)
{
  /* Not const: libgcc builds with -Wcast-qual.  */
  static char released;
  int fallback_kept = 0;
  size_t mask = 15;
  while (mask < 2 * s->count)
    mask = 2 * mask + 1;
  uintptr_t *seen = calloc (mask + 1, sizeof *seen);
  /* From the top down, so the fallback's entries go in LIFO order.  */
  for (size_t i = s->count; i > 0; i--)
    {
      struct heap_t_entry *e = &s->entries[i - 1];
      /* Slots of CREATED calls not from GCC's code are odd: several
	 may share one.  */
      int reused = 0;
      if (seen != NULL && (e->slot & 1) == 0)
	{
	  size_t h = (e->slot >> 3) * 0x9e3779b97f4a7c15ULL >> 7 & mask;
	  while (seen[h] != 0 && seen[h] != e->slot)
	    h = (h + 1) & mask;
	  reused = seen[h] != 0;
	  seen[h] = e->slot;
	}
      if (!(e->tramp == NULL && fallback_kept)
	  && (reused || heap_t_stale (b, e)))
	{
	  heap_t_release (e);
	  e->tramp = &released;
	}
      else
	fallback_kept |= e->tramp == NULL;
    }
  free (seen);
  size_t kept = 0;
  for (size_t i = 0; i < s->count; i++)
    if (s->entries[i].tramp != &released)
      s->entries[kept++] = s->entries[i];
  s->count = kept;
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
heap_t_grow (struct heap_t_stack *s, struct heap_t_bounds *b)
{
  /* Entries that longjmp skipped and that no sweep of the top found go
     here, before the stack grows.  */
  heap_t_sweep_all (s, b);
  if (s->count < s->capacity - s->capacity / 4)
    return;
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
    __cxa_thread_atexit_impl (heap_t_thread_exit, s,
			      (void *) heap_t_thread_exit);
  s->entries = entries;
  s->capacity = capacity;
}

/* Push an entry for TRAMP (NULL if made by the fallback).  */
static inline void
heap_t_push (struct heap_t_stack *s, void *tramp, uintptr_t slot,
	     void *chain, uintptr_t sp)
{
  struct heap_t_entry *e = &s->entries[s->count++];
  e->tramp = tramp;
  e->slot = slot;
  e->chain = (uintptr_t) chain;
  e->sp = sp;
}

/* tramp_alloc failed: use the fallback, or report and abort.  */
static void __attribute__ ((noinline, cold))
heap_t_alloc_failed (void *chain, void *func, void *dst, uintptr_t slot,
		     uintptr_t sp)
{
  int err = errno;
#if HEAP_T_LIBC_FALLBACK
  if (err != ENOMEM)
    {
      heap_t_fallback_created (chain, func, dst);
      heap_t_push (&heap_t_stack, NULL, slot, chain, sp);
      return;
    }
#endif
  heap_t_fatal ("cannot allocate a trampoline", err);
}

/* CREATED when the top entry may be stale or is the caller's, the
   stack is full, or CHAIN and DST are not in the caller's frame.  */
static void __attribute__ ((noinline))
heap_t_created_slow (void *chain, void *func, void *dst, uintptr_t cfa)
{
  struct heap_t_stack *s = &heap_t_stack;
  struct heap_t_bounds b = { cfa, (uintptr_t) chain, (uintptr_t) dst,
			     0, 0, 0 };
  if (cfa > (uintptr_t) chain || (uintptr_t) chain > (uintptr_t) dst)
    /* Not GCC's frame object: the stack pointer stands for the
       frame.  */
    b.dst = 0;
  heap_t_sweep_top (s, &b);
  if (s->count == s->capacity)
    heap_t_grow (s, &b);
  /* Odd, so that the second rule never matches it.  */
  uintptr_t slot = b.dst != 0 ? b.dst : cfa | 1;
  void *tramp = tramp_alloc (func, chain);
  if (tramp == NULL)
    heap_t_alloc_failed (chain, func, dst, slot, cfa);
  else
    {
      *(void **) dst = tramp;
      heap_t_push (s, tramp, slot, chain, cfa);
    }
}

HEAP_T_LIBC_ATTR void
__gcc_nested_func_ptr_created (void *chain, void *func, void *dst)
{
  struct heap_t_stack *s = &heap_t_stack;
  uintptr_t cfa = (uintptr_t) __builtin_dwarf_cfa ();
  size_t count = s->count;
  /* The common case: GCC's frame object in the caller's frame, room
     on the stack, and a top entry (if any) that is not the caller's
     and that no rule finds stale.  An inlined owner's entry may lie
     anywhere in the caller's frame.  */
  if (__builtin_expect (cfa > (uintptr_t) chain
			|| (uintptr_t) chain > (uintptr_t) dst
			|| count == s->capacity
			|| (count > 0
			    && (s->entries[count - 1].slot < cfa
				|| s->entries[count - 1].sp + HEAP_T_SP_SLACK
				   < cfa
				|| (s->entries[count - 1].slot
				    - (uintptr_t) chain
				    <= (uintptr_t) dst - (uintptr_t) chain)
				|| s->entries[count - 1].chain
				   == (uintptr_t) chain)), 0))
    {
      heap_t_created_slow (chain, func, dst, cfa);
      return;
    }
  void *tramp = tramp_alloc (func, chain);
  if (__builtin_expect (tramp == NULL, 0))
    {
      heap_t_alloc_failed (chain, func, dst, (uintptr_t) dst, cfa);
      return;
    }
  *(void **) dst = tramp;
  heap_t_push (&heap_t_stack, tramp, (uintptr_t) dst, chain, cfa);
}

/* DELETED when the top entry may be stale, or there is none.  */
static void __attribute__ ((noinline))
heap_t_deleted_slow (uintptr_t cfa)
{
  struct heap_t_stack *s = &heap_t_stack;
  struct heap_t_bounds b = { cfa, 0, 0, 0, 0, 0 };
  heap_t_sweep_top (s, &b);
  if (s->count == 0)
    heap_t_fatal ("deleted without a matching created", 0);
  heap_t_release (&s->entries[--s->count]);
}

HEAP_T_LIBC_ATTR void
__gcc_nested_func_ptr_deleted (void)
{
  struct heap_t_stack *s = &heap_t_stack;
  uintptr_t cfa = (uintptr_t) __builtin_dwarf_cfa ();
  size_t count = s->count;
  if (__builtin_expect (count == 0
			|| s->entries[count - 1].slot < cfa
			|| s->entries[count - 1].sp + HEAP_T_SP_SLACK < cfa,
			0))
    {
      heap_t_deleted_slow (cfa);
      return;
    }
  s->count = count - 1;
  void *tramp = s->entries[count - 1].tramp;
  if (__builtin_expect (tramp == NULL || tramp_free (tramp) != 0, 0))
    {
      if (tramp != NULL)
	heap_t_fatal ("cannot free a trampoline", errno);
#if HEAP_T_LIBC_FALLBACK
      heap_t_fallback_deleted ();
#endif
    }
}
