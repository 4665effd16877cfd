/* Helpers for the tests of GCC nested functions built with
   -ftrampoline-impl=heap.  Each test is built three ways: with
   libtramp-nested (EXPECT_LIBTRAMP), with libgcc's patched runtime
   (EXPECT_LIBTRAMP too) and with libgcc's own runtime (the control).
   All link libtramp, so that tramp_code can tell whether a nested
   function pointer is a trampoline of the API and whether it is still
   live.  */

#ifndef NESTED_TEST_H
#define NESTED_TEST_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/tramp.h>

#define FAIL(...)							\
  do									\
    {									\
      fprintf (stderr, "%s:%d: ", __FILE__, __LINE__);			\
      fprintf (stderr, __VA_ARGS__);					\
      fputc ('\n', stderr);						\
      exit (1);								\
    }									\
  while (0)

#define CHECK(cond)							\
  do									\
    if (!(cond))							\
      FAIL ("check failed: %s", #cond);					\
  while (0)

/* True if P is a live trampoline of <sys/tramp.h>.  */
static inline int
is_live_tramp (const void *p)
{
  return tramp_code (p) != NULL;
}

#ifdef EXPECT_LIBTRAMP
/* The nested function pointer FP comes from the trampoline API.  */
# define CHECK_TRAMP(fp)						\
  do									\
    if (!is_live_tramp ((const void *) (fp)))				\
      FAIL ("%p is not a live trampoline of <sys/tramp.h>: another "	\
	    "runtime, or released too early", (const void *) (fp));	\
  while (0)
/* The trampoline FP has been released.  */
# define CHECK_FREED(fp)						\
  do									\
    if (is_live_tramp ((const void *) (fp)))				\
      FAIL ("trampoline %p was not released", (const void *) (fp));	\
  while (0)
#else
# define CHECK_TRAMP(fp) ((void) (fp))
# define CHECK_FREED(fp) ((void) (fp))
#endif

/* Resident set size in KiB, or -1.  */
static inline long
rss_kib (void)
{
  FILE *f = fopen ("/proc/self/statm", "re");
  long size, resident;
  if (f == NULL)
    return -1;
  int n = fscanf (f, "%ld %ld", &size, &resident);
  fclose (f);
  return n == 2 ? resident * (sysconf (_SC_PAGESIZE) / 1024) : -1;
}

/* Number of mappings, or -1.  */
static inline long
vma_count (void)
{
  FILE *f = fopen ("/proc/self/maps", "re");
  if (f == NULL)
    return -1;
  long n = 0;
  int c;
  while ((c = getc (f)) != EOF)
    n += c == '\n';
  fclose (f);
  return n;
}

#endif
