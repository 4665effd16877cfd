# The glibc patch set: generated as a git format-patch series for glibc
# 2.41 (Debian trixie's glibc-source), applied with git am, built, and
# checked with glibc's own test driver, ABI, header, execstack, textrel
# and localplt checks, then the standalone suite run against the new
# libc through testrun.sh.  Source and build are cached in
# $TRAMP_CACHE/glibc; a clean run builds glibc once (about 16 to 22
# minutes on 2 cores).  This is what fits in CI; the other trees
# (upstream master) and architectures (i686, aarch64, arm under
# qemu-user), each with an unpatched baseline for "make check
# subdirs=misc", are run by hand with scripts/glibc-all.sh.
#
# TRAMP_GLIBC_I686=1 also builds an i686 glibc with i686-linux-gnu-gcc
# and runs the same checks on it (about as long again), off by default
# to keep CI within its time limit.
. scripts/lib.sh
bash scripts/glibc-check.sh
rc=$?
if [ "${TRAMP_GLIBC_I686:-0}" = 1 ]; then
  need_packages gcc-i686-linux-gnu g++-i686-linux-gnu
  GLIBC_CC=i686-linux-gnu-gcc bash scripts/glibc-check.sh | sed 's/^glibc:/glibc-i686:/'
  [ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
fi
exit $rc
