/* A process that never allocates a trampoline: prints how many
   mappings it has (the lines of /proc/self/maps) and, with -v, the
   mappings themselves.  Without arguments it only returns 0, for
   timing the start-up of a trivial dynamic program.  */

#include <stdio.h>
#include <string.h>

int
main (int argc, char **argv)
{
  if (argc < 2)
    return 0;
  FILE *f = fopen ("/proc/self/maps", "r");
  if (f == NULL)
    return perror ("/proc/self/maps"), 1;
  char line[4096];
  int n = 0;
  while (fgets (line, sizeof line, f) != NULL)
    {
      n++;
      if (strcmp (argv[1], "-v") == 0)
	fputs (line, stdout);
    }
  fclose (f);
  printf ("%d\n", n);
  return 0;
}
