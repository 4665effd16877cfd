# GCC 14 nested functions (-ftrampoline-impl=heap) on libtramp-nested,
# on GCC's libgcc with gcc/libgcc-heap-trampoline.patch, and libgcc's
# own runtime as the control, under the W^X policy; then the
# benchmark.  The trixie chroot and GCC's sources are cached in
# $TRAMP_CACHE.
exec tests/gcc/run.sh
