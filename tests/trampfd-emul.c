/* An emulation of the trampfd kernel interface (RFC v2) at the system
   call boundary: seccomp traps the calls, a SIGSYS handler carries
   them out.  See trampfd-emul.h.  */

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <link.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>
#include <trampfd.h>

#include "trampfd-emul.h"

#if defined __x86_64__ && !defined __ILP32__
# define AUDIT_ARCH_NATIVE AUDIT_ARCH_X86_64
const unsigned int trampfd_emul_code_size = TRAMPFD_CODE_SIZE_X86_64;
const unsigned int trampfd_emul_reg_min = TRAMPFD_X86_64_MIN;
const unsigned int trampfd_emul_reg_max = TRAMPFD_X86_64_MAX;
#elif defined __i386__
# define AUDIT_ARCH_NATIVE AUDIT_ARCH_I386
const unsigned int trampfd_emul_code_size = TRAMPFD_CODE_SIZE_I386;
const unsigned int trampfd_emul_reg_min = TRAMPFD_X86_32_MIN;
const unsigned int trampfd_emul_reg_max = TRAMPFD_X86_32_MAX;
#elif defined __aarch64__ && !defined __ILP32__
# define AUDIT_ARCH_NATIVE AUDIT_ARCH_AARCH64
const unsigned int trampfd_emul_code_size = TRAMPFD_CODE_SIZE_ARM64;
const unsigned int trampfd_emul_reg_min = TRAMPFD_ARM64_MIN;
const unsigned int trampfd_emul_reg_max = TRAMPFD_ARM64_MAX;
#elif defined __arm__
# define AUDIT_ARCH_NATIVE AUDIT_ARCH_ARM
const unsigned int trampfd_emul_code_size = TRAMPFD_CODE_SIZE_ARM;
const unsigned int trampfd_emul_reg_min = TRAMPFD_ARM_MIN;
const unsigned int trampfd_emul_reg_max = TRAMPFD_ARM_MAX;
#else
# error "no trampfd emulation for this architecture"
#endif

#ifdef SYS_mmap2
# define EMUL_SYS_MMAP SYS_mmap2
# define EMUL_MMAP_SHIFT 12	/* mmap2 offsets count 4096-byte units.  */
#else
# define EMUL_SYS_MMAP SYS_mmap
# define EMUL_MMAP_SHIFT 0
#endif

bool trampfd_emul_active;
bool trampfd_emul_optional __attribute__ ((weak));

/* The state of one emulated descriptor (struct trampfd in the RFC).  */
struct emul_fd
{
  bool open;
  pid_t creator;		/* A thread id, as the RFC's current->pid.  */
  bool code_set, data_set, mapped;
  uint32_t ntramp, creg, dreg;
  uint64_t code_table, data_table;
};

static struct emul_fd emul_fds[TRAMPFD_EMUL_FD_COUNT];
static struct trampfd_emul_stats emul_stats;
static enum trampfd_emul_fault emul_fault;
static long emul_fault_after;
static int emul_lock;

static void
lock (void)
{
  while (__atomic_exchange_n (&emul_lock, 1, __ATOMIC_ACQUIRE))
    ;
}

static void
unlock (void)
{
  __atomic_store_n (&emul_lock, 0, __ATOMIC_RELEASE);
}

void
trampfd_emul_get_stats (struct trampfd_emul_stats *stats)
{
  lock ();
  *stats = emul_stats;
  unlock ();
}

void
trampfd_emul_set_fault (enum trampfd_emul_fault fault, long after)
{
  lock ();
  emul_fault = fault;
  emul_fault_after = after;
  unlock ();
}

/* The fault in effect for the current call.  */
static enum trampfd_emul_fault
fault (void)
{
  return emul_fault_after > 0 ? TRAMPFD_EMUL_OK : emul_fault;
}

