/* The trampfd backend against the emulated kernel (trampfd-emul.c):
   selection, sanity checks, run-time fallback, mixed tables, bad input,
   the emulated kernel's own checks.  Built with TST_TRAMPFD_PORTABLE
   (tst-trampfd-portable), the parts that need no seccomp filter: the
   emulated kernel's code generation compared with the assembler's, and
   the fallback when the real kernel does not know the configured
   number.

   Each scenario runs in a child forked from a parent that never used
   the allocator, so it starts from a fresh allocator state.  */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/tramp.h>
#include <support/capture_subprocess.h>
#include <support/check.h>
#include <support/xthread.h>
#include <support/xunistd.h>
#include <tramp-table.h>
#include <trampfd.h>

#include "trampfd-emul.h"
#include "tst-tramp.h"

#define TIMEOUT 60

#ifdef TST_TRAMPFD_PORTABLE
# define PORTABLE 1
#else
# define PORTABLE 0
#endif

/* The scenarios that do not need seccomp still run where it is not
   available (qemu-user).  */
bool trampfd_emul_optional = true;

typedef void *chain_fn (void);

static long page_size;
/* Trampolines per trampfd table.  */
static unsigned int per_table;

static int
count_open_fds (void)
{
  DIR *d = opendir ("/proc/self/fd");
  if (d == NULL)
    return -1;
  int n = 0;
  while (readdir (d) != NULL)
    n++;
  closedir (d);
  return n;
}

static bool
in_trampfd_page (const void *addr)
{
  bool inside;
  TEST_VERIFY (trampfd_emul_pages (addr, &inside) >= 0);
  return inside;
}

static struct trampfd_emul_stats
stats (void)
{
  struct trampfd_emul_stats s;
  trampfd_emul_get_stats (&s);
  return s;
}

/* Allocate N trampolines, check that each returns its data and whether
   it is a trampfd one (the first TRAMPFD of them are, the others are
   not), then free them.  */
static void
alloc_check_free (unsigned int n, unsigned int trampfd)
{
  void **t = calloc (n, sizeof *t);
  TEST_VERIFY_EXIT (t != NULL);
  for (unsigned int i = 0; i < n; i++)
    {
      errno = 0;
      t[i] = tramp_alloc ((void *) tst_tramp_chain,
			  (void *) (uintptr_t) (i * 3 + 1));
      if (t[i] == NULL)
	FAIL_EXIT1 ("tramp_alloc %u: %m", i);
      /* A failing trampfd is not the caller's error.  */
      TEST_COMPARE (errno, 0);
    }
  unsigned int inside = 0;
  for (unsigned int i = 0; i < n; i++)
    {
      TEST_COMPARE ((uintptr_t) ((chain_fn *) t[i]) (), i * 3 + 1);
      bool fd = in_trampfd_page (t[i]);
      inside += fd;
      if (fd != (i < trampfd))
	FAIL ("trampoline %u is %sa trampfd one", i, fd ? "" : "not ");
      TEST_VERIFY (tramp_code (t[i]) == (void *) tst_tramp_chain);
      TEST_COMPARE ((uintptr_t) tramp_data (t[i]), i * 3 + 1);
    }
  printf ("info: %u trampolines, %u from trampfd\n", n, inside);
  /* Retarget every other one, then free all.  */
  for (unsigned int i = 0; i < n; i += 2)
    {
      TEST_COMPARE (tramp_set (t[i], (void *) tst_tramp_chain,
			       (void *) (uintptr_t) (i + 5)), 0);
      TEST_COMPARE ((uintptr_t) ((chain_fn *) t[i]) (), i + 5);
    }
  for (unsigned int i = 0; i < n; i++)
    TEST_COMPARE (tramp_free (t[i]), 0);
  for (unsigned int i = 0; i < n; i++)
    {
      errno = 0;
      TEST_COMPARE (tramp_free (t[i]), -1);
      TEST_COMPARE (errno, EINVAL);
    }
  free (t);
}

static void
call_freed (void *closure)
{
  ((chain_fn *) closure) ();
}

/* trampfd in use: pages from the emulated kernel, one trampfd call per
   table, no descriptor left open, tables released when empty, bad
   pointers refused, freed trampolines trap.  */
