/* The basic tests, linked statically: the table comes from the
   executable itself.  */
#include "tst-tramp.c"
