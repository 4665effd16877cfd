#!/bin/bash
# Build Linux 6.12 (Debian's linux-source-6.12) with the trampfd series
# in kernel/patches, for the test VMs (scripts/vm.sh --kernel), and
# print the image's path.  The configuration is tinyconfig plus
# kernel/config/common.config and kernel/config/ARCH.config: an
# initramfs on a serial console, ELF, /proc, seccomp, futexes and
# CONFIG_TRAMPFD, and no drivers.  The result is cached in
# $TRAMP_CACHE/kernel/ARCH-KEY, KEY being a hash of the kernel patches
# (not the selftest's), the configuration fragments, the recipe number
# below and the source package's version, so a change to any of them
# builds again and an unchanged series costs nothing.
#
# usage: kernel/build.sh [x86_64|arm64]    (default x86_64)
# Prints the directory on the last line of stdout: image (the kernel),
# config, package (what it is), headers/ (uapi headers), selftests/
# (the kselftest headers), build.log.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"
arch=${1:-x86_64}
case $arch in
  x86_64) karch=x86_64 cross='' image=arch/x86/boot/bzImage target=bzImage
	  pkgs=(gcc make flex bison bc libelf-dev xz-utils cpio) ;;
  arm64|aarch64) arch=arm64 karch=arm64 cross=aarch64-linux-gnu-
	  image=arch/arm64/boot/Image target=Image
	  pkgs=(gcc-aarch64-linux-gnu make flex bison bc libelf-dev xz-utils) ;;
  *) echo "kernel/build.sh: unknown architecture $arch" >&2; exit 2 ;;
esac
need_packages linux-source-6.12 "${pkgs[@]}"
tarball=$(ls /usr/src/linux-source-6.12.tar.xz)
version=$(dpkg-query -W -f='${Version}' linux-source-6.12)
frags=("$top/kernel/config/common.config")
[ -e "$top/kernel/config/$arch.config" ] && frags+=("$top/kernel/config/$arch.config")
# The key: what the image is made of.  The selftest patch is left out
# (tests/trampfd-kernel.sh builds the selftest from kernel/patches);
# bump recipe when this script builds differently.
recipe=1
kpatches=()
for p in "$top"/kernel/patches/0[0-9][0-9][1-9]-*.patch; do
  case $p in *-selftests-*) ;; *) kpatches+=("$p") ;; esac
done
key=$( (echo "$version $arch recipe $recipe"; cat "${kpatches[@]}" "${frags[@]}") \
	 | sha256sum | cut -c1-16)
dir=$TRAMP_CACHE/kernel/$arch-$key
if [ -e "$dir/image" ]; then
  echo "kernel/build.sh: cached: $(cat "$dir/package")" >&2
  echo "$dir"
  exit 0
fi
mkdir -p "$dir"
src=$dir/src out=$dir/build
start=$(date +%s)
# The pristine source is extracted once per package version and kept
# (decompressing it is a good part of a build from an empty cache);
# each series gets a copy made of hard links, which patch does not
# write through (it replaces the files it changes).
pristine=$TRAMP_CACHE/kernel/linux-source-$version
if [ ! -e "$pristine/.complete" ]; then
  rm -rf "$pristine" && mkdir -p "$pristine"
  tar -xf "$tarball" -C "$pristine" --strip-components=1
  touch "$pristine/.complete"
fi
if [ ! -e "$src/.patched" ]; then
  rm -rf "$src"
  cp -al "$pristine" "$src"
  rm -f "$src/.complete"
  for p in "$top"/kernel/patches/0[0-9][0-9][1-9]-*.patch; do
    patch -s -p1 -d "$src" <"$p"
  done
  touch "$src/.patched"
fi
mk=(nice make -s -C "$src" O="$out" ARCH="$karch" CROSS_COMPILE="$cross" -j2)
mkdir -p "$out"
{
  "${mk[@]}" tinyconfig
  "$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "${frags[@]}"
  "${mk[@]}" olddefconfig
} >"$dir/build.log" 2>&1
for f in "${frags[@]}"; do
  grep -E '^CONFIG_[A-Z0-9_]+=y' "$f" | while read -r line; do
    grep -qx "$line" "$out/.config" \
      || { echo "kernel/build.sh: $line did not stick" >&2; exit 1; }
  done
done
"${mk[@]}" "$target" >>"$dir/build.log" 2>&1 \
  || { tail -n 30 "$dir/build.log" >&2; exit 1; }
# The uapi headers and the kselftest headers, to build the selftest.
"${mk[@]}" headers_install INSTALL_HDR_PATH="$dir/headers" >>"$dir/build.log" 2>&1
mkdir -p "$dir/selftests"
cp "$src/tools/testing/selftests/kselftest_harness.h" \
  "$src/tools/testing/selftests/kselftest.h" "$dir/selftests/"
cp "$out/$image" "$dir/image"
cp "$out/.config" "$dir/config"
end=$(date +%s)
echo "Linux $(make -s -C "$src" kernelversion) (linux-source-6.12 $version)" \
     "+ the trampfd series $key, $arch, built in $((end - start)) s" \
     >"$dir/package"
# The sources and objects are not needed to boot: keep the cache small.
rm -rf "$src" "$out"
echo "kernel/build.sh: built: $(cat "$dir/package")" >&2
echo "$dir"
