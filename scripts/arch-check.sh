# Shared by scripts/check.d/2x-3x: libtramp for one architecture.
#
# arch_check ARCH "CC" "RUN" TABLE_SIZE [FEATURE...]
#   builds with O=build/ARCH, runs the whole suite (RUN: emulator prefix,
#   empty to run natively), checks that the table and allocator objects
#   carry each GNU property FEATURE (as readelf -n names them: IBT,
#   SHSTK, BTI, PAC), and that in the linked library and static program
#   the table starts at a TABLE_SIZE-aligned address and file offset
#   (what mapping it on a kernel with TABLE_SIZE pages needs).  Result
#   lines: "ARCH: N passed, N failed, N skipped" for the suite,
#   "ARCH-elf: ..." for the ELF checks.

arch_check () {
  local arch=$1 cc=$2 run=$3 size=$4; shift 4
  local o=$PWD/build/$arch out p=0 f=0 rc
  out=$(mktemp)
  make -s -C standalone O="$o" CC="$cc" RUN="$run" check 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  # run-tests.sh prints the suite's result line; without it the build
  # failed.
  if ! grep -qE "^$arch: [0-9]+ passed, [0-9]+ failed" "$out"; then
    echo "$arch: 0 passed, 1 failed, 0 skipped (the build or the run broke)"
  fi
  rm -f "$out"
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
  local file where
  for file in "$o/libtramp.so.1" "$o/tests/tst-tramp-static"; do
    where=$(table_place "$file")
    if [ -n "$where" ] && [ $((${where% *} % size)) -eq 0 ] \
	&& [ $((${where#* } % size)) -eq 0 ]; then
      printf '%-12s %s\n' PASS: "table in ${file#$o/} at $where (address, file offset) aligned to $size"
      p=$((p + 1))
    else
      printf '%-12s %s\n' FAIL: "table in ${file#$o/} at ${where:-?} not aligned to $size"
      f=$((f + 1))
    fi
  done
  echo "$arch-elf: $p passed, $f failed, 0 skipped"
  [ "$rc" -eq 0 ] && [ "$f" -eq 0 ]
}

# table_place FILE: "ADDRESS OFFSET" of __tramp_table in FILE (from the
# symbol table and the PT_LOAD segment that holds it), in decimal.
table_place () {
  local addr type off va pa fsz rest
  addr=$(nm "$1" 2>/dev/null | awk '$3 == "__tramp_table" { print $1 }')
  [ -n "$addr" ] || return 0
  addr=$((16#$addr))
  while read -r type off va pa fsz rest; do
    [ "$type" = LOAD ] || continue
    if [ "$addr" -ge $((va)) ] && [ "$addr" -lt $((va + fsz)) ]; then
      echo "$addr $((off + addr - va))"
      return 0
    fi
  done < <(readelf -lW "$1")
}
