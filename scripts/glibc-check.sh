#!/bin/bash
# Apply the project to glibc (Debian's 2.41, or another tree such as
# upstream master) as the git format-patch series that
# scripts/glibc-series.py generates, build it, and run glibc's own checks
# on it: the tst-tramp tests through glibc's test driver, check-abi for
# libc, the installed-header checks for sys/tramp.h, check-execstack,
# check-textrel and check-localplt, and the standalone test suite linked
# against the new libc and run through testrun.sh.  Prints one line per
# check and a final "glibc: N passed, N failed, N skipped" line.
#
# usage: scripts/glibc-check.sh [--clean]
#
# The series is generated against the tree and applied with git am, so
# a run also checks that it applies.  GLIBC_SRC=DIR uses the glibc work
# tree DIR (for example a checkout of upstream master) instead of the
# 2.41 tarball; the build directory is then named after it.
# GLIBC_UNPATCHED=1 builds the tree without the series (the baseline
# for GLIBC_MISC_CHECK).  GLIBC_MISC_CHECK=1 also runs
# "make check subdirs=misc" and prints its counts.
#
# The source comes from Debian trixie's glibc-source package, fetched
# through a private apt configuration (the machine's own apt sources are
# not touched).  The tarball, the patched source and the build stay in
# $TRAMP_CACHE (/var/cache/tramp) and are reused: a rerun rebuilds only
# what the project changed.  --clean starts the build from scratch.
# Environment: GLIBC_CC (default gcc; i686-linux-gnu-gcc for an i686
# build), GLIBC_CXX (default g++, or the cross compiler's g++),
# GLIBC_ARCH (build directory suffix, default the compiler's triplet
# architecture), JOBS (default nproc), GLIBC_CACHE (default
# $TRAMP_CACHE/glibc).

# The whole script is one compound command, read before it runs, so
# that editing the file during a long build does not disturb the run.
{
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"

base=2.41
tree=${GLIBC_SRC:+$(cd "$GLIBC_SRC" && pwd)}
unpatched=${GLIBC_UNPATCHED:-0}
cc=${GLIBC_CC:-gcc}
if [ -n "${GLIBC_CC:-}" ] && [ -z "${GLIBC_CXX:-}" ]; then
  # A cross compiler's C++ companion, if installed; glibc's configure
  # drops C++ (and the C++ header check) when CXX cannot link.
  GLIBC_CXX=${cc%gcc}g++
  command -v "$GLIBC_CXX" > /dev/null || GLIBC_CXX=false
fi
cxx=${GLIBC_CXX:-g++}
jobs=${JOBS:-$(nproc)}
triplet=$($cc -dumpmachine)
arch=${GLIBC_ARCH:-${triplet%%-*}}
case $triplet in
  x86_64-*) sysarch=x86_64 ;;
  i?86-*) sysarch=i386 ;;
  aarch64-*) sysarch=aarch64 ;;
  arm*) sysarch=arm ;;
  *) sysarch=generic ;;
esac
cache=${GLIBC_CACHE:-$TRAMP_CACHE/glibc}
tarball=$cache/glibc-$base.tar.xz
name=${tree:+$(basename "$tree")-}
[ "$unpatched" = 1 ] && name=${name}unpatched-
src=$cache/${name}src
build=$cache/build-$name$arch
series=$cache/${name}series
stage=$cache/${name}stage

passed=0 failed=0 skipped=0
result () {
  local verdict=$1 name=$2 detail=${3:-}
  printf '%-12s %-44s %s\n' "$verdict:" "$name" "$detail"
  case $verdict in
    PASS) passed=$((passed + 1)) ;;
    UNSUPPORTED) skipped=$((skipped + 1)) ;;
    *) failed=$((failed + 1)) ;;
  esac
}
finish () {
  rm -f "$build/run.unfinished"
  echo "glibc: $passed passed, $failed failed, $skipped skipped"
  [ "$failed" -eq 0 ]
  exit
}
# step NAME: start timing a step; step_done prints its duration.
step () { step_name=$1; step_start=$SECONDS; echo "--- $1"; }
step_done () { echo "--- $step_name: $((SECONDS - step_start)) s"; }

need_packages gcc g++ make gawk bison python3 xz-utils patch rsync git unifdef \
  linux-libc-dev
mkdir -p "$cache"

# The source tree is shared by the builds for each architecture and is
# brought in line with the tarball plus the project on every run, so
# only the build directory needs cleaning.
if [ "${1:-}" = --clean ]; then
  rm -rf "$build"
fi

