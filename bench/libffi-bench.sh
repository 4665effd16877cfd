#!/bin/bash
# bench/libffi-bench.c against libffi builds, in interleaved rounds:
# each round runs every build once, one after the other, so that the
# load of a shared machine falls on all of them alike.  Prints each
# build's median and range over the rounds, and the median and range of
# its per-round ratio to the first build.  Columns: alloc + prep + free
# of a long (long) closure with 0, 1,000 and 100,000 closures live, a
# call through it; alloc + prep + free (0 live) and a call of a
# double (double, double) closure ("fp").
#
# usage: bench/libffi-bench.sh [ROUNDS [NAME=LIBDIR...]]
#   ROUNDS   rounds (default 7);
#   NAME=LIBDIR  further builds to compare (a directory holding
#            libffi.so.8), after stock, static and sys from
#            libffi/build.sh.
# Every build runs with the libtramp of this tree (the sys build's).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/lib.sh
rounds=${1:-7}
[ $# -gt 0 ] && shift
builds=$(libffi/build.sh stock static sys)
dir () { sed -n "s/^$1: //p" <<<"$builds"; }
sys=$(dir sys)
work=$top/build/libffi-bench
mkdir -p "$work"
gcc -O2 -I"$(dir stock)/include" -I"$sys/tramp/include" -Ibench \
  bench/libffi-bench.c -L"$(dir stock)/.libs" -lffi -L"$sys/tramp/lib" \
  -ltramp -o "$work/libffi-bench"
variants=("stock=$(dir stock)/.libs" "static=$(dir static)/.libs"
	  "sys=$sys/.libs" "$@")
for r in $(seq "$rounds"); do
  for v in "${variants[@]}"; do
    LD_LIBRARY_PATH=${v#*=}:$sys/tramp/lib "$work/libffi-bench" "${v%%=*}" \
      "${LIBFFI_BENCH_SCALE:-1}"
  done
done >"$work/rounds.txt"
python3 - "$work/rounds.txt" <<'EOF'
import collections, statistics, sys
rows = collections.OrderedDict()
for line in open(sys.argv[1]):
    f = line.split()
    rows.setdefault(f[0], []).append([float(x) for x in f[1:7]])
cols = ("0 live", "1,000 live", "100,000 live", "call", "fp 0 live",
        "fp call")
def show(name, table, fmt):
    print("%-10s" % name + "".join(
        "%21s" % (fmt % (statistics.median(c), min(c), max(c)))
        for c in zip(*table)))
print("ns per operation, median (range) of %d rounds" % len(rows[next(iter(rows))]))
print("%-10s" % "build" + "".join("%21s" % c for c in cols))
for k, v in rows.items():
    show(k, v, "%.1f (%.1f-%.1f)")
base = next(iter(rows))
print("per-round ratio to %s, median (range)" % base)
for k, v in list(rows.items())[1:]:
    show(k, [[a / b for a, b in zip(x, y)] for x, y in zip(v, rows[base])],
         "%.2f (%.2f-%.2f)")
EOF