bool
trampfd_emul_parse_fault (const char *s, enum trampfd_emul_fault *f,
			  long *after)
{
  static const char *const names[] =
    {
      [TRAMPFD_EMUL_OK] = "ok", [TRAMPFD_EMUL_ENOSYS] = "enosys",
      [TRAMPFD_EMUL_EPERM] = "eperm", [TRAMPFD_EMUL_BAD_SIZE] = "bad-size",
      [TRAMPFD_EMUL_BAD_COUNT] = "bad-count",
      [TRAMPFD_EMUL_PWRITE] = "pwrite", [TRAMPFD_EMUL_MMAP] = "mmap",
      [TRAMPFD_EMUL_HINT] = "hint",
    };
  size_t len = strcspn (s, "@");
  *after = 0;
  if (s[len] == '@')
    {
      char *end;
      *after = strtol (s + len + 1, &end, 10);
      if (*end != '\0' || *after < 0)
	return false;
    }
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strlen (names[i]) == len && memcmp (s, names[i], len) == 0)
      {
	*f = i;
	return true;
      }
  return false;
}

/* Code generation, one function per architecture, following the RFC's
   description of trampoline X:
     load &code_table[X] -> creg; load (creg) -> creg;
     load &data_table[X] -> dreg; load (dreg) -> dreg; jump creg.
   Table elements are pointers of the process's size.  */

#if defined __x86_64__ || defined __i386__
/* Hardware register numbers of the RFC's names, in enum order.  */
# ifdef __i386__
static const unsigned char x86_32_regs[] = { 0, 3, 1, 2, 6, 7, 5 };
# else
static const unsigned char x86_64_regs[] =
  { 0, 3, 1, 2, 6, 7, 5, 8, 9, 10, 11, 12, 13, 14, 15 };
# endif

/* The ModRM (and SIB or displacement) of "mov (%r), %r" for hardware
   register R: mod 00 with r/m 100 needs a SIB byte and with r/m 101
   means RIP-relative (disp32 on i386), so r12 gets a SIB byte and
   rbp/r13 an explicit zero displacement.  */
static unsigned char *
x86_load_self (unsigned char *p, unsigned int r)
{
  unsigned int low = r & 7;
  if (low == 4)
    {
      *p++ = 0x00 | low << 3 | 4;
      *p++ = 0x24;
    }
  else if (low == 5)
    {
      *p++ = 0x40 | low << 3 | 5;
      *p++ = 0;
    }
  else
    *p++ = 0x00 | low << 3 | low;
  return p;
}

/* "mov $ADDR, %r; mov (%r), %r": load the pointer stored at ADDR into
   hardware register R.  */
static unsigned char *
x86_load_indirect (unsigned char *p, unsigned int r, uintptr_t addr)
{
# ifdef __x86_64__
  /* movabs with REX.W (and REX.B for r8-r15), then REX.W R B.  */
  *p++ = 0x48 | (r >> 3);
  *p++ = 0xb8 | (r & 7);
  uint64_t imm = addr;
  memcpy (p, &imm, 8);
  p += 8;
  *p++ = 0x48 | (r >> 3) << 2 | (r >> 3);
# else
  *p++ = 0xb8 | r;
  uint32_t imm = addr;
  memcpy (p, &imm, 4);
  p += 4;
# endif
  *p++ = 0x8b;
  return x86_load_self (p, r);
}
#endif

void
trampfd_emul_generate (unsigned char *page, unsigned long page_size,
		       unsigned int ntramp, unsigned int creg_name,
		       unsigned int dreg_name, unsigned long long code_table,
		       unsigned long long data_table)
{
  const unsigned int size = trampfd_emul_code_size;
  const unsigned int elt = sizeof (void *);
#if defined __x86_64__
  memset (page, 0xcc, page_size);
  unsigned int c = x86_64_regs[creg_name - TRAMPFD_X86_64_MIN];
  unsigned int d = x86_64_regs[dreg_name - TRAMPFD_X86_64_MIN];
  for (unsigned int i = 0; i < ntramp; i++)
    {
      unsigned char *p = page + i * size;
      uint64_t code_addr = code_table + (uint64_t) i * elt;
      uint64_t data_addr = data_table + (uint64_t) i * elt;
      static const unsigned char endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };
      memcpy (p, endbr64, 4);
      p += 4;
      p = x86_load_indirect (p, c, code_addr);
      p = x86_load_indirect (p, d, data_addr);
      /* jmp *%c.  */
      if (c >= 8)
	*p++ = 0x41;
      *p++ = 0xff;
      *p++ = 0xe0 | (c & 7);
      if (p > page + (i + 1) * size)
	abort ();
    }
