#!/bin/bash
# Apply the project to a glibc source tree as the git format-patch
# series that scripts/glibc-series.py generates for it: the tree gets
# one commit per patch, applied with git am.
#
# usage: scripts/glibc-apply.sh GLIBC_SRC_DIR [SERIES_DIR]
#
# A tree that is not a git repository (an unpacked tarball) is first
# committed as it is into a new one.  The series is written to
# SERIES_DIR (default: a temporary directory, removed afterwards).

set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
src=$(cd "$1" && pwd)
[ -f "$src/version.h" ] && [ -d "$src/misc" ] || {
  echo "glibc-apply: $src is not a glibc source tree" >&2; exit 1; }
id=(-c user.name=glibc-apply -c user.email=glibc-apply@invalid)
if [ ! -e "$src/.git" ]; then
  git -C "$src" init -q
  git -C "$src" add -A
  git "${id[@]}" -C "$src" commit -q -m "glibc $(sed -n \
    's/#define VERSION "\(.*\)"/\1/p' "$src/version.h")"
fi
if [ $# -ge 2 ]; then
  series=$2
else
  series=$(mktemp -d)
  trap 'rm -rf "$series"' EXIT
fi
python3 "$top/scripts/glibc-series.py" -o "$series" "$src"
git "${id[@]}" -C "$src" am -q $(ls "$series"/*.patch | grep -v /0000-cover-letter.patch)
git -C "$src" log --oneline -n "$(ls "$series"/*.patch | grep -vc /0000-cover-letter.patch)"
