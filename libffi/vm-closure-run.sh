#!/bin/sh
# Inside a full-system VM guest (scripts/vm.sh; busybox sh): libffi's
# closure tests and tst-ffi-closure as libffi/cross-check.sh --vm
# compiled them into WORK, on the guest's real kernel:
#   ARCH-vm-closures         the patched build, plainly;
#   ARCH-vm-closures-policy  the patched build, each test under the
#                            seccomp W^X policy (WORK/wx-policy);
#   ARCH-vm-control          the stock build's tests under the policy:
#                            every test that makes a closure must be
#                            killed (SIGSYS), the others may pass.
# usage: vm-closure-run.sh ARCH WORK
arch=$1 work=$2
echo "guest kernel: $(uname -r -m)"
grep -m 1 -iE '^(Features|flags)' /proc/cpuinfo | tr ' ' '\n' \
  | grep -xE 'bti|paca|shstk|ibt' | tr '\n' ' '
echo
status=0
log=/tmp/vm-closure.log

# tst NAME RUNNER...: tst-ffi-closure's modes, then each closure test.
tst () {
  name=$1
  shift
  p=0 f=0
  for mode in tramp raw abi unprepared freed; do
    "$@" "$work/tst-ffi-closure" $mode >"$log" 2>&1
    case $? in
      0) p=$((p + 1)) ;;
      77) ;;			# abi: i386 only
      *) echo "FAIL: $name tst-ffi-closure $mode"; sed 's/^/    /' "$log"
	 f=$((f + 1)) ;;
    esac
  done
  for t in "$work"/sys/*; do
    case $t in *.log) continue ;; esac
    timeout 300 "$@" "$t" >"$log" 2>&1 </dev/null
    rc=$?
    if [ $rc -eq 0 ]; then
      p=$((p + 1))
    else
      echo "FAIL: $name $(basename "$t") (exit $rc)"
      head -n 5 "$log" | sed 's/^/    /'
      f=$((f + 1))
    fi
  done
  echo "$name: $p passed, $f failed"
  [ $f -eq 0 ] || status=1
}

tst "$arch-vm-closures"
tst "$arch-vm-closures-policy" "$work/wx-policy"

# The control: a killed test exits with 128 + SIGSYS (31).
killed=0 ran=0 other=0
for t in "$work"/stock/*; do
  case $t in *.log) continue ;; esac
  b=$(basename "$t")
  timeout 300 "$work/wx-policy" "$t" >"$log" 2>&1 </dev/null
  rc=$?
  if grep -qx "$b" "$work/closure-users.list"; then
    if [ $rc -eq 159 ]; then
      killed=$((killed + 1))
    elif [ $rc -eq 0 ]; then
      echo "FAIL: control: $b ran to completion under the policy"
      ran=$((ran + 1))
    else
      echo "FAIL: control: $b exit $rc, not killed with SIGSYS"
      other=$((other + 1))
    fi
  fi
done
echo "$arch-vm-control: $killed killed by the policy, $ran ran, $other other exits"
[ $killed -gt 0 ] && [ $ran -eq 0 ] && [ $other -eq 0 ] || status=1
exit $status
