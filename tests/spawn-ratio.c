/* Start-up cost of one program against another: ROUNDS rounds of N
   pairs, each pair one spawn of A and one of B (which goes first
   alternates), each waited for and timed on its own, so that a change
   of the machine's load hits both alike; prints the median, quartiles,
   minimum and maximum over the rounds of time(A)/time(B) per process,
   and each one's median time per process.
   usage: spawn-ratio ROUNDS N A B  */

#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Seconds for one run of PROG, or -1.  */
static double
once (const char *prog)
{
  char *argv[] = { (char *) prog, NULL };
  double start = now ();
  pid_t pid;
  int status;
  if (posix_spawn (&pid, prog, NULL, NULL, argv, environ) != 0
      || waitpid (pid, &status, 0) != pid
      || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      fprintf (stderr, "spawn-ratio: %s failed\n", prog);
      return -1;
    }
  return now () - start;
}

/* Seconds per process of A and of B over N pairs, in *TA and *TB;
   false on failure.  */
static int
pairs (const char *a, const char *b, int n, double *ta, double *tb)
{
  *ta = *tb = 0;
  for (int i = 0; i < n; i++)
    {
      double x, y;
      if (i % 2 == 0)
	x = once (a), y = once (b);
      else
	y = once (b), x = once (a);
      if (x < 0 || y < 0)
	return 0;
      *ta += x, *tb += y;
    }
  *ta /= n, *tb /= n;
  return 1;
}

static int
cmp (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

int
main (int argc, char **argv)
{
  if (argc != 5)
    {
      fputs ("usage: spawn-ratio ROUNDS N A B\n", stderr);
      return 2;
    }
  int rounds = atoi (argv[1]), n = atoi (argv[2]);
  if (rounds < 1 || n < 1)
    return 2;
  double *r = calloc (rounds, sizeof *r), *ta = calloc (rounds, sizeof *ta),
    *tb = calloc (rounds, sizeof *tb);
  if (r == NULL || ta == NULL || tb == NULL)
    return 1;
  /* Warm-up.  */
  double wa, wb;
  if (!pairs (argv[3], argv[4], n, &wa, &wb))
    return 1;
  for (int i = 0; i < rounds; i++)
    {
      if (!pairs (argv[3], argv[4], n, &ta[i], &tb[i]))
	return 1;
      r[i] = ta[i] / tb[i];
    }
  qsort (r, rounds, sizeof *r, cmp);
  qsort (ta, rounds, sizeof *ta, cmp);
  qsort (tb, rounds, sizeof *tb, cmp);
  printf ("A/B per process over %d rounds of %d: median %.4f,"
	  " quartiles %.4f-%.4f, min %.4f, max %.4f;"
	  " median A %.1f us, B %.1f us\n",
	  rounds, n, r[rounds / 2], r[rounds / 4], r[(3 * rounds) / 4],
	  r[0], r[rounds - 1], ta[rounds / 2] * 1e6, tb[rounds / 2] * 1e6);
  return 0;
}
