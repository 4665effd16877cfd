# Documentation: the glibc manual chapter (manual/tramp.texi and its
# patches), the man pages (man/) and the README sections
# (README.md).  Each check below is one counted test;
# the last line is "docs: N passed, N failed, N skipped".
. scripts/lib.sh
need_packages texinfo mandoc groff-base perl gcc make libc6-dev patch

top=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
docs=$top/scripts/docs
chapter=$top/manual/tramp.texi
# The header as the documentation sees it: <sys/tramp.h> followed by
# the register macros of each architecture's bits/tramp.h, each under
# "#if defined __ARCH__" as check-api.pl expects.
header=$work/sys-tramp.h
{
  cat "$top/misc/sys/tramp.h"
  sed -n '/^#if defined __x86_64__/,/^#endif/p' "$top/sysdeps/x86/bits/tramp.h"
  for a in aarch64 arm; do
    echo "#if defined __${a}__"
    grep '^# *define TRAMP_' "$top/sysdeps/$a/bits/tramp.h"
    echo "#endif"
  done
} > "$header"
neighbours=("$top/manual/dynlink.texi.patch" "$top/manual/probes.texi.patch")
passed=0 failed=0 skipped=0

# check NAME FUNCTION [ARGS...]: run one test.  The function returns 0
# (pass), 77 (skipped: it prints why) or anything else (fail).
check () {
  local name=$1; shift
  local log=$work/log start=$SECONDS
  "$@" >"$log" 2>&1
  local rc=$? verdict=FAIL
  case $rc in
    0) verdict=PASS; passed=$((passed + 1)) ;;
    77) verdict=SKIPPED; skipped=$((skipped + 1)) ;;
    *) failed=$((failed + 1)) ;;
  esac
  printf '%-8s %-52s (%ds)\n' "$verdict:" "$name" $((SECONDS - start))
  [ $verdict = PASS ] || sed 's/^/    /' "$log"
}

# The chapter wrapped in a minimal document: NEIGHBOUR patches give the
# stub chapters around it.
wrap () {
  local out=$1; shift
  perl "$docs/texi-wrap.pl" "$chapter" macros.texi "$@" >"$out"
}

# makeinfo with node-pointer checking; any message is a failure.
makeinfo_clean () {
  local doc=$1; shift
  local msgs=$work/makeinfo.msgs
  makeinfo -c CHECK_NORMAL_MENU_STRUCTURE=1 -I "$docs" "$@" "$doc" \
    2>"$msgs" >/dev/null
  local rc=$?
  cat "$msgs"
  [ $rc -eq 0 ] && [ ! -s "$msgs" ]
}

# All three output formats (node pointers are only checked for some).
makeinfo_all () {
  local doc=$1 base=${1%.texi} fmt
  for fmt in "--no-split -o $base.info" "--plaintext -o $base.txt" \
	     "--html --no-split -o $base.html"; do
    # shellcheck disable=SC2086
    makeinfo_clean "$doc" $fmt || { echo "makeinfo $fmt"; return 1; }
  done
}

t_makeinfo () {
  wrap "$work/doc.texi" "${neighbours[@]}" || return 1
  makeinfo_all "$work/doc.texi" || return 1
  # The functions made it into the output.
  grep -q 'Function: void \* tramp_alloc' "$work/doc.txt"
}

t_deftype () { perl "$docs/check-texi.pl" deftype "$chapter"; }
t_safety () { perl "$docs/check-texi.pl" safety "$chapter"; }
t_api_manual () { perl "$docs/check-api.pl" manual "$header" "$chapter"; }
t_api_man () { perl "$docs/check-api.pl" man "$header" "$top/man"; }