static void
scenario_basic (void)
{
  int fds = count_open_fds ();
  void *t = tramp_alloc ((void *) tst_tramp_chain, (void *) 42);
  TEST_VERIFY_EXIT (t != NULL);
  TEST_VERIFY (in_trampfd_page (t));
  TEST_VERIFY (((chain_fn *) t) () == (void *) 42);
  struct trampfd_emul_stats s = stats ();
  TEST_COMPARE (s.syscalls, 1);
  TEST_COMPARE (s.pwrites, 2);
  TEST_COMPARE (s.mmaps, 1);
  TEST_COMPARE (s.open, 0);
  TEST_COMPARE (count_open_fds (), fds);

  /* Bad pointers around a live trampfd trampoline.  */
  /* The first trampoline of the first table: the start of its span.  */
  char *p = t;
  char *span = p;
  TEST_VERIFY ((uintptr_t) p % page_size == 0);
  void *bad[] =
    {
      p + 1, p + 4, p + trampfd_emul_code_size / 2,
      p + trampfd_emul_code_size * per_table,	/* Past the last one.  */
      p + TRAMP_TABLE_SIZE,			/* The code table.  */
      span + TRAMP_TABLE_SIZE + per_table * sizeof (void *),
      span + trampfd_emul_code_size,		/* Never handed out.  */
    };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      if (bad[i] == t)
	continue;
      tst_tramp_check_refused (bad[i]);
    }
  errno = 0;
  TEST_COMPARE (tramp_set (t, NULL, NULL), -1);
  TEST_COMPARE (errno, EINVAL);
  TEST_VERIFY (((chain_fn *) t) () == (void *) 42);
  TEST_COMPARE (tramp_free (t), 0);

  /* A freed trampfd trampoline lands in the trap.  */
  struct support_capture_subprocess result
    = support_capture_subprocess (call_freed, t);
  TEST_VERIFY (WIFSIGNALED (result.status)
	       && WTERMSIG (result.status) == SIGABRT);
  TEST_VERIFY (strstr (result.err.buffer, "freed trampoline") != NULL);
  support_capture_subprocess_free (&result);

  /* Three tables' worth: two more trampfd tables.  */
  alloc_check_free (2 * per_table + 1, 2 * per_table + 1);
  s = stats ();
  TEST_COMPARE (s.syscalls, 3);
  TEST_COMPARE (s.mmaps, 3);
  TEST_COMPARE (s.closes, 3);
  TEST_COMPARE (s.open, 0);
  /* Empty tables are released but one spare.  */
  TEST_COMPARE (trampfd_emul_pages (NULL, NULL), 1);
  TEST_COMPARE (count_open_fds (), fds);
  tst_tramp_audit_maps ();
}

/* A fault of the emulated kernel from the first trampfd call on: the
   static tables take over, silently, and trampfd is not tried again.  */
static void
scenario_fallback (enum trampfd_emul_fault fault)
{
  int fds = count_open_fds ();
  trampfd_emul_set_fault (fault, 0);
  alloc_check_free (3 * per_table, 0);
  struct trampfd_emul_stats s = stats ();
  TEST_COMPARE (s.syscalls, 1);
  TEST_COMPARE (s.open, 0);
  /* Nothing of the emulated kernel stays mapped (with a misplaced
     page, the backend unmapped it).  */
  TEST_COMPARE (trampfd_emul_pages (NULL, NULL), 0);
  TEST_COMPARE (count_open_fds (), fds);
  tst_tramp_audit_maps ();
}

/* trampfd works for two tables, then fails: the trampfd trampolines
   keep working next to static ones.  */
static void
scenario_mixed (void)
{
  trampfd_emul_set_fault (TRAMPFD_EMUL_ENOSYS, 2);
  void **fd = calloc (2 * per_table, sizeof *fd);
  TEST_VERIFY_EXIT (fd != NULL);
  for (unsigned int i = 0; i < 2 * per_table; i++)
    {
      fd[i] = tramp_alloc ((void *) tst_tramp_chain, (void *) (uintptr_t) i);
      TEST_VERIFY_EXIT (fd[i] != NULL);
      TEST_VERIFY (in_trampfd_page (fd[i]));
    }
  /* The third table fails: static from now on.  */
  alloc_check_free (per_table + 5, 0);
  for (unsigned int i = 0; i < 2 * per_table; i++)
    {
      TEST_VERIFY (((chain_fn *) fd[i]) () == (void *) (uintptr_t) i);
      TEST_COMPARE (tramp_free (fd[i]), 0);
    }
  free (fd);
  struct trampfd_emul_stats s = stats ();
  TEST_COMPARE (s.syscalls, 3);
  TEST_COMPARE (s.open, 0);
  /* With trampfd abandoned, empty trampfd tables are all released.  */
  TEST_COMPARE (trampfd_emul_pages (NULL, NULL), 0);
}

