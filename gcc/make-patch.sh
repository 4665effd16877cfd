#!/bin/bash
# Regenerate gcc/libgcc-heap-trampoline.patch after a change to
# gcc/heap-trampoline-libc.h: apply the current patch to pristine GCC 14
# files, put the header in, and diff again.  The hunks of the two
# heap-trampoline.c files are maintained in the patch itself.
#
# usage: gcc/make-patch.sh GCC_SRC   (a GCC 14 tree or a copy of its
#        libgcc/config/{i386,aarch64}/heap-trampoline.c)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
src=$1
patch_file=$top/gcc/libgcc-heap-trampoline.patch
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for arch in i386 aarch64; do
  mkdir -p "$tmp/a/libgcc/config/$arch"
  cp "$src/libgcc/config/$arch/heap-trampoline.c" "$tmp/a/libgcc/config/$arch/"
done
cp -r "$tmp/a" "$tmp/b"
patch -s -d "$tmp/b" -p1 < "$patch_file"
cp "$top/gcc/heap-trampoline-libc.h" "$tmp/b/libgcc/config/"
{
  sed -n '1,/^diff /p' "$patch_file" | sed '$d'
  (cd "$tmp" && diff -ruN a b || true) \
    | sed -E 's/^(---|\+\+\+) ([^\t]+)\t.*/\1 \2/'
} > "$tmp/new.patch"
mv "$tmp/new.patch" "$patch_file"
