#!/bin/bash
# GCC nested functions built by the real GCC 14 with
# -ftrampoline-impl=heap, run under the W^X policy.
#
# GCC 14 and glibc 2.41 come from a Debian trixie chroot cached in
# $TRAMP_CACHE/trixie-gcc14 (made with debootstrap when missing).  The
# programs, libtramp and the runtimes are compiled inside the chroot
# with gcc-14, and run outside it: they are linked with the chroot's
# dynamic loader as their interpreter and its library directory as
# their run path, so they use trixie's glibc and libgcc_s while
# wx-policy (built by the host compiler) and /proc are the host's.  No
# mount is needed.
#
# Each test program is built three ways:
#   .ours     linked with libtramp-nested.a (gcc/nested-tramp.c)
#   .patched  linked with GCC 14's libgcc heap-trampoline.c after
#             gcc/libgcc-heap-trampoline.patch (the upstream path)
#   .libgcc   libgcc's own runtime (the control)
# The first two must pass plainly and under the W^X policy, and prove
# from inside that their nested function pointers are trampolines of
# <sys/tramp.h>.  The control must be killed by the policy (so the
# policy tests something), and, plainly, pass every test but the
# longjmp one, which shows its leak.
#
# Then bench/gcc-bench compares the three implementations.
#
# usage: tests/gcc/run.sh   (from anywhere; prints a final
#        "gcc: N passed, N failed, N skipped" line)

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. scripts/lib.sh

passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# result VERDICT NAME [DETAIL FILE]
result () {
  printf '%-12s %s\n' "$1:" "$2"
  case $1 in
    PASS) passed=$((passed + 1)) ;;
    UNSUPPORTED) skipped=$((skipped + 1)) ;;
    *) failed=$((failed + 1)) ;;
  esac
  if [ "$1" != PASS ] && [ -n "${3:-}" ]; then sed 's/^/    /' "$3"; fi
}

# expect NAME WANT CMD...: WANT is ok (exit 0), sigsys (killed by the
# policy) or fail (exit 1).
expect () {
  local name=$1 want=$2; shift 2
  local start=$SECONDS
  ( "$@"; exit $? ) >"$log" 2>&1
  local rc=$? verdict=FAIL
  case $want:$rc in
    ok:0 | sigsys:159 | fail:1) verdict=PASS ;;
  esac
  [ $verdict = FAIL ] && echo "exit status $rc" >>"$log"
  result $verdict "$name ($((SECONDS - start))s)" "$log"
}

finish () {
  echo "gcc: $passed passed, $failed failed, $skipped skipped"
  exit $((failed > 0))
}

# pbuild NAME CMD: run CMD in the chroot in the background, at most two
# at a time (the machine has two cores); its output goes to
# $W/logs/NAME, and $W/logs/NAME.failed marks a failure.  pwait waits
# for them all.
pjobs=0
pbuild () {
  if [ $pjobs -ge 2 ]; then
    wait -n
    pjobs=$((pjobs - 1))
  fi
  ( inroot "$2" >"$W/logs/$1" 2>&1 || touch "$W/logs/$1.failed" ) &
  pjobs=$((pjobs + 1))
}
pwait () { wait; pjobs=0; }

# built NAME LABEL: report a failed pbuild NAME; true if it succeeded.
built () {
  [ -e "$W/logs/$1.failed" ] || return 0
  result FAIL "build $2" "$W/logs/$1"
  return 1
}

# Functions owning escaping nested functions inlined into each other
# (tests/gcc/tst-nested-inline.c), at each optimisation level.
INLINE_LEVELS="O0 O1 O2 O3 Os O2-flto"
# inline_tests ARCH CC OUT "CFLAGS" "LDFLAGS" "RUN" WX "VARIANTS": build
# with CC into OUT and run (RUN: emulator prefix; WX: the W^X policy
# runner, empty for none).  The control runs without its longjmp part,
# where libgcc's runtime leaks.
inline_tests () {
  local arch=$1 cc=$2 o=$3 cflags=$4 ldflags=$5 run=$6 wx=$7 variants=$8
  local lvl v def extra name bin
  for lvl in $INLINE_LEVELS; do
    for v in $variants; do
      case $arch:$v in
	*:ours) def=-DEXPECT_LIBTRAMP extra="$o/libtramp-nested.a $o/libtramp.a" ;;
	x86_64:patched) def=-DEXPECT_LIBTRAMP extra=$PATCHED_LINK ;;
	*:patched) def=-DEXPECT_LIBTRAMP
	  extra="$o/heap-trampoline-patched.o $o/libtramp.a" ;;
	*:libgcc) def="" extra=$o/libtramp.a ;;
      esac
      pbuild "$arch.inline.$lvl.$v" "$cc $cflags -${lvl/-/ -} $def \
	tests/gcc/tst-nested-inline.c tests/gcc/nested-inline-lto.c \
	-o $o/tst-nested-inline.$lvl.$v $extra $ldflags"
    done
  done
  pwait
  for lvl in $INLINE_LEVELS; do
    for v in $variants; do
      name="$arch: tst-nested-inline -${lvl/-/ -}"
      built "$arch.inline.$lvl.$v" "$name.$v" || continue
      bin=$W/$o/tst-nested-inline.$lvl.$v
      if [ $v = libgcc ]; then
	expect "$name: control: libgcc" ok $run "$bin" n
	[ -n "$wx" ] && expect "$name: control: libgcc killed by the W^X policy" \
	  sigsys $run "$wx" "$bin" n
      else
	expect "$name.$v" ok $run "$bin"
	[ -n "$wx" ] && expect "$name.$v (W^X policy)" ok $run "$wx" "$bin"
      fi
    done
  done
}

