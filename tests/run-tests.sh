#!/bin/bash
# Run libtramp's tests: each one plainly and under the W^X policy, plus
# the controls that show the policy really kills the old ways.  Under an
# emulator that refuses seccomp filters (qemu-user), the W^X runs are
# checked on the emulator's -strace log instead, and the output says so.
# Prints one line per run and a final "N passed, N failed" line.
#
# usage: run-tests.sh DIR TEST...   (RUN: optional emulator prefix;
#        TRAMP_WX_ONLY=1: skip the plain runs where seccomp works)

dir=$1; shift
run=${RUN:-}
passed=0 failed=0 skipped=0
log=$(mktemp)

# expect NAME WANT CMD...: WANT is "ok" (exit 0, or 77: unsupported),
# "sigsys" (killed by SIGSYS), "refused" (wx-policy's exit status
# 126: the program would run with an executable stack) or "denied"
# (wx-control's exit status 3: mprotect refused).
expect () {
  local name=$1 want=$2; shift 2
  local start=$SECONDS
  # Through a second shell, whose note about a child killed by a signal
  # goes to the log.
  bash -c '"$@"; exit $?' run "$@" >"$log" 2>&1
  local rc=$? verdict=FAIL
  case $want:$rc in
    ok:0) verdict=PASS ;;
    sigsys:159) verdict=PASS ;;      # 128 + SIGSYS
    refused:126) verdict=PASS ;;
    denied:3) verdict=PASS ;;
    ok:77|denied:77) verdict=UNSUPPORTED ;;
  esac
  printf '%-12s %-40s (%ds)\n' "$verdict:" "$name" $((SECONDS - start))
  case $verdict in
    PASS) passed=$((passed + 1))
	  [ "$want" = refused ] && sed 's/^/    /' "$log" ;;
    UNSUPPORTED) skipped=$((skipped + 1)); sed 's/^/    /' "$log" ;;
    FAIL) failed=$((failed + 1)); echo "    exit status $rc"
	  sed 's/^/    /' "$log" ;;
  esac
}

