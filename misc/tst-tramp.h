/* Helpers shared by the trampoline tests.
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

#ifndef TST_TRAMP_H
#define TST_TRAMP_H

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/tramp.h>
#include <support/check.h>

/* tst_tramp_chain returns the data register as it was at entry.
   tst_tramp_args stores the data register in tst_tramp_saved_chain and
   the stack pointer at entry in tst_tramp_saved_sp, then tail-calls
   tst_tramp_args_impl with the arguments untouched.  */
void *tst_tramp_chain (void);
void *tst_tramp_saved_chain;
void *tst_tramp_saved_sp;

#if defined __x86_64__
asm (".text\n"
     ".globl tst_tramp_chain\n"
     ".type tst_tramp_chain, @function\n"
     "tst_tramp_chain:\n"
     "  endbr64\n"
     "  movq %r10, %rax\n"
     "  ret\n"
     ".size tst_tramp_chain, .-tst_tramp_chain\n"
     ".globl tst_tramp_args\n"
     ".type tst_tramp_args, @function\n"
     "tst_tramp_args:\n"
     "  endbr64\n"
     "  movq %r10, tst_tramp_saved_chain(%rip)\n"
     "  movq %rsp, tst_tramp_saved_sp(%rip)\n"
     "  jmp tst_tramp_args_impl\n"
     ".size tst_tramp_args, .-tst_tramp_args\n");
# define TST_TRAMP_HAVE_ARGS 1
#elif defined __i386__
/* cdecl: every argument is on the stack.  eax is the trampoline's
   scratch register, free at the entry of a cdecl function, and holds
   the address of the GOT to reach the variables.  */
asm (".pushsection .text\n"
     ".globl tst_tramp_chain\n"
     ".type tst_tramp_chain, @function\n"
     "tst_tramp_chain:\n"
     "  endbr32\n"
     "  movl %ecx, %eax\n"
     "  ret\n"
     ".size tst_tramp_chain, .-tst_tramp_chain\n"
     ".globl tst_tramp_args\n"
     ".type tst_tramp_args, @function\n"
     "tst_tramp_args:\n"
     "  endbr32\n"
     "  call 1f\n"
     "1:popl %eax\n"
     "  addl $_GLOBAL_OFFSET_TABLE_+[.-1b], %eax\n"
     "  movl %ecx, tst_tramp_saved_chain@GOTOFF(%eax)\n"
     "  movl %esp, tst_tramp_saved_sp@GOTOFF(%eax)\n"
     "  jmp tst_tramp_args_impl\n"
     ".size tst_tramp_args, .-tst_tramp_args\n"
     ".popsection\n");
# define TST_TRAMP_HAVE_ARGS 1
#elif defined __aarch64__
/* x16 and x17 may be clobbered by any call (veneers).  "bti c" is a
   NOP unless the page is guarded.  */
asm (".pushsection .text\n"
     ".globl tst_tramp_chain\n"
     ".type tst_tramp_chain, %function\n"
     "tst_tramp_chain:\n"
     "  hint 34\n"			/* bti c */
     "  mov x0, x18\n"
     "  ret\n"
     ".size tst_tramp_chain, .-tst_tramp_chain\n"
     ".globl tst_tramp_args\n"
     ".type tst_tramp_args, %function\n"
     "tst_tramp_args:\n"
     "  hint 34\n"
     "  adrp x16, tst_tramp_saved_chain\n"
     "  str x18, [x16, :lo12:tst_tramp_saved_chain]\n"
     "  mov x17, sp\n"
     "  adrp x16, tst_tramp_saved_sp\n"
     "  str x17, [x16, :lo12:tst_tramp_saved_sp]\n"
     "  b tst_tramp_args_impl\n"
     ".size tst_tramp_args, .-tst_tramp_args\n"
     ".popsection\n");
# define TST_TRAMP_HAVE_ARGS 1
#elif defined __arm__
/* In the instruction set this file is compiled for (ARM or Thumb), so
   that building the tests with -marm and with -mthumb covers targets
   of both kinds.  ip is the only register free at a function's entry:
   tst_tramp_args borrows r0 and r1 below the stack pointer and puts
   them back before it branches to the C function.  */
