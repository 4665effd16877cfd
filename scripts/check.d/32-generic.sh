# An architecture without a trampoline table (sysdeps/generic), built
# on this machine with ARCH=generic: libtramp still builds and links,
# and the interface fails cleanly (misc/tst-tramp-nosys.c).
. scripts/lib.sh
need_packages make gcc libc6-dev
o=$PWD/build/generic
make -s -C standalone ARCH=generic O="$o" all "$o/tests/tst-tramp-nosys" \
  "$o/tests/wx-policy" "$o/tests/wx-control" "$o/tests/wx-execstack" \
  && nm -D "$o/libtramp.so" | grep -q ' T tramp_alloc@@' \
  || { echo "generic: 0 passed, 1 failed, 0 skipped"; exit 1; }
ARCH=generic tests/run-tests.sh "$o/tests" tst-tramp-nosys
