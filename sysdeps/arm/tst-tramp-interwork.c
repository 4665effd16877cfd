/* arm: ARM-state entries reaching ARM and Thumb targets.
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

/* Built twice, with -marm and with -mthumb, so that the callers (and
   the C targets) are in each instruction set; the assembly targets are
   in both.  The library itself is built as Thumb-2 (TST_TRAMP_THUMB_LIB
   says so), which also exercises tramp_freed, a Thumb function reached
   from the ARM-state table.  */

#include <stdint.h>
#include <stdio.h>
#include <sys/tramp.h>
#include <support/check.h>

/* Both return the data register plus their argument, plus 1 for the
   ARM one and 2 for the Thumb one.  */
long tst_arm_target (long);
long tst_thumb_target (long);
asm (".pushsection .text\n"
     ".syntax unified\n"
     ".balign 4\n"
     ".arm\n"
     ".globl tst_arm_target\n"
     ".type tst_arm_target, %function\n"
     "tst_arm_target:\n"
     "  add r0, r0, ip\n"
     "  add r0, r0, #1\n"
     "  bx lr\n"
     ".size tst_arm_target, .-tst_arm_target\n"
     ".thumb\n"
     ".globl tst_thumb_target\n"
     ".type tst_thumb_target, %function\n"
     ".thumb_func\n"
     "tst_thumb_target:\n"
     "  add r0, r0, ip\n"
     "  adds r0, r0, #2\n"
     "  bx lr\n"
     ".size tst_thumb_target, .-tst_thumb_target\n"
#ifdef __thumb__
     ".thumb\n"
#else
     ".arm\n"
#endif
     ".popsection\n");

static long
c_target (long x)
{
  return 7 * x;
}

static int
do_test (void)
{
  printf ("info: callers compiled as %s\n",
#ifdef __thumb__
	  "Thumb"
#else
	  "ARM"
#endif
	  );
  /* The assembler marked the targets: the Thumb one is odd.  */
  TEST_COMPARE ((uintptr_t) tst_arm_target & 1, 0);
  TEST_COMPARE ((uintptr_t) tst_thumb_target & 1, 1);
#ifdef TST_TRAMP_THUMB_LIB
  TEST_COMPARE ((uintptr_t) tramp_alloc & 1, 1);
#endif

  typedef long fn (long);
  fn *arm = tramp_alloc ((void *) tst_arm_target, (void *) 1000);
  fn *thumb = tramp_alloc ((void *) tst_thumb_target, (void *) 2000);
  fn *c = tramp_alloc ((void *) c_target, NULL);
  TEST_VERIFY_EXIT (arm != NULL && thumb != NULL && c != NULL);
  /* Entries are in ARM state: even addresses.  */
  TEST_COMPARE ((uintptr_t) arm & 3, 0);
  TEST_COMPARE ((uintptr_t) thumb & 3, 0);
  for (long i = 0; i < 1000; i++)
    {
      TEST_COMPARE (arm (i), 1001 + i);
      TEST_COMPARE (thumb (i), 2002 + i);
      TEST_COMPARE (c (i), 7 * i);
    }
  /* Retarget each to a target of the other instruction set.  */
  TEST_COMPARE (tramp_set (arm, (void *) tst_thumb_target, (void *) 10), 0);
  TEST_COMPARE (tramp_set (thumb, (void *) tst_arm_target, (void *) 20), 0);
  TEST_COMPARE (arm (5), 17);
  TEST_COMPARE (thumb (5), 26);
  TEST_COMPARE (tramp_free (arm), 0);
  TEST_COMPARE (tramp_free (thumb), 0);
  TEST_COMPARE (tramp_free (c), 0);
  return 0;
}

#include <support/test-driver.c>
