# The trampfd backend, tested against an emulation of the kernel side
# at the system call boundary (tests/trampfd-emul.c: seccomp traps,
# SIGSYS handler).  `make check-trampfd` runs the basic, thread and
# fork tests again with the backend in use, tst-trampfd (fallbacks,
# sanity checks, selection, the emulated kernel's own checks) and
# tst-trampfd-portable (generated code against the assembler's; the
# real kernel's ENOSYS), which also runs where seccomp does not.

TRAMPFD_WRAPPED := tst-tramp tst-tramp-threads tst-tramp-fork
TRAMPFD_TESTS := $(TRAMPFD_WRAPPED:%=%-trampfd) tst-trampfd \
		 tst-trampfd-portable

$(O)/tests/trampfd-emul.o: $(TOP)/tests/trampfd-emul.c \
    $(TOP)/tests/trampfd-emul.h $(HEADERS) | $(O)
	$(CC) $(TEST_CFLAGS) -c $< -o $@
$(O)/tests/trampfd-require.o: $(TOP)/tests/trampfd-require.c \
    $(TOP)/tests/trampfd-emul.h | $(O)
	$(CC) $(TEST_CFLAGS) -c $< -o $@

$(addprefix $(O)/tests/,$(TRAMPFD_WRAPPED:%=%-trampfd)): \
    $(O)/tests/%-trampfd: $(TOP)/misc/%.c $(TOP)/misc/tst-tramp.h \
    $(O)/tests/support.o $(O)/tests/trampfd-emul.o \
    $(O)/tests/trampfd-require.o $(O)/libtramp.so
	$(CC) $(TEST_CFLAGS) $< $(filter %.o,$^) $(TEST_LIBS) -o $@

$(O)/tests/tst-trampfd $(O)/tests/tst-trampfd-portable: \
    $(TOP)/tests/tst-trampfd.c \
    $(TOP)/tests/trampfd-emul.h $(TOP)/misc/tst-tramp.h \
    $(O)/tests/support.o $(O)/tests/trampfd-emul.o $(O)/libtramp.so
	$(CC) $(TEST_CFLAGS) $(if $(filter %-portable,$@),-DTST_TRAMPFD_PORTABLE) \
	  $< $(filter %.o,$^) $(TEST_LIBS) -o $@

.PHONY: tests-trampfd check-trampfd
tests-trampfd: $(addprefix $(O)/tests/,$(TRAMPFD_TESTS) wx-policy wx-control \
	       wx-execstack)
check-trampfd: tests-trampfd
	RUN='$(RUN)' ARCH=$(ARCH)-trampfd $(TOP)/tests/run-tests.sh \
	  $(O)/tests $(TRAMPFD_TESTS)

# Against a real kernel with the kernel/ series (tests/trampfd-kernel.sh
# runs them in a VM): the basic, thread and fork tests with a check
# that the kernel's pages were used, tst-trampfd-kernel, the W^X policy
# and the benchmark.
TRAMPFD_KERNEL_TESTS := $(TRAMPFD_WRAPPED:%=%-kernel) tst-trampfd-kernel

$(O)/tests/trampfd-kernel-require.o: $(TOP)/tests/trampfd-kernel-require.c | $(O)
	$(CC) $(TEST_CFLAGS) -c $< -o $@

$(addprefix $(O)/tests/,$(TRAMPFD_WRAPPED:%=%-kernel)): \
    $(O)/tests/%-kernel: $(TOP)/misc/%.c $(TOP)/misc/tst-tramp.h \
    $(O)/tests/support.o $(O)/tests/trampfd-kernel-require.o $(O)/libtramp.so
	$(CC) $(TEST_CFLAGS) $< $(filter %.o,$^) $(TEST_LIBS) -o $@

$(O)/tests/tst-trampfd-kernel: $(TOP)/tests/tst-trampfd-kernel.c \
    $(TOP)/misc/tst-tramp.h $(O)/tests/support.o $(O)/libtramp.so
	$(CC) $(TEST_CFLAGS) $< $(filter %.o,$^) $(TEST_LIBS) -o $@

.PHONY: tests-trampfd-kernel
tests-trampfd-kernel: $(addprefix $(O)/tests/,$(TRAMPFD_KERNEL_TESTS) \
    wx-policy) $(O)/bench-arch