# ifdef __thumb__
#  define TST_TRAMP_ARM_STATE ".thumb\n.thumb_func\n"
#  define TST_TRAMP_ARM_PC "4"
#  define TST_TRAMP_ARM_RESTORE ".thumb\n"
# else
#  define TST_TRAMP_ARM_STATE ".arm\n"
#  define TST_TRAMP_ARM_PC "8"
#  define TST_TRAMP_ARM_RESTORE ".arm\n"
# endif
asm (".pushsection .text\n"
     ".syntax unified\n"
     ".balign 4\n"
     ".globl tst_tramp_chain\n"
     ".type tst_tramp_chain, %function\n"
     TST_TRAMP_ARM_STATE
     "tst_tramp_chain:\n"
     "  mov r0, ip\n"
     "  bx lr\n"
     ".size tst_tramp_chain, .-tst_tramp_chain\n"
     ".balign 4\n"
     ".globl tst_tramp_args\n"
     ".type tst_tramp_args, %function\n"
     TST_TRAMP_ARM_STATE
     "tst_tramp_args:\n"
     "  push {r0, r1}\n"
     "  ldr r0, 3f\n"
     "1:add r0, r0, pc\n"
     "  str ip, [r0]\n"
     "  add r1, sp, #8\n"
     "  ldr r0, 4f\n"
     "2:add r0, r0, pc\n"
     "  str r1, [r0]\n"
     "  pop {r0, r1}\n"
     "  b tst_tramp_args_impl\n"
     ".balign 4\n"
     "3:.word tst_tramp_saved_chain - (1b + " TST_TRAMP_ARM_PC ")\n"
     "4:.word tst_tramp_saved_sp - (2b + " TST_TRAMP_ARM_PC ")\n"
     ".size tst_tramp_args, .-tst_tramp_args\n"
     TST_TRAMP_ARM_RESTORE
     ".popsection\n");
# define TST_TRAMP_HAVE_ARGS 1
#endif

#ifdef TST_TRAMP_HAVE_ARGS
/* Eight integer and ten floating-point arguments: the last ones are
   passed on the stack on every supported ABI.  */
typedef long tst_tramp_args_fn (long, long, long, long, long, long, long,
				long, double, double, double, double, double,
				double, double, double, double, double);
tst_tramp_args_fn tst_tramp_args;
/* Returns 0 if every argument has the value the test passes.  */
long tst_tramp_args_impl (long, long, long, long, long, long, long, long,
			  double, double, double, double, double, double,
			  double, double, double, double)
  __attribute__ ((used));

long
tst_tramp_args_impl (long a1, long a2, long a3, long a4, long a5, long a6,
		     long a7, long a8, double d1, double d2, double d3,
		     double d4, double d5, double d6, double d7, double d8,
		     double d9, double d10)
{
  long bad = 0;
  long ints[] = { a1, a2, a3, a4, a5, a6, a7, a8 };
  double dbls[] = { d1, d2, d3, d4, d5, d6, d7, d8, d9, d10 };
  for (int i = 0; i < 8; i++)
    bad += ints[i] != i + 1;
  for (int i = 0; i < 10; i++)
    bad += dbls[i] != i + 1.5;
  return bad;
}
#endif

/* Under qemu-user (run-tests.sh sets TST_TRAMP_EMULATOR), the emulator
   gives the guest anonymous executable pages of its own before main
   runs (its signal return trampoline, and the kernel helper page on
   arm), without the names the kernel gives them.  Those present at
   startup, before any trampoline exists, are recorded here and not
   counted as failures; any other one still is.  */
static unsigned long tst_tramp_startup_exec[8][2];
static int tst_tramp_nstartup_exec;

static void __attribute__ ((constructor))
tst_tramp_record_startup_maps (void)
{
  const char *emulator = getenv ("TST_TRAMP_EMULATOR");
  if (emulator == NULL || *emulator == '\0')
    return;
  FILE *f = fopen ("/proc/self/maps", "re");
  if (f == NULL)
    return;
  char line[4096];
  while (fgets (line, sizeof line, f) != NULL)
    {
      unsigned long start, end, inode;
      char perms[8];
      char path[4096] = "";
      if (sscanf (line, "%lx-%lx %7s %*x %*x:%*x %lu %4095[^\n]", &start,
		  &end, perms, &inode, path) >= 4
	  && perms[2] == 'x' && inode == 0 && path[strspn (path, " ")] == '\0'
	  && tst_tramp_nstartup_exec < 8)
	{
	  tst_tramp_startup_exec[tst_tramp_nstartup_exec][0] = start;
	  tst_tramp_startup_exec[tst_tramp_nstartup_exec][1] = end;
	  tst_tramp_nstartup_exec++;
	  printf ("info: %s: anonymous executable page of the emulator "
		  "present before main, not counted: %s", emulator, line);
	}
    }
  fclose (f);
}

/* Check that each function refuses P, which is not a live trampoline,
   with EINVAL.  */
static void __attribute__ ((unused))
tst_tramp_check_refused (void *p)
{
  errno = 0;
  TEST_COMPARE (tramp_free (p), -1);
  TEST_COMPARE (errno, EINVAL);
  errno = 0;
  TEST_COMPARE (tramp_set (p, (void *) tst_tramp_chain, NULL), -1);
  TEST_COMPARE (errno, EINVAL);
  errno = 0;
  TEST_VERIFY (tramp_code (p) == NULL);
  TEST_COMPARE (errno, EINVAL);
  errno = 0;
  TEST_VERIFY (tramp_data (p) == NULL);
  TEST_COMPARE (errno, EINVAL);
}

