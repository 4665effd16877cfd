/* The owners of nested functions of tst-nested-inline.c and
   nested-inline-lto.c.  */

#ifndef NESTED_INLINE_H
#define NESTED_INLINE_H

typedef long fn_t (long);

/* An owner NAME of a nested function whose frame object holds SIZE
   bytes, declared ATTR, which calls NEXT_CALL in between; PUSH,
   VERIFY and POP keep the list of live nested functions.  */
#define OWNER_WITH(ATTR, NAME, SIZE, NEXT_CALL, PUSH, VERIFY, POP) \
  ATTR long								\
  NAME (long x)								\
  {									\
    volatile char pad[SIZE];						\
    pad[0] = (char) (x & 63);						\
    pad[SIZE - 1] = 1;							\
    long nested (long a) { return a + 1000 * x + pad[0] + pad[SIZE - 1]; } \
    PUSH (nested, 1000 * x + pad[0] + pad[SIZE - 1]);			\
    VERIFY (#NAME " after its creation");				\
    long r = NEXT_CALL;							\
    VERIFY (#NAME " after its callee");					\
    POP ();								\
    return r + nested (0);						\
  }

#define ALWAYS static inline __attribute__ ((always_inline))
#define NATURAL static
#define NOINLINE static __attribute__ ((noinline))

/* Chain 6, in both files: inlined across translation units with
   -flto.  */
long c6_entry (long x);
long c6_mid (long x);
long c6_leaf (long x);
void inline_push (fn_t *, long);
void inline_pop (void);
void inline_verify (const char *);

#endif
