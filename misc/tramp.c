/* Trampolines mapped from the C library's own text.
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

/* Design.  sysdeps/<arch>/tramp-table.S holds one table: TRAMP_TABLE_SIZE
   bytes (at least the largest page size of the architecture) of slots
   of TRAMP_SLOT_SIZE bytes.  Slot I loads the pair {code, data} stored
   at TABLE + TRAMP_TABLE_SIZE + I * TRAMP_PAIR_SIZE, puts DATA into the
   data register and jumps to CODE.

   A table instance is a span of 2 * TRAMP_TABLE_SIZE bytes, aligned to
   its size: a read+exec copy of the table mapped from the library file,
   then anonymous read+write data pages.  Nothing is ever mapped writable and executable,
   no anonymous memory is executable, and nothing is mprotected.

   Each new instance copies the loader's own mapping of the table with
   mremap (MREMAP_DONTUNMAP): the copy maps the very file the loader
   mapped, found without a path or a descriptor, so a file replaced on
   disk, a chroot, a mount namespace or a sandbox refusing open make no
   difference, not even before the first table.  Where the kernel
   cannot do that (before Linux 5.13, qemu-user), the file is opened
   once, read-only, at the first table: one MAP_SHARED template of the
   table is mapped, checked to be the file the loader mapped and byte
   for byte against the table in memory, and the descriptor closed.
   Each new instance is then a mremap duplicate of the template; where
   mremap cannot duplicate either, the file is opened again and must be
   the same inode with the same bytes.

   Spans are carved from regions reserved PROT_NONE, so the table of any
   address is found by arithmetic.  A region is as large as the
   address space allows, down to one span (RLIMIT_AS, a fragmented
   32-bit process, RLIMIT_MEMLOCK under mlockall).  Once a span has
   held a table, its data half stays readable and writable for the
   life of the process: a released table is replaced by anonymous
   read+write zero pages, which cost no memory until written and merge
   with their neighbours, so lookups racing with a release never
   fault.  No release needs more mappings than the process has: if
   the kernel refuses even that (at vm.max_map_count), the data pages
   are given back with MADV_DONTNEED instead and the span is reused as
   it is.

   The allocator keeps nothing in the data pages, which the program can
   write: whether a slot is live is a byte of the table's metadata, set
   by the allocation and cleared by a byte-wide compare-and-swap in the
   free, so exactly one of two racing frees wins.  Each thread keeps
   its free slots in a small array in its TLS, as references that can
   only name slots of the regions, and each table a bitmap of the free
   slots it owns.  A freed slot's CODE is tramp_freed (calling it
   aborts).  tramp_set needs no locked instruction: a set racing with
   a free writes into a free slot, whose pair nothing reads, and cannot
   make it live again.  A write into the data pages can redirect a
   live trampoline but cannot make the allocator write anywhere else or
   hand out a slot twice.  Allocation and release take no lock in the
   common case; the global lock covers refills, flushes and table
   creation and release.

   When the kernel generates trampolines (trampfd, the interface of
   the kernel/ patch series, described in
   sysdeps/unix/sysv/linux/trampfd.h), advertises it in the auxiliary
   vector, and the setting does not turn it off, new tables are trampfd
   tables instead: a span of their own regions holds the
   kernel's code page at the start of the span, and the code and data
   address tables it loads from at the start of the second half.  They
   have no thread caches: the global lock covers their allocation and
   release, and the static tables' fast paths only look at them once
   they have failed to find a trampoline of their own.  The first
   failure of trampfd (an error, a kernel answer that fails the sanity
   check, a page not placed where asked) switches the process to the
   static tables for good, without an error for the caller.  */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/tramp.h>
#include <tramp-table.h>
#include <tramp-os.h>
#include <tramp-trampfd.h>

/* Linux 5.7; older headers lack it.  */
#ifndef MREMAP_DONTUNMAP
# define MREMAP_DONTUNMAP 4
#endif

#if defined TRAMP_TABLE_SIZE && TRAMP_OS_SUPPORTED

/* The pair {code, data} of a slot.  Pairs are TRAMP_PAIR_SIZE apart,
   which is at most the slot size (x86_64: 16-byte pairs for 32-byte
   slots), so the pair of a slot is found by arithmetic.  */
struct tramp_pair
{
  void *code;
  void *data;
};

/* Pairs are as far apart as slots unless the architecture says
   otherwise.  */
#ifndef TRAMP_PAIR_SIZE
# define TRAMP_PAIR_SIZE TRAMP_SLOT_SIZE
#endif

_Static_assert (sizeof (struct tramp_pair) <= TRAMP_PAIR_SIZE
		&& TRAMP_PAIR_SIZE <= TRAMP_SLOT_SIZE,
		"a pair fits in its stride, which is at most a slot's");
_Static_assert ((TRAMP_SLOT_SIZE & (TRAMP_SLOT_SIZE - 1)) == 0
		&& (TRAMP_PAIR_SIZE & (TRAMP_PAIR_SIZE - 1)) == 0,
		"slot and pair sizes are powers of two");
_Static_assert (TRAMP_TABLE_SIZE % TRAMP_SLOT_SIZE == 0,
		"the table is a whole number of slots");
_Static_assert ((TRAMP_TABLE_SIZE & (TRAMP_TABLE_SIZE - 1)) == 0,
		"the table size is a power of two");

/* The table in the library's text, from tramp-table.S.  */
extern const char __tramp_table[TRAMP_TABLE_SIZE] attribute_hidden;

/* Extra protection bits for the code mappings (PROT_BTI on aarch64 when
   the process uses BTI).  */
#ifndef tramp_code_prot
# define tramp_code_prot() 0
#endif

#define TRAMP_SLOTS (TRAMP_TABLE_SIZE / TRAMP_SLOT_SIZE)
#define TRAMP_USABLE (TRAMP_SLOTS - TRAMP_FIRST_SLOT)
#define TRAMP_SPAN (2 * TRAMP_TABLE_SIZE)

/* Reserve address space in regions at most this large, halving the
   size down to one span when the kernel refuses it.  The limit on
   their number bounds the lookup loop (64-bit: up to 16 GiB of
   spans).  */
#if __SIZEOF_POINTER__ == 8
# define TRAMP_REGION_SIZE (256UL << 20)
#else
# define TRAMP_REGION_SIZE (32UL << 20)
#endif
#define TRAMP_MAX_REGIONS 64

/* Slots move between a thread cache and the tables in batches.  */
#define TRAMP_CACHE_BATCH 16
#define TRAMP_CACHE_MAX (2 * TRAMP_CACHE_BATCH)

/* A slot as a thread cache holds it: the index of its region times
   2^TRAMP_REF_BITS plus its offset in the region in slots.  Half the
   size of a pointer on 64-bit targets, which keeps the cache small in
   static TLS, and it cannot name anything outside the regions.  */
