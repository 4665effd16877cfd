# libtramp-nested: GCC's -ftrampoline-impl=heap runtime on <sys/tramp.h>
# (gcc/).  Programs link it ahead of libgcc, whose definitions of the
# same functions map writable and executable pages:
#   gcc -ftrampoline-impl=heap prog.c -ltramp-nested -ltramp
# Position-independent, so it can also go into shared objects.

NESTED_HEADERS := $(TOP)/gcc/heap-trampoline-libc.h $(TOP)/misc/sys/tramp.h

$(O)/pic/nested-tramp.o: $(TOP)/gcc/nested-tramp.c $(NESTED_HEADERS) | $(O)
	$(CC) $(ALL_CFLAGS) -I$(TOP)/misc -I$(TOP) -fPIC -c $< -o $@
$(O)/libtramp-nested.a: $(O)/pic/nested-tramp.o
	rm -f $@
	$(AR) rcs $@ $^

.PHONY: install-nested
all: $(O)/libtramp-nested.a
install: install-nested
install-nested: $(O)/libtramp-nested.a
	install -d $(DESTDIR)$(LIBDIR)
	install -m 644 $(O)/libtramp-nested.a $(DESTDIR)$(LIBDIR)/