#elif defined __i386__
  memset (page, 0xcc, page_size);
  unsigned int c = x86_32_regs[creg_name - TRAMPFD_X86_32_MIN];
  unsigned int d = x86_32_regs[dreg_name - TRAMPFD_X86_32_MIN];
  for (unsigned int i = 0; i < ntramp; i++)
    {
      unsigned char *p = page + i * size;
      uint32_t code_addr = code_table + i * elt;
      uint32_t data_addr = data_table + i * elt;
      static const unsigned char endbr32[] = { 0xf3, 0x0f, 0x1e, 0xfb };
      memcpy (p, endbr32, 4);
      p += 4;
      p = x86_load_indirect (p, c, code_addr);
      p = x86_load_indirect (p, d, data_addr);
      *p++ = 0xff;
      *p++ = 0xe0 | c;
      if (p > page + (i + 1) * size)
	abort ();
    }
#elif defined __aarch64__
  /* Zero padding is udf #0, which traps.  */
  memset (page, 0, page_size);
  unsigned int c = creg_name - TRAMPFD_ARM64_MIN;
  unsigned int d = dreg_name - TRAMPFD_ARM64_MIN;
  for (unsigned int i = 0; i < ntramp; i++)
    {
      uint32_t *p = (uint32_t *) (page + i * size);
      uint64_t addrs[2] = { code_table + (uint64_t) i * elt,
			    data_table + (uint64_t) i * elt };
      unsigned int regs[2] = { c, d };
      *p++ = 0xd503245fu;		/* bti c */
      for (int k = 0; k < 2; k++)
	{
	  /* movz, then movk for bits 16-63; ldr xR, [xR].  */
	  for (unsigned int hw = 0; hw < 4; hw++)
	    *p++ = ((hw == 0 ? 0xd2800000u : 0xf2800000u) | hw << 21
		    | (uint32_t) ((addrs[k] >> (16 * hw)) & 0xffff) << 5
		    | regs[k]);
	  *p++ = 0xf9400000u | regs[k] << 5 | regs[k];
	}
      *p++ = 0xd61f0000u | c << 5;	/* br xC */
    }
#elif defined __arm__
  memset (page, 0, page_size);
  unsigned int c = creg_name - TRAMPFD_ARM_MIN;
  unsigned int d = dreg_name - TRAMPFD_ARM_MIN;
  for (unsigned int i = 0; i < ntramp; i++)
    {
      uint32_t *p = (uint32_t *) (page + i * size);
      uint32_t addrs[2] = { code_table + i * elt, data_table + i * elt };
      unsigned int regs[2] = { c, d };
      for (int k = 0; k < 2; k++)
	{
	  uint32_t lo = addrs[k] & 0xffff, hi = addrs[k] >> 16;
	  /* movw, movt; ldr rR, [rR].  */
	  *p++ = 0xe3000000u | (lo >> 12) << 16 | regs[k] << 12 | (lo & 0xfff);
	  *p++ = 0xe3400000u | (hi >> 12) << 16 | regs[k] << 12 | (hi & 0xfff);
	  *p++ = 0xe5900000u | regs[k] << 16 | regs[k] << 12;
	}
      *p++ = 0xe12fff10u | c;		/* bx rC */
    }
#endif
}

/* The emulated system calls.  Each returns what the kernel would: a
   value, or minus an errno.  Called with the lock held.  */

static long
raw_close (int fd)
{
  /* close on an emulated descriptor would trap again.  */
  return syscall (SYS_close_range, fd, fd, 0) == 0 ? 0 : -errno;
}

