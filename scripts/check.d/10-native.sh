# libtramp on the build machine's architecture: the test suite plainly
# and under the W^X policy, then the sanitizer builds.
. scripts/lib.sh
need_packages gcc make libc6-dev
make -s -C standalone check
make -s -C standalone check-sanitize