# Fetch the upstream tarball from Debian trixie's glibc-source package.
if [ -z "$tree" ] && [ ! -s "$tarball" ]; then
  step fetch
  apt=$cache/apt
  rm -rf "$apt"
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/parts"
  if ! mirror=$(debian_mirror); then
    result FAIL "a Debian mirror in the apt configuration"
    finish
  fi
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
       "$mirror trixie main" > "$apt/sources.list"
  aptopts=(-o Dir::Etc::SourceList="$apt/sources.list"
	   -o Dir::Etc::SourceParts="$apt/parts"
	   -o Dir::State::Lists="$apt/lists"
	   -o Dir::State::status=/dev/null
	   -o Dir::Cache="$apt/cache"
	   -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
  if ! apt-get -qq "${aptopts[@]}" update \
      || ! (cd "$apt" && apt-get -qq "${aptopts[@]}" download glibc-source); then
    result FAIL "fetch glibc-source from trixie"
    finish
  fi
  rm -rf "$apt/deb"
  dpkg-deb -x "$apt"/glibc-source_*.deb "$apt/deb"
  if ! mv "$apt/deb/usr/src/glibc/glibc-$base.tar.xz" "$tarball"; then
    result FAIL "glibc-$base.tar.xz in glibc-source"
    finish
  fi
  echo "fetched $(ls "$apt"/glibc-source_*.deb | xargs -n1 basename)"
  rm -rf "$apt"
  step_done
fi

# Apply the project to a pristine copy, then bring the build's source
# tree in line with it: only files whose contents changed are written,
# so make rebuilds only what depends on them.
step apply
rm -rf "$stage"
mkdir -p "$stage"
if [ -n "$tree" ]; then
  rsync -a --exclude=.git "$tree/" "$stage/glibc/"
else
  tar xf "$tarball" -C "$stage"
  mv "$stage/glibc-$base" "$stage/glibc"
fi
git_id=(-c user.name=glibc-check -c user.email=glibc-check@invalid)
git -C "$stage/glibc" init -q
git -C "$stage/glibc" add -A
git "${git_id[@]}" -C "$stage/glibc" commit -q -m base
if [ "$unpatched" = 1 ]; then
  result PASS "glibc $(sed -n 's/#define VERSION "\(.*\)"/\1/p' \
    "$stage/glibc/version.h"), unpatched"
elif python3 "$top/scripts/glibc-series.py" -o "$series" "$stage/glibc" \
       > "$stage/series.log" 2>&1 \
     && git "${git_id[@]}" -C "$stage/glibc" am -q $(ls "$series"/*.patch | grep -v /0000-cover-letter.patch) \
       >> "$stage/series.log" 2>&1; then
  sed 's/^/    /' "$stage/series.log"
  result PASS "git am the series to glibc $(sed -n \
    's/#define VERSION "\(.*\)"/\1/p' "$stage/glibc/version.h")" \
    "($(ls "$series"/*.patch | grep -vc /0000-cover-letter.patch) patches)"
else
  cat "$stage/series.log"
  result FAIL "generate the series and git am it"
  finish
fi
mkdir -p "$src"
rsync -rlc --delete --exclude=.git "$stage/glibc/" "$src/"
# The stage keeps the series as commits, for the prefix check.
step_done

step build
mkdir -p "$build"
cd "$build"
# A run killed outright (SIGKILL, the end of a session) gives make no
# chance to remove the target it was writing: a truncated libc.a or
# object then counts as up to date and breaks a later link.  The
# marker run.unfinished lives from here to finish; if a run left it,
# what that run wrote in its last minute is removed, to be made again.
if [ -f run.unfinished ]; then
  newest=$(find . -type f -printf '%T@\n' | sort -n | tail -n 1)
  newest=${newest%.*}
  removed=$(find . -type f -newermt "@$((newest - 60))" -print -delete | wc -l)
  echo "    the last run here was killed at $(date -u -d "@$newest" +%T):" \
       "removed the $removed files it wrote in its last minute"
fi
touch run.unfinished
if [ ! -f config.status ]; then
  hostopts=()
  native=$(gcc -dumpmachine)
  [ "$triplet" = "$native" ] \
    || hostopts=(--host="$triplet" --build="$native")
  if ! "$src/configure" --prefix=/usr "${hostopts[@]}" CC="$cc" CXX="$cxx" \
       > configure.log 2>&1; then
    tail -n 20 configure.log
    result FAIL "configure"
    finish
  fi
fi
# Programs this machine cannot run (another architecture, or i686 on a
# kernel without 32-bit support) run under qemu-user through glibc's
# test-wrapper; the cross compiler's sysroot provides the loader for
# the few programs that are not started through the new ld.so.
wrapper=
sysroot=/usr/$triplet
case $sysarch in
  aarch64) wrapper="qemu-aarch64 -cpu max -L $sysroot --" ;;
  arm) wrapper="qemu-arm -L $sysroot --" ;;
  i386)
    echo 'int main (void) { return 0; }' > native-probe.c
    if ! { $cc native-probe.c -o native-probe && ./native-probe; } \
	 2> /dev/null; then
      wrapper="qemu-i386 -L $sysroot --"
    fi ;;
esac
if [ -n "$wrapper" ]; then
  need_packages qemu-user
  echo "test-wrapper = $top/scripts/glibc-test-wrapper.sh $wrapper" \
    > configparms
  echo "tests run with: ${wrapper% --}"
  # Emulated tests run several times slower, and slower still when the
  # machine is loaded: tst-tramp-fork's 200 forks took 44 s of its 60
  # under qemu-aarch64 at load 8, and timed out in one make check.
  export TIMEOUTFACTOR=${TIMEOUTFACTOR:-3}
fi
if make -j"$jobs" > build.log 2>&1; then
  result PASS "build glibc" "($((SECONDS - step_start)) s)"
else
  grep -E -B2 -A8 'error:|Error [0-9]' build.log | head -n 60
  result FAIL "build glibc" "(see $build/build.log)"
  finish
fi
step_done

# glibc_test T: run `make test t=T` and record its .test-result.
glibc_test () {
  local t=$1; shift
  local start=$SECONDS
  rm -f "$build/$t.test-result"
  # A build for i686 on x86_64 counts as cross-compiled, but its
  # programs run here.
  make test t="$t" run-built-tests=yes "$@" > "$build/$t.check.log" 2>&1
  local verdict
  verdict=$(head -n 1 "$build/$t.test-result" 2>/dev/null | cut -d: -f1)
  case $verdict in
    PASS|UNSUPPORTED) ;;
    *) verdict=FAIL
       tail -n 30 "$build/$t.check.log" | sed 's/^/    /' ;;
  esac
  result "$verdict" "make test t=$t" "($((SECONDS - start)) s)"
}

cd "$build"
if [ "$unpatched" != 1 ]; then
step tests
# Every tst-tramp test the patch set registers for this architecture
# (all in subdir misc).
tests=$(cd "$top" && ls misc/*.patch sysdeps/unix/sysv/linux/*.patch \
	  "sysdeps/$sysarch"/*.patch 2>/dev/null \
	  | xargs grep -h '^+[^+#]' | grep -o 'tst-tramp[a-z0-9-]*' \
	  | LC_ALL=C sort -u)
[ -n "$tests" ] || result FAIL "tst-tramp tests registered in Makefile.patch"
for t in $tests; do
  glibc_test "misc/$t"
done
step_done

step checks
# glibc's own tests of the code the patches touch: fork (posix/fork.c
# takes the allocator lock) and thread exit (__libc_thread_freeres).
for t in posix/tst-fork posix/tst-_Fork nptl/tst-fork1 nptl/tst-atfork1 \
	 nptl/tst-atfork2 malloc/tst-malloc-fork-deadlock nptl/tst-exit1 \
	 nptl/tst-thread-exit-clobber; do
  glibc_test "$t"
done
glibc_test elf/check-abi-libc
# Each prefix of the series: what changes between prefixes compiled
# with this build's flags (the ABI is whole from the first commit).
if "$top/scripts/glibc-prefix-check.sh" "$build" "$stage/glibc" \
     > prefix-check.log 2>&1; then
  result PASS "every prefix of the series compiles" \
    "($(grep -c '^PASS' prefix-check.log) prefixes)"
else
  sed 's/^/    /' prefix-check.log
  result FAIL "every prefix of the series compiles"
fi
# glibc's installed-header rules, restricted to the new header.
glibc_test misc/check-installed-headers-c headers=sys/tramp.h
if grep -q '^CXX = *$' config.make; then
  result UNSUPPORTED "make test t=misc/check-installed-headers-cxx" \
    "(no C++ compiler for $triplet)"
else
  glibc_test misc/check-installed-headers-cxx headers=sys/tramp.h
fi
glibc_test misc/check-wrapper-headers headers=sys/tramp.h
glibc_test elf/check-execstack
glibc_test elf/check-textrel
glibc_test elf/check-localplt
# The table is in libc's text and libc.so needs no executable stack.
if readelf -lW libc.so | grep -q 'GNU_STACK.* RW '; then
  result PASS "libc.so GNU_STACK is RW"
else
  result FAIL "libc.so GNU_STACK is RW"
fi
if readelf -sW libc.so | grep -q ' tramp_alloc@@GLIBC_'; then
  result PASS "libc.so exports tramp_alloc" \
    "($(readelf -sW libc.so | grep -o 'tramp_alloc@@GLIBC_[0-9.]*'))"
else
  result FAIL "libc.so exports tramp_alloc"
fi
step_done

# The standalone suite, linked against the new libc instead of libtramp.
# The programs name the new dynamic linker and library directories
# themselves, so that the W^X policy runner (run by testrun.sh) can exec
# them; testrun.sh runs everything else with the new libc.
if [ -n "$wrapper" ]; then
  result UNSUPPORTED "standalone suite through testrun.sh" \
    "(not run under qemu-user; scripts/check $sysarch runs it there)"
else
step standalone
out=$build/tramp-standalone
rm -rf "$out"
mkdir -p "$out"
libdirs="$build:$build/nptl:$build/dlfcn:$build/math:$build/rt:$build/elf"
cflags=(-std=gnu11 -D_GNU_SOURCE -O2 -g -Wall -pthread
	-I"$top/sysdeps/$sysarch" -I"$top/misc" -I"$top" -I"$top/sysdeps/generic"
	-I"$top/standalone/support")
# The build tree's libc.so is the shared object itself, not the
# installed linker script: atexit, pthread_atfork and the other
# functions of libc_nonshared.a are named explicitly.
ldflags=(-B"$build/csu/" -L"$build" -L"$build/nptl" -L"$build/dlfcn"
	 -Wl,-rpath="$libdirs" -Wl,-rpath-link="$libdirs"
	 -Wl,--dynamic-linker="$build/elf/ld.so" "$build/libc_nonshared.a")
built=()
$cc "${cflags[@]}" -c "$top/standalone/support/support.c" -o "$out/support.o"
for t in tst-tramp tst-tramp-threads tst-tramp-fork tst-tramp-fork-child \
	 tst-tramp-cancel tst-tramp-thread-exit tst-tramp-ctor \
	 tst-tramp-atfork; do
  [ -f "$top/misc/$t.c" ] || continue
  if $cc "${cflags[@]}" "$top/misc/$t.c" "$out/support.o" "${ldflags[@]}" \
       -o "$out/$t" 2> "$out/$t.err"; then
    built+=("$t")
  else
    cat "$out/$t.err"
    result FAIL "standalone: build $t against the new libc"
  fi
done
# Static: the table is in the program, linked from the new libc.a.
if $cc "${cflags[@]}" -static -B"$build/csu/" -L"$build" \
     "$top/misc/tst-tramp-static.c" "$out/support.o" \
     -o "$out/tst-tramp-static" 2> "$out/static.err"; then
  built+=(tst-tramp-static)
else
  cat "$out/static.err"
  result FAIL "standalone: build tst-tramp-static against the new libc.a"
fi
# The first trampoline of a static program after its file was replaced
# or in a sandbox (tests/tst-firstuse.c, which copies itself).
if $cc "${cflags[@]}" -DTST_STATIC -static -B"$build/csu/" -L"$build" \
     "$top/tests/tst-firstuse.c" "$out/support.o" \
     -o "$out/tst-firstuse-static" 2> "$out/firstuse.err"; then
  built+=(tst-firstuse-static)
else
  cat "$out/firstuse.err"
  result FAIL "standalone: build tst-firstuse-static against the new libc.a"
fi
$cc -O2 "$top/tests/wx-policy.c" -o "$out/wx-policy"
$cc -O2 "$top/tests/wx-control.c" -o "$out/wx-control"
$cc -O2 -Wl,-z,execstack "$top/tests/wx-execstack.c" -o "$out/wx-execstack"
# Each program really uses the new libc's tramp_alloc.
for t in "${built[@]}"; do
  case $t in
    *static) continue ;;
  esac
  if ! readelf -sW "$out/$t" | grep -q 'tramp_alloc@GLIBC_'; then
    result FAIL "standalone: $t imports tramp_alloc from libc"
  fi
done
RUN="$build/testrun.sh" ARCH=$arch "$top/tests/run-tests.sh" "$out" \
  "${built[@]}" > "$out/run.log" 2>&1
sed 's/^/    /' "$out/run.log"
line=$(tail -n 1 "$out/run.log")
p=$(sed -nE 's/.* ([0-9]+) passed.*/\1/p' <<<"$line")
f=$(sed -nE 's/.* ([0-9]+) failed.*/\1/p' <<<"$line")
s=$(sed -nE 's/.* ([0-9]+) skipped.*/\1/p' <<<"$line")
if [ -z "$p" ]; then
  result FAIL "standalone suite through testrun.sh" "(no result line)"
else
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${s:-0}))
  echo "standalone suite through testrun.sh: $p passed, $f failed"