arch=$(uname -m)
if [ "$arch" != x86_64 ]; then
  result UNSUPPORTED "GCC 14 chroot tests run on x86_64 hosts only"
  finish
fi

need_packages debootstrap gcc make libc6-dev binutils patch xz-utils

# --- The chroot -------------------------------------------------------
root=$TRAMP_CACHE/trixie-gcc14
if [ ! -x "$root/usr/bin/gcc-14" ]; then
  start=$SECONDS
  mkdir -p "$TRAMP_CACHE"
  rm -rf "$root.tmp"
  if [ -z "$(debian_mirror)" ]; then
    result FAIL "no Debian mirror in the apt configuration"
    finish
  fi
  if debootstrap --variant=minbase --include=gcc-14,libc6-dev trixie \
       "$root.tmp" "$(debian_mirror)" >"$log" 2>&1; then
    rm -rf "$root" && mv "$root.tmp" "$root"
    echo "made the trixie chroot in $((SECONDS - start)) s"
  else
    tail -n 20 "$log"
    result FAIL "debootstrap of the trixie chroot"
    finish
  fi
fi
work=/tmp/tramp-gcc
W=$root$work
rm -rf "$W"
mkdir -p "$W/out" "$W/logs"
cp -r misc bits sysdeps standalone gcc tests bench "$W/"
# Run a command in the chroot, in $work.
inroot () {
  chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root \
    /bin/sh -c "cd $work && $1"
}
echo "compiler: $(inroot 'gcc-14 --version' | head -n 1)"
echo "C library: $(inroot 'ldd --version' | head -n 1)"

# --- The host's W^X policy runner --------------------------------------
host_build=$top/build/$arch
if ! make -s -C standalone "$host_build/tests/wx-policy" >"$log" 2>&1; then
  result FAIL "build wx-policy" "$log"
  finish
fi
policy=$host_build/tests/wx-policy

# --- libtramp and the runtimes, built by gcc-14 ------------------------
loader=$root/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
RUN_LDFLAGS="-Wl,--dynamic-linker=$loader -Wl,-rpath,$root/usr/lib/x86_64-linux-gnu"
LIB_CFLAGS="-std=gnu11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Wno-unused-parameter -fcf-protection -fPIC"
INC="-Istandalone/include -Isysdeps/x86_64 -Isysdeps/generic -Imisc -I."
if ! inroot "set -e
  gcc-14 $LIB_CFLAGS $INC -c misc/tramp.c -o out/tramp.o
  gcc-14 $LIB_CFLAGS $INC -c sysdeps/x86_64/tramp-table.S -o out/tramp-table.o
  ar rcs out/libtramp.a out/tramp.o out/tramp-table.o
  gcc-14 $LIB_CFLAGS -Imisc -I. -c gcc/nested-tramp.c -o out/nested-tramp.o
  ar rcs out/libtramp-nested.a out/nested-tramp.o" >"$log" 2>&1; then
  result FAIL "build libtramp and libtramp-nested with gcc-14" "$log"
  finish
fi
result PASS "build libtramp and libtramp-nested with gcc-14"

# --- GCC 14's libgcc heap-trampoline.c, patched ------------------------
# From trixie's gcc-14-source package (fetched by the chroot's apt, so
# from the mirror of the machine's apt configuration), the cache keeps
# libgcc and GCC's own tests of nested functions (GCC_TESTS, run
# below); they are extracted at test time, never part of the project.
GCC_TESTS="gcc.c-torture/execute/nestfunc-* gcc.c-torture/execute/20000822-1.c
  gcc.c-torture/execute/921215-1.c gcc.c-torture/execute/931002-1.c
  gcc.dg/heap-trampoline-1.c gcc.dg/trampoline-1.c gcc.dg/nested-vla-1.c
  gcc.dg/torture/pr86389.c gcc.dg/torture/stackalign/nested-5.c
  gcc.dg/torture/stackalign/nested-6.c gcc.dg/torture/stackalign/stackalign.exp
  gcc.target/i386/pr85044.c"