typedef uint32_t tramp_ref;
#define TRAMP_REF_BITS __builtin_ctzl (TRAMP_REGION_SIZE / TRAMP_SLOT_SIZE)
_Static_assert ((TRAMP_REGION_SIZE / TRAMP_SLOT_SIZE) * TRAMP_MAX_REGIONS
		<= (uint64_t) UINT32_MAX + 1,
		"a region index and a slot offset fit in a tramp_ref");

#define TRAMP_OWNED_BITS (8 * sizeof (unsigned long int))
#define TRAMP_OWNED_WORDS \
  ((TRAMP_USABLE + TRAMP_OWNED_BITS - 1) / TRAMP_OWNED_BITS)

/* Per-table metadata, kept outside the mapping.  */
struct tramp_table
{
  /* Link in tramp_partial (tables with free slots) or tramp_unused
     (released tables whose span can be mapped again).  */
  struct tramp_table *next;
  struct tramp_table *prev;
  /* Free slots owned by the table (not by a thread cache) of a trampfd
     table, chained through their data cells.  */
  void *free;
  /* Number of slots owned by the table, including those never used.  */
  unsigned int nfree;
  /* Lookups accept slots [TRAMP_FIRST_SLOT, TRAMP_FIRST_SLOT + HANDED)
     (trampfd tables: [0, HANDED)), whose pairs are mapped and
     initialized.  Zero while the table is released.  Written under the
     lock, read without it.  */
  unsigned int handed;
  /* The released table's span still holds its code and data mappings
     (the kernel refused to replace them): it is reused without a
     system call.  */
  bool mapped;
  char *span;
  /* The reference of the span's first slot.  */
  tramp_ref ref;
  /* Static tables only.  Bit I is set while slot TRAMP_FIRST_SLOT + I
     is owned by the table; under the lock.  LIVE[I] is 1 while that
     slot is live, else 0: set by the allocating thread, cleared by the
     free that wins the compare-and-swap.  Nothing about free slots is
     kept in the data pages, which the program can write.  */
  unsigned long int owned[TRAMP_OWNED_WORDS];
  unsigned char live[TRAMP_USABLE];
};

/* Clear a LIVE byte that holds 1, with acquire ordering, or store what
   it holds in *EXPECTED.  A byte-wide compare-and-swap: one on the
   word containing the byte would stall on the byte just stored by the
   allocation (no store forwarding between sizes), tripling the time of
   an allocation freed at once.  glibc's atomic_compare_exchange_*
   accepted only words before 2.42.  */
#define tramp_live_cas(mem, expected, desired) \
  __atomic_compare_exchange_n ((mem), (expected), (desired), false,	      \
			       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)

struct tramp_region
{
  char *base;
  /* Bytes reserved at BASE, a multiple of TRAMP_SPAN.  */
  size_t size;
  struct tramp_table *tables;
  /* Tables [0, USED) have been mapped at least once.  */
  unsigned int used;
};

/* The free slots a thread keeps; the most recently freed is used
   first.  */
struct tramp_cache
{
  unsigned int count;
  tramp_ref slots[TRAMP_CACHE_MAX];
};

__libc_lock_define_initialized (static, tramp_lock);

/* Written under tramp_lock.  Regions are never released; readers
   acquire tramp_nregions.  */
static struct tramp_region tramp_regions[TRAMP_MAX_REGIONS];
static unsigned int tramp_nregions;
static struct tramp_table *tramp_partial;
static struct tramp_table *tramp_unused;
static unsigned int tramp_nempty;

/* The verified template, and the identity of the file it came from.  */
static void *tramp_template;
static int tramp_init_errno;
static dev_t tramp_image_dev;
static ino_t tramp_image_ino;

static __thread struct tramp_cache tramp_cache TRAMP_TLS_MODEL;

/* The target of every free slot.  */
static void
tramp_freed (void)
{
  __libc_fatal ("Fatal error: call through a freed trampoline\n");
}

/* Stored instead of tramp_freed when a caller asks for a trampoline to
   tramp_freed itself (it may have read it from a data page), so that
   tramp_code can tell a slot freed under its feet from a live one.
   Calling it does the same.  */
static void
tramp_freed_target (void)
{
  tramp_freed ();
}

/* CODE as it is stored in a live pair.  */
static __always_inline void *
tramp_code_in (void *code)
{
  if (__glibc_unlikely (code == (void *) tramp_freed))
    return (void *) tramp_freed_target;
  return code;
}

/* The span containing ADDR: spans are aligned to their size.  */
static inline char *
tramp_span_of (const void *addr)
{
  return (char *) ((uintptr_t) addr & -(uintptr_t) TRAMP_SPAN);
}

static inline struct tramp_pair *
tramp_pair_of (char *slot)
{
  char *span = tramp_span_of (slot);
  return (struct tramp_pair *) (span + TRAMP_TABLE_SIZE
				+ (slot - span) / TRAMP_SLOT_SIZE
				  * TRAMP_PAIR_SIZE);
}

static inline void *
tramp_slot_of (struct tramp_pair *pair)
{
  char *span = tramp_span_of (pair);
  return span + ((char *) pair - span - TRAMP_TABLE_SIZE) / TRAMP_PAIR_SIZE
		* TRAMP_SLOT_SIZE;
}

/* Find the slot at OFFSET bytes into region I, which is published.
   Return its pair, and store its table in *TABLEP and its index in
   the table's LIVE and OWNED in *INDEXP, if it is a slot of a mapped
   table; else NULL.  Reads no memory that might be unmapped.  */
static __always_inline struct tramp_pair *
tramp_find (unsigned int i, uintptr_t offset, struct tramp_table **tablep,
	    unsigned int *indexp)
{
  /* Spans are aligned to their power-of-two size within the region: an
     entry has the TRAMP_TABLE_SIZE bit clear (not in the data half)
     and no bit below the slot size.  */
  if (offset >= tramp_regions[i].size
      || (offset & (TRAMP_TABLE_SIZE | (TRAMP_SLOT_SIZE - 1))) != 0)
    return NULL;
  struct tramp_table *table = &tramp_regions[i].tables[offset / TRAMP_SPAN];
  unsigned int slot = (offset % TRAMP_TABLE_SIZE) / TRAMP_SLOT_SIZE;
  if (slot - TRAMP_FIRST_SLOT >= atomic_load_acquire (&table->handed))
    return NULL;
  *tablep = table;
  *indexp = slot - TRAMP_FIRST_SLOT;
  return tramp_pair_of (tramp_regions[i].base + offset);
}

/* Return the pair of TRAMP if it is a live trampoline of a static
   table, or NULL; store its table and its index there in *TABLEP and
   *INDEXP.  Does not set errno: the caller looks in the trampfd tables
   next.  The pair may be that of a table released meanwhile, but is
   always mapped: see tramp_release_span.  */