static long
emul_trampfd (uintptr_t info_arg, unsigned long flags)
{
  emul_stats.syscalls++;
  enum trampfd_emul_fault f = fault ();
  if (emul_fault_after > 0)
    emul_fault_after--;
  if (f == TRAMPFD_EMUL_ENOSYS)
    return -ENOSYS;
  if (f == TRAMPFD_EMUL_EPERM)
    return -EPERM;
  if (info_arg == 0 || (unsigned int) flags != 0)
    return -EINVAL;
  /* The kernel only writes INFO; a caller that passes it uninitialized
     is noticed here (the tests fill the stack with a pattern first).  */
  static const struct trampfd_info zero;
  if (memcmp ((void *) info_arg, &zero, sizeof zero) != 0)
    emul_stats.uninit++;
  long page = sysconf (_SC_PAGESIZE);
  struct trampfd_info info =
    {
      .code_size = trampfd_emul_code_size,
      .ntrampolines = page / trampfd_emul_code_size,
      .code_offset = page,	/* TRAMPFD_CODE_PGOFF 1.  */
    };
  if (f == TRAMPFD_EMUL_BAD_SIZE)
    info.code_size = 32;
  else if (f == TRAMPFD_EMUL_BAD_COUNT)
    info.ntrampolines++;

  int placeholder = memfd_create ("trampfd", MFD_CLOEXEC);
  if (placeholder < 0)
    return -errno;
  int fd = fcntl (placeholder, F_DUPFD_CLOEXEC, TRAMPFD_EMUL_FD_BASE);
  int err = errno;
  close (placeholder);
  if (fd < 0)
    return -err;
  if (fd >= TRAMPFD_EMUL_FD_BASE + TRAMPFD_EMUL_FD_COUNT)
    {
      raw_close (fd);
      return -EMFILE;
    }
  /* copy_to_user: the test passes valid pointers.  */
  memcpy ((void *) info_arg, &info, sizeof info);
  emul_fds[fd - TRAMPFD_EMUL_FD_BASE] = (struct emul_fd)
    {
      .open = true,
      .creator = syscall (SYS_gettid),
    };
  emul_stats.open++;
  return fd;
}

static struct emul_fd *
emul_lookup (long fd)
{
  if (fd < TRAMPFD_EMUL_FD_BASE
      || fd >= TRAMPFD_EMUL_FD_BASE + TRAMPFD_EMUL_FD_COUNT)
    return NULL;
  struct emul_fd *e = &emul_fds[fd - TRAMPFD_EMUL_FD_BASE];
  return e->open ? e : NULL;
}

static bool
reg_ok (uint32_t reg)
{
  return reg >= trampfd_emul_reg_min && reg < trampfd_emul_reg_max;
}

static long
emul_pwrite (long fd, uintptr_t buf, unsigned long count, long long pos)
{
  struct emul_fd *e = emul_lookup (fd);
  if (e == NULL)
    return -EBADF;
  emul_stats.pwrites++;
  if (buf == 0 || count == 0)
    return -EINVAL;
  if (pos == TRAMPFD_CODE_OFFSET)
    {
      struct trampfd_code code;
      if (count != sizeof code)
	return -EINVAL;
      memcpy (&code, (void *) buf, sizeof code);
      if (e->code_set)
	return -EEXIST;
      if (fault () == TRAMPFD_EMUL_PWRITE)
	return -EINVAL;
      long page = sysconf (_SC_PAGESIZE);
      if (!reg_ok (code.reg) || code.ntrampolines == 0
	  || code.ntrampolines > page / trampfd_emul_code_size)
	return -EINVAL;
      e->code_set = true;
      e->creg = code.reg;
      e->ntramp = code.ntrampolines;
      e->code_table = code.table;
    }
  else if (pos == TRAMPFD_DATA_OFFSET)
    {
      struct trampfd_data data;
      if (count != sizeof data)
	return -EINVAL;
      memcpy (&data, (void *) buf, sizeof data);
      if (data.reserved != 0)
	return -EINVAL;
      if (e->data_set)
	return -EEXIST;
      if (!reg_ok (data.reg))
	return -EINVAL;
      e->data_set = true;
      e->dreg = data.reg;
      e->data_table = data.table;
    }
  else
    return -EINVAL;
  return count;
}

