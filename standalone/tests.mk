# Tests of libtramp.  The glibc tests in misc/ build here against the
# support/ shim; tests/ holds those that only make sense standalone.

SUPPORT_INC := -I$(TOP)/standalone/support
TEST_CFLAGS := $(ALL_CFLAGS) $(INCLUDES) $(SUPPORT_INC) -pthread
TEST_LIBS := -L$(O) -ltramp -Wl,-rpath,$(O) -pthread

# Tests linked with libtramp.so, and with libtramp.a (-static).
# tst-tramp-mapcount uses up the process's mappings, which the
# sanitizers' runtimes need for themselves.  ThreadSanitizer takes the
# mmap that releases a table for a write of the whole range, racing
# with the lookups that tst-tramp-model makes on purpose (they read
# either the old pages or the zero pages, never a hole).
DYN_TESTS := tst-tramp tst-tramp-threads tst-tramp-fork tst-tramp-fork-child \
	     tst-tramp-cancel tst-tramp-thread-exit tst-tramp-ctor \
	     tst-tramp-mlock \
	     $(if $(filter tsan,$(SANITIZE)),,tst-tramp-model) \
	     tst-tramp-race tst-tramp-corrupt tst-tramp-limits \
	     $(if $(SANITIZE),,tst-tramp-mapcount)
STATIC_TESTS := $(if $(SANITIZE),,tst-tramp-static tst-tramp-ctor-static \
				  tst-firstuse-static)
# Standalone-only tests, from tests/.  tst-fault defines mmap and
# friends, which the sanitizers' own interceptors would fight over.
EXTRA_TESTS := tst-replaced tst-firstuse tst-scale $(if $(SANITIZE),,tst-fault)
# The cancellation test again with the library that re-opens its file
# for every table (the qemu-user path), and fork handlers registered
# before libtramp is loaded with dlopen.
OTHER_TESTS := tst-tramp-cancel-reopen tst-tramp-atfork
ALL_TESTS := $(DYN_TESTS) $(STATIC_TESTS) $(EXTRA_TESTS) $(OTHER_TESTS)

$(O)/tests/support.o: $(TOP)/standalone/support/support.c | $(O)
	$(CC) $(TEST_CFLAGS) -c $< -o $@

$(addprefix $(O)/tests/,$(DYN_TESTS)): $(O)/tests/%: $(TOP)/misc/%.c \
    $(TOP)/misc/tst-tramp.h $(O)/tests/support.o $(O)/libtramp.so
	$(CC) $(TEST_CFLAGS) $< $(O)/tests/support.o $(TEST_LIBS) -o $@

$(O)/tests/tst-tramp-static: $(TOP)/misc/tst-tramp-static.c \
    $(TOP)/misc/tst-tramp.c $(TOP)/misc/tst-tramp.h $(O)/tests/support.o \
    $(O)/libtramp.a
	$(CC) $(TEST_CFLAGS) -static $< $(O)/tests/support.o $(O)/libtramp.a \
	  -pthread -o $@

$(O)/tests/tst-tramp-ctor-static: $(TOP)/misc/tst-tramp-ctor-static.c \
    $(TOP)/misc/tst-tramp-ctor.c $(TOP)/misc/tst-tramp.h \
    $(O)/tests/support.o $(O)/libtramp.a
	$(CC) $(TEST_CFLAGS) -static $< $(O)/tests/support.o $(O)/libtramp.a \
	  -pthread -o $@

$(O)/tests/reopen/libtramp.so.1: $(O)/tests/libtramp-reopen.so.1
	mkdir -p $(@D)
	cp $< $@
$(O)/tests/tst-tramp-cancel-reopen: $(TOP)/misc/tst-tramp-cancel.c \
    $(TOP)/misc/tst-tramp.h $(O)/tests/support.o $(O)/tests/reopen/libtramp.so.1
	$(CC) $(TEST_CFLAGS) $< $(O)/tests/support.o -L$(O)/tests/reopen \
	  -l:libtramp.so.1 -Wl,-rpath,$(O)/tests/reopen -pthread -o $@