/* Selection.  The emulated kernel advertises AT_TRAMPFD in the
   auxiliary vector (trampfd-emul.c); SETTING is LIBTRAMP_TRAMPFD (NULL:
   unset), ADVERTISED whether the advertisement stays, and USED whether
   trampfd must be used.  The setting can only turn trampfd off ("0")
   or on ("1", for the advertised number); anything else is ignored,
   and without an advertisement no system call is made at all.  */
static void
selection (const char *setting, bool advertised, bool used)
{
  if (setting == NULL)
    unsetenv ("LIBTRAMP_TRAMPFD");
  else
    setenv ("LIBTRAMP_TRAMPFD", setting, 1);
  TEST_VERIFY_EXIT (trampfd_emul_advertise (advertised));
  TEST_COMPARE (getauxval (AT_TRAMPFD), advertised ? TRAMPFD_EMUL_NR : 0);
  alloc_check_free (per_table + 1, used ? per_table + 1 : 0);
  struct trampfd_emul_stats s = stats ();
  TEST_COMPARE (s.syscalls, used ? 2 : 0);
  TEST_COMPARE (s.uninit, 0);
}

/* The static tables are the default (doc/trampfd.md).  */
static void scenario_advertised (void) { selection (NULL, true, false); }
static void scenario_advertised_on (void) { selection ("1", true, true); }
static void scenario_advertised_off (void) { selection ("0", true, false); }
/* A number is not a setting: ignored, the default applies.  */
static void scenario_advertised_number (void)
{
  char number[16];
  snprintf (number, sizeof number, "%d", TRAMPFD_EMUL_NR);
  selection (number, true, false);
}
static void scenario_advertised_garbage (void)
{
  selection ("1x", true, false);
}
static void scenario_unset (void) { selection (NULL, false, false); }
static void scenario_on (void) { selection ("1", false, false); }
static void scenario_off (void) { selection ("0", false, false); }
static void scenario_empty (void) { selection ("", false, false); }
static void scenario_number (void)
{
  char number[16];
  snprintf (number, sizeof number, "%d", TRAMPFD_EMUL_NR);
  selection (number, false, false);
}

/* Fill some stack with a pattern, so that a structure the library
   leaves uninitialized on its stack is not zero by chance.  */
static void __attribute__ ((noinline))
dirty_stack (void)
{
  volatile unsigned char junk[16384];
  memset ((void *) junk, 0xa5, sizeof junk);
}

/* A setting must not make the library issue any system call but
   trampfd's own.  Before, LIBTRAMP_TRAMPFD was a raw system call
   number, called with an uninitialized struct, and what came back
   was closed: pipe closed stdin and leaked two descriptors, fork
   forked inside tramp_alloc, exit ended the process.  Without an
   advertisement, no system call at all; stdin and the descriptor count
   unchanged, no child, and the process gets to the end.  */
static void
raw_number (long nr)
{
  char number[24];
  snprintf (number, sizeof number, "%ld", nr);
  setenv ("LIBTRAMP_TRAMPFD", number, 1);
  TEST_VERIFY_EXIT (trampfd_emul_advertise (false));
  pid_t self = getpid ();
  int fds = count_open_fds ();
  dirty_stack ();
  void *t = tramp_alloc ((void *) tst_tramp_chain, (void *) 7);
  if (getpid () != self)
    /* A child forked by the library: the parent reports it.  */
    _exit (0);
  TEST_VERIFY (t != NULL);
  TEST_VERIFY (fcntl (0, F_GETFD) >= 0);
  TEST_COMPARE (count_open_fds (), fds);
  errno = 0;
  TEST_COMPARE (waitpid (-1, NULL, WNOHANG), -1);
  TEST_COMPARE (errno, ECHILD);
  TEST_COMPARE (stats ().syscalls, 0);
  if (t != NULL)
    TEST_COMPARE (tramp_free (t), 0);
}