static long
emul_mmap (uintptr_t addr, unsigned long len, long prot, long flags, long fd,
	   unsigned long long offset)
{
  struct emul_fd *e = emul_lookup (fd);
  if (e == NULL)
    return -EBADF;
  long page = sysconf (_SC_PAGESIZE);
  /* trampfd_get_unmapped_area.  */
  if (offset != (unsigned long long) page || flags != MAP_PRIVATE
      || len != (unsigned long) page)
    return -EINVAL;
  /* trampfd_mmap.  */
  if (syscall (SYS_gettid) != e->creator)
    return -EINVAL;
  if (!e->code_set || !e->data_set)
    return -EINVAL;
  if (e->mapped)
    return -EEXIST;
  if ((prot & PROT_WRITE) || !(prot & PROT_READ) || !(prot & PROT_EXEC))
    return -EINVAL;
  if (fault () == TRAMPFD_EMUL_MMAP)
    return -EPERM;

  /* Not a fresh mapping: it could take the hole the caller made for
     the hint, which a kernel never would.  */
  static unsigned char code[65536];
  if (page > (long) sizeof code)
    return -ENOMEM;
  trampfd_emul_generate (code, page, e->ntramp, e->creg, e->dreg,
			 e->code_table, e->data_table);
  long result;
  int mfd = memfd_create (TRAMPFD_EMUL_NAME, MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mfd < 0)
    {
      result = -errno;
      goto out;
    }
  if (pwrite (mfd, code, page, 0) != page
      || fcntl (mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE
		| F_SEAL_SEAL) != 0)
    {
      result = -EIO;
      close (mfd);
      goto out;
    }
  /* Like get_unmapped_area: the hint if that range is free, else
     anywhere (or, for HINT, anywhere else).  */
  void *hint = fault () == TRAMPFD_EMUL_HINT ? NULL : (void *) addr;
  void *map = mmap (hint, page, prot, MAP_PRIVATE, mfd, 0);
  if (map != MAP_FAILED && fault () == TRAMPFD_EMUL_HINT
      && map == (void *) addr)
    {
      /* Make sure it lands elsewhere.  */
      void *other = mmap (NULL, page, prot, MAP_PRIVATE, mfd, 0);
      munmap (map, page);
      map = other;
    }
  result = map == MAP_FAILED ? -errno : (long) (uintptr_t) map;
  close (mfd);
  if (map != MAP_FAILED)
    {
      e->mapped = true;
      emul_stats.mmaps++;
      emul_stats.hinted += map == (void *) addr;
    }
 out:
  return result;
}

static long
emul_close (long fd)
{
  struct emul_fd *e = emul_lookup (fd);
  long result = raw_close (fd);
  if (e != NULL)
    {
      e->open = false;
      emul_stats.open--;
      emul_stats.closes++;
    }
  return result;
}

static void
sigsys_handler (int sig, siginfo_t *si, void *context)
{
  ucontext_t *uc = context;
  int saved_errno = errno;
  long nr = si->si_syscall;
#if defined __x86_64__
  greg_t *g = uc->uc_mcontext.gregs;
  unsigned long a[6] = { g[REG_RDI], g[REG_RSI], g[REG_RDX], g[REG_R10],
			 g[REG_R8], g[REG_R9] };
#elif defined __i386__
  greg_t *g = uc->uc_mcontext.gregs;
  unsigned long a[6] = { g[REG_EBX], g[REG_ECX], g[REG_EDX], g[REG_ESI],
			 g[REG_EDI], g[REG_EBP] };
#elif defined __aarch64__
  unsigned long a[6];
  for (int i = 0; i < 6; i++)
    a[i] = uc->uc_mcontext.regs[i];
#elif defined __arm__
  mcontext_t *m = &uc->uc_mcontext;
  unsigned long a[6] = { m->arm_r0, m->arm_r1, m->arm_r2, m->arm_r3,
			 m->arm_r4, m->arm_r5 };
#endif
  long result = -ENOSYS;
  lock ();
  if (nr == TRAMPFD_EMUL_NR)
    result = emul_trampfd (a[0], a[1]);
  else if (nr == SYS_pwrite64)
    {
#if defined __i386__
      long long pos = a[3] | (unsigned long long) a[4] << 32;
#elif defined __arm__
      long long pos = a[4] | (unsigned long long) a[5] << 32;
#else
      long long pos = a[3];
#endif
      result = emul_pwrite (a[0], a[1], a[2], pos);
    }
  else if (nr == EMUL_SYS_MMAP)
    result = emul_mmap (a[0], a[1], a[2], a[3], a[4],
			(unsigned long long) a[5] << EMUL_MMAP_SHIFT);
  else if (nr == SYS_close)
    result = emul_close (a[0]);
  unlock ();
#if defined __x86_64__
  g[REG_RAX] = result;
#elif defined __i386__
  g[REG_EAX] = result;
#elif defined __aarch64__
  uc->uc_mcontext.regs[0] = result;
#elif defined __arm__
  m->arm_r0 = result;
#endif
  errno = saved_errno;
}