$(O)/tests/tst-tramp-atfork: $(TOP)/misc/tst-tramp-atfork.c \
    $(O)/tests/support.o $(O)/libtramp.so
	$(CC) $(TEST_CFLAGS) -DLIBTRAMP_DIR='"$(O)"' $< $(O)/tests/support.o \
	  -ldl -pthread -o $@

$(addprefix $(O)/tests/,$(EXTRA_TESTS)): $(O)/tests/%: $(TOP)/tests/%.c \
    $(TOP)/misc/tst-tramp.h $(TOP)/tests/tst-firstuse.h $(O)/tests/support.o \
    $(O)/libtramp.so
	$(CC) $(TEST_CFLAGS) -DLIBTRAMP_DIR='"$(O)"' $< $(O)/tests/support.o \
	  $(TEST_LIBS) -ldl -o $@

# The first-use test again, on a static program that copies itself.
$(O)/tests/tst-firstuse-static: $(TOP)/tests/tst-firstuse.c \
    $(TOP)/tests/tst-firstuse.h $(TOP)/misc/tst-tramp.h $(O)/tests/support.o \
    $(O)/libtramp.a
	$(CC) $(TEST_CFLAGS) -DTST_STATIC -static $< $(O)/tests/support.o \
	  $(O)/libtramp.a -pthread -o $@

# The replaced-file test also needs the static test and a library that
# takes the re-open path qemu-user takes, as if mremap could not
# duplicate the template.
$(O)/tests/tst-replaced: $(O)/tests/libtramp-reopen.so.1 \
    $(addprefix $(O)/tests/,$(STATIC_TESTS))
$(O)/tests/libtramp-reopen.so.1: $(LIB_SRCS) $(HEADERS) libtramp.map | $(O)
	$(CC) $(ALL_CFLAGS) $(INCLUDES) -DTRAMP_TEST_NO_MREMAP -fPIC \
	  $(LDFLAGS_SO) $(LIB_SRCS) -o $@

$(O)/tests/wx-policy: $(TOP)/tests/wx-policy.c | $(O)
	$(CC) $(ALL_CFLAGS) $< -o $@

$(O)/tests/wx-control: $(TOP)/tests/wx-control.c | $(O)
	$(CC) $(ALL_CFLAGS) $< -o $@

# GCC's on-stack trampolines, in a program whose stack the kernel makes
# executable.  Without the branch protection flags: the stack is not a
# guarded page and the trampoline has no landing pad.
$(O)/tests/wx-execstack: $(TOP)/tests/wx-execstack.c | $(O)
	$(CC) $(filter-out -fcf-protection -mbranch-protection=%,$(ALL_CFLAGS)) \
	  -Wl,-z,execstack $< -o $@

TEST_BINS := $(addprefix $(O)/tests/,$(ALL_TESTS) wx-policy wx-control \
	       wx-execstack)

.PHONY: tests
tests: $(TEST_BINS)

check: tests
	RUN='$(RUN)' ARCH=$(ARCH)$(SANITIZE:%=-%) $(TOP)/tests/run-tests.sh \
	  $(O)/tests $(ALL_TESTS)

# The suite built with AddressSanitizer and with ThreadSanitizer, in
# their own build directories.  Static linking is not possible with
# them, so the static test is left out (it runs in the plain build).
.PHONY: check-sanitize
check-sanitize:
	$(MAKE) check SANITIZE=asan O=$(O)-asan \
	  CFLAGS='-O1 -g -fsanitize=address -fno-omit-frame-pointer'
	$(MAKE) check SANITIZE=tsan O=$(O)-tsan CFLAGS='-O1 -g -fsanitize=thread'

$(O)/demo: $(TOP)/demo/demo.c $(O)/libtramp.so
	$(CC) $(ALL_CFLAGS) -I$(TOP)/misc -I$(TOP) $< -L$(O) -ltramp -Wl,-rpath,$(O) \
	  -o $@

demo: $(O)/demo $(O)/tests/wx-policy
	$(RUN) $(O)/demo $(O)/tests/wx-policy

