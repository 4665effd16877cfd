/* LD_PRELOAD shim for the libffi fallback tests: tramp_alloc fails with
   the errno named by TRAMP_FAIL (ENOSYS, ELIBACC, ELIBBAD or ENOMEM)
   after TRAMP_FAIL_AFTER successful calls (default 0), as when the
   kernel, the C library or the trampoline file cannot be used.  */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

void *
tramp_alloc (void *code, void *data)
{
  static int calls;
  const char *name = getenv ("TRAMP_FAIL");
  const char *after = getenv ("TRAMP_FAIL_AFTER");

  if (name != NULL && __atomic_fetch_add (&calls, 1, __ATOMIC_RELAXED)
		      >= (after != NULL ? atoi (after) : 0))
    {
      errno = (strcmp (name, "ENOSYS") == 0 ? ENOSYS
	       : strcmp (name, "ELIBACC") == 0 ? ELIBACC
	       : strcmp (name, "ELIBBAD") == 0 ? ELIBBAD : ENOMEM);
      return NULL;
    }
  void *(*next) (void *, void *)
    = (void *(*) (void *, void *)) dlsym (RTLD_NEXT, "tramp_alloc");
  return next (code, data);
}
