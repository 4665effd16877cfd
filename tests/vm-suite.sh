#!/bin/sh
# Inside a full-system VM (scripts/vm.sh; busybox sh): for each build
# NAME:DIR (DIR as make O=DIR; DIR/tests/vm-tests.list names its tests,
# see standalone/vm.mk), the whole suite on the real kernel, plainly and
# under the seccomp W^X policy (run-tests.sh, result line "NAME: ..."),
# then what only a real kernel shows (result line "NAME-kernel: ..."):
# how each test's tables were mapped (syscount: copies of the loader's
# mapping, mremap duplicates of the
# template, or the file mapped again), and the kernel's own view of the
# copies (tst-vm-probe: /proc/self/smaps, PROT_BTI, page alignment).
#
# By default (what scripts/check.d/35-vm.sh runs, in the CI's time)
# each test runs once, under the policy, and the two slowest under
# emulation (the fork test through the emulated trampfd, the million-
# trampoline scale test) are reported as skipped; TRAMP_VM_FULL=1 runs
# everything, plainly too.
#
# usage: vm-suite.sh NAME:DIR...

here=$(cd "$(dirname "$0")" && pwd)
# Emulated CPUs are slow: the support/ test driver scales its
# per-test time limits by this.
export TIMEOUTFACTOR=${TIMEOUTFACTOR:-20}
slow="tst-tramp-fork-trampfd tst-scale"
if [ "${TRAMP_VM_FULL:-0}" = 1 ]; then
  slow=''
else
  export TRAMP_WX_ONLY=1
fi
status=0
for build in "$@"; do
  name=${build%%:*} dir=${build#*:}/tests
  uname -r -m
  p=0 f=0 s=0 tests=''
  for t in $(cat "$dir/vm-tests.list"); do
    case " $slow " in
      *" $t "*) echo "SKIP:        $t (slow under emulation; TRAMP_VM_FULL=1 runs it)"
		s=$((s + 1)) ;;
      *) tests="$tests $t" ;;
    esac
  done
  # shellcheck disable=SC2086
  ARCH=$name "$here/run-tests.sh" "$dir" $tests || status=1
  log=$(mktemp)
  for t in tst-tramp tst-tramp-static tst-tramp-threads tst-tramp-fork \
	   tst-scale; do
    [ -x "$dir/$t" ] || continue
    case " $slow tst-tramp-fork " in *" $t "*) [ -n "$slow" ] && continue ;; esac
    "$dir/syscount" "$dir/$t" >"$log" 2>&1
    rc=$?
    counts=$(grep '^syscount:' "$log")
    # The main path on a real kernel: every table a copy of the
    # loader's own mapping (mremap with MREMAP_DONTUNMAP), none mapped
    # from the file, no template (with BTI too: the copies are then
    # guarded with mprotect).
    if [ $rc -eq 0 ] && echo "$counts" \
	 | grep -qE 'own copies [1-9][0-9]*, refused 0; mremap duplicates 0, refused 0; file maps 0, templates 0'; then
      echo "PASS:        $t maps its tables with mremap ($counts)"
      p=$((p + 1))
    else
      echo "FAIL:        $t maps its tables with mremap (exit $rc)"
      sed 's/^/    /' "$log"
      f=$((f + 1))
    fi
  done
  rm -f "$log"
  for probe in tst-vm-probe tst-vm-probe-static; do
    [ -x "$dir/$probe" ] || continue
    echo "--- $probe"
    out=$("$dir/$probe" 2>&1)
    rc=$?
    echo "$out"
    np=$(echo "$out" | grep -c '^PASS:')
    nf=$(echo "$out" | grep -c '^FAIL:')
    [ $rc -ne 0 ] && [ "$nf" -eq 0 ] && nf=1
    p=$((p + np)) f=$((f + nf))
  done
  echo "$name-kernel: $p passed, $f failed, $s skipped"
  [ $f -eq 0 ] || status=1
done
exit $status
