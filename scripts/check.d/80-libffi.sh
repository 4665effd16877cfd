# libffi 3.4.4 (Debian's source) with the patches in libffi/patches:
# closures on <sys/tramp.h>.  Builds it stock, with upstream's static
# trampolines and patched (libffi/build.sh, cached in $TRAMP_CACHE/libffi),
# then:
#   - libffi's own testsuite (make check, DejaGnu) of the patched build,
#     plainly and with the whole run under the W^X policy (by default
#     its closure part, closure.exp: LIBFFI_TESTSUITE=all runs all of
#     it, some 2,000 tests, too long for this step's budget); the
#     closure tests of the stock build under the policy are the control
#     and must be killed;
#   - the fallback to libffi's old method when tramp_alloc fails with
#     ENOSYS, ELIBACC or ELIBBAD, and closures in the caller's memory;
#   - Debian's python3, unmodified, with ctypes callbacks: passes under
#     the policy with the patched libffi, killed with the system one;
#   - bench/libffi-bench for the three builds (a long (long) closure
#     with 0, 1,000 and 100,000 live, and a double (double, double)
#     one: "fp").
# The i386, aarch64 and arm closure tests take longer than this step's
# budget: run them with libffi/cross-check.sh (LIBFFI_CROSS=1 runs them
# here too, under qemu-user; LIBFFI_CROSS=vm in full-system VMs, on
# real kernels under the policy: libffi/cross-check.sh --vm).

. scripts/lib.sh
need_packages gcc make autoconf automake libtool dpkg-dev patch dejagnu \
  python3 libc6-dev

pass=0 fail=0 skip=0
result () {
  case $1 in
    PASS) pass=$((pass + 1)) ;;
    FAIL) fail=$((fail + 1)) ;;
    SKIP) skip=$((skip + 1)) ;;
  esac
  echo "$1: $2"
}
finish () {
  echo "libffi: $pass passed, $fail failed, $skip skipped"
  [ "$fail" -eq 0 ]
  exit
}

start=$SECONDS
builds=$(libffi/build.sh stock static sys) \
  || { result FAIL "build libffi (see $TRAMP_CACHE/libffi/log)"; finish; }
stock=$(sed -n 's/^stock: //p' <<<"$builds")
static=$(sed -n 's/^static: //p' <<<"$builds")
sys=$(sed -n 's/^sys: //p' <<<"$builds")
result PASS "build libffi stock, static and patched ($((SECONDS - start)) s)"
grep -q '^#define FFI_SYS_TRAMP 1' "$sys/fficonfig.h"
result $([ $? -eq 0 ] && echo PASS || echo FAIL) \
  "configure's default turns FFI_SYS_TRAMP on (fficonfig.h)"
grep -q '^Libs.private: -ltramp' "$sys/libffi.pc"
result $([ $? -eq 0 ] && echo PASS || echo FAIL) \
  "libffi.pc: Libs.private: -ltramp"
! grep -q 'FFI_SYS_TRAMP 1' "$stock/fficonfig.h" \
  && ! grep -q 'FFI_SYS_TRAMP 1' "$static/fficonfig.h"
result $([ $? -eq 0 ] && echo PASS || echo FAIL) \
  "the stock and static builds are not patched"

work=$PWD/build/libffi
rm -rf "$work"
mkdir -p "$work"
policy=$work/wx-policy
gcc -O2 -o "$policy" tests/wx-policy.c || { result FAIL "build wx-policy"; finish; }

# --- libffi's testsuite -------------------------------------------------
# run_suite NAME DIR [RUNNER]: make check in DIR, its summary kept as
# $work/NAME.sum.  Prints the DejaGnu counts; sets $expected and
# $unexpected.
run_suite () {
  local name=$1 dir=$2 runner=${3:-}
  local flags=closure.exp
  [ "${LIBFFI_TESTSUITE:-}" = all ] && [ "$name" != control ] && flags=
  local t0=$SECONDS
  (cd "$dir" && rm -f testsuite/libffi.sum \
     && nice $runner make check RUNTESTFLAGS="$flags") >"$work/$name.log" 2>&1
  cp "$dir/testsuite/libffi.sum" "$work/$name.sum" 2>/dev/null
  cp "$dir/testsuite/libffi.log" "$work/$name.testlog" 2>/dev/null
  expected=$(sed -n 's/^# of expected passes[[:space:]]*//p' "$work/$name.sum" 2>/dev/null)
  unexpected=$(sed -n 's/^# of unexpected failures[[:space:]]*//p' "$work/$name.sum" 2>/dev/null)
  expected=${expected:-0} unexpected=${unexpected:-0}
  echo "  $name: ${flags:-whole testsuite}: $expected expected passes," \
       "$unexpected unexpected failures ($((SECONDS - t0)) s)"
  grep -E '^(FAIL|UNRESOLVED|ERROR)' "$work/$name.sum" 2>/dev/null | head -n 10 \
    | sed 's/^/    /'
}