# The x86-64 figures the chapter quotes follow from tramp-table.h:
# slot size, trampolines per table, and (two mappings per table under
# the default vm.max_map_count of 65530) the millions of trampolines.
t_geometry () {
  local h=$top/sysdeps/x86_64/tramp-table.h
  [ -f "$h" ] || { echo "no $h"; return 1; }
  printf '#include "%s"\n#include <stdio.h>\n#ifndef TRAMP_PAIR_SIZE\n# define TRAMP_PAIR_SIZE TRAMP_SLOT_SIZE\n#endif\nint main (void) { int n = TRAMP_TABLE_SIZE / TRAMP_SLOT_SIZE - TRAMP_FIRST_SLOT; printf ("%%d %%d %%d %%d\\n", TRAMP_SLOT_SIZE, TRAMP_PAIR_SIZE, n, n * (65530 / 2) / 1000000); return 0; }\n' \
    "$h" >"$work/geom.c"
  gcc -m64 "$work/geom.c" -o "$work/geom" || return 1
  local slot pair per millions words text
  read -r slot pair per millions <<<"$("$work/geom")"
  echo "slot $slot, pair $pair, $per per table, $millions million"
  words=([1]=one two three four five six seven eight nine ten)
  text=$(tr '\n' ' ' <"$chapter" | tr -s ' ')
  grep -q "slots are $slot bytes apart" <<<"$text" \
    && grep -q "a table holds $per trampolines, whose pairs of pointers are $pair bytes apart, so each live trampoline uses $pair bytes" <<<"$text" \
    || { echo "chapter does not say: $slot-byte slots, $per per table, $pair-byte pairs"; return 1; }
  tr '\n' ' ' <"$chapter" | grep -q "roughly ${words[$millions]} million trampolines on x86-64" \
    || { echo "chapter does not say: roughly ${words[$millions]} million"; return 1; }
}

# Each mutation of the chapter must make the named check fail: the
# checks can fail, and they catch what they claim to.
t_checks_reject () {
  local bad=$work/bad.texi ok=0
  mutant () {
    local what=$1 cmd=$2 expr=$3
    sed -e "$expr" "$chapter" >"$bad"
    if cmp -s "$bad" "$chapter"; then
      echo "mutation did not apply: $what"; ok=1; return
    fi
    if $cmd >/dev/null 2>&1; then
      echo "not caught: $what"; ok=1
    else
      echo "caught: $what"
    fi
  }
  local dt="perl $docs/check-texi.pl deftype $bad"
  local sf="perl $docs/check-texi.pl safety $bad"
  local api="perl $docs/check-api.pl manual $header $bad"
  mutant "unbraced multi-word return type" "$dt" \
    's/^@deftypefun {void \*} tramp_code/@deftypefun void * tramp_code/'
  mutant "parameter without @var" "$dt" \
    's/^\(@deftypefun int tramp_free\) (void \*@var{tramp})/\1 (void *tramp)/'
  mutant "no space before the parameter list" "$dt" \
    's/^\(@deftypefun int tramp_free\) (/\1(/'
  mutant "MT, AS, AC out of order" "$sf" \
    's/@mtsafe{}@asunsafe{@asulock{} @asucorrupt{}}@acunsafe{/@asunsafe{@asulock{} @asucorrupt{}}@mtsafe{}@acunsafe{/'
  mutant "unsafe without a reason" "$sf" \
    's/@acunsafe{@acucorrupt{}}}/@acunsafe{}}/'
  mutant "safe with an unsafe remark" "$sf" \
    '/^@deftypefun {void \*} tramp_code/,/^@end/s/@assafe{}/@assafe{@asulock{}}/'
  mutant "AS remark in the AC part" "$sf" \
    's/@acunsafe{@aculock{} @acucorrupt{}/@acunsafe{@asulock{} @acucorrupt{}/'
  mutant "duplicate remark" "$sf" \
    's/@asunsafe{@asulock{} @asucorrupt{}}@acunsafe{@aculock{} @acucorrupt{} @acsmem{}}}$/@asunsafe{@asulock{} @asulock{}}@acunsafe{@aculock{} @acucorrupt{} @acsmem{}}}/'
  mutant "unknown remark" "$sf" 's/@acsfd{}/@acsfile{}/'
  mutant "missing @standards" "$sf" \
    '/^@deftypefun int tramp_set/{n;d}'
  mutant "analysis comment disagrees with @safety" "$sf" \
    's/^@c tramp_free @asulock @asucorrupt @aculock @acucorrupt @acsmem$/@c tramp_free @asulock @aculock @acsmem/'
  mutant "function not in the header" "$api" \
    's/^@deftypefun {void \*} tramp_data (/@deftypefun {void *} tramp_getdata (/'
  mutant "wrong parameter type" "$api" \
    's/^@deftypefun {void \*} tramp_code (const void \*/@deftypefun {void *} tramp_code (void */'
  mutant "wrong data register" "$api" \
    's/^@item AArch64 @tab @code{x18}/@item AArch64 @tab @code{x19}/'
  # A neighbour whose pointer was not updated breaks the chain, and
  # makeinfo must say so.
  sed 's/, Trampolines, Top$/, Dynamic Linker, Top/' "${neighbours[1]}" \
    >"$work/stale.patch"
  wrap "$work/stale.texi" "${neighbours[0]}" "$work/stale.patch"
  if makeinfo_all "$work/stale.texi" >/dev/null; then
    echo "not caught: stale Prev pointer in probes.texi"; ok=1
  else
    echo "caught: stale Prev pointer in probes.texi"
  fi
  return $ok
}