# The benchmark against libffi (Debian's libffi-dev).
$(O)/bench: $(TOP)/bench/bench.c $(TOP)/bench/bench-common.h $(O)/libtramp.so
	$(CC) $(ALL_CFLAGS) -I$(TOP)/misc -I$(TOP) $< -L$(O) -ltramp -Wl,-rpath,$(O) \
	  -lffi -pthread -o $@

.PHONY: bench
bench: $(O)/bench
	$(RUN) $(O)/bench $(BENCH_SCALE)

# Per-architecture tests, from sysdeps/<arch>/ (and for arm, the basic
# tests again with ARM-state callers: the default is Thumb-2).  A build
# without a table (make ARCH=generic) has only tst-tramp-nosys, which
# scripts/check.d/32-generic.sh builds and runs.
ARCH_TESTS_i386 := tst-tramp-stdcall
ARCH_TESTS_aarch64 := tst-tramp-bti tst-tramp-bti-broken
ARCH_TESTS_arm := tst-tramp-marm tst-tramp-interwork-thumb \
		  tst-tramp-interwork-arm
ALL_TESTS += $(ARCH_TESTS_$(ARCH))
tests: $(addprefix $(O)/tests/,$(ARCH_TESTS_$(ARCH)))

$(O)/tests/tst-tramp-nosys: $(TOP)/misc/tst-tramp-nosys.c \
    $(O)/tests/support.o $(O)/libtramp.so
	$(CC) $(TEST_CFLAGS) $< $(O)/tests/support.o $(TEST_LIBS) -o $@

$(O)/tests/tst-tramp-stdcall: $(TOP)/sysdeps/i386/tst-tramp-stdcall.c \
    $(O)/tests/support.o $(O)/libtramp.so
	$(CC) $(TEST_CFLAGS) $< $(O)/tests/support.o $(TEST_LIBS) -o $@

# The BTI tests link the allocator and a table directly: the real one,
# or one assembled without landing pads.
$(O)/tests/tramp-table-nobti.o: $(TABLE_SRC) $(HEADERS) | $(O)
	$(CC) $(ALL_CFLAGS) $(INCLUDES) -DTRAMP_TEST_NO_BTI -c $< -o $@
$(O)/tests/tst-tramp-bti: $(TOP)/sysdeps/aarch64/tst-tramp-bti.c \
    $(O)/tests/support.o $(O)/static/tramp.o $(O)/static/tramp-table.o
	$(CC) $(TEST_CFLAGS) -static $< $(filter %.o,$^) -pthread -o $@
$(O)/tests/tst-tramp-bti-broken: $(TOP)/sysdeps/aarch64/tst-tramp-bti.c \
    $(O)/tests/support.o $(O)/static/tramp.o $(O)/tests/tramp-table-nobti.o
	$(CC) $(TEST_CFLAGS) -DTST_TRAMP_BROKEN_BTI -static $< \
	  $(filter %.o,$^) -pthread -o $@

$(O)/tests/tst-tramp-marm: $(TOP)/misc/tst-tramp.c $(TOP)/misc/tst-tramp.h \
    $(O)/tests/support.o $(O)/libtramp.so
	$(CC) $(TEST_CFLAGS) -marm $< $(O)/tests/support.o $(TEST_LIBS) -o $@
$(O)/tests/tst-tramp-interwork-%: $(TOP)/sysdeps/arm/tst-tramp-interwork.c \
    $(O)/tests/support.o $(O)/libtramp.so
	$(CC) $(TEST_CFLAGS) -m$* -DTST_TRAMP_THUMB_LIB $< \
	  $(O)/tests/support.o $(TEST_LIBS) -o $@

# The benchmark without libffi, for every architecture:
# make bench-arch [CC=... RUN=...]
$(O)/bench-arch: $(TOP)/bench/bench-arch.c $(TOP)/bench/bench-common.h $(O)/libtramp.so
	$(CC) $(ALL_CFLAGS) -I$(TOP)/misc -I$(TOP) $< -L$(O) -ltramp -Wl,-rpath,$(O) \
	  -o $@

.PHONY: bench-arch
bench-arch: $(O)/bench-arch
	$(RUN) $(O)/bench-arch $(BENCH_SCALE)
