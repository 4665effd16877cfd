/* tst-tramp-ctor linked statically: the program's priority constructor
   runs before the default-priority constructors of the same link.  */
#include "tst-tramp-ctor.c"