gsrc=$TRAMP_CACHE/gcc14-src
have_gcc_src=no
if [ ! -f "$gsrc/gcc/testsuite/gcc.dg/heap-trampoline-1.c" ]; then
  start=$SECONDS
  rm -rf "$W/gsrc" && mkdir -p "$W/gsrc"
  pats="'*/libgcc/*' '*/gcc/BASE-VER'"
  for t in $GCC_TESTS; do pats="$pats '*/gcc/testsuite/$t'"; done
  if inroot "cd gsrc && apt-get update -qq && apt-get download -qq \
	     gcc-14-source" >"$log" 2>&1 \
     && (cd "$W/gsrc" && dpkg-deb --fsys-tarfile gcc-14-source_*.deb \
	   | tar -xO --wildcards './usr/src/gcc-14/gcc-14*.tar.xz' \
	   | eval tar -xJ --wildcards "$pats") >>"$log" 2>&1; then
    rm -rf "$gsrc.tmp" && mkdir -p "$gsrc.tmp"
    cp -r "$W"/gsrc/gcc-14*/libgcc "$W"/gsrc/gcc-14*/gcc "$gsrc.tmp/"
    (cd "$W/gsrc" && ls -d gcc-14*/ | tr -d /) > "$gsrc.tmp/VERSION"
    rm -rf "$gsrc" && mv "$gsrc.tmp" "$gsrc"
    echo "extracted libgcc and GCC's tests from gcc-14-source in $((SECONDS - start)) s"
  fi
  rm -rf "$W/gsrc"
fi
if [ -f "$gsrc/libgcc/config/i386/heap-trampoline.c" ]; then
  mkdir -p "$W/gcc-patched"
  cp -r "$gsrc/libgcc" "$W/gcc-patched/"
  if patch -d "$W/gcc-patched" -p1 < gcc/libgcc-heap-trampoline.patch \
       >"$log" 2>&1; then
    result PASS "libgcc patch applies to $(cat "$gsrc/VERSION" 2>/dev/null)"
    have_gcc_src=yes
  else
    result FAIL "libgcc patch applies to GCC 14" "$log"
  fi
else
  result FAIL "fetch GCC 14's libgcc heap-trampoline.c" "$log"
fi
if [ $have_gcc_src = yes ]; then
  if cmp gcc/heap-trampoline-libc.h \
       "$W/gcc-patched/libgcc/config/heap-trampoline-libc.h" >"$log" 2>&1
  then
    result PASS "the patch carries gcc/heap-trampoline-libc.h unchanged"
  else
    echo "run gcc/make-patch.sh $gsrc" >>"$log"
    result FAIL "the patch carries gcc/heap-trampoline-libc.h unchanged" \
      "$log"
  fi
  # libgcc's own compile of it for x86_64-linux-gnu (libgcc/Makefile.in
  # with config.host's tmake_file t-libgcc-pic, i386/t-linux and
  # i386/t-heap-trampoline, and GCC's configure for Debian's gcc-14,
  # --enable-cet): CFLAGS, LIBGCC2_CFLAGS with GCC_CFLAGS,
  # HOST_LIBGCC2_CFLAGS with PICFLAG and CET_FLAGS, -DHAVE_CC_TLS, and
  # -fexceptions for LIB2ADDEH; -DSHARED for libgcc_s's copy.  Left
  # out: the include directories of the build tree (this file only
  # includes C library headers).  -Imisc stands for a C library that
  # has <sys/tramp.h>.  The static copy replaces heap-trampoline.o in
  # a copy of trixie's libgcc_eh.a, which the .patched programs link
  # with -static-libgcc, and tramp_alloc comes from libtramp.so as it
  # would from libc.so.
  LIBGCC_FLAGS="-g -O2 -O2 -W -Wall -Wno-narrowing -Wwrite-strings \
    -Wcast-qual -Wstrict-prototypes -Wmissing-prototypes \
    -Wold-style-definition -g -DIN_LIBGCC2 -fbuilding-libgcc \
    -fno-stack-protector -fpic -mlong-double-80 -DUSE_ELF_SYMVER \
    -fcf-protection -mshstk -DHAVE_CC_TLS -fexceptions"
  if inroot "set -e; mkdir -p out/libgcc-patched
	     gcc-14 $LIBGCC_FLAGS -Imisc -I. \
	       -c gcc-patched/libgcc/config/i386/heap-trampoline.c \
	       -o out/libgcc-patched/heap-trampoline.o
	     gcc-14 $LIBGCC_FLAGS -DSHARED -Imisc -I. \
	       -c gcc-patched/libgcc/config/i386/heap-trampoline.c \
	       -o out/libgcc-patched/heap-trampoline_s.o
	     cp \$(gcc-14 -print-file-name=libgcc_eh.a) out/libgcc-patched/
	     cd out/libgcc-patched && ar r libgcc_eh.a heap-trampoline.o
	     cd .. && cp libgcc-patched/heap-trampoline.o heap-trampoline-patched.o
	     gcc-14 -shared -Wl,-soname,libtramp.so -o libtramp.so \
	       tramp.o tramp-table.o" >"$log" 2>&1 \
     && nm "$W/out/heap-trampoline-patched.o" | grep -q ' U tramp_alloc$' \
     && nm "$W/out/libgcc-patched/heap-trampoline_s.o" | grep -q ' U tramp_alloc$' \
     && ar t "$W/out/libgcc-patched/libgcc_eh.a" | grep -qx heap-trampoline.o
  then
    result PASS "patched i386/heap-trampoline.c built as libgcc builds it (libgcc_eh.a and libgcc_s objects) and uses tramp_alloc"
  else
    result FAIL "patched i386/heap-trampoline.c built as libgcc builds it" "$log"
    have_gcc_src=no
  fi
  if command -v i686-linux-gnu-gcc >/dev/null; then
    expect "patched i386/heap-trampoline.c builds for i686 (i686-linux-gnu-gcc)" \
      ok i686-linux-gnu-gcc -O2 -Wall -Werror -fPIC -fcf-protection -I misc -I . \
      -c "$W/gcc-patched/libgcc/config/i386/heap-trampoline.c" \
      -o "$W/out/heap-trampoline-patched-i686.o"
  else
    result UNSUPPORTED "patched i386/heap-trampoline.c for i686: no i686 compiler"
  fi
  if command -v aarch64-linux-gnu-gcc >/dev/null; then
    expect "patched aarch64/heap-trampoline.c builds (aarch64-linux-gnu-gcc)" \
      ok aarch64-linux-gnu-gcc -O2 -Wall -Werror -fPIC \
      -mbranch-protection=standard -I misc -I . \
      -c "$W/gcc-patched/libgcc/config/aarch64/heap-trampoline.c" \
      -o "$W/out/heap-trampoline-patched-aarch64.o"
  else
    result UNSUPPORTED "patched aarch64/heap-trampoline.c: no aarch64 compiler"
  fi