# The glibc patches for manual/: each is well formed (it applies to the
# text it says it replaces), and together they splice the chapter in
# between the nodes its own "@c @node" line names.
t_manual_patches () {
  local p f d=$work/patches ok=0
  for p in "$top"/manual/*.patch; do
    rm -rf "$d"; mkdir -p "$d"
    f=$(sed -n 's|^--- a/||p' "$p" | head -n 1)
    mkdir -p "$d/$(dirname "$f")"
    # The old side of each hunk, at its line number.
    perl -ne 'if (/^@@ -(\d+)/) { $want = $1; next }
	      next unless defined $want;
	      next if /^\+/;
	      s/^[ -]//;
	      while ($n + 1 < $want) { print "\n"; $n++ }
	      print; $n++; $want = $n + 1;' "$p" >"$d/$f"
    if ! (cd "$d" && patch -s -p1 -F0 <"$p"); then
      echo "$p does not apply to its own context"; ok=1
    fi
  done
  local own
  own=$(sed -n '2s/^@c @node //p' "$chapter")
  grep -q '^+.*dynlink tramp probes' "$top/manual/Makefile.patch" \
    || { echo "Makefile.patch does not add tramp to chapters"; ok=1; }
  [ "$own" = "Trampolines, Internal Probes, Dynamic Linker, Top" ] \
    || { echo "unexpected node line: $own"; ok=1; }
  grep -q '^+@c @node Dynamic Linker, Trampolines,' "${neighbours[0]}" \
    || { echo "dynlink.texi.patch does not point Next at Trampolines"; ok=1; }
  grep -q '^+@c @node Internal Probes, [^,]*, Trampolines,' "${neighbours[1]}" \
    || { echo "probes.texi.patch does not point Prev at Trampolines"; ok=1; }
  # With a real glibc source tree that has its manual, apply for real,
  # without fuzz, as the glibc patch set is applied.
  local tree
  for tree in "$TRAMP_CACHE"/glibc-*/; do
    [ -f "$tree/manual/dynlink.texi" ] || continue
    for p in "$top"/manual/*.patch; do
      (cd "$tree" && patch -s -p1 -F0 --dry-run <"$p") \
	|| { echo "$p does not apply to $tree"; ok=1; }
    done
  done
  return $ok
}

t_man_lint () {
  local ok=0 p out
  mkdir -p "$work/man/man3"
  cp "$top"/man/*.3 "$work/man/man3/"
  cd "$work/man" || return 1
  for p in man3/*.3; do
    out=$(mandoc -T lint -W warning "$p" 2>&1 | grep -v \
	  ': WARNING: .so is fragile, better use ln(1): so man3/tramp_alloc.3$')
    [ -z "$out" ] || { echo "$out"; ok=1; }
    out=$(groff -ww -z -t -man "$p" 2>&1)
    [ -z "$out" ] || { echo "groff $p: $out"; ok=1; }
  done
  cd "$top" || return 1
  return $ok
}

build_lib () {
  local o=$1; shift
  [ -f "$o/libtramp.so" ] && return 0
  make -s -C standalone O="$o" "$@" all >"$o.log" 2>&1 \
    || { cat "$o.log"; return 1; }
}

t_install () {
  local dest=$work/dest m=usr/share/man/man3 f
  build_lib "$work/build" || return 1
  make -s -C standalone O="$work/build" PREFIX=/usr DESTDIR="$dest" install \
    || return 1
  for f in "$top"/man/*.3; do
    cmp "$f" "$dest/$m/$(basename "$f")" || return 1
  done
  # The links resolve from the installed tree, as man(1) reads them.
  (cd "$dest/usr/share/man" && mandoc -T ascii man3/tramp_free.3) \
    | grep -q 'Fatal error: call through a freed trampoline'
}

ex=$work/examples
mkdir -p "$ex/texi" "$ex/man" "$ex/md"
extract_all () {
  perl "$docs/extract-examples.pl" texi "$chapter" "$ex/texi" &&
  perl "$docs/extract-examples.pl" man "$top/man/tramp_alloc.3" "$ex/man" &&
  perl "$docs/extract-examples.pl" md "$top/README.md" \
    "$ex/md"
}
t_extract () { extract_all; }

# run_example DIR/PROG.c [MORE SOURCES...]: build against libtramp
# natively, run, compare with DIR/PROG.c.expected.
run_example () {
  local src=$1; shift
  [ "$(uname -m)" = x86_64 ] \
    || { echo "examples are x86-64 code; this is $(uname -m)"; return 77; }
  [ -f "$src.expected" ] || { echo "no promised output for $src"; return 1; }
  build_lib "$work/build" || return 1
  local bin=$src.bin
  gcc -std=gnu11 -Wall -Wextra -Werror -fcf-protection -I"$top/misc" -I"$top" \
    "$src" "$@" -L"$work/build" -ltramp -Wl,-rpath,"$work/build" -o "$bin" \
    || return 1
  local got
  got=$("$bin") || { echo "exit status $?"; return 1; }
  echo "output: $got"
  [ "$got" = "$(cat "$src.expected")" ]
}

# A nested-function example: with the system compiler (trampoline on
# the stack), and with GCC 14's heap trampolines when the trixie chroot
# the GCC tests use is present.
run_nested () {
  local src=$1 how=$2
  local want
  want=$(cat "$src.expected") || return 1
  if [ "$how" = stack ]; then
    gcc -std=gnu11 -Wall -Wextra -Werror -Wl,--no-warn-execstack \
      "$src" -o "$src.bin" || return 1
    local got
    got=$("$src.bin") || return 1
    echo "output: $got"
    [ "$got" = "$want" ]
    return
  fi
  local root=$TRAMP_CACHE/trixie-gcc14
  [ -x "$root/usr/bin/gcc-14" ] && [ "$(id -u)" -eq 0 ] \
    || { echo "no GCC 14 chroot at $root (made by the GCC tests)"; return 77; }
  local d
  d=$(mktemp -d "$root/tmp/docs.XXXXXX") || return 1
  cp "$src" "$d/prog.c"
  local in=${d#"$root"}
  chroot "$root" gcc-14 -std=gnu11 -Wall -Wextra -Werror \
    -ftrampoline-impl=heap "$in/prog.c" -o "$in/prog" || { rm -rf "$d"; return 1; }
  # Heap trampolines: the program must not need an executable stack.
  if chroot "$root" readelf -lW "$in/prog" | grep -q 'GNU_STACK.*RWE'; then
    echo "needs an executable stack"; rm -rf "$d"; return 1
  fi
  local got
  got=$(chroot "$root" "$in/prog"); local rc=$?
  rm -rf "$d"
  echo "output: $got"
  [ $rc -eq 0 ] && [ "$got" = "$want" ]
}

# Cross architectures: build libtramp and the manual's assembler
# examples for ARCH, link them, and run them when an emulator or the
# native loader is available.
run_cross () {
  local arch=$1 cc=$2 flags=$3 run=$4
  command -v "$cc" >/dev/null || { echo "$cc not installed"; return 77; }
  local o=$work/build-$arch
  build_lib "$o" CC="$cc" || return 1
  local d=$ex/$arch
  mkdir -p "$d"
  # shellcheck disable=SC2086
  $cc -std=gnu11 -Wall -Wextra -Werror $flags -I"$top/misc" -I"$top" \
    "$ex/texi/counter.c" "$ex/texi/counter-$arch.S" -L"$o" -ltramp \
    -Wl,-rpath,"$o" -o "$d/counter" || return 1
  if [ "$arch" = i386 ]; then
    # The C part of the x86-64 closure example with the i386 stub.
    perl -0pe 's/\nasm \(.*?\);\n/\n/s' "$ex/texi/closure-x86_64.c" \
      >"$d/closure.c"
    # shellcheck disable=SC2086
    $cc -std=gnu11 -Wall -Wextra -Werror $flags -I"$top/misc" -I"$top" \
      "$d/closure.c" "$ex/texi/closure-stub-i386.S" -L"$o" -ltramp \
      -Wl,-rpath,"$o" -o "$d/closure" || return 1
  fi
  echo "built for $arch"
  local p got
  for p in counter closure; do
    [ -x "$d/$p" ] || continue
    if [ -n "$run" ] && ! command -v "${run%% *}" >/dev/null; then
      echo "not run: ${run%% *} not installed"; return 77
    fi
    got=$($run "$d/$p" 2>&1)
    case $got in
      *"Function not implemented"*)
	echo "not run: $got (no $arch table in this tree yet)"; return 77 ;;
      *"Exec format error"*)
	# A kernel without 32-bit support runs no i386 program natively.
	echo "not run: $got (this kernel cannot run $arch programs)"
	return 77 ;;
    esac
    echo "$p output: $got"
    local want_file=$ex/texi/$p.c.expected
    [ "$p" = closure ] && want_file=$ex/texi/closure-x86_64.c.expected
    [ "$got" = "$(cat "$want_file")" ] || return 1
  done
}

t_readme_install () {
  # The maintainers' commands name real targets and variables: "check"
  # must be a target (its tests may still be missing from this tree),
  # the others must work as a dry run.
  local line target targets
  targets=$(make -C standalone -pRrq O="$work/build-n" : 2>/dev/null \
	    | sed -n 's/^\([a-z][a-z-]*\):.*/\1/p')
  while read -r line; do
    [ -n "$line" ] || continue
    target=$(tr ' ' '\n' <<<"${line#make -C standalone}" \
	     | grep -v '=' | grep . | tail -n 1)
    target=${target:-all}
    grep -qx "$target" <<<"$targets" \
      || { echo "no target $target: $line"; return 1; }
    [ "$target" = check ] && continue
    eval "make -n ${line#make } O=$work/build-n" >/dev/null \
      || { echo "fails: $line"; return 1; }
    echo "ok: $line"
  done <"$ex/md/readme-install.sh"
  grep -q '^make -C standalone install' "$ex/md/readme-install.sh"
}