#ifdef SYS_pipe
static void scenario_raw_pipe (void) { raw_number (SYS_pipe); }
#endif
#ifdef SYS_fork
static void scenario_raw_fork (void) { raw_number (SYS_fork); }
#endif
static void scenario_raw_exit (void) { raw_number (SYS_exit); }
static void scenario_raw_close (void) { raw_number (SYS_close); }

/* Nothing passed to the kernel uninitialized: trampfd gets a zeroed
   INFO even when the stack held garbage.  */
static void
scenario_info_zeroed (void)
{
  setenv ("LIBTRAMP_TRAMPFD", "1", 1);
  dirty_stack ();
  void *t = tramp_alloc ((void *) tst_tramp_chain, (void *) 7);
  TEST_VERIFY (t != NULL && in_trampfd_page (t));
  struct trampfd_emul_stats s = stats ();
  TEST_COMPARE (s.syscalls, 1);
  TEST_COMPARE (s.uninit, 0);
  TEST_COMPARE (tramp_free (t), 0);
}

/* The real kernel (or qemu) does not advertise trampfd: a setting
   that asks for it changes nothing, and nothing is called.  Needs no
   emulation (where the emulation runs, its advertisement is
   withdrawn).  */
static void
scenario_real_enosys (void)
{
  setenv ("LIBTRAMP_TRAMPFD", "1", 1);
  if (trampfd_emul_active)
    TEST_VERIFY_EXIT (trampfd_emul_advertise (false));
  TEST_COMPARE (getauxval (AT_TRAMPFD), 0);
  int fds = count_open_fds ();
  alloc_check_free (2 * per_table, 0);
  TEST_COMPARE (count_open_fds (), fds);
}

static void *
mmap_thread (void *closure)
{
  long fd = (long) closure;
  return mmap (NULL, page_size, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd,
	       page_size);
}

/* The emulated kernel checks what the RFC's kernel checks, with its
   errors.  */
