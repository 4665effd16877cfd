/* A shared object whose nested functions need trampolines, loaded with
   dlopen by tst-nested-plugin.  */

#include <stdlib.h>
#include <sys/tramp.h>

int
plugin_sort (int *a, int n, int direction, int *is_tramp)
{
  int calls = 0;
  int cmp (const void *x, const void *y)
  {
    int u = *(const int *) x, v = *(const int *) y;
    calls++;
    return direction * ((u > v) - (u < v));
  }
  *is_tramp = tramp_code ((void *) cmp) != NULL;
  qsort (a, n, sizeof *a, cmp);
  return calls;
}
