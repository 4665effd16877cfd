# Tests of libtramp.  The glibc tests in misc/ build here against the
# support/ shim; tests/ holds those that only make sense standalone.

SUPPORT_INC := -I$(TOP)/standalone/support
TEST_CFLAGS := $(ALL_CFLAGS) $(INCLUDES) $(SUPPORT_INC) -pthread
TEST_LIBS := -L$(O) -ltramp -Wl,-rpath,$(O) -pthread

# Tests linked with libtramp.so, and with libtramp.a (-static).
DYN_TESTS := tst-tramp tst-tramp-threads tst-tramp-fork
STATIC_TESTS := tst-tramp-static
# Standalone-only tests, from tests/.
EXTRA_TESTS := tst-replaced tst-scale
ALL_TESTS := $(DYN_TESTS) $(STATIC_TESTS) $(EXTRA_TESTS)

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

$(addprefix $(O)/tests/,$(EXTRA_TESTS)): $(O)/tests/%: $(TOP)/tests/%.c \
    $(TOP)/misc/tst-tramp.h $(O)/tests/support.o $(O)/libtramp.so
	$(CC) $(TEST_CFLAGS) -DLIBTRAMP_DIR='"$(O)"' $< $(O)/tests/support.o \
	  $(TEST_LIBS) -ldl -o $@

$(O)/tests/wx-policy: $(TOP)/tests/wx-policy.c | $(O)
	$(CC) $(ALL_CFLAGS) $< -o $@

$(O)/tests/wx-control: $(TOP)/tests/wx-control.c | $(O)
	$(CC) $(ALL_CFLAGS) $< -o $@

TEST_BINS := $(addprefix $(O)/tests/,$(ALL_TESTS) wx-policy wx-control)

.PHONY: tests
tests: $(TEST_BINS)

check: tests
	RUN='$(RUN)' ARCH=$(ARCH) $(TOP)/tests/run-tests.sh $(O)/tests \
	  $(ALL_TESTS)

$(O)/demo: $(TOP)/demo/demo.c $(O)/libtramp.so
	$(CC) $(ALL_CFLAGS) -I$(TOP)/misc $< -L$(O) -ltramp -Wl,-rpath,$(O) \
	  -o $@

demo: $(O)/demo $(O)/tests/wx-policy
	$(RUN) $(O)/demo $(O)/tests/wx-policy

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
