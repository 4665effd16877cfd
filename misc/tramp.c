/* Trampolines mapped from the C library's own text.
   Copyright (C) 2026 Free Software Foundation, Inc.
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
   bytes (the largest page size of the architecture) of identical slots
   of TRAMP_SLOT_SIZE bytes.  The slot at address A loads the pair
   {code, data} stored at A + TRAMP_TABLE_SIZE, puts DATA into the data
   register and jumps to CODE.

   A table instance is a span of 2 * TRAMP_TABLE_SIZE bytes: a read+exec
   copy of the table mapped from the library file, then an anonymous
   read+write data page.  Nothing is ever mapped writable and executable,
   no anonymous memory is executable, and nothing is mprotected.

   At first use the file is opened once, read-only, and one MAP_SHARED
   template of the table is mapped, checked byte for byte against the
   table in memory, and the descriptor closed.  Each new instance is a
   mremap duplicate of the template, so a later replacement of the file
   on disk changes nothing.  Where mremap cannot duplicate (qemu-user),
   the file is opened again and must be the same inode with the same
   bytes.

   Spans are carved from regions reserved PROT_NONE, so the table of any
   address is found by arithmetic, and bad pointers are rejected
   without touching unmapped memory.  Free slots have CODE set to
   tramp_freed (calling them aborts) and are chained through DATA.
   Each thread keeps a small cache of free slots, so allocation and
   release take no lock in the common case; the global lock covers
   refills, flushes and table creation and release.  */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/tramp.h>
#include <tramp-table.h>
#include <tramp-os.h>

#if defined TRAMP_TABLE_SIZE && TRAMP_OS_SUPPORTED

/* Pairs have the same stride as slots, so the pair of a slot is at a
   fixed distance from it.  */
struct tramp_pair
{
  void *code;
  void *data;
};

_Static_assert (sizeof (struct tramp_pair) <= TRAMP_SLOT_SIZE,
		"a slot's pair fits in its stride");
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

/* Reserve address space in regions this large; the limit bounds the
   metadata and the lookup loop, not the number of live trampolines in
   practice (64-bit: 16 GiB of spans).  */
#if __SIZEOF_POINTER__ == 8
# define TRAMP_REGION_SIZE (256UL << 20)
#else
# define TRAMP_REGION_SIZE (32UL << 20)
#endif
#define TRAMP_REGION_TABLES (TRAMP_REGION_SIZE / TRAMP_SPAN)
#define TRAMP_MAX_REGIONS 64

/* Slots move between a thread cache and the tables in batches.  */
#define TRAMP_CACHE_BATCH 32
#define TRAMP_CACHE_MAX (2 * TRAMP_CACHE_BATCH)

/* Per-table metadata, kept outside the mapping.  */
struct tramp_table
{
  /* Link in tramp_partial (tables with free slots) or tramp_unused
     (released tables whose span can be mapped again).  */
  struct tramp_table *next;
  struct tramp_table *prev;
  /* Free slots owned by the table (not by a thread cache), chained
     through their DATA.  */
  struct tramp_pair *free;
  /* Number of slots owned by the table, including those never used.  */
  unsigned int nfree;
  /* Slots [TRAMP_FIRST_SLOT, TRAMP_FIRST_SLOT + HANDED) have been
     handed out at least once; the pairs of the others are still zero
     pages.  Zero while the span is not mapped.  Written under the lock,
     read without it.  */
  unsigned int handed;
  char *span;
};

struct tramp_region
{
  char *base;
  struct tramp_table *tables;
  /* Tables [0, USED) have been mapped at least once.  */
  unsigned int used;
};