static __always_inline struct tramp_pair *
tramp_lookup_live (const void *tramp, struct tramp_table **tablep,
		   unsigned int *indexp)
{
  uintptr_t addr = (uintptr_t) tramp;
  unsigned int n = atomic_load_acquire (&tramp_nregions);
  for (unsigned int i = 0; i < n; i++)
    {
      uintptr_t offset = addr - (uintptr_t) tramp_regions[i].base;
      if (offset >= tramp_regions[i].size)
	continue;
      struct tramp_pair *pair = tramp_find (i, offset, tablep, indexp);
      /* Acquire: the pair was written before LIVE was set.  */
      if (pair == NULL
	  || atomic_load_acquire (&(*tablep)->live[*indexp]) == 0)
	return NULL;
      return pair;
    }
  return NULL;
}

/* Return the pair of the slot REF, taken from a thread cache, if it is
   a slot of a mapped table that is not live; store its table and its
   index there in *TABLEP and *INDEXP.  Return NULL if the cache was
   corrupted.  The cache lives in writable memory: nothing is written
   through a reference before this check.  */
static __always_inline struct tramp_pair *
tramp_ref_check (tramp_ref ref, struct tramp_table **tablep,
		 unsigned int *indexp)
{
  unsigned int i = ref >> TRAMP_REF_BITS;
  if (i >= atomic_load_acquire (&tramp_nregions))
    return NULL;
  uintptr_t offset
    = (uintptr_t) (ref & ((1UL << TRAMP_REF_BITS) - 1)) * TRAMP_SLOT_SIZE;
  struct tramp_pair *pair = tramp_find (i, offset, tablep, indexp);
  if (pair == NULL || atomic_load_relaxed (&(*tablep)->live[*indexp]) != 0)
    return NULL;
  return pair;
}

static void
tramp_list_remove (struct tramp_table **list, struct tramp_table *table)
{
  if (table->prev != NULL)
    table->prev->next = table->next;
  else
    *list = table->next;
  if (table->next != NULL)
    table->next->prev = table->prev;
  table->next = table->prev = NULL;
}

static void
tramp_list_push (struct tramp_table **list, struct tramp_table *table)
{
  table->prev = NULL;
  table->next = *list;
  if (*list != NULL)
    (*list)->prev = table;
  *list = table;
}

/* Append TABLE, so that partly used tables are preferred and empty ones
   stay at the end, ready to be released.  */
static void
tramp_list_append (struct tramp_table **list, struct tramp_table *table)
{
  struct tramp_table **p = list;
  struct tramp_table *prev = NULL;
  while (*p != NULL)
    {
      prev = *p;
      p = &prev->next;
    }
  table->prev = prev;
  table->next = NULL;
  *p = table;
}

/* Open the file holding the table, check that it holds the same bytes
   (and, after the first time, that it is the same file), and map its
   copy of the table at ADDR (or anywhere if ADDR is NULL) with FLAGS.
   Return the mapping or MAP_FAILED with errno set.  Only used where the
   kernel cannot copy the loader's own mapping (see tramp_map_code).  */
static void *
tramp_map_image (void *addr, int flags)
{
  off64_t offset;
  int fd = tramp_open_image (__tramp_table, &offset);
  if (fd < 0)
    return MAP_FAILED;

  void *result = MAP_FAILED;
  struct stat64 st;
  if (__fstat64 (fd, &st) != 0)
    goto out;
  /* A shorter file would fault on the comparison below.  */
  if (!S_ISREG (st.st_mode) || st.st_size < offset + TRAMP_TABLE_SIZE
      || offset % __getpagesize () != 0
      || (tramp_template != NULL
	  && (st.st_dev != tramp_image_dev || st.st_ino != tramp_image_ino)))
    {
      __set_errno (ELIBBAD);
      goto out;
    }
  result = __mmap (addr, TRAMP_TABLE_SIZE,
		   PROT_READ | PROT_EXEC | tramp_code_prot (), flags,
		   fd, offset);
  if (result == MAP_FAILED)
    goto out;
  /* The first mapping is checked to be the file the loader mapped;
     later ones, to be the same file as the first.  */
  int err = 0;
  if (tramp_template == NULL && !tramp_image_same (__tramp_table, result))
    /* ELIBBAD, or why the identity could not be checked.  */
    err = errno;
  else if (memcmp (result, __tramp_table, TRAMP_TABLE_SIZE) != 0)
    err = ELIBBAD;
  if (err != 0)
    {
      /* Never leave foreign code mapped.  */
      if (addr == NULL)
	__munmap (result, TRAMP_TABLE_SIZE);
      else
	__mmap (addr, TRAMP_TABLE_SIZE, PROT_NONE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE,
		-1, 0);
      result = MAP_FAILED;
      __set_errno (err);
      goto out;
    }
  tramp_image_dev = st.st_dev;
  tramp_image_ino = st.st_ino;
 out:
  __close_nocancel_nostatus (fd);
  return result;
}

/* Whether new tables can be made; called with the lock held.  False,
   with errno set, once the file was found not to be the one mapped: a
   file replaced on disk does not come back.  */
static bool
tramp_init (void)
{
  if (tramp_init_errno == 0)
    return true;
  __set_errno (tramp_init_errno);
  return false;
}

/* Map the template from the file; called with the lock held.  Record
   a verdict on the file for tramp_init.  */
static bool
tramp_map_template (void)
{
  if (tramp_template != NULL)
    return true;
  void *template = tramp_map_image (NULL, MAP_SHARED);
  if (template != MAP_FAILED)
    {
      tramp_template = template;
      return true;
    }
  /* Running out of memory is not a verdict on the file.  */
  if (errno != ENOMEM && errno != EMFILE && errno != ENFILE
      && errno != EINTR && errno != EAGAIN)
    tramp_init_errno = errno;
  return false;
}

/* Whether copies of the loader's mapping are made: 0 before the first
   table, then 1, or -1 once the kernel has refused.  The re-open test
   variant (tests/tst-replaced.c) starts without.  */
#ifdef TRAMP_TEST_NO_MREMAP
static int tramp_copy_state = -1;
#else
static int tramp_copy_state;
#endif

/* Whether mremap (MREMAP_DONTUNMAP) leaves the old range mapped, as the
   kernel does.  qemu-user passes the flag to the host but drops the old
   range from its own map of the guest's memory, so a copy of the
   loader's mapping would take the library's text away under it.  Tried
   once, on a scratch page that must still be mapped afterwards.  Return
   the new tramp_copy_state, or 0 with errno set if no scratch page can
   be had.  */
/* The probe's scratch pages if unmapping them failed: tried again at
   the next table.  */
static char *tramp_probe_scratch;