fi

# libc.so.6 replaced or deleted on disk, or the process in a sandbox,
# before the first trampoline; and with the kernel's copy of libc's
# mapping refused, the file-based fallbacks with the identity the
# link_map recorded.  Each case runs on its own copy of libc.so.6, found
# first through ld.so --library-path, plainly and under the W^X policy.
if $cc "${cflags[@]}" -I"$top/tests" "$top/tests/tst-libc-replaced.c" \
     "${ldflags[@]}" -o "$out/tst-libc-replaced" 2> "$out/replaced.err"; then
  for mode in keep inode unlink chroot newns landlock seccomp after \
	      nocopy nocopy-nodup nocopy-inode nocopy-unlink; do
    for policy in "" "$out/wx-policy"; do
      d=$out/libc-$mode
      name="libc.so.6 first use: $mode${policy:+ (W^X policy)}"
      rm -rf "$d"
      mkdir -p "$d"
      cp "$build/libc.so" "$d/libc.so.6"
      $policy "$build/elf/ld.so" --library-path "$d:$libdirs" \
	"$out/tst-libc-replaced" "$mode" "$d/libc.so.6" \
	> "$out/replaced-$mode.log" 2>&1
      case $? in
	0) result PASS "$name" "($(tail -n 1 "$out/replaced-$mode.log"))" ;;
	77) sed 's/^/    /' "$out/replaced-$mode.log"
	    result UNSUPPORTED "$name" ;;
	*) sed 's/^/    /' "$out/replaced-$mode.log"
	   result FAIL "$name" ;;
      esac
    done
  done