fi

# --- The test programs ---------------------------------------------------
TEST_CFLAGS="-std=gnu11 -O2 -g -Wall -ftrampoline-impl=heap -fexceptions -fcf-protection -pthread -Imisc -I."
tests="tst-nested-recursion tst-nested-qsort tst-nested-threads tst-nested-unwind
  tst-nested-longjmp tst-nested-random tst-nested-exit tst-nested-sigaltstack"
variants="ours libgcc"
[ $have_gcc_src = yes ] && variants="ours patched libgcc"
# C++ for the exception thrown through C frames (cached in the chroot).
if ! [ -x "$root/usr/bin/g++-14" ]; then
  inroot "apt-get install -y -qq --no-install-recommends g++-14 \
	  || { apt-get update -qq && apt-get install -y -qq \
	       --no-install-recommends g++-14; }" >"$log" 2>&1 \
    || { tail -n 5 "$log"; result FAIL "install g++-14 in the chroot"; }
fi
tests="$tests tst-nested-cxx"

# What the .patched programs link: libgcc_eh.a with the patched
# heap-trampoline.o and libtramp.so, kept even when only libgcc_eh
# needs it, as libc would be (absolute paths, for gcc_testsuite too).
PATCHED_LINK="-static-libgcc -L$work/out/libgcc-patched -Wl,--no-as-needed \
  $work/out/libtramp.so -Wl,-rpath,$W/out"
for t in $tests; do
  for v in $variants; do
    case $v in
      ours) def=-DEXPECT_LIBTRAMP extra="out/libtramp-nested.a out/libtramp.a" ;;
      patched) def=-DEXPECT_LIBTRAMP extra="$PATCHED_LINK" ;;
      libgcc) def="" extra="out/libtramp.a" ;;
    esac
    if [ $t = tst-nested-cxx ]; then
      cmd="gcc-14 $TEST_CFLAGS $def -c tests/gcc/nested-cxx-frames.c \
	     -o out/cxx-frames.$v.o
	   g++-14 -O2 -g -Wall -fcf-protection -pthread tests/gcc/$t.cc \
	     out/cxx-frames.$v.o -o out/$t.$v $extra $RUN_LDFLAGS"
      # One unwinder: libstdc++ too from its static library, which uses
      # the program's libgcc_eh (libgcc_s is not linked).
      [ $v = patched ] && cmd="$cmd -static-libstdc++"
    else
      cmd="gcc-14 $TEST_CFLAGS $def tests/gcc/$t.c -o out/$t.$v $extra \
	     $RUN_LDFLAGS"
    fi
    if ! inroot "set -e; $cmd" >"$log" 2>&1; then
      result FAIL "build $t.$v" "$log"
    fi
  done
done

# Link-level check: the programs define the two functions themselves,
# so neither libgcc_s nor libgcc_eh provides them.
for v in ours patched; do
  [ $v = patched ] && [ $have_gcc_src != yes ] && continue
  bin=$W/out/tst-nested-qsort.$v
  [ -x "$bin" ] || continue
  if nm "$bin" | grep -q ' T __gcc_nested_func_ptr_created$' \
     && ! nm -D "$bin" | grep -q ' U __gcc_nested_func_ptr'; then
    result PASS "link: $v runtime defined in the program, not taken from libgcc"
  else
    nm -D "$bin" | grep __gcc_nested >"$log" 2>&1
    result FAIL "link: $v runtime defined in the program" "$log"
  fi
done
if [ $have_gcc_src = yes ]; then
  if nm -D "$W/out/tst-nested-qsort.patched" 2>/dev/null \
       | grep -q ' U tramp_alloc$'; then
    result PASS "link: the patched libgcc_eh.a's runtime calls tramp_alloc in libtramp.so"
  else
    result FAIL "link: the patched libgcc_eh.a's runtime calls tramp_alloc in libtramp.so"
  fi
fi
if nm -D "$W/out/tst-nested-qsort.libgcc" 2>/dev/null \
     | grep -q ' U __gcc_nested_func_ptr_created'; then
  result PASS "link: control takes the runtime from libgcc_s"
