/* A program that has libgcc_s loaded (and so libgcc's
   __gcc_nested_func_ptr_created in its global scope) dlopens a plugin
   built with -ftrampoline-impl=heap.  Linked with libtramp-nested and
   -Wl,--exclude-libs,ALL, the plugin binds its calls to its own copy of
   the runtime; without that option they go to libgcc_s.

   usage: tst-nested-plugin PLUGIN.so  */

#include <dlfcn.h>
#include "nested-test.h"

int
main (int argc, char **argv)
{
  CHECK (argc == 2);
  /* libgcc_s is in the global scope before the plugin.  */
  CHECK (dlsym (RTLD_DEFAULT, "__gcc_nested_func_ptr_created") != NULL);
  void *h = dlopen (argv[1], RTLD_NOW);
  if (h == NULL)
    FAIL ("dlopen: %s", dlerror ());
  int (*sort) (int *, int, int, int *) = dlsym (h, "plugin_sort");
  CHECK (sort != NULL);
  int a[100];
  for (int i = 0; i < 100; i++)
    a[i] = (i * 37) % 100;
  int is_tramp = 0;
  CHECK (sort (a, 100, -1, &is_tramp) >= 99);
  for (int i = 1; i < 100; i++)
    CHECK (a[i - 1] > a[i]);
  if (!is_tramp)
    FAIL ("the plugin's nested function is not a trampoline of "
	  "<sys/tramp.h>: its runtime is libgcc's");
  puts ("plugin: OK");
  return 0;
}
