#!/bin/bash
# The promises of scripts/glibc-test-wrapper.sh, glibc's test-wrapper
# for the cross builds, on aarch64 under qemu-user: a guest program runs
# under qemu and gets the variables glibc passes (env NAME=VALUE, env -i,
# env -u) while qemu itself does not; a host program (the cp and shells
# of "make check") runs directly with the same variables; a guest file
# that qemu finds under its -L prefix (a DSO the guest's loader named)
# is what cp copies; a missing file still makes cp fail.
#
# usage: tests/glibc-test-wrapper-test.sh
# Prints PASS/FAIL lines and "glibc-test-wrapper: N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
wrapper=("$top/scripts/glibc-test-wrapper.sh" qemu-aarch64 -cpu max
	 -L /usr/aarch64-linux-gnu --)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
check () {
  local name=$1 expected=$2 got=$3
  if [ "$got" = "$expected" ]; then
    echo "PASS: $name"; pass=$((pass + 1))
  else
    echo "FAIL: $name: expected [$expected], got [$got]"; fail=$((fail + 1))
  fi
}

cat > "$work/getenv.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
int
main (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    printf ("%s=%s;", argv[i], getenv (argv[i]) ?: "(unset)");
  return 7;
}
EOF
aarch64-linux-gnu-gcc -o "$work/getenv" "$work/getenv.c" \
  || { echo "glibc-test-wrapper: 0 passed, 1 failed"; exit 1; }

out=$("${wrapper[@]}" "$work/getenv" HOME; echo "rc=$?")
check "guest program runs under qemu, its exit status kept" \
  "HOME=$HOME;rc=7" "$out"
out=$("${wrapper[@]}" env TST_A=1 -u HOME "$work/getenv" TST_A HOME)
check "env NAME=VALUE and -u reach the guest" "TST_A=1;HOME=(unset);" "$out"
out=$("${wrapper[@]}" env -i TST_B=2 "$work/getenv" TST_B HOME PATH)
check "env -i: the guest sees only what glibc passed" \
  "TST_B=2;HOME=(unset);PATH=(unset);" "$out"
out=$(QEMU_STRACE=1 "${wrapper[@]}" env -i "$work/getenv" QEMU_STRACE 2>&1)
check "env -i clears qemu's own environment too" "QEMU_STRACE=(unset);" "$out"

out=$("${wrapper[@]}" env TST_C=3 sh -c 'echo "$TST_C"')
check "host program runs directly with the variables" 3 "$out"
out=$("${wrapper[@]}" env -i TST_D=4 sh -c 'echo "$TST_D:${HOME:-unset}"')
check "host program under env -i" 4:unset "$out"
gcc -o "$work/host-exit" -x c - <<<'int main (void) { return 5; }'
"${wrapper[@]}" "$work/host-exit"
check "a program for another machine runs directly" 5 "$?"

"${wrapper[@]}" cp /lib/libgcc_s.so.1 "$work/libgcc_s.so.1"
cmp -s "$work/libgcc_s.so.1" /usr/aarch64-linux-gnu/lib/libgcc_s.so.1
check "cp of a guest DSO takes it from the -L prefix" 0 "$?"
echo data > "$work/host-file"
"${wrapper[@]}" cp "$work/host-file" "$work/host-copy"
check "cp of a host file copies it as is" data "$(cat "$work/host-copy")"
"${wrapper[@]}" cp /lib/no-such-dso.so.1 "$work/" 2> /dev/null
check "cp of a missing file fails" 1 "$?"

echo "glibc-test-wrapper: $pass passed, $fail failed"
[ $fail -eq 0 ]
