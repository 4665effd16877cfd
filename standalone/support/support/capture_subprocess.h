/* libtramp test shim: run a callback in a child and capture its output
   and status, as glibc's support/capture_subprocess.h does.  */

#ifndef SUPPORT_CAPTURE_SUBPROCESS_H
#define SUPPORT_CAPTURE_SUBPROCESS_H

#include <stddef.h>

struct xmemstream
{
  char *buffer;
  size_t length;
};

struct support_capture_subprocess
{
  struct xmemstream out;
  struct xmemstream err;
  int status;
};

struct support_capture_subprocess
support_capture_subprocess (void (*callback) (void *), void *closure);
void support_capture_subprocess_free (struct support_capture_subprocess *);

#endif
