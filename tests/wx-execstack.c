/* The oldest way of making code at run time: GCC's trampoline for a
   nested function whose address escapes, written on the stack, which
   the kernel made executable at exec because the program's
   PT_GNU_STACK asks for it (linked with -z execstack).  No mmap or
   mprotect is involved, so the seccomp rules of wx-policy cannot see
   it: the policy refuses to run such a program instead.  Exits 0 if
   the trampoline ran.  */

#include <stdio.h>

static int __attribute__ ((noinline))
call (int (*fn) (int), int x)
{
  return fn (x);
}

int
main (void)
{
  int base = 40;
  int add (int x)
  {
    return base + x;
  }
  int result = call (add, 2);
  printf ("stack trampoline returned %d\n", result);
  return result == 42 ? 0 : 1;
}
