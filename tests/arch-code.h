/* Machine code for "return 42", written at run time by the programs
   that show the old way of making trampolines being refused.  */

#ifndef ARCH_CODE_H
#define ARCH_CODE_H

#include <stdint.h>

#if defined __x86_64__ || defined __i386__
/* mov $42, %eax; ret */
static const uint8_t return42_code[] = { 0xb8, 0x2a, 0, 0, 0, 0xc3 };
#elif defined __aarch64__
/* mov w0, #42; ret */
static const uint32_t return42_code[] = { 0x52800540, 0xd65f03c0 };
#elif defined __arm__
/* mov r0, #42; bx lr (ARM state) */
static const uint32_t return42_code[] = { 0xe3a0002a, 0xe12fff1e };
#endif

#endif