# Under an emulator (RUN set, e.g. qemu-user), the guest may not be able
# to install a seccomp filter: qemu-user answers PR_SET_SECCOMP with
# EINVAL, so that a guest filter cannot block the host system calls the
# emulator itself needs.  Find out, say so, and then check W^X from
# qemu's -strace log of every system call the guest makes instead: the
# same rules as wx-policy (no W+X request, no anonymous executable
# mmap, no mprotect or pkey_mprotect asking for execute), applied to
# the guest's own calls, with the same controls to show that the check
# can fail.
mode=seccomp
if [ -n "$run" ]; then
  emulator=${run%% *}
  export TST_TRAMP_EMULATOR=${emulator##*/} TST_TRAMP_RUN=$run
  # Emulated code runs several times slower, more so on a loaded
  # machine: scale the tests' own time limits (support/test-driver.c).
  export TIMEOUTFACTOR=${TIMEOUTFACTOR:-3}
  $run "$dir/wx-policy" "$dir/wx-control" wx >"$log" 2>&1
  rc=$?
  if [ $rc -eq 125 ] && grep -q 'cannot install the seccomp filter' "$log"
  then
    mode=strace
    echo "NOTE: seccomp filters cannot be installed under $TST_TRAMP_EMULATOR:"
    sed 's/^/    /' "$log"
    echo "NOTE: W^X is checked instead on the $TST_TRAMP_EMULATOR -strace log of"
    echo "      each run (every mmap/mmap2/mprotect/pkey_mprotect of the guest)"
  fi
fi

slog=$(mktemp)
trap 'rm -f "$log" "$slog"' EXIT

# wx_audit FILE: print the guest calls in a qemu -strace log that
# wx-policy would have killed; exit 1 if there is any.
wx_audit () {
  awk '
    match ($0, /^[0-9]+ (mmap|mmap2|mprotect|pkey_mprotect)\(/) {
      call = $2; sub (/\(.*/, "", call)
      args = $0; sub (/^[^(]*\(/, "", args); sub (/\) = .*/, "", args)
      n = split (args, a, ",")
      prot = a[3]; flags = (call ~ /^mmap/) ? a[4] : ""
      bad = ""
      if (prot ~ /PROT_EXEC/ && prot ~ /PROT_WRITE/)
        bad = "writable and executable"
      else if (call ~ /^mmap/ && prot ~ /PROT_EXEC/ && flags ~ /MAP_ANON/)
        bad = "anonymous executable"
      else if (call ~ /mprotect$/ && prot ~ /PROT_EXEC/)
        bad = "mprotect to executable"
      if (bad != "") { print "    W^X violation (" bad "): " $0; found++ }
      calls++
    }
    END {
      if (calls == 0) { print "    no mmap/mprotect call in the log"; exit 2 }
      exit found ? 1 : 0
    }' "$1"
}

# audited NAME WANT CMD...: run CMD under the emulator with -strace.
# WANT "clean": exits 0 and the log has no violation; "caught": the
# log has a violation (the controls).
audited () {
  local name=$1 want=$2; shift 2
  local start=$SECONDS
  rm -f "$slog"
  $run -strace -D "$slog" "$@" >"$log" 2>&1
  local rc=$?
  wx_audit "$slog" >>"$log"
  local audit=$? verdict=FAIL
  # An executable stack needs no system call: check the program header.
  if ! $run "$dir/wx-policy" --check "$1" >>"$log" 2>&1; then
    echo "    W^X violation (executable stack): $1" >>"$log"
    audit=1
  fi
  case $want:$rc:$audit in
    clean:0:0) verdict=PASS ;;
    caught:*:1) verdict=PASS ;;
    clean:77:0) verdict=UNSUPPORTED ;;
  esac
  printf '%-12s %-40s (%ds)\n' "$verdict:" "$name" $((SECONDS - start))
  case $verdict in
    PASS) passed=$((passed + 1))
	  [ "$want" = caught ] && grep 'W^X violation' "$log" ;;
    UNSUPPORTED) skipped=$((skipped + 1)); sed 's/^/    /' "$log" ;;
    FAIL) failed=$((failed + 1)); echo "    exit status $rc, audit $audit"
	  sed 's/^/    /' "$log" ;;
  esac
}

expect "control: wx-control wx" ok $run "$dir/wx-control" wx
expect "control: wx-control mprotect" ok $run "$dir/wx-control" mprotect
expect "control: wx-execstack" ok $run "$dir/wx-execstack"
if [ $mode = seccomp ]; then
  policy="$run $dir/wx-policy"
  expect "control: W^X policy kills wx" sigsys $policy "$dir/wx-control" wx
  expect "control: W^X policy kills mprotect" sigsys \
    $policy "$dir/wx-control" mprotect
  expect "control: W^X policy refuses execstack" refused \
    $policy "$dir/wx-execstack"
  # AArch64: mprotect asking for execute with PROT_BTI passes the filter
  # (the loader and libtramp add PROT_BTI to code that is already
  # executable); the kernel must still refuse it on data.
  if [ "$(uname -m)" = aarch64 ]; then
    expect "control: W^X policy refuses mprotect-bti" denied \
      $policy "$dir/wx-control" mprotect-bti
  fi
else
  audited "control: W^X audit catches wx" caught "$dir/wx-control" wx
  audited "control: W^X audit catches mprotect" caught \
    "$dir/wx-control" mprotect
  audited "control: W^X audit catches execstack" caught \
    "$dir/wx-execstack"
fi

# TRAMP_WX_ONLY=1 (full-system VMs, where time is short): each test
# only under the policy, which runs it just as fully.
for t in "$@"; do
  [ -n "${TRAMP_WX_ONLY:-}" ] && [ $mode = seccomp ] \
    || expect "$t" ok $run "$dir/$t"
  if [ $mode = seccomp ]; then
    expect "$t (W^X policy)" ok $policy "$dir/$t"
  else
    audited "$t (W^X strace audit)" clean "$dir/$t"
  fi
done

echo "${ARCH:+$ARCH: }$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
