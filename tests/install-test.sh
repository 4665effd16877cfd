#!/bin/bash
# Install libtramp into a scratch DESTDIR and build a program against it
# the way a user would, through pkg-config: shared, then static.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
passed=0 failed=0
result () {
  if [ "$1" -eq 0 ]; then echo "PASS:        $2"; passed=$((passed + 1))
  else echo "FAIL:        $2"; failed=$((failed + 1)); fi
}

make -s -C "$top/standalone" install PREFIX=/usr/local DESTDIR="$dest" \
  O="$top/build/install-test" >/dev/null
result $? "make install PREFIX=/usr/local DESTDIR=..."
for f in include/sys/tramp.h include/bits/tramp.h lib/libtramp.so.1 lib/libtramp.so lib/libtramp.a \
	 lib/pkgconfig/tramp.pc; do
  [ -e "$dest/usr/local/$f" ]; result $? "installed $f"
done
objdump -T "$dest/usr/local/lib/libtramp.so.1" | grep -q 'LIBTRAMP_1.0 *tramp_alloc'
result $? "tramp_alloc exported with version LIBTRAMP_1.0"
[ "$(objdump -T "$dest/usr/local/lib/libtramp.so.1" | grep -c ' DF .*\.text.*LIBTRAMP')" -eq 5 ]
result $? "exactly the five API functions exported"

export PKG_CONFIG_SYSROOT_DIR=$dest PKG_CONFIG_PATH=$dest/usr/local/lib/pkgconfig
cat > "$dest/prog.c" <<'C'
#include <stdio.h>
#include <sys/tramp.h>
static int answer (void) { return 42; }
int
main (void)
{
  int (*fn) (void) = tramp_alloc ((void *) answer, NULL);
  if (fn == NULL)
    {
      perror ("tramp_alloc");
      return 1;
    }
  int r = fn ();
  tramp_free (fn);
  return r == 42 ? 0 : 1;
}
C
cc "$dest/prog.c" $(pkg-config --cflags --libs tramp) -o "$dest/prog" &&
  LD_LIBRARY_PATH=$dest/usr/local/lib "$dest/prog"
result $? "program built with pkg-config runs (shared)"
cc -static "$dest/prog.c" $(pkg-config --static --cflags --libs tramp) \
  -o "$dest/prog-static" && "$dest/prog-static"
result $? "program built with pkg-config runs (static)"
echo "install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
