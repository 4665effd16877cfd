#!/bin/bash
# glibc's test-wrapper for programs that cannot run natively: runs them
# under qemu-user.  glibc calls the wrapper as
#   WRAPPER [env [-i] [-u NAME]... [NAME=VALUE]...] PROGRAM ARGS...
# (test-wrapper, test-wrapper-env and test-wrapper-env-only); the
# variables go to the guest with qemu's -E and -U, so that qemu itself
# (a host program) never sees the guest's LD_LIBRARY_PATH and the like.
#
# usage, in the build's configparms:
#   test-wrapper = .../glibc-test-wrapper.sh QEMU [QEMU-OPTIONS...] --
# for example "qemu-aarch64 -cpu max -L /usr/aarch64-linux-gnu --".

qemu=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
  qemu+=("$1"); shift
done
[ $# -gt 0 ] && shift
clear=no
guest=()
if [ "${1:-}" = env ]; then
  shift
  while [ $# -gt 0 ]; do
    case $1 in
      -i|--ignore-environment) clear=yes; shift ;;
      -u) guest+=(-U "$2"); shift 2 ;;
      --unset=*) guest+=(-U "${1#--unset=}"); shift ;;
      *=*) guest+=(-E "$1"); shift ;;
      *) break ;;
    esac
  done
fi
if [ $clear = yes ]; then
  # qemu passes its own environment to the guest: start from nothing.
  exec env -i PATH="$PATH" "${qemu[@]}" -U PATH "${guest[@]}" "$@"
fi
exec "${qemu[@]}" "${guest[@]}" "$@"
