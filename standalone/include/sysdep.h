/* What glibc's <sysdep.h> and build add to an assembler file, for the
   trampoline tables built outside glibc.
   Copyright The GNU Toolchain Authors.

   glibc compiles its x86 assembler files with "-include cet.h" when
   CET is enabled, emits the AArch64 feature note from <sysdep.h>, and
   passes -Wa,--noexecstack; libtramp does the same here.  */

#ifndef _STANDALONE_SYSDEP_H
#define _STANDALONE_SYSDEP_H 1

#ifdef __ASSEMBLER__

# if (defined __x86_64__ || defined __i386__) && defined __CET__ \
     && __has_include (<cet.h>)
#  include <cet.h>
# endif

# ifdef __aarch64__
/* BTI and PAC compatible when the library is built with branch
   protection: the static linker keeps a feature only if every input
   object has it.  */
#  if defined __ARM_FEATURE_BTI_DEFAULT && __ARM_FEATURE_BTI_DEFAULT
#   define STANDALONE_FEATURE_BTI 1
#  else
#   define STANDALONE_FEATURE_BTI 0
#  endif
#  if defined __ARM_FEATURE_PAC_DEFAULT && __ARM_FEATURE_PAC_DEFAULT
#   define STANDALONE_FEATURE_PAC 2
#  else
#   define STANDALONE_FEATURE_PAC 0
#  endif
#  if STANDALONE_FEATURE_BTI | STANDALONE_FEATURE_PAC
	.pushsection .note.gnu.property, "a"
	.balign	8
	.long	4			/* n_namesz */
	.long	16			/* n_descsz */
	.long	5			/* NT_GNU_PROPERTY_TYPE_0 */
	.asciz	"GNU"
	.long	0xc0000000		/* GNU_PROPERTY_AARCH64_FEATURE_1_AND */
	.long	4			/* pr_datasz */
	.long	STANDALONE_FEATURE_BTI | STANDALONE_FEATURE_PAC
	.long	0			/* padding to 8 bytes */
	.popsection
#  endif
# endif

	.pushsection .note.GNU-stack, "", %progbits
	.popsection

#endif /* __ASSEMBLER__ */

#endif /* sysdep.h */
