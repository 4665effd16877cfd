/* qsort with nested comparators that read and write the enclosing
   frame, including a comparator that itself sorts with another nested
   comparator.  */

#include <stdint.h>
#include "nested-test.h"

#define N 2000
#define ROWS 64
#define COLS 16

static uint32_t seed = 12345;
static int
next_rand (void)
{
  seed = seed * 1103515245 + 12345;
  return (seed >> 8) % 100000;
}

static long
sort_ints (int *a, size_t n, int direction)
{
  long calls = 0;
  int cmp (const void *x, const void *y)
  {
    int u = *(const int *) x, v = *(const int *) y;
    calls++;
    return direction * ((u > v) - (u < v));
  }
  CHECK_TRAMP (cmp);
  qsort (a, n, sizeof *a, cmp);
  return calls;
}

/* Sort rows by their median, computed by sorting a copy of each row
   with an inner nested comparator.  */
static void
sort_rows_by_median (int rows[ROWS][COLS])
{
  long outer_calls = 0, inner_calls = 0;
  int median (const int *row)
  {
    int copy[COLS];
    long mine = 0;
    memcpy (copy, row, sizeof copy);
    /* Uses both its own frame and the outermost one.  */
    int inner (const void *x, const void *y)
    {
      mine++;
      inner_calls++;
      return *(const int *) x - *(const int *) y;
    }
    CHECK_TRAMP (inner);
    qsort (copy, COLS, sizeof copy[0], inner);
    CHECK (mine >= COLS - 1);
    return copy[COLS / 2];
  }
  int outer (const void *x, const void *y)
  {
    int a = median (x), b = median (y);
    outer_calls++;
    return (a > b) - (a < b);
  }
  CHECK_TRAMP (outer);
  qsort (rows, ROWS, sizeof rows[0], outer);
  for (int i = 1; i < ROWS; i++)
    CHECK (median (rows[i - 1]) <= median (rows[i]));
  CHECK (outer_calls >= ROWS - 1);
  CHECK (inner_calls >= 2 * outer_calls * (COLS - 1));
}

int
main (void)
{
  static int a[N];
  for (int round = 0; round < 50; round++)
    {
      for (int i = 0; i < N; i++)
	a[i] = next_rand ();
      int direction = round % 2 ? -1 : 1;
      long calls = sort_ints (a, N, direction);
      CHECK (calls >= N - 1);
      for (int i = 1; i < N; i++)
	CHECK (direction * (a[i] - a[i - 1]) >= 0);
    }
  static int rows[ROWS][COLS];
  for (int i = 0; i < ROWS; i++)
    for (int j = 0; j < COLS; j++)
      rows[i][j] = next_rand ();
  sort_rows_by_median (rows);
  puts ("qsort: OK");
  return 0;
}
