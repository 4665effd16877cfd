# libtramp on the build machine's architecture: the test suite plainly
# and under the W^X policy, the sanitizer builds, and an install used
# through pkg-config.
. scripts/lib.sh
need_packages gcc make libc6-dev pkg-config
make -s -C standalone check
make -s -C standalone check-sanitize
tests/install-test.sh
