/* libtramp test shim: implementation of the support/ subset.  Failures
   are counted in a shared page so that children's failures count.  */

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <support/capture_subprocess.h>
#include <support/check.h>
#include <support/xthread.h>
#include <support/xunistd.h>

static volatile unsigned int *failure_count;

void
support_test_driver_init (void)
{
  void *p = mmap (NULL, sizeof *failure_count, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    {
      perror ("error: mmap of the failure counter");
      exit (1);
    }
  failure_count = p;
}

void
support_record_failure (void)
{
  if (failure_count != NULL)
    __atomic_fetch_add (failure_count, 1, __ATOMIC_RELAXED);
}

int
support_record_failure_is_failed (void)
{
  return failure_count != NULL && *failure_count > 0;
}

static void
vreport (const char *file, int line, const char *format, va_list ap)
{
  fflush (stdout);
  printf ("error: %s:%d: ", file, line);
  vprintf (format, ap);
  putchar ('\n');
  fflush (stdout);
}

void
support_print_failure_impl (const char *file, int line,
			    const char *format, ...)
{
  support_record_failure ();
  va_list ap;
  va_start (ap, format);
  vreport (file, line, format, ap);
  va_end (ap);
}

void
support_exit_failure_impl (int status, const char *file, int line,
			   const char *format, ...)
{
  if (status != EXIT_UNSUPPORTED)
    support_record_failure ();
  va_list ap;
  va_start (ap, format);
  vreport (file, line, format, ap);
  va_end (ap);
  exit (status);
}

void
support_test_compare_failure (const char *file, int line,
			      const char *left_expr, long long left,
			      const char *right_expr, long long right)
{
  support_print_failure_impl (file, line, "%s == %s: %lld != %lld",
			      left_expr, right_expr, left, right);
}

pthread_t
xpthread_create (pthread_attr_t *attr, void *(*fn) (void *), void *arg)
{
  pthread_t thr;
  int ret = pthread_create (&thr, attr, fn, arg);
  if (ret != 0)
    FAIL_EXIT1 ("pthread_create: %s", strerror (ret));
  return thr;
}

void *
xpthread_join (pthread_t thr)
{
  void *result;
  int ret = pthread_join (thr, &result);
  if (ret != 0)
    FAIL_EXIT1 ("pthread_join: %s", strerror (ret));
  return result;
}

pid_t
xfork (void)
{
  pid_t pid = fork ();
  if (pid < 0)
    FAIL_EXIT1 ("fork: %m");
  return pid;
}

pid_t
xwaitpid (pid_t pid, int *status, int flags)
{
  pid_t ret;
  do
    ret = waitpid (pid, status, flags);
  while (ret < 0 && errno == EINTR);
  if (ret < 0)
    FAIL_EXIT1 ("waitpid: %m");
  return ret;
}

static void
append (struct xmemstream *s, const char *buf, size_t n)
{
  s->buffer = realloc (s->buffer, s->length + n + 1);
  if (s->buffer == NULL)
    FAIL_EXIT1 ("out of memory");
  memcpy (s->buffer + s->length, buf, n);
  s->length += n;
  s->buffer[s->length] = '\0';
}

struct support_capture_subprocess
support_capture_subprocess (void (*callback) (void *), void *closure)
{
  struct support_capture_subprocess result = { { NULL, 0 }, { NULL, 0 }, 0 };
  int out[2], err[2];
  if (pipe (out) != 0 || pipe (err) != 0)
    FAIL_EXIT1 ("pipe: %m");
  fflush (NULL);
  pid_t pid = xfork ();
  if (pid == 0)
    {
      dup2 (out[1], STDOUT_FILENO);
      dup2 (err[1], STDERR_FILENO);
      close (out[0]);
      close (err[0]);
      close (out[1]);
      close (err[1]);
      callback (closure);
      fflush (NULL);
      _exit (0);
    }
  close (out[1]);
  close (err[1]);
  append (&result.out, "", 0);
  append (&result.err, "", 0);
  struct pollfd fds[2] = { { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 } };
  int open_fds = 2;
  while (open_fds > 0)
    {
      if (poll (fds, 2, -1) < 0 && errno != EINTR)
	FAIL_EXIT1 ("poll: %m");
      for (int i = 0; i < 2; i++)
	if (fds[i].fd >= 0 && fds[i].revents != 0)
	  {
	    char buf[4096];
	    ssize_t n = read (fds[i].fd, buf, sizeof buf);
	    if (n > 0)
	      append (i == 0 ? &result.out : &result.err, buf, n);
	    else
	      {
		close (fds[i].fd);
		fds[i].fd = -1;
		open_fds--;
	      }
	  }
    }
  xwaitpid (pid, &result.status, 0);
  return result;
}

void
support_capture_subprocess_free (struct support_capture_subprocess *p)
{
  free (p->out.buffer);
  free (p->err.buffer);
}