/* BPF helpers.  Arguments are compared on their low 32 bits (the
   descriptors are ints).  */
#define ARG_LO(n) (offsetof (struct seccomp_data, args) + 8 * (n))
#define LOAD(off) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, (off))
#define RET(k) BPF_STMT (BPF_RET | BPF_K, (k))
#define JEQ(k, jt, jf) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (k), (jt), (jf))
#define JGE(k, jt, jf) BPF_JUMP (BPF_JMP | BPF_JGE | BPF_K, (k), (jt), (jf))

/* Entered with the system call number in A: trap NR if its argument N
   is an emulated descriptor, else allow it.  */
#define TRAP_FD_CALL(nr, n)						\
  JEQ ((nr), 0, 5),							\
  LOAD (ARG_LO (n)),							\
  JGE (TRAMPFD_EMUL_FD_BASE, 0, 2),					\
  JGE (TRAMPFD_EMUL_FD_BASE + TRAMPFD_EMUL_FD_COUNT, 1, 0),		\
  RET (SECCOMP_RET_TRAP),						\
  RET (SECCOMP_RET_ALLOW)

/* The emulated kernel's advertisement.  A process cannot add an entry
   to its auxiliary vector, but the vector the kernel built lives in
   the process's own memory, at the start of the initial stack, and
   getauxval (glibc's internal __getauxval too) reads it there.  So the
   emulation turns the AT_FLAGS entry (always 0 on Linux, and read by
   nobody after startup) into AT_TRAMPFD carrying the emulated number:
   the library then finds the entry the way it would find a real
   kernel's.  The vector follows the environment block that the
   kernel passed; it is found from the initial environ, before main,
   and recognized by its AT_PAGESZ and AT_RANDOM entries.  */
static ElfW(auxv_t) *emul_auxv_slot;

static ElfW(auxv_t) *
find_auxv_slot (void)
{
  char **p = environ;
  if (p == NULL)
    return NULL;
  while (*p != NULL)
    p++;
  ElfW(auxv_t) *slot = NULL;
  bool pagesz = false, random = false;
  for (ElfW(auxv_t) *av = (ElfW(auxv_t) *) (p + 1); av->a_type != AT_NULL;
       av++)
    if (av->a_type == AT_FLAGS || av->a_type == AT_TRAMPFD)
      slot = av;
    else if (av->a_type == AT_PAGESZ)
      pagesz = av->a_un.a_val == getauxval (AT_PAGESZ);
    else if (av->a_type == AT_RANDOM)
      random = av->a_un.a_val == getauxval (AT_RANDOM);
  return pagesz && random ? slot : NULL;
}

bool
trampfd_emul_advertise (bool on)
{
  if (emul_auxv_slot == NULL)
    emul_auxv_slot = find_auxv_slot ();
  if (emul_auxv_slot == NULL)
    return false;
  emul_auxv_slot->a_type = on ? AT_TRAMPFD : AT_FLAGS;
  emul_auxv_slot->a_un.a_val = on ? TRAMPFD_EMUL_NR : 0;
  return getauxval (AT_TRAMPFD) == (on ? TRAMPFD_EMUL_NR : 0);
}

