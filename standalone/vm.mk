# What the full-system VMs run besides the suite (scripts/check.d/
# 35-vm.sh, tests/vm-suite.sh): the system call counter that tells how
# the tables were mapped, and the probe of the kernel's mappings.
# `make tests-vm` builds them with the suite and the trampfd tests, and
# lists in tests/vm-tests.list the tests the guest runs.

VM_TOOLS := syscount tst-vm-probe $(STATIC_TESTS:tst-tramp-static=tst-vm-probe-static)

$(O)/tests/syscount: $(TOP)/tests/syscount.c | $(O)
	$(CC) $(ALL_CFLAGS) $< -o $@
$(O)/tests/tst-vm-probe: $(TOP)/tests/tst-vm-probe.c $(HEADERS) $(O)/libtramp.so
	$(CC) $(TEST_CFLAGS) $< $(TEST_LIBS) -o $@
$(O)/tests/tst-vm-probe-static: $(TOP)/tests/tst-vm-probe.c $(HEADERS) \
    $(O)/libtramp.a
	$(CC) $(TEST_CFLAGS) -static $< $(O)/libtramp.a -pthread -o $@

.PHONY: tests-vm
tests-vm: tests tests-trampfd $(addprefix $(O)/tests/,$(VM_TOOLS))
	@echo $(ALL_TESTS) $(TRAMPFD_TESTS) >$(O)/tests/vm-tests.list
