#!/bin/bash
# glibc's test-wrapper for programs that cannot run natively: runs them
# under qemu-user.  glibc calls the wrapper as
#   WRAPPER [env [-i] [-u NAME]... [NAME=VALUE]...] PROGRAM ARGS...
# (test-wrapper, test-wrapper-env and test-wrapper-env-only); the
# variables go to the guest with qemu's -E and -U, so that qemu itself
# (a host program) never sees the guest's LD_LIBRARY_PATH and the like.
# glibc also runs host tools through the wrapper (the cp that fills the
# test root of "make check", shells): a program that is not an ELF file
# for the guest's machine runs directly, with the same environment.
#
# usage, in the build's configparms:
#   test-wrapper = .../glibc-test-wrapper.sh QEMU [QEMU-OPTIONS...] --
# for example "qemu-aarch64 -cpu max -L /usr/aarch64-linux-gnu --".

qemu=() prefix=
while [ $# -gt 0 ] && [ "$1" != -- ]; do
  [ ${#qemu[@]} -gt 0 ] && [ "${qemu[-1]}" = -L ] && prefix=$1
  qemu+=("$1"); shift
done
[ $# -gt 0 ] && shift
clear=no
# The tramp tests' /proc/self/maps audit then knows the anonymous
# executable pages qemu gives every guest before main (tst-tramp.h).
guest=(-E "TST_TRAMP_EMULATOR=${qemu[0]##*/}") host=()
if [ "${1:-}" = env ]; then
  shift
  while [ $# -gt 0 ]; do
    case $1 in
      -i|--ignore-environment) clear=yes; shift ;;
      -u) guest+=(-U "$2"); host+=(-u "$2"); shift 2 ;;
      --unset=*) guest+=(-U "${1#--unset=}"); host+=("$1"); shift ;;
      *=*) guest+=(-E "$1"); host+=("$1"); shift ;;
      *) break ;;
    esac
  done
fi

# The ELF machine of the guest, from the emulator's name.
case ${qemu[0]##*/} in
  qemu-aarch64) machine=183 ;;
  qemu-arm) machine=40 ;;
  qemu-i386) machine=3 ;;
  *) machine= ;;
esac
program=$(command -v -- "${1:-}" 2> /dev/null)
header=()
[ -f "$program" ] && read -ra header < <(od -An -v -t u1 -N 20 "$program" | tr '\n' ' ')
# ELF magic (127 'E' 'L' 'F'), then e_machine, little-endian, at 18.
if [ -n "$machine" ] && [ -f "$program" ] \
   && [ "${header[*]:0:4}|$(( ${header[18]:-0} + 256 * ${header[19]:-0} ))" \
	!= "127 69 76 70|$machine" ]
then
  # The test root gets "cp DSO DEST" for each DSO the guest's loader
  # named, such as /lib/libgcc_s.so.1: qemu found it under its -L
  # prefix first, and so must cp, or the test root lacks it.
  if [ -n "$prefix" ] && [ "${1##*/}" = cp ]; then
    args=("$@")
    for ((i = 1; i < ${#args[@]}; i++)); do
      case ${args[i]} in
	/*) [ -e "$prefix${args[i]}" ] && args[i]=$prefix${args[i]} ;;
      esac
    done
    set -- "${args[@]}"
  fi
  if [ $clear = yes ]; then
    exec env -i PATH="$PATH" "${host[@]}" "$@"
  fi
  exec env "${host[@]}" "$@"
fi

if [ $clear = yes ]; then
  # qemu passes its own environment to the guest: start from nothing.
  exec env -i PATH="$PATH" "${qemu[@]}" -U PATH "${guest[@]}" "$@"
fi
exec "${qemu[@]}" "${guest[@]}" "$@"
