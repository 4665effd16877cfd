# The glibc patch set: applied to glibc 2.41 (Debian trixie's
# glibc-source), built, and checked with glibc's own test driver, ABI,
# header, execstack, textrel and localplt checks, then the standalone
# suite run against the new libc through testrun.sh.  Source and build
# are cached in $TRAMP_CACHE/glibc; a clean run builds glibc once.
. scripts/lib.sh
bash scripts/glibc-check.sh
