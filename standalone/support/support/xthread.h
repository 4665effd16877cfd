/* libtramp test shim: thread helpers that fail the test on error.  */

#ifndef SUPPORT_XTHREAD_H
#define SUPPORT_XTHREAD_H

#include <pthread.h>

pthread_t xpthread_create (pthread_attr_t *attr, void *(*fn) (void *),
			   void *arg);
void *xpthread_join (pthread_t thr);

#endif