/* Check /proc/self/maps: no mapping is writable and executable, and
   every executable mapping is backed by a file (the kernel's vdso and
   vsyscall pages, and the emulator's pages above, aside).  Return the
   number of executable mappings, or -1 if /proc is not available.  */
static int __attribute__ ((unused))
tst_tramp_audit_maps (void)
{
  FILE *f = fopen ("/proc/self/maps", "re");
  if (f == NULL)
    return -1;
  char line[4096];
  int exec = 0, lines = 0;
  while (fgets (line, sizeof line, f) != NULL)
    {
      lines++;
      char perms[8] = "";
      unsigned long start = 0, end = 0, inode = 0;
      char path[4096] = "";
      if (sscanf (line, "%lx-%lx %7s %*x %*x:%*x %lu %4095[^\n]", &start,
		  &end, perms, &inode, path) < 4)
	FAIL_EXIT1 ("unparsable maps line: %s", line);
      if (perms[2] != 'x')
	continue;
      exec++;
      if (perms[1] == 'w')
	FAIL ("writable and executable mapping: %s", line);
      const char *name = path + strspn (path, " ");
      bool startup = false;
      for (int i = 0; i < tst_tramp_nstartup_exec; i++)
	startup |= (start == tst_tramp_startup_exec[i][0]
		    && end == tst_tramp_startup_exec[i][1]);
      if (inode == 0 && !startup && strcmp (name, "[vdso]") != 0
	  && strcmp (name, "[vsyscall]") != 0
	  && strcmp (name, "[sigpage]") != 0
	  && strcmp (name, "[vectors]") != 0)
	FAIL ("anonymous executable mapping: %s", line);
    }
  fclose (f);
  /* qemu-user makes up the guest's maps from the host's: without the
     host's /proc the file opens but is empty.  */
  return lines > 0 ? exec : -1;
}

/* The number of mappings of the file that holds the code of the live
   trampoline TRAMP (the library's own segments, the template and one
   copy per table), or -1 without /proc.  Blind to what else the
   process maps (the sanitizers' memory, thread stacks).  */
static long __attribute__ ((unused))
tst_tramp_count_table_maps (const void *tramp)
{
  FILE *f = fopen ("/proc/self/maps", "re");
  if (f == NULL)
    return -1;
  char line[4096];
  char dev[32] = "";
  unsigned long inode = 0;
  while (fgets (line, sizeof line, f) != NULL)
    {
      unsigned long start, end, ino;
      char d[32];
      if (sscanf (line, "%lx-%lx %*s %*x %31s %lu", &start, &end, d, &ino) == 4
	  && (uintptr_t) tramp >= start && (uintptr_t) tramp < end)
	{
	  strcpy (dev, d);
	  inode = ino;
	}
    }
  long n = 0;
  rewind (f);
  while (inode != 0 && fgets (line, sizeof line, f) != NULL)
    {
      unsigned long ino;
      char d[32];
      if (sscanf (line, "%*x-%*x %*s %*x %31s %lu", d, &ino) == 2
	  && ino == inode && strcmp (d, dev) == 0)
	n++;
    }
  fclose (f);
  return inode != 0 ? n : -1;
}

/* Run HANDLER on SIGPROF every INTERVAL_NS nanoseconds, in a thread
   that does not block it, to stop threads at random points; return the
   timer for timer_delete.  A timer of the test's own: alarm, the test
   driver's timeout, uses the real-time interval timer.  Not started
   under an emulator: qemu-user delivers signals only between blocks of
   translated code, where the stops are of little use, and under
   qemu-i386 a thread that took one was seen to read another thread's
   errno afterwards.  */
static timer_t __attribute__ ((unused))
tst_tramp_stop_timer (void (*handler) (int), long interval_ns)
{
  struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_RESTART };
  TEST_COMPARE (sigaction (SIGPROF, &sa, NULL), 0);
  struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL,
			  .sigev_signo = SIGPROF };
  timer_t timer;
  TEST_COMPARE (timer_create (CLOCK_MONOTONIC, &sev, &timer), 0);
  const char *emulator = getenv ("TST_TRAMP_EMULATOR");
  struct itimerspec its = { { 0, interval_ns }, { 0, interval_ns } };
  if (emulator == NULL || *emulator == '\0')
    TEST_COMPARE (timer_settime (timer, 0, &its, NULL), 0);
  return timer;
}

#endif /* tst-tramp.h */