static void
scenario_kernel_checks (void)
{
  TEST_COMPARE (syscall (TRAMPFD_EMUL_NR, NULL, 0), -1);
  TEST_COMPARE (errno, EINVAL);
  struct trampfd_info info;
  TEST_COMPARE (syscall (TRAMPFD_EMUL_NR, &info, 1), -1);
  TEST_COMPARE (errno, EINVAL);
  int fd = syscall (TRAMPFD_EMUL_NR, &info, 0);
  TEST_VERIFY_EXIT (fd >= 0);
  TEST_COMPARE (info.code_size, trampfd_emul_code_size);
  TEST_COMPARE (info.ntrampolines, page_size / trampfd_emul_code_size);
  TEST_COMPARE (info.code_offset, page_size);

  static void *tables[2][4096 / 16];
  struct trampfd_code code = { 1, trampfd_emul_reg_min,
			       (uintptr_t) tables[0] };
  struct trampfd_data data = { trampfd_emul_reg_min + 1, 0,
			       (uintptr_t) tables[1] };
  /* Not initialized yet.  */
  TEST_VERIFY (mmap (NULL, page_size, PROT_READ | PROT_EXEC, MAP_PRIVATE,
		     fd, page_size) == MAP_FAILED);
  TEST_COMPARE (errno, EINVAL);
  /* Sizes, offsets, registers, counts.  */
  TEST_COMPARE (pwrite (fd, &code, sizeof code - 1, TRAMPFD_CODE_OFFSET), -1);
  TEST_COMPARE (errno, EINVAL);
  TEST_COMPARE (pwrite (fd, &code, sizeof code, 2), -1);
  TEST_COMPARE (errno, EINVAL);
  struct trampfd_code bad = code;
  bad.reg = trampfd_emul_reg_max;
  TEST_COMPARE (pwrite (fd, &bad, sizeof bad, TRAMPFD_CODE_OFFSET), -1);
  TEST_COMPARE (errno, EINVAL);
  bad = code;
  bad.ntrampolines = 0;
  TEST_COMPARE (pwrite (fd, &bad, sizeof bad, TRAMPFD_CODE_OFFSET), -1);
  TEST_COMPARE (errno, EINVAL);
  bad.ntrampolines = info.ntrampolines + 1;
  TEST_COMPARE (pwrite (fd, &bad, sizeof bad, TRAMPFD_CODE_OFFSET), -1);
  TEST_COMPARE (errno, EINVAL);
  struct trampfd_data bad_data = data;
  bad_data.reserved = 1;
  TEST_COMPARE (pwrite (fd, &bad_data, sizeof bad_data,
			TRAMPFD_DATA_OFFSET), -1);
  TEST_COMPARE (errno, EINVAL);
  /* Each descriptor once.  */
  TEST_COMPARE (pwrite (fd, &code, sizeof code, TRAMPFD_CODE_OFFSET),
		sizeof code);
  TEST_COMPARE (pwrite (fd, &code, sizeof code, TRAMPFD_CODE_OFFSET), -1);
  TEST_COMPARE (errno, EEXIST);
  TEST_COMPARE (pwrite (fd, &data, sizeof data, TRAMPFD_DATA_OFFSET),
		sizeof data);
  TEST_COMPARE (pwrite (fd, &data, sizeof data, TRAMPFD_DATA_OFFSET), -1);
  TEST_COMPARE (errno, EEXIST);
  /* mmap: one page, MAP_PRIVATE only, the code offset, read+exec, by
     the creating thread.  */
  static const struct
  {
    long len;
    int prot, flags;
    long offset;
  } bad_maps[] =
    {
      { 2, PROT_READ | PROT_EXEC, MAP_PRIVATE, 1 },
      { 1, PROT_READ | PROT_EXEC, MAP_SHARED, 1 },
      { 1, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_NORESERVE, 1 },
      { 1, PROT_READ | PROT_EXEC, MAP_PRIVATE, 0 },
      { 1, PROT_READ, MAP_PRIVATE, 1 },
      { 1, PROT_EXEC, MAP_PRIVATE, 1 },
    };
  for (size_t i = 0; i < sizeof bad_maps / sizeof bad_maps[0]; i++)
    {
      errno = 0;
      TEST_VERIFY (mmap (NULL, bad_maps[i].len * page_size, bad_maps[i].prot,
			 bad_maps[i].flags, fd,
			 bad_maps[i].offset * page_size) == MAP_FAILED);
      TEST_COMPARE (errno, EINVAL);
    }
  TEST_VERIFY (xpthread_join (xpthread_create (NULL, mmap_thread,
					       (void *) (long) fd))
	       == MAP_FAILED);
  void *map = mmap (NULL, page_size, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd,
		    page_size);
  TEST_VERIFY_EXIT (map != MAP_FAILED);
  TEST_VERIFY (in_trampfd_page (map));
  TEST_VERIFY (mmap (NULL, page_size, PROT_READ | PROT_EXEC, MAP_PRIVATE,
		     fd, page_size) == MAP_FAILED);
  TEST_COMPARE (errno, EEXIST);
  TEST_COMPARE (stats ().open, 1);
  TEST_COMPARE (close (fd), 0);
  TEST_COMPARE (stats ().open, 0);
  /* The page outlives the descriptor.  */
  TEST_VERIFY (in_trampfd_page (map));
  TEST_COMPARE (munmap (map, page_size), 0);
}

/* The emulated kernel's trampolines, byte for byte against the
   assembler: the registers the backend uses, and the ones the RFC's x86
   encoder gets wrong.  */
#if defined __x86_64__
asm (".pushsection .rodata\n"
     ".globl ref_used, ref_used_end, ref_hard, ref_hard_end\n"
     ".globl ref_hard2, ref_hard2_end\n"
     ".hidden ref_used, ref_used_end, ref_hard, ref_hard_end\n"
     ".hidden ref_hard2, ref_hard2_end\n"
     "ref_used:\n"
     "  endbr64\n"
     "  movabs $0x1122334455667788, %r11\n"
     "  mov (%r11), %r11\n"
     "  movabs $0x99aabbccddeeff00, %r10\n"
     "  mov (%r10), %r10\n"
     "  jmp *%r11\n"
     "ref_used_end:\n"
     "ref_hard:\n"
     "  endbr64\n"
     "  movabs $0x1122334455667788, %r13\n"
     "  mov (%r13), %r13\n"
     "  movabs $0x99aabbccddeeff00, %r12\n"
     "  mov (%r12), %r12\n"
     "  jmp *%r13\n"
     "ref_hard_end:\n"
     "ref_hard2:\n"
     "  endbr64\n"
     "  movabs $0x1122334455667788, %rbp\n"
     "  mov (%rbp), %rbp\n"
     "  movabs $0x99aabbccddeeff00, %rax\n"
     "  mov (%rax), %rax\n"
     "  jmp *%rbp\n"
     "ref_hard2_end:\n"
     ".popsection\n");
