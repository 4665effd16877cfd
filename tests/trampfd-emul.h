/* An emulation of the trampfd kernel interface (RFC v2) at the system
   call boundary, for testing the trampfd backend of libtramp.

   Linking tests/trampfd-emul.c into a program installs, before main:
   a seccomp filter that traps (SECCOMP_RET_TRAP) the system call
   TRAMPFD_EMUL_NR, and pwrite64, mmap (mmap2) and close on descriptors
   in [TRAMPFD_EMUL_FD_BASE, TRAMPFD_EMUL_FD_BASE + TRAMPFD_EMUL_FD_COUNT),
   where the emulated trampfd descriptors live; and a SIGSYS handler
   that carries those calls out as the RFC's kernel would (see
   sysdeps/unix/sysv/linux/trampfd.h): it fills struct trampfd_info,
   validates the descriptors with the RFC's errors, and on mmap
   generates the per-architecture trampoline page the RFC describes
   into a sealed memfd that it maps read+exec at the caller's hint, as
   get_unmapped_area would.  The emulated kernel may create code; the
   process being tested never does.

   Differences from the RFC's kernel, on purpose: the x86 encoder emits
   correct loads for rbp, r12, r13 and ebp (the RFC's uses a ModRM form
   that means something else for them) and pads with int3 instead of
   zeros; the page is not freed when unmapped (the emulation cannot see
   munmap), so "mapped" stays set for the descriptor.

   The advertisement: before main, the emulated kernel also puts
   AT_TRAMPFD = TRAMPFD_EMUL_NR into the process's auxiliary vector
   (see trampfd_emul_advertise), as the kernel series of kernel/ does
   at exec, so the library finds the number where it would on a real
   kernel; nothing configures it.  Since the library prefers its
   static tables by default, the emulation also sets LIBTRAMP_TRAMPFD
   to 1 (use the advertised trampfd) unless it is already set.

   Environment: TRAMPFD_EMUL_FAULT makes the emulated kernel fail (see
   trampfd_emul_parse_fault); TRAMPFD_EMUL=0 installs nothing.

   If seccomp filters cannot be installed (qemu-user refuses them), the
   program exits with status 77 (unsupported) before main, after saying
   so, unless the program defines trampfd_emul_optional to true: then
   trampfd_emul_active is false.

   TRAMPFD_EMUL_ADVERTISE=0 leaves the auxiliary vector alone.  */

#ifndef TRAMPFD_EMUL_H
#define TRAMPFD_EMUL_H

#include <stdbool.h>

/* Unused by Linux on x86_64, i386, arm and arm64 (their tables end
   below 500; x32's numbers carry bit 30; arm's private calls start at
   0xf0000).  */
#define TRAMPFD_EMUL_NR 1440
#define TRAMPFD_EMUL_FD_BASE 900
#define TRAMPFD_EMUL_FD_COUNT 64

/* The name of the emulated kernel's code pages in /proc/self/maps.  */
#define TRAMPFD_EMUL_NAME "trampfd-emul"

enum trampfd_emul_fault
{
  TRAMPFD_EMUL_OK,
  TRAMPFD_EMUL_ENOSYS,		/* trampfd fails with ENOSYS.  */
  TRAMPFD_EMUL_EPERM,		/* trampfd fails with EPERM.  */
  TRAMPFD_EMUL_BAD_SIZE,	/* info.code_size is not the RFC's.  */
  TRAMPFD_EMUL_BAD_COUNT,	/* info.ntrampolines is off by one.  */
  TRAMPFD_EMUL_PWRITE,		/* The code descriptor gets EINVAL.  */
  TRAMPFD_EMUL_MMAP,		/* mmap fails with EPERM.  */
  TRAMPFD_EMUL_HINT,		/* mmap ignores the hint.  */
};

struct trampfd_emul_stats
{
  long syscalls;		/* trampfd calls, failed ones included.  */
  long pwrites;
  long mmaps;			/* Pages mapped.  */
  long hinted;			/* Pages mapped at the caller's hint.  */
  long closes;
  long open;			/* Emulated descriptors open now.  */
  long uninit;			/* trampfd calls whose INFO was not zero.  */
};

/* Advertise the emulated trampfd in the auxiliary vector (AT_TRAMPFD),
   or withdraw the advertisement.  Return false if the vector could
   not be changed.  Done before main unless TRAMPFD_EMUL_ADVERTISE=0;
   a test may change it before the allocator's first use.  */
bool trampfd_emul_advertise (bool on);

/* Copied under the emulation's lock by trampfd_emul_get_stats.  */
void trampfd_emul_get_stats (struct trampfd_emul_stats *);

/* The fault injected from the next call on, and after how many
   successful trampfd calls it starts (0: at once).  */
void trampfd_emul_set_fault (enum trampfd_emul_fault, long after);

/* Parse a TRAMPFD_EMUL_FAULT value: ok, enosys, eperm, bad-size,
   bad-count, pwrite, mmap or hint, optionally followed by @N (after N
   successful trampfd calls).  Return false if it is not one.  */
bool trampfd_emul_parse_fault (const char *, enum trampfd_emul_fault *,
			       long *after);

extern bool trampfd_emul_active;
extern bool trampfd_emul_optional;

/* Return the number of emulated code pages mapped now (from
   /proc/self/maps), and whether ADDR is in one of them, if ADDR is not
   NULL.  */
int trampfd_emul_pages (const void *addr, bool *inside);

/* Generate the trampoline page the RFC's kernel would for a process of
   this architecture: NTRAMP trampolines using registers CREG and DREG
   (the RFC's names) and tables at CODE_TABLE and DATA_TABLE, in PAGE
   of PAGE_SIZE bytes.  Exposed for the encoding test.  */
void trampfd_emul_generate (unsigned char *page, unsigned long page_size,
			    unsigned int ntramp, unsigned int creg,
			    unsigned int dreg, unsigned long long code_table,
			    unsigned long long data_table);

/* The architecture's trampoline size and register name range, or 0
   for an architecture the emulation does not know.  */
extern const unsigned int trampfd_emul_code_size;
extern const unsigned int trampfd_emul_reg_min, trampfd_emul_reg_max;

#endif /* trampfd-emul.h */
