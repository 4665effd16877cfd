/* Trampoline tests where the system has no trampolines.
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

/* Included by tst-tramp.c when the architecture has no table or the
   system is not Linux: the interface exists there and fails as
   documented in <sys/tramp.h>.  */

#include <errno.h>
#include <stdio.h>
#include <sys/tramp.h>
#include <support/check.h>

static int
enosys_target (void)
{
  return 1;
}

static int
do_test (void)
{
  errno = 0;
  TEST_VERIFY (tramp_alloc ((void *) enosys_target, NULL) == NULL);
  TEST_COMPARE (errno, ENOSYS);
  errno = 0;
  TEST_VERIFY (tramp_alloc (NULL, NULL) == NULL);
  TEST_COMPARE (errno, EINVAL);

  void *bad[] = { NULL, (void *) enosys_target, bad };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      errno = 0;
      TEST_COMPARE (tramp_free (bad[i]), -1);
      TEST_COMPARE (errno, EINVAL);
      errno = 0;
      TEST_COMPARE (tramp_set (bad[i], (void *) enosys_target, NULL), -1);
      TEST_COMPARE (errno, EINVAL);
      errno = 0;
      TEST_VERIFY (tramp_code (bad[i]) == NULL);
      TEST_COMPARE (errno, EINVAL);
      errno = 0;
      TEST_VERIFY (tramp_data (bad[i]) == NULL);
      TEST_COMPARE (errno, EINVAL);
    }
  puts ("info: no trampolines on this system; the functions fail cleanly");
  return 0;
}