# define REF_CODE 0x1122334455667788ULL
# define REF_DATA 0x99aabbccddeeff00ULL
# define REGS_USED TRAMPFD_X86_R11, TRAMPFD_X86_R10
# define REGS_HARD TRAMPFD_X86_R13, TRAMPFD_X86_R12
# define REGS_HARD2 TRAMPFD_X86_RBP, TRAMPFD_X86_RAX
#elif defined __i386__
asm (".pushsection .rodata\n"
     ".globl ref_used, ref_used_end, ref_hard, ref_hard_end\n"
     ".globl ref_hard2, ref_hard2_end\n"
     ".hidden ref_used, ref_used_end, ref_hard, ref_hard_end\n"
     ".hidden ref_hard2, ref_hard2_end\n"
     "ref_used:\n"
     "  endbr32\n"
     "  movl $0x11223344, %eax\n"
     "  movl (%eax), %eax\n"
     "  movl $0x55667788, %ecx\n"
     "  movl (%ecx), %ecx\n"
     "  jmp *%eax\n"
     "ref_used_end:\n"
     "ref_hard:\n"
     "  endbr32\n"
     "  movl $0x11223344, %ebp\n"
     "  movl (%ebp), %ebp\n"
     "  movl $0x55667788, %edi\n"
     "  movl (%edi), %edi\n"
     "  jmp *%ebp\n"
     "ref_hard_end:\n"
     "ref_hard2:\n"
     "  endbr32\n"
     "  movl $0x11223344, %esi\n"
     "  movl (%esi), %esi\n"
     "  movl $0x55667788, %ebp\n"
     "  movl (%ebp), %ebp\n"
     "  jmp *%esi\n"
     "ref_hard2_end:\n"
     ".popsection\n");
# define REF_CODE 0x11223344ULL
# define REF_DATA 0x55667788ULL
# define REGS_USED TRAMPFD_X86_EAX, TRAMPFD_X86_ECX
# define REGS_HARD TRAMPFD_X86_EBP, TRAMPFD_X86_EDI
# define REGS_HARD2 TRAMPFD_X86_ESI, TRAMPFD_X86_EBP
#elif defined __aarch64__
asm (".pushsection .rodata\n"
     ".globl ref_used, ref_used_end, ref_hard, ref_hard_end\n"
     ".globl ref_hard2, ref_hard2_end\n"
     ".hidden ref_used, ref_used_end, ref_hard, ref_hard_end\n"
     ".hidden ref_hard2, ref_hard2_end\n"
     "ref_used:\n"
     "  hint #34\n"		/* bti c */
     "  movz x17, #0x7788\n"
     "  movk x17, #0x5566, lsl #16\n"
     "  movk x17, #0x3344, lsl #32\n"
     "  movk x17, #0x1122, lsl #48\n"
     "  ldr x17, [x17]\n"
     "  movz x18, #0xff00\n"
     "  movk x18, #0xddee, lsl #16\n"
     "  movk x18, #0xbbcc, lsl #32\n"
     "  movk x18, #0x99aa, lsl #48\n"
     "  ldr x18, [x18]\n"
     "  br x17\n"
     "ref_used_end:\n"
     "ref_hard:\n"
     "  hint #34\n"
     "  movz x0, #0x7788\n"
     "  movk x0, #0x5566, lsl #16\n"
     "  movk x0, #0x3344, lsl #32\n"
     "  movk x0, #0x1122, lsl #48\n"
     "  ldr x0, [x0]\n"
     "  movz x29, #0xff00\n"
     "  movk x29, #0xddee, lsl #16\n"
     "  movk x29, #0xbbcc, lsl #32\n"
     "  movk x29, #0x99aa, lsl #48\n"
     "  ldr x29, [x29]\n"
     "  br x0\n"
     "ref_hard_end:\n"
     "ref_hard2:\n"
     "ref_hard2_end:\n"
     ".popsection\n");
