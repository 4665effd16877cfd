#!/bin/bash
# Print the patch that adds the <sys/tramp.h> functions to every
# libc.abilist of a glibc source tree, at the symbol version named in
# the file glibc-version.  The lines go where "make update-abi" would
# put them (abilists are sorted with LC_ALL=C).
#
# usage: scripts/glibc-abilist-patch.sh GLIBC_SRC_DIR > sysdeps/tramp-abilist.patch

set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
src=$1
version=$(cat "$top/glibc-version")
symbols="tramp_alloc tramp_code tramp_data tramp_free tramp_set"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
find sysdeps -name libc.abilist | LC_ALL=C sort | while read -r f; do
  mkdir -p "$tmp/$(dirname "$f")"
  { cat "$f"; for s in $symbols; do echo "$version $s F"; done; } \
    | LC_ALL=C sort -u > "$tmp/$f"
  diff -u "$f" "$tmp/$f" \
    | sed -e "1s|.*|--- a/$f|" -e "2s|.*|+++ b/$f|" || true
done