struct tramp_cache
{
  struct tramp_pair *head;
  unsigned int count;
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

static inline struct tramp_pair *
tramp_pair_of (char *slot)
{
  return (struct tramp_pair *) (slot + TRAMP_TABLE_SIZE);
}

static inline void *
tramp_slot_of (struct tramp_pair *pair)
{
  return (char *) pair - TRAMP_TABLE_SIZE;
}

/* Return the table and pair of TRAMP if it is a slot that has been
   handed out, or NULL.  Reads no memory that might be unmapped.  */
static __always_inline struct tramp_pair *
tramp_lookup (const void *tramp, struct tramp_table **tablep)
{
  _Static_assert ((TRAMP_SLOT_SIZE & (TRAMP_SLOT_SIZE - 1)) == 0,
		  "slot size is a power of two");
  uintptr_t addr = (uintptr_t) tramp;
  unsigned int n = atomic_load_acquire (&tramp_nregions);
  for (unsigned int i = 0; i < n; i++)
    {
      uintptr_t offset = addr - (uintptr_t) tramp_regions[i].base;
      if (offset >= TRAMP_REGION_SIZE)
	continue;
      /* Spans are aligned to their power-of-two size within the
	 region: an entry has the TRAMP_TABLE_SIZE bit clear (not in
	 the data half) and no bit below the slot size.  */
      if (offset & (TRAMP_TABLE_SIZE | (TRAMP_SLOT_SIZE - 1)))
	return NULL;
      struct tramp_table *table
	= &tramp_regions[i].tables[offset / TRAMP_SPAN];
      unsigned int slot = (offset % TRAMP_TABLE_SIZE) / TRAMP_SLOT_SIZE;
      if (slot - TRAMP_FIRST_SLOT >= atomic_load_acquire (&table->handed))
	return NULL;
      if (tablep != NULL)
	*tablep = table;
      return tramp_pair_of ((char *) tramp);
    }
  return NULL;
}

/* Like tramp_lookup, but only for live trampolines.  */
static struct tramp_pair *
tramp_lookup_live (const void *tramp)
{
  struct tramp_pair *pair = tramp_lookup (tramp, NULL);
  if (pair == NULL || pair->code == (void *) tramp_freed)
    {
      __set_errno (EINVAL);
      return NULL;
    }
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
   Return the mapping or MAP_FAILED with errno set.  */
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
  if (memcmp (result, __tramp_table, TRAMP_TABLE_SIZE) != 0)
    {
      /* Never leave foreign code mapped.  */
      if (addr == NULL)
	__munmap (result, TRAMP_TABLE_SIZE);
      else
	__mmap (addr, TRAMP_TABLE_SIZE, PROT_NONE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE,
		-1, 0);
      result = MAP_FAILED;
      __set_errno (ELIBBAD);
      goto out;
    }
  tramp_image_dev = st.st_dev;
  tramp_image_ino = st.st_ino;
 out:
  __close_nocancel_nostatus (fd);
  return result;
}

/* Map the template once; called with the lock held.  The outcome is
   final: a file replaced on disk does not come back.  */
static bool
tramp_init (void)
{
  if (tramp_template != NULL)
    return true;
  if (tramp_init_errno == 0)
    {
      void *template = tramp_map_image (NULL, MAP_SHARED);
      if (template != MAP_FAILED)
	{
	  tramp_template = template;
	  return true;
	}
      tramp_init_errno = errno;
      /* Running out of memory is not a verdict on the file.  */
      if (errno == ENOMEM || errno == EMFILE || errno == ENFILE
	  || errno == EINTR || errno == EAGAIN)
	{
	  tramp_init_errno = 0;
	  return false;
	}
    }
  __set_errno (tramp_init_errno);
  return false;
}

/* Map a copy of the table at SPAN.  */
static bool
tramp_map_code (char *span)
{
#ifndef TRAMP_TEST_NO_MREMAP
  if (__mremap (tramp_template, 0, TRAMP_TABLE_SIZE,
		MREMAP_MAYMOVE | MREMAP_FIXED, span) != MAP_FAILED)
    return true;
#endif
  return tramp_map_image (span, MAP_SHARED | MAP_FIXED) != MAP_FAILED;
}

static void
tramp_unmap_span (char *span)
{
  /* Give the span back to the reservation.  */
  __mmap (span, TRAMP_SPAN, PROT_NONE,
	  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
}

/* Return a table index whose span is not mapped, reserving a new region
   if needed.  Called with the lock held.  */
static struct tramp_table *
tramp_table_slot (void)
{
  if (tramp_unused != NULL)
    {
      struct tramp_table *table = tramp_unused;
      tramp_list_remove (&tramp_unused, table);
      return table;
    }
  unsigned int n = tramp_nregions;
  if (n > 0 && tramp_regions[n - 1].used < TRAMP_REGION_TABLES)
    {
      struct tramp_region *region = &tramp_regions[n - 1];
      struct tramp_table *table = &region->tables[region->used];
      table->span = region->base + (size_t) region->used * TRAMP_SPAN;
      region->used++;
      return table;
    }
  if (n == TRAMP_MAX_REGIONS)
    {
      __set_errno (ENOMEM);
      return NULL;
    }
  char *base = __mmap (NULL, TRAMP_REGION_SIZE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED)
    return NULL;
  struct tramp_table *tables
    = __mmap (NULL, TRAMP_REGION_TABLES * sizeof (struct tramp_table),
	      PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (tables == MAP_FAILED)
    {
      __munmap (base, TRAMP_REGION_SIZE);
      return NULL;
    }
  tramp_regions[n].base = base;
  tramp_regions[n].tables = tables;
  tramp_regions[n].used = 1;
  tables[0].span = base;
  atomic_store_release (&tramp_nregions, n + 1);
  return &tables[0];
}

/* Map a new table and put it on tramp_partial.  Called with the lock
   held.  */
static struct tramp_table *
tramp_table_new (void)
{
  struct tramp_table *table = tramp_table_slot ();
  if (table == NULL)
    return NULL;
  char *span = table->span;
  if (__mmap (span + TRAMP_TABLE_SIZE, TRAMP_TABLE_SIZE,
	      PROT_READ | PROT_WRITE,
	      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED
      || !tramp_map_code (span))
    {
      int saved = errno;
      tramp_unmap_span (span);
      tramp_list_push (&tramp_unused, table);
      __set_errno (saved);
      return NULL;
    }
  table->free = NULL;
  table->nfree = TRAMP_USABLE;
  atomic_store_release (&table->handed, 0);
  tramp_list_push (&tramp_partial, table);
  tramp_nempty++;
  return table;
}

/* Unmap TABLE, which owns all its slots and is not counted in
   tramp_nempty.  Called with the lock held.  */
static void
tramp_table_release (struct tramp_table *table)
{
  tramp_list_remove (&tramp_partial, table);
  atomic_store_release (&table->handed, 0);
  tramp_unmap_span (table->span);
  tramp_list_push (&tramp_unused, table);
}

/* Give the slot PAIR back to TABLE.  Called with the lock held.  */
static void
tramp_table_put (struct tramp_table *table, struct tramp_pair *pair)
{
  pair->data = table->free;
  table->free = pair;
  if (table->nfree++ == 0)
    tramp_list_push (&tramp_partial, table);
  if (table->nfree == TRAMP_USABLE)
    {
      /* Keep one empty table as a spare, at the end of the list.  */
      if (tramp_nempty > 0)
	tramp_table_release (table);
      else
	{
	  tramp_nempty++;
	  tramp_list_remove (&tramp_partial, table);
	  tramp_list_append (&tramp_partial, table);
	}
    }
}

/* Move up to TRAMP_CACHE_BATCH free slots into CACHE.  Return false
   with errno set if there are none and no table can be mapped.  Kept
   out of line so that tramp_alloc's fast path stays small.  */
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

  struct tramp_pair *head = cache->head;
  unsigned int taken = 0;
  while (taken < TRAMP_CACHE_BATCH && table->free != NULL)
    {
      struct tramp_pair *pair = table->free;
      table->free = pair->data;
      pair->data = head;
      head = pair;
      taken++;
    }
  unsigned int handed = table->handed;
  while (taken < TRAMP_CACHE_BATCH && handed < TRAMP_USABLE)
    {
      struct tramp_pair *pair
	= tramp_pair_of (table->span + (TRAMP_FIRST_SLOT + handed)
				      * TRAMP_SLOT_SIZE);
      pair->code = (void *) tramp_freed;
      pair->data = head;
      head = pair;
      handed++;
      taken++;
    }
  /* Release: the pairs are initialized before lookups accept them.  */
  atomic_store_release (&table->handed, handed);
  table->nfree -= taken;
  if (table->nfree == 0)
    tramp_list_remove (&tramp_partial, table);
  __libc_lock_unlock (tramp_lock);

  cache->head = head;
  cache->count += taken;
  tramp_thread_register ();
  return true;
}

/* Give COUNT slots from the head of CACHE back to their tables.  */
static void __attribute_noinline__
tramp_flush (struct tramp_cache *cache, unsigned int count)
{
  __libc_lock_lock (tramp_lock);
  while (count-- > 0 && cache->head != NULL)
    {
      struct tramp_pair *pair = cache->head;
      struct tramp_table *table = NULL;
      cache->head = pair->data;
      cache->count--;
      if (tramp_lookup (tramp_slot_of (pair), &table) == NULL)
	__libc_fatal ("Fatal error: corrupted trampoline cache\n");
      tramp_table_put (table, pair);
    }
  __libc_lock_unlock (tramp_lock);
}

void *
tramp_alloc (void *code, void *data)
{
  if (__glibc_unlikely (code == NULL))
    {
      __set_errno (EINVAL);
      return NULL;
    }
  struct tramp_cache *cache = &tramp_cache;
  if (__glibc_unlikely (cache->head == NULL) && !tramp_refill (cache))
    return NULL;
  struct tramp_pair *pair = cache->head;
  cache->head = pair->data;
  cache->count--;
  pair->data = data;
  pair->code = code;
  return tramp_slot_of (pair);
}

int
tramp_set (void *tramp, void *code, void *data)
{
  struct tramp_pair *pair = tramp_lookup_live (tramp);
  if (pair == NULL)
    return -1;
  if (code == NULL)
    {
      __set_errno (EINVAL);
      return -1;
    }
  pair->data = data;
  pair->code = code;
  return 0;
}

int
tramp_free (void *tramp)
{
  struct tramp_pair *pair = tramp_lookup_live (tramp);
  if (pair == NULL)
    return -1;
  struct tramp_cache *cache = &tramp_cache;
  pair->code = (void *) tramp_freed;
  pair->data = cache->head;
  cache->head = pair;
  if (__glibc_unlikely (++cache->count > TRAMP_CACHE_MAX))
    tramp_flush (cache, TRAMP_CACHE_BATCH);
  return 0;
}

void *
tramp_code (const void *tramp)
{
  struct tramp_pair *pair = tramp_lookup_live (tramp);
  return pair != NULL ? pair->code : NULL;
}

void *
tramp_data (const void *tramp)
{
  struct tramp_pair *pair = tramp_lookup_live (tramp);
  return pair != NULL ? pair->data : NULL;
}

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

int
tramp_set (void *tramp, void *code, void *data)
{
  __set_errno (EINVAL);
  return -1;
}

int
tramp_free (void *tramp)
{
  __set_errno (EINVAL);
  return -1;
}

void *
tramp_code (const void *tramp)
{
  __set_errno (EINVAL);
  return NULL;
}

void *
tramp_data (const void *tramp)
{
  __set_errno (EINVAL);
  return NULL;
}

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