# The patched build, plainly and under the policy, side by side (the
# testsuite is serial: one core each).
(run_suite plain "$sys" >"$work/plain.out") &
cp -a "$sys" "$work/sys-policy"	# a build tree of its own for the run
run_suite policy "$work/sys-policy" "$policy" >"$work/policy.out"
wait
for name in plain policy; do
  cat "$work/$name.out"
  e=$(sed -nE "s/^  $name: .*: ([0-9]+) expected passes, ([0-9]+) unexpected.*/\1 \2/p" \
	"$work/$name.out")
  if [ -n "$e" ] && [ "${e% *}" -gt 0 ] && [ "${e#* }" -eq 0 ]; then
    result PASS "patched libffi: make check $name"
  else
    result FAIL "patched libffi: make check $name"
  fi
done
rm -rf "$work/sys-policy"

# The control: the stock build's closure tests under the policy.
run_suite control "$stock" "$policy"
# The tests still compile (those passes count as expected), and the few
# in libffi.closures that make no closure (nested_struct11/12 and
# unwindtest_ffi_call call functions only) run: no test that makes a
# closure may run to completion.
ran=0
stock_src=$(sed -n 's/^abs_srcdir = //p' "$stock/Makefile")
while read -r t; do
  grep -qE 'ffi_closure_alloc|ffi_prep_closure' "$stock_src/testsuite/$t" \
    2>/dev/null && ran=$((ran + 1))
done < <(sed -nE 's/^PASS: (libffi\.closures\/[^ ]+) .*execution test$/\1/p' \
	   "$work/control.sum" 2>/dev/null)
if [ "$unexpected" -gt 0 ] && [ "${ran:-0}" -eq 0 ]; then
  result PASS "control: stock libffi's closure tests fail under the policy"
else
  result FAIL "control: stock libffi's closure tests fail under the policy"
fi

# --- Fallback, refusal, closures in the caller's memory -----------------
cc_ffi=(gcc -O2 -Wall -I"$sys/include" -I"$sys/tramp/include"
	-L"$sys/.libs" -L"$sys/tramp/lib"
	-Wl,-rpath,"$sys/.libs:$sys/tramp/lib")
"${cc_ffi[@]}" libffi/tests/tst-ffi-closure.c -lffi -ltramp \
  -o "$work/tst-ffi-closure" \
  && gcc -O2 -shared -fPIC libffi/tests/tramp-fail.c -o "$work/tramp-fail.so" -ldl \
  || { result FAIL "build tst-ffi-closure"; finish; }
tst=$work/tst-ffi-closure shim=$work/tramp-fail.so

# expect WANT NAME COMMAND...: run COMMAND, want exit status WANT
# (killed: 128 + SIGSYS, or the shell's report of it).
expect () {
  local want=$1 name=$2
  shift 2
  "$@" >"$work/out" 2>&1
  local rc=$?
  if [ "$want" = killed ]; then
    [ $rc -eq 159 ] || [ $rc -eq $((128 + 31)) ]
  else
    [ $rc -eq "$want" ]
  fi
  if [ $? -eq 0 ]; then
    result PASS "$name"
  else
    sed 's/^/    /' "$work/out" | head -n 10
    result FAIL "$name (exit $rc)"
  fi
}
expect 0 "closures are <sys/tramp.h> trampolines, under the policy" \
  "$policy" "$tst" tramp
for e in ENOSYS ELIBACC ELIBBAD; do
  expect 0 "tramp_alloc fails with $e: old method, closures work" \
    env TRAMP_FAIL=$e LD_PRELOAD="$shim" "$tst" fallback
done
expect killed "tramp_alloc fails with ENOSYS: the old method's W+X memory is killed under the policy" \
  env TRAMP_FAIL=ENOSYS LD_PRELOAD="$shim" "$policy" "$tst" fallback
expect 0 "failure after 3 closures: both kinds live, prepared, called, freed" \
  env TRAMP_FAIL=ELIBBAD TRAMP_FAIL_AFTER=3 LD_PRELOAD="$shim" "$tst" mixed
expect 0 "tramp_alloc fails with ENOMEM: ffi_closure_alloc returns NULL" \
  env TRAMP_FAIL=ENOMEM LD_PRELOAD="$shim" "$tst" nomem
expect 0 "a closure in the caller's own memory keeps the dynamic trampoline" \
  "$tst" user
