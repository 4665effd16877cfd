#!/bin/bash
# Apply the project to a glibc source tree: copy the new files to their
# glibc paths and apply every *.patch with patch -p1.
#
# usage: scripts/glibc-apply.sh GLIBC_SRC_DIR
#
# New files are those under include/, manual/, misc/ and sysdeps/ that
# are not patches.  A patch FILE.patch changes the glibc file FILE or,
# for posix/fork.patch and the like, files in its directory; only
# patches in directories that exist in glibc (or at the top, for files
# glibc has there) are taken, so other parts of the project can keep
# patches of their own.  The symbol version of the API is the one line
# of glibc-version: it replaces GLIBC_2.42 in the patches, and the
# abilist patch is regenerated when the version differs from its own.

set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
src=$(cd "$1" && pwd)
version=$(cat "$top/glibc-version")

[ -f "$src/version.h" ] && [ -d "$src/misc" ] || {
  echo "glibc-apply: $src is not a glibc source tree" >&2; exit 1; }
cd "$top"

# Debian's glibc-source strips the manual (its texinfo files are under
# the GFDL with invariant sections): the manual's patches are skipped
# there, and manual/tramp.texi is copied all the same.
have_manual=yes
[ -f "$src/manual/libc.texinfo" ] || have_manual=no

# Patches, in a stable order.
patches=()
while IFS= read -r p; do
  p=${p#./}
  if [ $have_manual = no ] && [[ $p == manual/* ]]; then
    echo "skipped $p: this tree has no manual"
    continue
  fi
  case $p in
    */*) d=${p%%/*}
	 [ "$d" != scripts ] && [ -d "$src/$d" ] || continue ;;
    *)   [ -e "$src/${p%.patch}" ] || continue ;;
  esac
  patches+=("$p")
done < <(find . -name '*.patch' -not -path './.git/*' -not -path './build/*' \
	   | LC_ALL=C sort)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
abilist=sysdeps/tramp-abilist.patch
if ! grep -q "^+$version tramp_alloc F" "$abilist"; then
  echo "glibc-apply: regenerating $abilist for $version"
  "$top/scripts/glibc-abilist-patch.sh" "$src" > "$tmp/abilist.patch"
fi

for p in "${patches[@]}"; do
  if [ "$p" = "$abilist" ] && [ -s "$tmp/abilist.patch" ]; then
    in=$tmp/abilist.patch
  else
    in=$tmp/patch
    sed "s/GLIBC_2\.42\b/$version/g" "$p" > "$in"
  fi
  if ! patch -d "$src" -p1 -s -N -F0 --no-backup-if-mismatch < "$in"; then
    echo "glibc-apply: $p does not apply" >&2
    exit 1
  fi
  echo "applied $p"
done

# New files.
n=0
while IFS= read -r f; do
  f=${f#./}
  mkdir -p "$src/$(dirname "$f")"
  cp "$f" "$src/$f"
  n=$((n + 1))
done < <(find include manual misc sysdeps -type f -not -name '*.patch' \
	   2>/dev/null | LC_ALL=C sort)
echo "copied $n new files"