# define REF_CODE 0x1122334455667788ULL
# define REF_DATA 0x99aabbccddeeff00ULL
# define REGS_USED TRAMPFD_ARM64_X (17), TRAMPFD_ARM64_X (18)
# define REGS_HARD TRAMPFD_ARM64_X (0), TRAMPFD_ARM64_X (29)
# define REGS_HARD2 TRAMPFD_ARM64_X (1), TRAMPFD_ARM64_X (2)
#elif defined __arm__
asm (".pushsection .rodata\n"
     ".globl ref_used, ref_used_end, ref_hard, ref_hard_end\n"
     ".globl ref_hard2, ref_hard2_end\n"
     ".hidden ref_used, ref_used_end, ref_hard, ref_hard_end\n"
     ".hidden ref_hard2, ref_hard2_end\n"
     ".arm\n"
     "ref_used:\n"
     "ref_used_end:\n"
     "ref_hard:\n"
     "  movw r3, #0x3344\n"
     "  movt r3, #0x1122\n"
     "  ldr r3, [r3]\n"
     "  movw r12, #0x7788\n"
     "  movt r12, #0x5566\n"
     "  ldr r12, [r12]\n"
     "  bx r3\n"
     "ref_hard_end:\n"
     "ref_hard2:\n"
     "ref_hard2_end:\n"
# ifdef __thumb__
     ".thumb\n"
# endif
     ".popsection\n");
# define REF_CODE 0x11223344ULL
# define REF_DATA 0x55667788ULL
/* No registers for the backend on arm: only the RFC's code.  */
# define REGS_USED TRAMPFD_ARM_R (0), TRAMPFD_ARM_R (1)
# define REGS_HARD TRAMPFD_ARM_R (3), TRAMPFD_ARM_R (12)
# define REGS_HARD2 TRAMPFD_ARM_R (1), TRAMPFD_ARM_R (2)
#endif

/* Global (and hidden) symbols: references to local labels through the
   GOT would all resolve to the start of the section on aarch64.  */
extern const unsigned char ref_used[], ref_used_end[], ref_hard[],
  ref_hard_end[], ref_hard2[], ref_hard2_end[];

static void
check_encoding (const char *name, unsigned int creg, unsigned int dreg,
		const unsigned char *ref, const unsigned char *end)
{
  if (ref == end)
    return;
  unsigned char *page = malloc (page_size);
  TEST_VERIFY_EXIT (page != NULL);
  unsigned int size = trampfd_emul_code_size;
  size_t elt = sizeof (void *);
  trampfd_emul_generate (page, page_size, 2, creg, dreg, REF_CODE,
			 REF_DATA);
  size_t len = end - ref;
  TEST_VERIFY (len <= size);
  if (memcmp (page, ref, len) != 0)
    {
      FAIL ("%s: generated code differs from the assembler's", name);
      for (size_t i = 0; i < len; i++)
	printf ("%02x%s", page[i], i + 1 < len ? " " : "\n");
      for (size_t i = 0; i < len; i++)
	printf ("%02x%s", ref[i], i + 1 < len ? " " : "\n");
    }
  else
    printf ("info: %s: %zu bytes as assembled\n", name, len);
  /* Trampoline 1 loads the next elements: its immediates differ from
     trampoline 0's by the element size and everything else is the
     same.  Check by generating with tables one element further.  */
  unsigned char *shifted = malloc (page_size);
  TEST_VERIFY_EXIT (shifted != NULL);
  trampfd_emul_generate (shifted, page_size, 1, creg, dreg, REF_CODE + elt,
			 REF_DATA + elt);
  TEST_VERIFY (memcmp (page + size, shifted, size) == 0);
  free (shifted);
  free (page);
}

static void
scenario_encoding (void)
{
  check_encoding ("backend registers", REGS_USED, ref_used, ref_used_end);
  check_encoding ("hard registers", REGS_HARD, ref_hard, ref_hard_end);
  check_encoding ("hard registers 2", REGS_HARD2, ref_hard2, ref_hard2_end);
}

/* In an AT_SECURE process the setting is ignored: LIBTRAMP_TRAMPFD=1
   does not turn the advertised trampfd on (the default, the static
   tables, applies).  Run by scripts/check.d/70-trampfd.sh from a
   setgid copy of this test.  */