expect 0 "a raw closure (ffi_prep_raw_closure_loc), under the policy" \
  "$policy" "$tst" raw
expect 0 "a closure called before it is prepared aborts with libffi's message, under the policy" \
  "$policy" "$tst" unprepared
expect 0 "a closure called after it is freed, or freed twice, aborts with libffi's message, under the policy" \
  "$policy" "$tst" freed

# --- Debian's python3, unmodified ----------------------------------------
py=/usr/bin/python3	# Debian's, not whatever python3 comes first in PATH
if [ -x "$py" ] && "$py" -c 'import ctypes' 2>/dev/null; then
  expect 0 "python3 ctypes callbacks with the patched libffi" \
    env LD_LIBRARY_PATH="$sys/.libs" "$py" libffi/tests/ctypes-callbacks.py "$sys/.libs"
  sed 's/^/    /' "$work/out"
  expect 0 "python3 ctypes callbacks with the patched libffi, under the policy" \
    env LD_LIBRARY_PATH="$sys/.libs" "$policy" "$py" libffi/tests/ctypes-callbacks.py "$sys/.libs"
  expect killed "control: python3 ctypes callbacks with the system libffi are killed under the policy" \
    "$policy" "$py" libffi/tests/ctypes-callbacks.py
else
  result SKIP "python3 ctypes (no Debian python3 with ctypes)"
fi

# --- Benchmark ---------------------------------------------------------
if gcc -O2 -I"$stock/include" -I"$sys/tramp/include" -Ibench \
     bench/libffi-bench.c -L"$stock/.libs" -lffi -L"$sys/tramp/lib" -ltramp \
     -o "$work/libffi-bench"; then
  printf '%-22s %10s %10s %12s %10s %10s %10s\n' "ns per operation" \
	 "0 live" "1,000 live" "100,000 live" "call" "fp 0 live" "fp call"
  for v in stock static sys; do
    d=$(sed -n "s/^$v: //p" <<<"$builds")
    label=$v
    [ $v = static ] && label="static (upstream)"
    [ $v = sys ] && label="sys/tramp.h (patched)"
    LD_LIBRARY_PATH="$d/.libs:$sys/tramp/lib" "$work/libffi-bench" "$label" \
      "${LIBFFI_BENCH_SCALE:-1}" || result FAIL "libffi-bench $v"
  done | tee "$work/bench.txt"
  result PASS "bench/libffi-bench ran for the three builds"
else
  result FAIL "build bench/libffi-bench"
fi

# --- Other architectures ---------------------------------------------------
if [ "${LIBFFI_CROSS:-}" = vm ]; then
  for arch in i386 aarch64 arm; do
    libffi/cross-check.sh --vm "$arch" 2>&1 \
      | sed -E 's/^([A-Za-z0-9_.+-]+: [0-9]+ (passed|compiled|killed))/  \1/' \
      | tee "$work/out-vm-$arch"
    for n in closures closures-policy; do
      line=$(grep -E "^  $arch-vm-$n: [0-9]+ passed" "$work/out-vm-$arch" | tail -n 1)
      if [ -n "$line" ] && grep -q ' 0 failed' <<<"$line"; then
	result PASS "$arch closure tests in the VM ($n)"
      else
	result FAIL "$arch closure tests in the VM ($n)"
      fi
    done
    if grep -qE "^  $arch-vm-control: [1-9][0-9]* killed by the policy, 0 ran, 0 other" \
	 "$work/out-vm-$arch"; then
      result PASS "$arch control in the VM: stock libffi's closure tests killed under the policy"
    else
      result FAIL "$arch control in the VM: stock libffi's closure tests killed under the policy"
    fi
  done
elif [ -n "${LIBFFI_CROSS:-}" ]; then
  for arch in i386 aarch64 arm; do
    # Indented: scripts/check counts only this step's total line.
    libffi/cross-check.sh "$arch" 2>&1 \
      | sed -E 's/^([A-Za-z0-9_.+-]+: [0-9]+ passed)/  \1/' \
      | tee "$work/out-$arch"
    line=$(grep -E "^  [a-z0-9_]+-closures[a-z-]*: [0-9]+ passed" "$work/out-$arch" | tail -n 1)
    if [ -n "$line" ] && grep -q ' 0 failed' <<<"$line"; then
      result PASS "$arch closure tests"
    else
      result FAIL "$arch closure tests"
    fi
  done
else
  result SKIP "i386, aarch64, arm closure tests (by hand: libffi/cross-check.sh [--vm] ARCH, or LIBFFI_CROSS=1 or vm)"
fi

echo "libffi step: $((SECONDS - start)) s"
finish
