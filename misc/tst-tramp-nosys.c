/* <sys/tramp.h> on an architecture without a trampoline table.
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

/* Where no table exists (sysdeps/generic), the interface is still
   there: tramp_alloc fails with ENOSYS (EINVAL for a NULL target) and
   the other functions reject every pointer with EINVAL, without
   crashing.  On architectures with a table there is nothing to check
   here.  */

#include <errno.h>
#include <stdio.h>
#include <sys/tramp.h>
#include <support/check.h>
#include <tramp-table.h>

#ifndef TRAMP_TABLE_SIZE
static int
target (int x)
{
  return x;
}
#endif

static int
do_test (void)
{
#ifdef TRAMP_TABLE_SIZE
  FAIL_UNSUPPORTED ("this architecture has a trampoline table");
#else
  for (int i = 0; i < 3; i++)
    {
      errno = 0;
      TEST_VERIFY (tramp_alloc ((void *) target, &i) == NULL);
      TEST_COMPARE (errno, ENOSYS);
    }
  errno = 0;
  TEST_VERIFY (tramp_alloc (NULL, NULL) == NULL);
  TEST_COMPARE (errno, EINVAL);
  void *bad[] = { NULL, (void *) target, &errno, (void *) -16 };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      errno = 0;
      TEST_COMPARE (tramp_free (bad[i]), -1);
      TEST_COMPARE (errno, EINVAL);
      errno = 0;
      TEST_COMPARE (tramp_set (bad[i], (void *) target, NULL), -1);
      TEST_COMPARE (errno, EINVAL);
      errno = 0;
      TEST_VERIFY (tramp_code (bad[i]) == NULL);
      TEST_COMPARE (errno, EINVAL);
      errno = 0;
      TEST_VERIFY (tramp_data (bad[i]) == NULL);
      TEST_COMPARE (errno, EINVAL);
    }
  printf ("info: no table here: tramp_alloc fails with ENOSYS\n");
#endif
  return 0;
}

#include <support/test-driver.c>