else
  cat "$out/replaced.err"
  result FAIL "build tst-libc-replaced against the new libc"
fi
step_done
fi # not wrapped
fi # patched

# "make check subdirs=misc", compared with the same run on the
# unpatched tree built the same way (GLIBC_UNPATCHED=1), if there is
# one: a test that fails here and not there is a regression.
if [ "${GLIBC_MISC_CHECK:-0}" = 1 ]; then
  step "make check subdirs=misc"
  cd "$build"
  # The header checks above ran for sys/tramp.h alone (headers=...):
  # their outputs would count as up to date, so make check would report
  # them without checking every header.
  for t in misc/check-installed-headers-c misc/check-installed-headers-cxx \
	   misc/check-wrapper-headers; do
    rm -f "$t.out" "$t.test-result"
  done
  # Debian's glibc-source strips the manual (manual/Makefile is all
  # that is left): the test root's "make install" would stop there if
  # makeinfo is installed, so the info manual is left out of it.
  noinfo=()
  [ -f "$src/manual/libc.texinfo" ] || noinfo=(MAKEINFO=:)
  make check subdirs=misc run-built-tests=yes "${noinfo[@]}" > misc-check.log 2>&1
  sum=misc/subdir-tests.sum
  [ -f "$sum" ] || sum=tests.sum
  if [ ! -s "$sum" ]; then
    # make check stopped before running any test (for example while
    # filling its test root): no counts, and nothing to compare.
    grep -E 'Error [0-9]|error:' misc-check.log | tail -n 5 | sed 's/^/    /'
    result FAIL "make check subdirs=misc" "(no test ran; see $build/misc-check.log)"
    rm -f misc-check.failures
    step_done
    finish
  fi
  grep -E '^(FAIL|XPASS|ERROR):' "$sum" | LC_ALL=C sort > misc-check.failures
  counts=$(cut -d: -f1 "$sum" | LC_ALL=C sort | uniq -c \
	     | awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2}')
  echo "make check subdirs=misc: $counts"
  sed 's/^/    /' misc-check.failures
  baseline=$cache/build-${tree:+$(basename "$tree")-}unpatched-$arch/misc-check.failures
  if [ "$unpatched" = 1 ]; then
    result PASS "make check subdirs=misc (baseline)" "($counts)"
  elif [ -f "$baseline" ]; then
    new=$(LC_ALL=C comm -23 misc-check.failures "$baseline")
    if [ -z "$new" ]; then
      result PASS "make check subdirs=misc: no new failure" \
	"($counts; unpatched: $(wc -l < "$baseline") failing)"
    else
      echo "$new" | sed 's/^/    new: /'
      result FAIL "make check subdirs=misc: no new failure" "($counts)"
    fi
  else
    result UNSUPPORTED "make check subdirs=misc: no new failure" \
      "($counts; no unpatched baseline in $baseline)"
  fi
  step_done
fi

finish
}
