/* libtramp test shim: process helpers that fail the test on error.  */

#ifndef SUPPORT_XUNISTD_H
#define SUPPORT_XUNISTD_H

#include <sys/types.h>
#include <unistd.h>

pid_t xfork (void);
pid_t xwaitpid (pid_t pid, int *status, int flags);

#endif