/* The emulation cannot work here, because of WHY: the program is
   unsupported, unless it can do without.  */
static void
unavailable (const char *why)
{
  printf ("%s: trampfd emulation: %s\n",
	  trampfd_emul_optional ? "info" : "UNSUPPORTED", why);
  fflush (stdout);
  if (!trampfd_emul_optional)
    _exit (77);
}

static void __attribute__ ((constructor))
trampfd_emul_init (void)
{
  const char *s = getenv ("TRAMPFD_EMUL");
  if (s != NULL && strcmp (s, "0") == 0)
    return;
  s = getenv ("TRAMPFD_EMUL_FAULT");
  if (s != NULL)
    {
      if (!trampfd_emul_parse_fault (s, &emul_fault, &emul_fault_after))
	{
	  fprintf (stderr, "trampfd-emul: bad TRAMPFD_EMUL_FAULT: %s\n", s);
	  exit (1);
	}
    }

  /* The emulated descriptors need room above TRAMPFD_EMUL_FD_BASE.  */
  struct rlimit rl;
  const rlim_t need = TRAMPFD_EMUL_FD_BASE + TRAMPFD_EMUL_FD_COUNT;
  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < need)
    {
      if (rl.rlim_max < need)
	{
	  char why[64];
	  snprintf (why, sizeof why, "RLIMIT_NOFILE %lu is below %lu",
		    (unsigned long) rl.rlim_max, (unsigned long) need);
	  unavailable (why);
	  return;
	}
      rl.rlim_cur = need;
      setrlimit (RLIMIT_NOFILE, &rl);
    }

  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_sigaction = sigsys_handler;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset (&sa.sa_mask);
  if (sigaction (SIGSYS, &sa, NULL) != 0)
    {
      perror ("trampfd-emul: sigaction");
      exit (1);
    }

  struct sock_filter filter[] =
    {
      LOAD (offsetof (struct seccomp_data, arch)),
      JEQ (AUDIT_ARCH_NATIVE, 1, 0),
      RET (SECCOMP_RET_ALLOW),
      LOAD (offsetof (struct seccomp_data, nr)),
      JEQ (TRAMPFD_EMUL_NR, 0, 1),
      RET (SECCOMP_RET_TRAP),
      TRAP_FD_CALL (SYS_pwrite64, 0),
      TRAP_FD_CALL (SYS_close, 0),
      TRAP_FD_CALL (EMUL_SYS_MMAP, 4),
      RET (SECCOMP_RET_ALLOW),
    };
  struct sock_fprog prog = { sizeof filter / sizeof filter[0], filter };
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
      || prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
    {
      int err = errno;
      signal (SIGSYS, SIG_DFL);
      char why[128];
      snprintf (why, sizeof why, "cannot install the seccomp filter: %s",
		strerror (err));
      unavailable (why);
      return;
    }
  trampfd_emul_active = true;
  s = getenv ("TRAMPFD_EMUL_ADVERTISE");
  trampfd_emul_advertise (s == NULL || strcmp (s, "0") != 0);
  /* The static tables are the default (doc/trampfd.md): the emulated
     kernel is there to be used, so turn trampfd on unless the
     environment says otherwise.  */
  setenv ("LIBTRAMP_TRAMPFD", "1", 0);
}

int
trampfd_emul_pages (const void *addr, bool *inside)
{
  FILE *f = fopen ("/proc/self/maps", "re");
  if (f == NULL)
    return -1;
  char line[4096];
  int n = 0;
  if (inside != NULL)
    *inside = false;
  while (fgets (line, sizeof line, f) != NULL)
    {
      unsigned long start, end;
      if (strstr (line, "/memfd:" TRAMPFD_EMUL_NAME) == NULL
	  || sscanf (line, "%lx-%lx", &start, &end) != 2)
	continue;
      n++;
      if (inside != NULL && (uintptr_t) addr >= start
	  && (uintptr_t) addr < end)
	*inside = true;
    }
  fclose (f);
  return n;
}
