/* libtramp test shim: the subset of glibc's support/check.h the
   tramp tests use, so they build unchanged outside glibc.  */

#ifndef SUPPORT_CHECK_H
#define SUPPORT_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define EXIT_UNSUPPORTED 77

void support_record_failure (void);
int support_record_failure_is_failed (void);
void support_print_failure_impl (const char *file, int line,
				 const char *format, ...)
  __attribute__ ((format (printf, 3, 4)));
void support_exit_failure_impl (int status, const char *file, int line,
				const char *format, ...)
  __attribute__ ((noreturn, format (printf, 4, 5)));
void support_test_compare_failure (const char *file, int line,
				   const char *left_expr, long long left,
				   const char *right_expr, long long right);

#define FAIL(...) \
  support_print_failure_impl (__FILE__, __LINE__, __VA_ARGS__)
#define FAIL_RET(...) \
  return support_print_failure_impl (__FILE__, __LINE__, __VA_ARGS__), 1
#define FAIL_EXIT(status, ...) \
  support_exit_failure_impl (status, __FILE__, __LINE__, __VA_ARGS__)
#define FAIL_EXIT1(...) \
  support_exit_failure_impl (1, __FILE__, __LINE__, __VA_ARGS__)
#define FAIL_UNSUPPORTED(...) \
  support_exit_failure_impl (EXIT_UNSUPPORTED, __FILE__, __LINE__, \
			     __VA_ARGS__)

#define TEST_VERIFY(expr)						\
  ({ if (!(expr))							\
       support_print_failure_impl (__FILE__, __LINE__,			\
				   "test verification failed: %s", #expr); \
  })
#define TEST_VERIFY_EXIT(expr)						\
  ({ if (!(expr))							\
       support_exit_failure_impl (1, __FILE__, __LINE__,		\
				  "test verification failed: %s", #expr); \
  })
#define TEST_COMPARE(left, right)					\
  ({ long long __l = (long long) (left);				\
     long long __r = (long long) (right);				\
     if (__l != __r)							\
       support_test_compare_failure (__FILE__, __LINE__, #left, __l,	\
				     #right, __r);			\
  })

#endif
