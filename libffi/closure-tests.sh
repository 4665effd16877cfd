#!/bin/bash
# Compile libffi's closure tests (testsuite/libffi.closures/*.c, at -O2)
# against a libffi build and run each one, optionally through a runner
# (qemu-user, the W^X policy, or both).  Without DejaGnu, so that cross
# builds run them under qemu-user; a test passes when it exits with 0
# (the tests abort on a wrong result).  None of the tests' DejaGnu xfail
# or skip marks names these targets, so all of them run.
#
# usage: libffi/closure-tests.sh NAME BUILD-DIR SOURCE-DIR CC [RUN...]
# Prints PASS/FAIL per test and "NAME: N passed, N failed".
# CLOSURE_TESTS_OUT=DIR puts the programs in DIR (default
# BUILD-DIR/closure-tests); CLOSURE_TESTS_RUN=0 only compiles them (for
# a VM guest to run: libffi/cross-check.sh --vm).
set -u
name=$1 build=$2 src=$3 cc=$4
shift 4
out=${CLOSURE_TESTS_OUT:-$build/closure-tests}
rm -rf "$out"
mkdir -p "$out"
pass=0 fail=0
for t in "$src"/testsuite/libffi.closures/*.c; do
  base=$(basename "$t" .c)
  if ! $cc -O2 -w -I"$build/include" -I"$build" \
	-I"$src/testsuite/libffi.closures" "$t" -o "$out/$base" \
	-L"$build/.libs" -lffi -Wl,-rpath,"$build/.libs" -lm \
	>"$out/$base.log" 2>&1; then
    echo "FAIL: $base (compile)"
    fail=$((fail + 1))
    continue
  fi
  if [ "${CLOSURE_TESTS_RUN:-1}" = 0 ]; then
    pass=$((pass + 1))
  elif timeout 60 "$@" "$out/$base" >>"$out/$base.log" 2>&1 </dev/null; then
    pass=$((pass + 1))
  else
    echo "FAIL: $base (exit $?)"
    fail=$((fail + 1))
  fi
done
if [ "${CLOSURE_TESTS_RUN:-1}" = 0 ]; then
  echo "$name: $pass compiled, $fail failed"
else
  echo "$name: $pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
