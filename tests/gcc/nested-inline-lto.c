/* Owners of nested functions for tst-nested-inline.c in another
   translation unit: with -flto, c6_mid and c6_leaf are inlined across
   the two files (each is called once).  */

#include "nested-inline.h"

OWNER_WITH (, c6_leaf, 2500, x, inline_push, inline_verify, inline_pop)
OWNER_WITH (, c6_entry, 6, c6_mid (x + 1), inline_push, inline_verify,
	    inline_pop)