else
  result FAIL "link: control takes the runtime from libgcc_s"
fi

for t in $tests; do
  for v in $variants; do
    bin=$W/out/$t.$v
    [ -x "$bin" ] || continue
    case $v in
      ours | patched)
	expect "$t.$v" ok "$bin"
	expect "$t.$v (W^X policy)" ok "$policy" "$bin" ;;
      libgcc)
	if [ $t = tst-nested-longjmp ]; then
	  expect "control: $t.libgcc leaks (fails its check)" fail "$bin"
	elif [ $t = tst-nested-random ]; then
	  # libgcc leaks here too, by an amount that depends on the walk.
	  :
	else
	  expect "control: $t.libgcc" ok "$bin"
	fi
	expect "control: $t.libgcc killed by the W^X policy" sigsys \
	  "$policy" "$bin" ;;
    esac
  done
done

inline_tests x86_64 gcc-14 out "-std=gnu11 -g -Wall -ftrampoline-impl=heap \
  -fcf-protection -Imisc -I." "$RUN_LDFLAGS" "" "$policy" "$variants"

# --- GCC's own tests of nested functions ---------------------------------
# GCC_TESTS from the cached gcc-14 source, built with
# -ftrampoline-impl=heap at GCC's torture levels (TORTURE_OPTIONS and
# LTO_TORTURE_OPTIONS of gcc/testsuite/lib), the stackalign tests also
# with the option sets of stackalign.exp.  Each object is linked with
# libtramp-nested (run plainly and under the W^X policy), the patched
# libgcc (likewise) and libgcc's own runtime (the control: run
# plainly).  One result per program and level.
TORTURE=("-O0" "-O1" "-O2"
  "-O3 -fomit-frame-pointer -funroll-loops -fpeel-loops -ftracer -finline-functions"
  "-O3 -g" "-Os"
  "-O2 -flto -fno-use-linker-plugin -flto-partition=none"
  "-O2 -flto -fuse-linker-plugin -fno-fat-lto-objects")