static int
tramp_copy_probe (void)
{
  size_t pagesize = __getpagesize ();
  char *old = __mmap (NULL, 2 * pagesize, PROT_READ,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (old == MAP_FAILED)
    return 0;
  int state;
  if (__mremap (old, pagesize, pagesize,
		MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP,
		old + pagesize) != MAP_FAILED)
    state = tramp_page_mapped (old) ? 1 : -1;
  else
    /* Only EINVAL says the kernel lacks the flag; running out of
       memory or mappings is not a verdict.  */
    state = errno == EINVAL ? -1 : 0;
  int saved = errno;
  if (__munmap (old, 2 * pagesize) != 0)
    tramp_probe_scratch = old;
  __set_errno (saved);
  return state;
}

/* Copy the loader's own mapping of the table (libc's text, or the
   executable's that the kernel mapped in a static link) to SPAN.  With
   MREMAP_DONTUNMAP, mremap moves the page tables of the range to SPAN
   and leaves the range itself mapped, to be faulted in again from the
   same file: SPAN becomes a private read+exec mapping of the very file
   the loader mapped, at the same offset, with the same protection.
   No path, no descriptor and no /proc is involved, so a file replaced
   or deleted on disk, a chroot, a mount namespace, Landlock or a
   seccomp filter refusing open change nothing.  A page of the range
   that a debugger has written to would move along as a private page:
   the comparison rejects it.  Linux supports this for file mappings
   since 5.13; before, the result is EINVAL.  */
static bool
tramp_copy_own (char *span)
{
  if (__mremap ((void *) __tramp_table, TRAMP_TABLE_SIZE, TRAMP_TABLE_SIZE,
		MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP,
		span) == MAP_FAILED)
    return false;
  if (memcmp (span, __tramp_table, TRAMP_TABLE_SIZE) == 0)
    {
      /* The copy has the protection of the loader's mapping, which is
	 guarded (PROT_BTI) only if the library is marked for BTI.  Ask
	 for the guard here too; a policy that refuses it leaves the copy
	 as guarded as the library's own code, which is still correct:
	 every entry starts with its landing pad.  */
      int guard = tramp_code_prot ();
      if (guard != 0)
	__mprotect (span, TRAMP_TABLE_SIZE, PROT_READ | PROT_EXEC | guard);
      return true;
    }
  __mmap (span, TRAMP_TABLE_SIZE, PROT_NONE,
	  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
  __set_errno (ELIBBAD);
  return false;
}

/* Map a copy of the table at SPAN.  Called with the lock held.  */
static bool
tramp_map_code (char *span)
{
  if (__glibc_unlikely (tramp_probe_scratch != NULL)
      && __munmap (tramp_probe_scratch, 2 * __getpagesize ()) == 0)
    tramp_probe_scratch = NULL;
  if (tramp_copy_state == 0
      && (tramp_copy_state = tramp_copy_probe ()) == 0)
    return false;
  if (tramp_copy_state > 0)
    {
      if (tramp_copy_own (span))
	return true;
      if (errno == ENOMEM || errno == EAGAIN)
	return false;
      /* A kernel before 5.13: use the file from now on.  */
      if (errno == EINVAL)
	tramp_copy_state = -1;
    }
  /* Without it, the file is opened once, at the first table, for a
     MAP_SHARED template that mremap with an old size of 0 duplicates
     without the file; where that legacy case is refused too, the file
     is opened again for each table.  Both check the file's identity
     and bytes.  */
  if (!tramp_map_template ())
    return false;
#ifndef TRAMP_TEST_NO_MREMAP
  if (__mremap (tramp_template, 0, TRAMP_TABLE_SIZE,
		MREMAP_MAYMOVE | MREMAP_FIXED, span) != MAP_FAILED)
    return true;
#endif
  return tramp_map_image (span, MAP_SHARED | MAP_FIXED) != MAP_FAILED;
}

/* Replace the mappings of SPAN by zero pages: no memory, no
   executable copy of the table, and adjacent released spans merge into
   one mapping.  They stay readable and writable because a lookup (or
   a compare-and-swap of a free racing with the release) may still
   reach the data half of a span it saw in use: it then reads a zero
   pair, which is not live.  The flags are those of the data pages, so
   that they merge too.  Return false if the kernel refused (at the
   map-count limit, for example); the mappings are then as they
   were.  */
static bool
tramp_unmap_span (char *span)
{
  return __mmap (span, TRAMP_SPAN, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED;
}

/* Release the span of TABLE, which is entirely free.  Return false if
   the span is lost (see below): the table must then stay out of every
   list.  */
static bool
tramp_release_span (struct tramp_table *table)
{
  char *span = table->span;
  if (tramp_unmap_span (span))
    {
      table->mapped = false;
      return true;
    }
  /* At vm.max_map_count the kernel refuses any mmap, even one that
     would lower the count, but not an munmap that removes whole
     mappings: unmap the code half (lookups never read it), which takes
     the process below the limit, and fill the hole with zero pages,
     which merge with the data pages around them.  The data half stays
     mapped throughout; its memory is given back.  */
  __madvise (span + TRAMP_TABLE_SIZE, TRAMP_TABLE_SIZE, MADV_DONTNEED);
  if (__munmap (span, TRAMP_TABLE_SIZE) != 0)
    {
      /* Still mapped: the next table here is mapped without a system
	 call.  Its pairs read as zero: not live.  */
      table->mapped = true;
      return true;
    }
  void *hole = __mmap (span, TRAMP_TABLE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		       -1, 0);
  if (hole == span)
    {
      table->mapped = false;
      return true;
    }
  /* Another thread mapped something in the hole meanwhile (or the
     kernel took the address as a hint): the span can never be mapped
     again without destroying that.  */
  if (hole != MAP_FAILED)
    __munmap (hole, TRAMP_TABLE_SIZE);
  return false;
}

/* Map LEN bytes of anonymous memory with protection PROT that are not
   locked even after mlockall (MCL_FUTURE): one page, unlocked, then
   grown with mremap, which keeps the page's flags.  Without
   CAP_IPC_LOCK every locked mapping counts against RLIMIT_MEMLOCK,
   even a PROT_NONE one, and a locked read+write mapping is populated
   whole.  */
static void *
tramp_map_unlocked (size_t len, int prot)
{
  int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
  size_t page = __getpagesize ();
  void *p = __mmap (NULL, page, prot, flags, -1, 0);
  if (p == MAP_FAILED)
    return p;
  void *grown = MAP_FAILED;
  if (tramp_munlock (p, page) == 0)
    grown = __mremap (p, page, len, MREMAP_MAYMOVE);
  if (grown == MAP_FAILED)
    {
      int saved = errno;
      __munmap (p, page);
      __set_errno (saved);
    }
  return grown;
}

/* Reserve LEN bytes of address space.  After mlockall (MCL_FUTURE)
   the kernel refuses a large reservation with EAGAIN; the tables
   mapped into an unlocked one later are locked as the process
   asked.  */
static void *
tramp_reserve (size_t len)
{
  void *p = __mmap (NULL, len, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p != MAP_FAILED || errno != EAGAIN)
    return p;
  return tramp_map_unlocked (len, PROT_NONE);
}

/* Return a table index whose span is not mapped, taken from UNUSED or
   from the region set REGIONS of *NREGIONS regions, reserving a new
   region if needed.  Called with the lock held.  */
static struct tramp_table *
tramp_table_slot (struct tramp_region *regions, unsigned int *nregions,
		  struct tramp_table **unused)
{
  if (*unused != NULL)
    {
      struct tramp_table *table = *unused;
      tramp_list_remove (unused, table);
      return table;
    }
  unsigned int n = *nregions;
  if (n > 0 && regions[n - 1].used < regions[n - 1].size / TRAMP_SPAN)
    {
      struct tramp_region *region = &regions[n - 1];
      struct tramp_table *table = &region->tables[region->used];
      table->span = region->base + (size_t) region->used * TRAMP_SPAN;
      table->ref = (((tramp_ref) (n - 1) << TRAMP_REF_BITS)
		    | (size_t) region->used * (TRAMP_SPAN / TRAMP_SLOT_SIZE));
      region->used++;
      return table;
    }
  if (n == TRAMP_MAX_REGIONS)
    {
      __set_errno (ENOMEM);
      return NULL;
    }
  /* Reserve a span more than needed, and keep the part aligned to the
     span size: slots and pairs then convert by masking.  Ask for less
     when the address space is limited or fragmented.  */
  size_t size = TRAMP_REGION_SIZE;
  char *raw;
  while ((raw = tramp_reserve (size + TRAMP_SPAN)) == MAP_FAILED)
    if ((errno != ENOMEM && errno != EAGAIN) || size == TRAMP_SPAN)
      return NULL;
    else
      size /= 2;
  char *base = tramp_span_of (raw + TRAMP_SPAN - 1);
  /* Trimming splits the mapping, which the kernel may refuse at the
     map-count limit; unmapping it all never needs a new mapping.  */
  if ((base != raw && __munmap (raw, base - raw) != 0)
      || (base - raw != TRAMP_SPAN
	  && __munmap (base + size, TRAMP_SPAN - (base - raw)) != 0))
    {
      int saved = errno;
      __munmap (raw, size + TRAMP_SPAN);
      __set_errno (saved);
      return NULL;
    }
  unsigned int ntables = size / TRAMP_SPAN;
  /* The metadata of a whole region, mostly never touched: not locked
     and populated by mlockall (MCL_FUTURE).  */
  struct tramp_table *tables
    = tramp_map_unlocked (ntables * sizeof (struct tramp_table),
			  PROT_READ | PROT_WRITE);
  if (tables == MAP_FAILED)
    {
      int saved = errno;
      __munmap (base, size);
      __set_errno (saved);
      return NULL;
    }
  /* Sparse: a transparent huge page would make the first table's few
     hundred bytes 2 MiB resident.  */
  __madvise (tables, ntables * sizeof (struct tramp_table), MADV_NOHUGEPAGE);
  regions[n].base = base;
  regions[n].size = size;
  regions[n].tables = tables;
  regions[n].used = 1;
  tables[0].span = base;
  tables[0].ref = (tramp_ref) n << TRAMP_REF_BITS;
  atomic_store_release (nregions, n + 1);
  return &tables[0];
}

/* Map a new table and put it on tramp_partial.  Called with the lock
   held.  */
static struct tramp_table *
tramp_table_new (void)
{
  struct tramp_table *table = tramp_table_slot (tramp_regions, &tramp_nregions,
						&tramp_unused);
  if (table == NULL)
    return NULL;
  char *span = table->span;
  if (table->mapped)
    /* Released while the kernel refused to unmap it: its code is
       there, its data pages are zero or hold free slots, which
       tramp_refill initializes again.  */
    table->mapped = false;
  else if (__mmap (span + TRAMP_TABLE_SIZE, TRAMP_TABLE_SIZE,
		   PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED
	   || !tramp_map_code (span))
    {
      int saved = errno;
      /* If this fails too, the span keeps a partial mapping that the
	 next use of the table maps over.  */
      tramp_unmap_span (span);
      tramp_list_push (&tramp_unused, table);
      __set_errno (saved);
      return NULL;
    }
  memset (table->owned, 0xff, sizeof table->owned);
  if (TRAMP_USABLE % TRAMP_OWNED_BITS != 0)
    table->owned[TRAMP_OWNED_WORDS - 1]
      = (1UL << (TRAMP_USABLE % TRAMP_OWNED_BITS)) - 1;
  table->nfree = TRAMP_USABLE;
  /* Release: lookups only read pairs that are mapped.  */
  atomic_store_release (&table->handed, TRAMP_USABLE);
  tramp_list_push (&tramp_partial, table);
  tramp_nempty++;
  return table;
}

/* TABLE, on the list *PARTIAL, has just become entirely free.  Keep it
   as the spare at the end of the list (counted in *NEMPTY) if KEEP and
   there is none yet; otherwise unmap it and move it to *UNUSED.  Called
   with the lock held.  */
static void
tramp_table_emptied (struct tramp_table **partial,
		     struct tramp_table **unused, unsigned int *nempty,
		     struct tramp_table *table, bool keep)
{
  tramp_list_remove (partial, table);
  if (keep && *nempty == 0)
    {
      (*nempty)++;
      tramp_list_append (partial, table);
    }
  else
    {
      atomic_store_release (&table->handed, 0);
      if (tramp_release_span (table))
	tramp_list_push (unused, table);
    }
}

static void __attribute_noinline__ __attribute__ ((noreturn))
tramp_cache_corrupted (void)
{
  __libc_fatal ("Fatal error: corrupted trampoline cache\n");
}

/* Give the slot INDEX back to TABLE.  Called with the lock held.  */
static void
tramp_table_put (struct tramp_table *table, unsigned int index)
{
  unsigned long int bit = 1UL << (index % TRAMP_OWNED_BITS);
  if (table->owned[index / TRAMP_OWNED_BITS] & bit)
    tramp_cache_corrupted ();
  table->owned[index / TRAMP_OWNED_BITS] |= bit;
  if (table->nfree++ == 0)
    tramp_list_push (&tramp_partial, table);
  if (table->nfree == TRAMP_USABLE)
    tramp_table_emptied (&tramp_partial, &tramp_unused, &tramp_nempty,
			 table, true);
}

/* Move up to TRAMP_CACHE_BATCH free slots into CACHE, which has room
   for them.  Return false with errno set if there are none and no
   table can be mapped.  Kept out of line so that tramp_alloc's fast
   path stays small.  */
static bool __attribute_noinline__
tramp_refill (struct tramp_cache *cache)
{
  __libc_lock_lock (tramp_lock);
  if (!tramp_init ())
    {
      __libc_lock_unlock (tramp_lock);
      return false;
    }
  struct tramp_table *table = tramp_partial;
  if (table == NULL && (table = tramp_table_new ()) == NULL)
    {
      __libc_lock_unlock (tramp_lock);
      return false;
    }
  if (table->nfree == TRAMP_USABLE)
    tramp_nempty--;

  unsigned int taken = 0;
  for (unsigned int w = 0; w < TRAMP_OWNED_WORDS && taken < TRAMP_CACHE_BATCH;
       w++)
    while (table->owned[w] != 0 && taken < TRAMP_CACHE_BATCH)
      {
	unsigned int index = (w * TRAMP_OWNED_BITS
			      + __builtin_ctzl (table->owned[w]));
	table->owned[w] &= table->owned[w] - 1;
	cache->slots[cache->count++] = table->ref + TRAMP_FIRST_SLOT + index;
	taken++;
      }
  table->nfree -= taken;
  if (table->nfree == 0)
    tramp_list_remove (&tramp_partial, table);
  __libc_lock_unlock (tramp_lock);
  return true;
}

/* Give the COUNT least recently freed slots of CACHE back to their
   tables.  */
static void __attribute_noinline__
tramp_flush (struct tramp_cache *cache, unsigned int count)
{
  if (count > cache->count)
    count = cache->count;
  __libc_lock_lock (tramp_lock);
  for (unsigned int i = 0; i < count; i++)
    {
      struct tramp_table *table;
      unsigned int index;
      if (tramp_ref_check (cache->slots[i], &table, &index) == NULL)
	tramp_cache_corrupted ();
      tramp_table_put (table, index);
    }
  __libc_lock_unlock (tramp_lock);
  cache->count -= count;
  memmove (cache->slots, cache->slots + count,
	   cache->count * sizeof (cache->slots[0]));
}


#if TRAMP_TRAMPFD

/* trampfd tables, in regions of their own so that the static lookup
   never has to tell the kinds apart.  Written under tramp_lock.  */
static struct tramp_region tramp_fd_regions[TRAMP_MAX_REGIONS];
static unsigned int tramp_fd_nregions;
static struct tramp_table *tramp_fd_partial;
static struct tramp_table *tramp_fd_unused;
static unsigned int tramp_fd_nempty;
/* Zero until the first allocation decides, then 1 if new tables come
   from trampfd, -1 if they never will.  Read without the lock.  */
static int tramp_fd_state;
static long tramp_fd_nr;
/* Trampolines per table: the page size over the code size.  */
static unsigned int tramp_fd_count;

_Static_assert (TRAMP_TRAMPFD_CODE_SIZE % 4 == 0,
		"generated trampolines are aligned");

/* The cells trampoline INDEX of the table at SPAN loads from.  The
   code table starts the second half of the span, the data table
   follows it.  */
static inline void **
tramp_fd_code_cell (char *span, unsigned int index)
{
  return (void **) (span + TRAMP_TABLE_SIZE) + index;
}

static inline void **
tramp_fd_data_cell (char *span, unsigned int index)
{
  return (void **) (span + TRAMP_TABLE_SIZE) + tramp_fd_count + index;
}

/* Return the trampfd table of TRAMP and its index in *INDEXP if TRAMP
   is an entry that has been handed out, or NULL.  Reads no memory
   that might be unmapped.  */
static struct tramp_table *
tramp_fd_lookup (const void *tramp, unsigned int *indexp)
{
  uintptr_t addr = (uintptr_t) tramp;
  unsigned int n = atomic_load_acquire (&tramp_fd_nregions);
  for (unsigned int i = 0; i < n; i++)
    {
      uintptr_t offset = addr - (uintptr_t) tramp_fd_regions[i].base;
      if (offset >= tramp_fd_regions[i].size)
	continue;
      uintptr_t in_span = offset % TRAMP_SPAN;
      if (in_span % TRAMP_TRAMPFD_CODE_SIZE != 0)
	return NULL;
      struct tramp_table *table
	= &tramp_fd_regions[i].tables[offset / TRAMP_SPAN];
      /* Entries handed out are all in the code page.  */
      uintptr_t index = in_span / TRAMP_TRAMPFD_CODE_SIZE;
      if (index >= atomic_load_acquire (&table->handed))
	return NULL;
      *indexp = index;
      return table;
    }
  return NULL;
}

/* Return the code cell of TRAMP if it is a live trampfd trampoline,
   else NULL with errno set to EINVAL.  */
static void **
tramp_fd_lookup_live (const void *tramp)
{
  unsigned int index;
  struct tramp_table *table = tramp_fd_lookup (tramp, &index);
  if (table != NULL)
    {
      void **code = tramp_fd_code_cell (table->span, index);
      if (atomic_load_relaxed (code) != (void *) tramp_freed)
	return code;
    }
  __set_errno (EINVAL);
  return NULL;
}

/* The data cell that goes with the code cell CODE.  */
static inline void **
tramp_fd_data_of (void **code)
{
  return code + tramp_fd_count;
}

/* Decide whether new tables come from trampfd.  Called once, with the
   lock held.  */
static bool
tramp_fd_init (void)
{
  tramp_fd_nr = tramp_trampfd_number ();
  if (tramp_fd_nr < 0)
    return false;
  size_t page = __getpagesize ();
  tramp_fd_count = page / TRAMP_TRAMPFD_CODE_SIZE;
  /* The code page fills at most the first half of a span, the two
     address tables at most the second.  */
  return (page <= TRAMP_TABLE_SIZE && tramp_fd_count > 0
	  && 2 * tramp_fd_count * sizeof (void *) <= TRAMP_TABLE_SIZE);
}

/* The sanity check of what the kernel says before trusting it: the
   trampoline size this architecture's code was written for, and a
   page of them at a page-aligned offset.  */
static bool
tramp_fd_info_ok (const struct trampfd_info *info)
{
  size_t page = __getpagesize ();
  return (info->code_size == TRAMP_TRAMPFD_CODE_SIZE
	  && info->ntrampolines == tramp_fd_count
	  && info->ntrampolines == page / info->code_size
	  && info->code_offset % page == 0);
}

/* Map a new trampfd table and put it on tramp_fd_partial.  Called
   with the lock held.  */
static struct tramp_table *
tramp_fd_table_new (void)
{
  struct tramp_table *table = tramp_table_slot (tramp_fd_regions,
						&tramp_fd_nregions,
						&tramp_fd_unused);
  if (table == NULL)
    return NULL;
  char *span = table->span;
  size_t page = __getpagesize ();
  size_t cells = (2 * tramp_fd_count * sizeof (void *) + page - 1) & -page;
  void **code_table = tramp_fd_code_cell (span, 0);
  void **data_table = tramp_fd_data_cell (span, 0);
  int fd = -1;
  /* Nothing is passed to the kernel uninitialized.  */
  struct trampfd_info info = { 0 };

  if (__mmap (code_table, cells, PROT_READ | PROT_WRITE,
	      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
    goto fail;
  /* A trampoline never handed out traps like a freed one.  */
  for (unsigned int i = 0; i < tramp_fd_count; i++)
    code_table[i] = (void *) tramp_freed;

  fd = tramp_trampfd_syscall (tramp_fd_nr, &info);
  if (fd < 0)
    goto fail;
  if (!tramp_fd_info_ok (&info))
    {
      __set_errno (ENOSYS);
      goto fail;
    }
  struct trampfd_code code_desc =
    {
      .ntrampolines = tramp_fd_count,
      .reg = TRAMP_TRAMPFD_CODE_REG,
      .table = (uintptr_t) code_table,
    };
  struct trampfd_data data_desc =
    {
      .reg = TRAMP_TRAMPFD_DATA_REG,
      .table = (uintptr_t) data_table,
    };
  if (tramp_trampfd_pwrite (fd, &code_desc, sizeof code_desc,
			    TRAMPFD_CODE_OFFSET) != sizeof code_desc
      || tramp_trampfd_pwrite (fd, &data_desc, sizeof data_desc,
			       TRAMPFD_DATA_OFFSET) != sizeof data_desc)
    goto fail;

  /* The kernel accepts no flag but MAP_PRIVATE, so no MAP_FIXED: free
     the first page of the span in the reservation and give its address
     as the hint, which the kernel takes when the range is free.  */
  __munmap (span, page);
  void *code_page = __mmap (span, page, PROT_READ | PROT_EXEC, MAP_PRIVATE,
			    fd, info.code_offset);
  if (code_page != span)
    {
      int saved = errno;
      if (code_page != MAP_FAILED)
	__munmap (code_page, page);
      /* Put the reservation back, unless another thread of the process
	 mapped something into the hole meanwhile: then the span is
	 lost for good (its table stays out of every list), since
	 unmapping it would destroy that mapping.  */
      void *hole = __mmap (span, page, PROT_NONE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE
			   | MAP_FIXED_NOREPLACE, -1, 0);
      if (hole != span)
	{
	  if (hole != MAP_FAILED)
	    __munmap (hole, page);
	  __mmap (span + page, TRAMP_SPAN - page, PROT_NONE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE,
		  -1, 0);
	  tramp_trampfd_close (fd);
	  __set_errno (code_page == MAP_FAILED ? saved : EEXIST);
	  return NULL;
	}
      __set_errno (code_page == MAP_FAILED ? saved : EEXIST);
      goto fail;
    }
  /* The mapping holds its own reference to the file: the page lives
     until it is unmapped, and no descriptor stays open.  */
  tramp_trampfd_close (fd);

  table->free = NULL;
  table->nfree = tramp_fd_count;
  atomic_store_release (&table->handed, 0);
  tramp_list_push (&tramp_fd_partial, table);
  tramp_fd_nempty++;
  return table;

 fail:
  {
    int saved = errno;
    if (fd >= 0)
      tramp_trampfd_close (fd);
    tramp_unmap_span (span);
    tramp_list_push (&tramp_fd_unused, table);
    __set_errno (saved);
    return NULL;
  }
}

/* Return a new trampfd trampoline, or NULL if new trampolines come
   from the static tables.  */
static void *
tramp_fd_alloc (void *code, void *data)
{
  if (atomic_load_relaxed (&tramp_fd_state) < 0)
    return NULL;
  int saved = errno;
  void *result = NULL;
  __libc_lock_lock (tramp_lock);
  if (tramp_fd_state == 0)
    atomic_store_relaxed (&tramp_fd_state, tramp_fd_init () ? 1 : -1);
  if (tramp_fd_state > 0)
    {
      struct tramp_table *table = tramp_fd_partial;
      if (table == NULL && (table = tramp_fd_table_new ()) == NULL)
	atomic_store_relaxed (&tramp_fd_state, -1);
      else
	{
	  if (table->nfree == tramp_fd_count)
	    tramp_fd_nempty--;
	  unsigned int index = table->handed;
	  void **cell = table->free;
	  if (cell != NULL)
	    {
	      table->free = *cell;
	      index = cell - tramp_fd_data_cell (table->span, 0);
	    }
	  *tramp_fd_data_cell (table->span, index) = data;
	  atomic_store_relaxed (tramp_fd_code_cell (table->span, index), code);
	  /* Release: the cells are set before lookups accept the entry.  */
	  if (index == table->handed)
	    atomic_store_release (&table->handed, index + 1);
	  if (--table->nfree == 0)
	    tramp_list_remove (&tramp_fd_partial, table);
	  result = table->span + (size_t) index * TRAMP_TRAMPFD_CODE_SIZE;
	}
    }
  __libc_lock_unlock (tramp_lock);
  /* A failure of trampfd is not the caller's: the static tables take
     over.  */
  __set_errno (saved);
  return result;
}

static int __attribute_noinline__
tramp_fd_free (void *tramp)
{
  unsigned int index;
  struct tramp_table *table = tramp_fd_lookup (tramp, &index);
  if (table == NULL)
    {
      __set_errno (EINVAL);
      return -1;
    }
  void **code = tramp_fd_code_cell (table->span, index);
  void **data = tramp_fd_data_cell (table->span, index);
  __libc_lock_lock (tramp_lock);
  if (*code == (void *) tramp_freed)
    {
      __libc_lock_unlock (tramp_lock);
      __set_errno (EINVAL);
      return -1;
    }
  atomic_store_relaxed (code, (void *) tramp_freed);
  *data = table->free;
  table->free = data;
  if (table->nfree++ == 0)
    tramp_list_push (&tramp_fd_partial, table);
  /* A spare is kept only while trampfd is in use.  */
  if (table->nfree == tramp_fd_count)
    tramp_table_emptied (&tramp_fd_partial, &tramp_fd_unused,
			 &tramp_fd_nempty, table, tramp_fd_state >= 0);
  __libc_lock_unlock (tramp_lock);
  return 0;
}

static int __attribute_noinline__
tramp_fd_set (void *tramp, void *code, void *data)
{
  void **code_cell = tramp_fd_lookup_live (tramp);
  if (code_cell == NULL)
    return -1;
  if (code == NULL)
    {
      __set_errno (EINVAL);
      return -1;
    }
  *tramp_fd_data_of (code_cell) = data;
  atomic_store_relaxed (code_cell, code);
  return 0;
}

static void * __attribute_noinline__
tramp_fd_code (const void *tramp)
{
  void **code_cell = tramp_fd_lookup_live (tramp);
  return code_cell != NULL ? *code_cell : NULL;
}

static void * __attribute_noinline__
tramp_fd_data (const void *tramp)
{
  void **code_cell = tramp_fd_lookup_live (tramp);
  return code_cell != NULL ? *tramp_fd_data_of (code_cell) : NULL;
}

#else /* !TRAMP_TRAMPFD */

/* Only the static tables: what they do not know is not a trampoline.  */

static inline void *
tramp_fd_alloc (void *code, void *data)
{
  return NULL;
}

static inline int
tramp_fd_free (void *tramp)
{
  __set_errno (EINVAL);
  return -1;
}

static inline int
tramp_fd_set (void *tramp, void *code, void *data)
{
  __set_errno (EINVAL);
  return -1;
}

static inline void *
tramp_fd_code (const void *tramp)
{
  __set_errno (EINVAL);
  return NULL;
}

static inline void *
tramp_fd_data (const void *tramp)
{
  __set_errno (EINVAL);
  return NULL;
}

#endif /* !TRAMP_TRAMPFD */

/* Take the most recently freed slot of CACHE, which is not empty.  */
static __always_inline void *
tramp_take (struct tramp_cache *cache, void *code, void *data)
{
  struct tramp_table *table;
  unsigned int index;
  struct tramp_pair *pair
    = tramp_ref_check (cache->slots[cache->count - 1], &table, &index);
  if (__glibc_unlikely (pair == NULL))
    tramp_cache_corrupted ();
  cache->count--;
  atomic_store_relaxed (&pair->data, data);
  atomic_store_relaxed (&pair->code, code);
  /* Release: lookups that see the slot live see its pair.  */
  atomic_store_release (&table->live[index], 1);
  return tramp_slot_of (pair);
}

/* tramp_alloc when the thread's cache is empty: a trampfd trampoline if
   trampfd is in use, else a refill of the cache.  Also checks CODE.  */
static void * __attribute_noinline__
tramp_alloc_slow (struct tramp_cache *cache, void *code, void *data)
{
  if (code == NULL)
    {
      __set_errno (EINVAL);
      return NULL;
    }
  code = tramp_code_in (code);
  if (cache->count > 0)
    return tramp_take (cache, code, data);
  void *tramp = tramp_fd_alloc (code, data);
  if (tramp != NULL)
    return tramp;
  /* Errors on the way to a success (mremap refused under qemu-user, for
     example) are not reported.  */
  int saved = errno;
  if (!tramp_refill (cache))
    return NULL;
  __set_errno (saved);
  tramp = tramp_take (cache, code, data);
  /* What the thread keeps must be given back when it exits.  */
  if (__glibc_unlikely (!tramp_thread_register ()) && cache->count > 0)
    tramp_flush (cache, cache->count);
  return tramp;
}

void *
tramp_alloc (void *code, void *data)
{
  struct tramp_cache *cache = &tramp_cache;
  if (__glibc_unlikely (cache->count == 0 || code == NULL
			|| code == (void *) tramp_freed))
    return tramp_alloc_slow (cache, code, data);
  return tramp_take (cache, code, data);
}
libc_hidden_def (tramp_alloc)

int
tramp_set (void *tramp, void *code, void *data)
{
  struct tramp_table *table;
  unsigned int index;
  struct tramp_pair *pair = tramp_lookup_live (tramp, &table, &index);
  code = tramp_code_in (code);
  if (__glibc_unlikely (pair == NULL))
    return tramp_fd_set (tramp, code, data);
  if (code == NULL)
    {
      __set_errno (EINVAL);
      return -1;
    }
  /* A free racing with this call may take the slot meanwhile: the
     stores then land in a free slot, whose pair the allocator does not
     use, and do not make it live again.  */
  atomic_store_relaxed (&pair->data, data);
  atomic_store_relaxed (&pair->code, code);
  return 0;
}
libc_hidden_def (tramp_set)

int
tramp_free (void *tramp)
{
  struct tramp_table *table;
  unsigned int index;
  struct tramp_pair *pair = tramp_lookup_live (tramp, &table, &index);
  if (__glibc_unlikely (pair == NULL))
    return tramp_fd_free (tramp);
  /* Exactly one of two racing frees clears LIVE.  */
  unsigned char live = 1;
  if (!tramp_live_cas (&table->live[index], &live, 0))
    {
      __set_errno (EINVAL);
      return -1;
    }
  atomic_store_relaxed (&pair->code, (void *) tramp_freed);
  struct tramp_cache *cache = &tramp_cache;
  if (__glibc_unlikely (cache->count == TRAMP_CACHE_MAX))
    tramp_flush (cache, TRAMP_CACHE_BATCH);
  cache->slots[cache->count++] = table->ref + TRAMP_FIRST_SLOT + index;
  if (__glibc_unlikely (cache->count == 1) && !tramp_thread_register ())
    /* A thread that only frees gives its cache back at exit too, and
       one that is exiting (or cannot register) right away.  */
    tramp_flush (cache, 1);
  return 0;
}
libc_hidden_def (tramp_free)

void *
tramp_code (const void *tramp)
{
  struct tramp_table *table;
  unsigned int index;
  struct tramp_pair *pair = tramp_lookup_live (tramp, &table, &index);
  void *code;
  if (__glibc_unlikely (pair == NULL))
    code = tramp_fd_code (tramp);
  else
    {
      /* If a free raced with this call, CODE may be the freed
	 handler, or zero in a table released and mapped again, even if
	 the slot is live again by now.  */
      code = atomic_load_acquire (&pair->code);
      if (__glibc_unlikely (code == NULL || code == (void *) tramp_freed
			    || atomic_load_relaxed (&table->live[index]) == 0))
	{
	  __set_errno (EINVAL);
	  return NULL;
	}
    }
  return code == (void *) tramp_freed_target ? (void *) tramp_freed : code;
}
libc_hidden_def (tramp_code)

void *
tramp_data (const void *tramp)
{
  struct tramp_table *table;
  unsigned int index;
  struct tramp_pair *pair = tramp_lookup_live (tramp, &table, &index);
  if (__glibc_unlikely (pair == NULL))
    return tramp_fd_data (tramp);
  void *data = atomic_load_acquire (&pair->data);
  if (__glibc_unlikely (atomic_load_relaxed (&table->live[index]) == 0))
    {
      __set_errno (EINVAL);
      return NULL;
    }
  return data;
}
libc_hidden_def (tramp_data)

/* Called when a thread exits: its cached slots go back to the tables.  */
void
__tramp_thread_freeres (void)
{
  struct tramp_cache *cache = &tramp_cache;
  if (cache->count > 0)
    tramp_flush (cache, cache->count);
}

/* Around fork: the child gets a consistent allocator and a usable lock
   even if another thread was inside it.  The caches of the other
   threads are lost in the child; their slots stay allocated.  */
void
__tramp_fork_lock (void)
{
  __libc_lock_lock (tramp_lock);
}

void
__tramp_fork_unlock_parent (void)
{
  __libc_lock_unlock (tramp_lock);
}

void
__tramp_fork_unlock_child (void)
{
  __libc_lock_init (tramp_lock);
}

#else /* !TRAMP_TABLE_SIZE || !TRAMP_OS_SUPPORTED */

/* No table for this architecture or system: the interface exists and
   fails cleanly.  */

void *
tramp_alloc (void *code, void *data)
{
  __set_errno (code == NULL ? EINVAL : ENOSYS);
  return NULL;
}
libc_hidden_def (tramp_alloc)

int
tramp_set (void *tramp, void *code, void *data)
{
  __set_errno (EINVAL);
  return -1;
}
libc_hidden_def (tramp_set)

int
tramp_free (void *tramp)
{
  __set_errno (EINVAL);
  return -1;
}
libc_hidden_def (tramp_free)

void *
tramp_code (const void *tramp)
{
  __set_errno (EINVAL);
  return NULL;
}
libc_hidden_def (tramp_code)

void *
tramp_data (const void *tramp)
{
  __set_errno (EINVAL);
  return NULL;
}
libc_hidden_def (tramp_data)

void
__tramp_thread_freeres (void)
{
}

void
__tramp_fork_lock (void)
{
}

void
__tramp_fork_unlock_parent (void)
{
}

void
__tramp_fork_unlock_child (void)
{
}

#endif