static int
scenario_secure (void)
{
  if (getauxval (AT_SECURE) == 0)
    FAIL_UNSUPPORTED ("not an AT_SECURE process");
  if (!trampfd_emul_active)
    FAIL_UNSUPPORTED ("no trampfd emulation here");
  TEST_VERIFY (getenv ("LIBTRAMP_TRAMPFD") != NULL);
  TEST_VERIFY (secure_getenv ("LIBTRAMP_TRAMPFD") == NULL);
  TEST_COMPARE (getauxval (AT_TRAMPFD), TRAMPFD_EMUL_NR);
  alloc_check_free (per_table + 1, 0);
  TEST_COMPARE (stats ().syscalls, 0);
  return 0;
}

static void
run (const char *name, void (*fn) (void))
{
  /* Set by the child at the end of the scenario: a scenario that the
     library made exit early fails even if its status is 0.  */
  static volatile int *reached;
  if (reached == NULL)
    {
      reached = mmap (NULL, sizeof *reached, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
      TEST_VERIFY_EXIT (reached != MAP_FAILED);
    }
  *reached = 0;
  printf ("info: scenario %s\n", name);
  fflush (stdout);
  pid_t pid = xfork ();
  if (pid == 0)
    {
      fn ();
      fflush (stdout);
      *reached = 1;
      _exit (0);
    }
  int status;
  xwaitpid (pid, &status, 0);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0 || !*reached)
    FAIL ("scenario %s: status %#x%s", name, status,
	  *reached ? "" : ", did not reach its end");
}

#define FALLBACK(fault) \
  static void scenario_##fault (void) { scenario_fallback (fault); }
FALLBACK (TRAMPFD_EMUL_ENOSYS)
FALLBACK (TRAMPFD_EMUL_EPERM)
FALLBACK (TRAMPFD_EMUL_BAD_SIZE)
FALLBACK (TRAMPFD_EMUL_BAD_COUNT)
FALLBACK (TRAMPFD_EMUL_PWRITE)
FALLBACK (TRAMPFD_EMUL_MMAP)
FALLBACK (TRAMPFD_EMUL_HINT)


static int
do_test (void)
{
  page_size = sysconf (_SC_PAGESIZE);
  per_table = page_size / trampfd_emul_code_size;

  if (getenv ("TST_TRAMPFD_SECURE") != NULL)
    return scenario_secure ();

  if (PORTABLE)
    {
      /* What needs no seccomp filter, so also runs under qemu-user.  */
      run ("encoding", scenario_encoding);
      run ("real kernel ENOSYS", scenario_real_enosys);
      return 0;
    }
#ifdef __arm__
  FAIL_UNSUPPORTED ("arm has no trampfd backend (no scratch register)");
#endif
  if (!trampfd_emul_active)
    FAIL_UNSUPPORTED ("no trampfd emulation here (see above)");
  run ("kernel checks", scenario_kernel_checks);
  run ("basic", scenario_basic);
  run ("fallback enosys", scenario_TRAMPFD_EMUL_ENOSYS);
  run ("fallback eperm", scenario_TRAMPFD_EMUL_EPERM);
  run ("fallback bad code_size", scenario_TRAMPFD_EMUL_BAD_SIZE);
  run ("fallback bad ntrampolines", scenario_TRAMPFD_EMUL_BAD_COUNT);
  run ("fallback pwrite EINVAL", scenario_TRAMPFD_EMUL_PWRITE);
  run ("fallback mmap EPERM", scenario_TRAMPFD_EMUL_MMAP);
  run ("fallback hint not honoured", scenario_TRAMPFD_EMUL_HINT);
  run ("mixed", scenario_mixed);
  run ("advertised in auxv", scenario_advertised);
  run ("advertised, on", scenario_advertised_on);
  run ("advertised, off", scenario_advertised_off);
  run ("advertised, a number is ignored", scenario_advertised_number);
  run ("advertised, garbage is ignored", scenario_advertised_garbage);
  run ("not advertised, unset", scenario_unset);
  run ("not advertised, on", scenario_on);
  run ("not advertised, off", scenario_off);
  run ("not advertised, empty", scenario_empty);
  run ("not advertised, the emulated number", scenario_number);
#ifdef SYS_pipe
  run ("raw number: pipe", scenario_raw_pipe);
#endif
#ifdef SYS_fork
  run ("raw number: fork", scenario_raw_fork);
#endif
  run ("raw number: exit", scenario_raw_exit);
  run ("raw number: close", scenario_raw_close);
  run ("info zeroed", scenario_info_zeroed);
  return 0;
}

#include <support/test-driver.c>