# stackalign.exp on x86: its default flags with each of its option sets.
STACKALIGN=("" "-fpic" "-mforce-drap" "-mforce-drap -fpic")
STACKALIGN_FLAGS="-mstackrealign -mpreferred-stack-boundary=5 -mno-mmx"
gcc_testsuite () {
  local gt=$W/gt t f name opts extra i k sets set_opts bin v ran
  if [ ! -d "$gsrc/gcc/testsuite" ]; then
    result FAIL "GCC's tests of nested functions: not in the cache"
    return
  fi
  rm -rf "$gt" && mkdir -p "$gt"
  local progs=()
  for t in $GCC_TESTS; do
    for f in "$gsrc"/gcc/testsuite/$t; do
      case $f in *.c) progs+=("${f#$gsrc/gcc/testsuite/}") ;; esac
    done
  done
  local jobs=()
  for f in "${progs[@]}"; do
    name=$(echo "${f%.c}" | tr / _)
    cp "$gsrc/gcc/testsuite/$f" "$gt/$name.c"
    # The test's own options (dg-options, dg-additional-options).
    opts=$(sed -n 's/.*dg-\(additional-\)\{0,1\}options "\([^"]*\)".*/\2/p' \
	     "$gt/$name.c" | tr '\n' ' ')
    sets=("")
    case $f in
      */stackalign/*) sets=("${STACKALIGN[@]}") opts="$opts $STACKALIGN_FLAGS" ;;
    esac
    case $f in gcc.c-torture/*) opts="$opts -w" ;; esac
    for k in "${!sets[@]}"; do
      for i in "${!TORTURE[@]}"; do
	local id=$name.$k.$i
	# The test's options first: the torture level wins.
	local o="$opts ${TORTURE[$i]} ${sets[$k]}"
	jobs+=("$id|$f|$o")
	pbuild "gt.$id" "set -e; cd gt
	  gcc-14 -ftrampoline-impl=heap $o -c $name.c -o $id.o
	  gcc-14 $o $id.o -o $id.ours ../out/libtramp-nested.a \
	    ../out/libtramp.a $RUN_LDFLAGS
	  gcc-14 $o $id.o -o $id.patched $PATCHED_LINK $RUN_LDFLAGS
	  gcc-14 $o $id.o -o $id.libgcc $RUN_LDFLAGS"
      done
    done
  done
  pwait
  local npass=0 nfail=0 nkilled=0 nctl=0
  for j in "${jobs[@]}"; do
    local id=${j%%|*} rest=${j#*|}
    f=${rest%%|*} opts=${rest#*|}
    opts=$(echo $opts)
    name="gcc testsuite: $f $opts"
    built "gt.$id" "$name" || { nfail=$((nfail + 1)); continue; }
    bin=$gt/$id
    : >"$log"
    local bad=""
    for v in ours patched; do
      (timeout 60 "$bin.$v"; exit $?) >>"$log" 2>&1 || bad="$bad $v"
      (timeout 60 "$policy" "$bin.$v"; exit $?) >>"$log" 2>&1 \
	|| bad="$bad $v+policy"
    done
    (timeout 60 "$bin.libgcc"; exit $?) >>"$log" 2>&1 || bad="$bad control"
    (timeout 60 "$policy" "$bin.libgcc"; exit $?) >/dev/null 2>&1
    [ $? -eq 159 ] && nkilled=$((nkilled + 1))
    nctl=$((nctl + 1))
    # GCC never makes the call of DELETED a sibling call: the caller's
    # frame must still be there (see doc/gcc.md).
    if objdump -d "$bin.ours" | grep -qE 'jmp +[0-9a-f]+ <__gcc_nested_func_ptr_deleted'
    then
      bad="$bad deleted-tail-called"
    fi
    if [ -z "$bad" ]; then
      result PASS "$name"
      npass=$((npass + 1))
    else
      echo "failed:$bad" >>"$log"
      result FAIL "$name" "$log"
      nfail=$((nfail + 1))
    fi
  done
  echo "gcc testsuite: ${#progs[@]} programs, $npass builds pass (ours, patched: plain and W^X policy; control plain), $nfail fail; the policy killed the control in $nkilled of $nctl"
}

if [ $have_gcc_src = yes ]; then
  gcc_testsuite
else
  result FAIL "GCC's tests of nested functions: no GCC source"
fi

# A plugin built with -ftrampoline-impl=heap, dlopened by a program
# that has libgcc_s loaded: linked with libtramp-nested and
# --exclude-libs its calls stay in the plugin; without, they bind to
# libgcc_s's definitions, which the W^X policy kills.
if inroot "set -e
  gcc-14 $TEST_CFLAGS -fPIC -shared tests/gcc/nested-plugin.c \
    -o out/nested-plugin.ours.so out/libtramp-nested.a out/libtramp.a \
    -Wl,--exclude-libs,ALL
  gcc-14 $TEST_CFLAGS -fPIC -shared tests/gcc/nested-plugin.c \
    -o out/nested-plugin.interposed.so out/libtramp-nested.a out/libtramp.a
  gcc-14 $TEST_CFLAGS tests/gcc/tst-nested-plugin.c -o out/tst-nested-plugin \
    -Wl,--no-as-needed -lgcc_s out/libtramp.a $RUN_LDFLAGS" >"$log" 2>&1
then
  expect "tst-nested-plugin, plugin linked with --exclude-libs (W^X policy)" \
    ok "$policy" "$W/out/tst-nested-plugin" "$W/out/nested-plugin.ours.so"
  expect "tst-nested-plugin, plugin without --exclude-libs binds to libgcc_s" \
    fail "$W/out/tst-nested-plugin" "$W/out/nested-plugin.interposed.so"
else
  result FAIL "build tst-nested-plugin" "$log"
fi

# A small address space: tramp_alloc reserves smaller regions when a
# large one cannot be had, so nested functions keep working under
# RLIMIT_AS (the message and abort when no trampoline can be had at
# all are checked below, with a C library without trampolines).
if [ -x "$W/out/tst-nested-recursion.ours" ]; then
  ( (ulimit -v 40000; "$W/out/tst-nested-recursion.ours"); exit $? ) \
    >"$log" 2>&1
  rc=$?
  if [ $rc -eq 0 ] && grep -q 'recursion: OK' "$log"; then
    result PASS "ulimit -v 40000: nested functions still work"
  else
    echo "exit status $rc" >>"$log"
    result FAIL "ulimit -v 40000: nested functions still work" "$log"
  fi
fi

# --- A C library without trampolines ----------------------------------
# libtramp built without a table fails every tramp_alloc with ENOSYS,
# as the C library would on a system without a backend.  The patched
# libgcc then falls back to its own page allocator (still under the
# LIFO and longjmp reclaim of heap-trampoline-libc.h: flat memory),
# which the W^X policy kills; libtramp-nested stops with a message.
if inroot "gcc-14 $LIB_CFLAGS -Istandalone/include -Isysdeps/generic -Imisc -I. \
	     -c misc/tramp.c -o out/tramp-enosys.o
	   ar rcs out/libtramp-enosys.a out/tramp-enosys.o" >"$log" 2>&1; then
  for t in tst-nested-recursion tst-nested-longjmp tst-nested-random; do
    [ $have_gcc_src = yes ] || break
    if inroot "gcc-14 $TEST_CFLAGS tests/gcc/$t.c -o out/$t.fallback \
		 out/heap-trampoline-patched.o out/libtramp-enosys.a \
		 $RUN_LDFLAGS" >"$log" 2>&1; then
      expect "$t.patched, tramp_alloc fails: libgcc's fallback" ok \
	"$W/out/$t.fallback"
      expect "$t.patched, tramp_alloc fails: fallback killed by the W^X policy" \
	sigsys "$policy" "$W/out/$t.fallback"
    else
      result FAIL "build $t.fallback" "$log"
    fi
  done
  if inroot "gcc-14 $TEST_CFLAGS tests/gcc/tst-nested-qsort.c \
	       -o out/tst-nested-qsort.enosys out/libtramp-nested.a \
	       out/libtramp-enosys.a $RUN_LDFLAGS" >"$log" 2>&1; then
    ( "$W/out/tst-nested-qsort.enosys"; exit $? ) >"$log" 2>&1
    rc=$?
    if [ $rc -eq 134 ] && grep -q 'cannot allocate a trampoline: Function not implemented' "$log"; then
      result PASS "tramp_alloc fails (ENOSYS): libtramp-nested reports it, then aborts"
    else
      echo "exit status $rc" >>"$log"
      result FAIL "tramp_alloc fails (ENOSYS): libtramp-nested reports it" "$log"
    fi
  else
    result FAIL "build tst-nested-qsort.enosys" "$log"
  fi
else
  result FAIL "build libtramp without a table" "$log"
fi

# --- Other architectures -------------------------------------------------
# When the tree has the architecture's table: trixie's gcc-14 for it
# (added to the cached chroot) builds libtramp, libtramp-nested, the
# patched libgcc heap-trampoline.c and the C tests.
#
# arch_tests ARCH TRIPLET PACKAGE_ARCH "CFLAGS" "RUN" POLICY
#   RUN: emulator prefix, empty to run natively with the chroot's loader
#   for ARCH; POLICY: the W^X policy runner for ARCH, empty for none.
#   With a policy, libgcc's own runtime is the control as on x86_64.
ARCH_TESTS="tst-nested-recursion tst-nested-qsort tst-nested-threads
  tst-nested-unwind tst-nested-longjmp tst-nested-random tst-nested-exit
  tst-nested-sigaltstack"
arch_tests () {
  local arch=$1 triplet=$2 pkgarch=$3 cflags=$4 run=$5 wx=$6
  local cc=$triplet-gcc-14 sys=$root/usr/$triplet/lib
  local scale="" ldflags="" variants v t extra def
  [ -n "$run" ] && scale="-DITERATIONS=20000 -DWARMUP=1000 -DSTEPS=200000"
  [ -z "$run" ] && ldflags="-Wl,--dynamic-linker=$(ls "$sys"/ld-linux*.so.* 2>/dev/null | head -n 1) -Wl,-rpath,$sys"
  if [ ! -f "sysdeps/$arch/tramp-table.S" ]; then
    result UNSUPPORTED "$arch: no sysdeps/$arch/tramp-table.S in this tree"
    return
  fi
  if ! [ -x "$root/usr/bin/$cc" ]; then
    inroot "apt-get install -y -qq --no-install-recommends \
	      gcc-14-$triplet libc6-dev-$pkgarch-cross \
	    || { apt-get update -qq && apt-get install -y -qq \
		 --no-install-recommends gcc-14-$triplet \
		 libc6-dev-$pkgarch-cross; }" >"$log" 2>&1 \
      || { result FAIL "$arch: install $cc" "$log"; return; }
    # The loader's name is known once the package is in.
    [ -z "$run" ] && ldflags="-Wl,--dynamic-linker=$(ls "$sys"/ld-linux*.so.* | head -n 1) -Wl,-rpath,$sys"
  fi
  local lib_cflags="-std=gnu11 -D_GNU_SOURCE -O2 -g -Wall -fPIC $cflags"
  local inc="-Istandalone/include -Isysdeps/$arch -Isysdeps/generic -Imisc -I."
  local test_cflags="-std=gnu11 -O2 -g -Wall $cflags -ftrampoline-impl=heap -fexceptions -pthread -Imisc -I. $scale"
  local o=out/$arch
  if ! inroot "set -e; mkdir -p $o
      $cc $lib_cflags $inc -c misc/tramp.c -o $o/tramp.o
      $cc $lib_cflags $inc -c sysdeps/$arch/tramp-table.S -o $o/tramp-table.o
      $triplet-ar rcs $o/libtramp.a $o/tramp.o $o/tramp-table.o
      $cc $lib_cflags -Imisc -I. -c gcc/nested-tramp.c -o $o/nested-tramp.o
      $triplet-ar rcs $o/libtramp-nested.a $o/nested-tramp.o
      if [ $have_gcc_src = yes ]; then
	$cc $lib_cflags -Imisc -I. \
	  -c gcc-patched/libgcc/config/$arch/heap-trampoline.c \
	  -o $o/heap-trampoline-patched.o
      fi" >"$log" 2>&1; then
    result FAIL "$arch: build libtramp and the runtimes with $cc" "$log"
    return
  fi
  # A kernel without 32-bit emulation cannot run them natively: then
  # qemu-user runs them, without policy or control, as on aarch64.
  if [ -z "$run" ] \
     && inroot "echo 'int main (void) { return 0; }' > $o/true.c
		$cc $o/true.c -o $o/true $ldflags" >"$log" 2>&1 \
     && ! "$W/$o/true" 2>/dev/null; then
    if command -v "qemu-$arch" >/dev/null; then
      run="qemu-$arch -L $root/usr/$triplet" wx=""
      scale="-DITERATIONS=20000 -DWARMUP=1000 -DSTEPS=200000"
      test_cflags="$test_cflags $scale"
      result UNSUPPORTED "$arch: this kernel does not run $arch programs: under qemu-$arch, without W^X policy or control"
    else
      result UNSUPPORTED "$arch: this kernel does not run $arch programs, and no qemu-$arch"
      return
    fi
  fi
  result PASS "$arch: build libtramp and the runtimes with $cc"
  variants="ours"
  [ $have_gcc_src = yes ] && variants="$variants patched"
  [ -n "$wx" ] && variants="$variants libgcc"
  for t in $ARCH_TESTS; do
    for v in $variants; do
      case $v in
	ours) def=-DEXPECT_LIBTRAMP extra=$o/libtramp-nested.a ;;
	patched) def=-DEXPECT_LIBTRAMP extra=$o/heap-trampoline-patched.o ;;
	libgcc) def="" extra="" ;;
      esac
      if ! inroot "$cc $test_cflags $def tests/gcc/$t.c -o $o/$t.$v $extra \
		   $o/libtramp.a $ldflags" >"$log" 2>&1; then
	result FAIL "$arch: build $t.$v" "$log"
	continue
      fi
      local bin=$W/$o/$t.$v
      if [ $v = libgcc ]; then
	[ $t = tst-nested-longjmp ] \
	  && expect "$arch: control: $t.libgcc leaks" fail $run "$bin"
	expect "$arch: control: $t.libgcc killed by the W^X policy" sigsys \
	  $run "$wx" "$bin"
      else
	expect "$arch: $t.$v" ok $run "$bin"
	[ -n "$wx" ] && expect "$arch: $t.$v (W^X policy)" ok $run "$wx" "$bin"
      fi
    done
  done
  inline_tests $arch $cc $o "-std=gnu11 -g -Wall $cflags \
    -ftrampoline-impl=heap -Imisc -I. $scale" "$ldflags" "$run" "$wx" "$variants"
}

# i386 runs natively, under the i386 W^X policy runner (the host's
# i686 cross compiler builds it, as scripts/check.d/20-i386.sh does).
i386_wx=""
if [ -f sysdeps/i386/tramp-table.S ] && command -v i686-linux-gnu-gcc >/dev/null \
   && [ -e /usr/i686-linux-gnu/lib/ld-linux.so.2 ]; then
  h=/usr/i686-linux-gnu/lib
  if make -s -C standalone O="$top/build/i386" \
       CC="i686-linux-gnu-gcc -Wl,--dynamic-linker=$h/ld-linux.so.2 -Wl,-rpath,$h" \
       "$top/build/i386/tests/wx-policy" >"$log" 2>&1; then
    i386_wx=$top/build/i386/tests/wx-policy
  else
    result FAIL "i386: build wx-policy" "$log"
  fi
fi
arch_tests i386 i686-linux-gnu i386 "-fcf-protection" "" "$i386_wx"
# aarch64 under qemu-user: -cpu max enforces BTI on the PROT_BTI
# trampoline pages.  No W^X policy and no control there: qemu's code
# generator needs writable executable memory, and qemu-user 7.2 maps
# libgcc's PROT_WRITE|PROT_EXEC pages without read access, so libgcc's
# trampolines fault on their literal loads (on arm64 Linux write
# implies read).  Fewer iterations: the emulator is much slower.
if command -v qemu-aarch64 >/dev/null; then
  arch_tests aarch64 aarch64-linux-gnu arm64 "-mbranch-protection=standard" \
    "qemu-aarch64 -cpu max -L $root/usr/aarch64-linux-gnu" ""
else
  result UNSUPPORTED "aarch64: no qemu-aarch64"
fi

# --- Benchmark ----------------------------------------------------------
libgcc_eh=$(inroot 'gcc-14 -print-file-name=libgcc_eh.a')
rename="--redefine-sym __gcc_nested_func_ptr_created=libgcc_nested_created \
  --redefine-sym __gcc_nested_func_ptr_deleted=libgcc_nested_deleted"
BENCH_CFLAGS="-std=gnu11 -O2 -fcf-protection -Imisc -I."
if inroot "set -e
  gcc-14 $BENCH_CFLAGS -ftrampoline-impl=heap -DVARIANT=ours \
    -c bench/gcc-bench-kernel.c -o out/kernel-ours.o
  gcc-14 $BENCH_CFLAGS -ftrampoline-impl=heap -DVARIANT=libgcc \
    -c bench/gcc-bench-kernel.c -o out/kernel-libgcc.o
  gcc-14 $BENCH_CFLAGS -ftrampoline-impl=stack -DVARIANT=stack \
    -c bench/gcc-bench-kernel.c -o out/kernel-stack.o
  cd out && ar x $libgcc_eh heap-trampoline.o && cd ..
  objcopy $rename out/kernel-libgcc.o
  objcopy $rename out/heap-trampoline.o out/libgcc-heap-trampoline.o
  gcc-14 $BENCH_CFLAGS bench/gcc-bench.c out/kernel-ours.o \
    out/kernel-libgcc.o out/kernel-stack.o out/libgcc-heap-trampoline.o \
    out/libtramp-nested.a out/libtramp.a -Wl,-z,execstack -pthread \
    -o out/gcc-bench $RUN_LDFLAGS" >"$log" 2>&1; then
  echo "--- bench/gcc-bench (${GCC_BENCH_SCALE:-1})"
  if "$W/out/gcc-bench" "${GCC_BENCH_SCALE:-1}" >"$log" 2>&1; then
    cat "$log"
    result PASS "gcc-bench runs"
  else
    result FAIL "gcc-bench runs" "$log"
  fi
else
  result FAIL "build gcc-bench" "$log"
fi

finish
