#!/bin/bash
# Run libtramp's tests: each one plainly and under the W^X policy, plus
# the controls that show the policy really kills the old ways.  Prints
# one line per run and a final "N passed, N failed" line.
#
# usage: run-tests.sh DIR TEST...   (RUN: optional emulator prefix)

dir=$1; shift
run=${RUN:-}
passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# expect NAME WANT CMD...: WANT is "ok" (exit 0), "sigsys" or "77ok".
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
    ok:77) verdict=UNSUPPORTED ;;
  esac
  printf '%-12s %-40s (%ds)\n' "$verdict:" "$name" $((SECONDS - start))
  case $verdict in
    PASS) passed=$((passed + 1)) ;;
    UNSUPPORTED) skipped=$((skipped + 1)); sed 's/^/    /' "$log" ;;
    FAIL) failed=$((failed + 1)); echo "    exit status $rc"
	  sed 's/^/    /' "$log" ;;
  esac
}

policy="$run $dir/wx-policy"
expect "control: wx-control wx" ok $run "$dir/wx-control" wx
expect "control: wx-control mprotect" ok $run "$dir/wx-control" mprotect
expect "control: W^X policy kills wx" sigsys $policy "$dir/wx-control" wx
expect "control: W^X policy kills mprotect" sigsys \
  $policy "$dir/wx-control" mprotect

for t in "$@"; do
  expect "$t" ok $run "$dir/$t"
  expect "$t (W^X policy)" ok $policy "$dir/$t"
done

echo "${ARCH:+$ARCH: }$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
