# Shared by scripts/check.d/2x-3x: libtramp for one architecture.
#
# arch_check ARCH "CC" "RUN" [FEATURE...]
#   builds with O=build/ARCH, runs the whole suite (RUN: emulator prefix,
#   empty to run natively), checks that the table and allocator objects
#   carry each GNU property FEATURE (as readelf -n names them: IBT,
#   SHSTK, BTI, PAC), and prints "ARCH: N passed, N failed, N skipped".

arch_check () {
  local arch=$1 cc=$2 run=$3; shift 3
  local o=$PWD/build/$arch out p=0 f=0 s=0
  out=$(mktemp)
  make -s -C standalone O="$o" CC="$cc" RUN="$run" check 2>&1 | tee "$out"
  local line
  line=$(grep -E '^[a-z0-9_]+: [0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
  rm -f "$out"
  if [ -n "$line" ]; then
    p=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line")
    f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
    s=$(sed -nE 's/.* ([0-9]+) skipped.*/\1/p' <<<"$line")
  else
    echo "FAIL:        $arch: the build or the test run did not finish"
    f=1
  fi
  # The objects must never switch a protection off for the library or
  # program they are linked into (the linker keeps a feature only if
  # every input has it).
  local obj feat
  for obj in "$o/pic/tramp-table.o" "$o/pic/tramp.o"; do
    for feat in "$@"; do
      if readelf -n "$obj" 2>/dev/null \
	  | grep -qE "(x86|AArch64) feature:.*\\b$feat\\b"; then
	printf '%-12s %s\n' PASS: "GNU property $feat in ${obj#$o/}"
	p=$((p + 1))
      else
	printf '%-12s %s\n' FAIL: "GNU property $feat in ${obj#$o/}"
	f=$((f + 1))
      fi
    done
  done
  echo "$arch: $p passed, $f failed, ${s:-0} skipped"
  [ "$f" -eq 0 ]
}
