/* Figures from /proc/self for the scale test and the benchmark.  */

#ifndef PROC_STATS_H
#define PROC_STATS_H

#include <stdio.h>

/* Private (anonymous) resident memory in KiB, or -1.  Code mapped from
   a file is shared with the page cache and not counted.  */
static inline long
proc_rss_anon_kib (void)
{
  FILE *f = fopen ("/proc/self/status", "re");
  char line[256];
  long kib = -1;
  while (f != NULL && fgets (line, sizeof line, f) != NULL)
    if (sscanf (line, "RssAnon: %ld", &kib) == 1)
      break;
  if (f != NULL)
    fclose (f);
  return kib;
}

/* The number of mappings (VMAs), or -1.  */
static inline long
proc_count_maps (void)
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