check "manual: makeinfo builds the chapter cleanly" t_makeinfo
check "manual: @deftypefun syntax" t_deftype
check "manual: @standards and @safety annotations" t_safety
check "manual: documents exactly the header's API" t_api_manual
check "manual: x86-64 figures match tramp-table.h" t_geometry
check "manual: checks reject broken chapters" t_checks_reject
check "manual: patches to manual/ are consistent" t_manual_patches
check "man: mandoc -T lint and groff -ww clean" t_man_lint
check "man: documents exactly the header's API" t_api_man
check "man: make install installs the pages" t_install
check "examples: extracted from manual, man, README" t_extract
check "example: manual counter (x86-64)" run_example \
  "$ex/texi/counter.c" "$ex/texi/counter-x86_64.S"
check "example: manual FFI entry stub (x86-64)" run_example \
  "$ex/texi/closure-x86_64.c"
check "example: man page counter (x86-64)" run_example "$ex/man/counter.c"
check "example: README counter (x86-64)" run_example "$ex/md/readme-counter.c"
check "example: README FFI closure (x86-64)" run_example \
  "$ex/md/readme-closure.c"
check "example: manual nested function (stack)" run_nested \
  "$ex/texi/nested.c" stack
check "example: README nested function (stack)" run_nested \
  "$ex/md/readme-nested.c" stack
check "example: manual nested function (gcc-14 heap)" run_nested \
  "$ex/texi/nested.c" heap
check "example: README nested function (gcc-14 heap)" run_nested \
  "$ex/md/readme-nested.c" heap
check "example: manual assembler, i386" run_cross i386 i686-linux-gnu-gcc \
  "-fcf-protection" ""
check "example: manual assembler, aarch64" run_cross aarch64 \
  aarch64-linux-gnu-gcc "-mbranch-protection=standard" \
  "qemu-aarch64 -cpu max -L /usr/aarch64-linux-gnu"
check "example: manual assembler, arm" run_cross arm arm-linux-gnueabihf-gcc \
  "" "qemu-arm -L /usr/arm-linux-gnueabihf"
check "example: README maintainer commands" t_readme_install

echo "docs: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
