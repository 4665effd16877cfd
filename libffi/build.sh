#!/bin/bash
# Build Debian's libffi 3.4.4 three ways, for the libffi step of
# scripts/check and for bench/libffi-bench:
#
#   stock   Debian's own configuration (--disable-exec-static-tramp):
#           closure code in anonymous write+execute memory;
#   static  the same source with upstream's static trampolines
#           (--enable-exec-static-tramp);
#   sys     with the patches in libffi/patches: closures on
#           <sys/tramp.h>, from the libtramp of this tree.
#
# usage: libffi/build.sh [--host TRIPLET] VARIANT...
#
# The source comes from Debian's archive (the machine's own mirror, with
# a deb-src line in a private apt configuration) and, like the builds,
# stays in $TRAMP_CACHE/libffi; a build is redone only when its inputs
# (the patches, the compiler, the configure flags) change.  libtramp is rebuilt and installed
# into the build directory each time, since libffi links to it
# dynamically.  Prints "VARIANT: DIR" for each build, DIR holding
# .libs/libffi.so and the configured testsuite (its Makefile names the
# source directory: srcdir).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"

host=
if [ "${1:-}" = --host ]; then
  host=$2
  shift 2
fi
[ $# -gt 0 ] || { echo "usage: $0 [--host TRIPLET] stock|static|sys..." >&2; exit 2; }

cache=$TRAMP_CACHE/libffi
version=3.4.4
debversion=3.4.4-1
log=$cache/log
mkdir -p "$cache" "$log"

need_packages gcc make autoconf automake libtool dpkg-dev patch

# --- The source -------------------------------------------------------
mirror () {
  local uri
  uri=$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources \
	  /etc/apt/sources.list 2>/dev/null \
	| grep -oE 'https?://[^ ]+' | grep -v security | head -n 1)
  echo "${uri:?no Debian mirror in the apt configuration}"
}

fetch () {
  local apt=$cache/apt
  rm -rf "$apt"
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/parts" \
	   "$cache/src"
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
       "$(mirror) bookworm main" >"$apt/sources.list"
  local opts=(-o Dir::Etc::SourceList="$apt/sources.list"
	      -o Dir::Etc::SourceParts="$apt/parts"
	      -o Dir::State::Lists="$apt/lists"
	      -o Dir::State::status=/dev/null
	      -o Dir::Cache="$apt/cache"
	      -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
  apt-get -qq "${opts[@]}" update
  (cd "$cache/src" \
     && apt-get -qq "${opts[@]}" source --download-only "libffi=$debversion")
  rm -rf "$apt"
}

pristine=$cache/src/libffi-$version
if [ ! -e "$pristine/configure" ]; then
  [ -s "$cache/src/libffi_$debversion.dsc" ] || fetch
  (cd "$cache/src" && rm -rf "libffi-$version" \
     && dpkg-source -x "libffi_$debversion.dsc" >/dev/null)
fi

# The patched tree, one per version of the patches (a testsuite run
# of an older build keeps its sources).
patch_sum=$(cat "$top"/libffi/patches/*.patch | sha256sum | cut -c1-16)
patched=$cache/src/libffi-$version-sys-$patch_sum
if [ ! -e "$patched/.patched" ]; then
  rm -rf "$patched"
  cp -a "$pristine" "$patched"
  for p in "$top"/libffi/patches/*.patch; do
    patch -s -p1 -d "$patched" <"$p"
  done
  (cd "$patched" && autoreconf -fi) >"$log/autoreconf.log" 2>&1 \
    || { tail -n 20 "$log/autoreconf.log"; exit 1; }
  touch "$patched/.patched"
fi
# Trees of older patches, once no build can still be using them.
find "$cache/src" -maxdepth 1 -name "libffi-$version-sys-*" \
  ! -path "$patched" -mmin +120 -exec rm -rf {} +

# --- The builds -------------------------------------------------------
if [ -n "$host" ]; then
  triplet=$host cc=$host-gcc
  # i386 runs natively with the cross compiler's C library in place
  # (its loader and run path linked in), as in scripts/check.d/20-i386.sh.
  case $host in
    i686-linux-gnu)
      cc="$cc -Wl,--dynamic-linker=/usr/$host/lib/ld-linux.so.2"
      cc="$cc -Wl,-rpath,/usr/$host/lib" ;;
  esac
else
  triplet=$(gcc -dumpmachine) cc=gcc
fi

build () {
  local variant=$1 src flags=()
  local dir=$cache/build-$triplet-$variant
  # Debian's configuration (debian/rules), without the documentation.
  flags=(--prefix=/usr --enable-pax_emutramp --without-gcc-arch
	 --disable-docs --disable-multi-os-directory)
  [ -n "$host" ] && flags+=(--host="$host")
  case $variant in
    stock) src=$pristine; flags+=(--disable-exec-static-tramp) ;;
    static) src=$pristine; flags+=(--enable-exec-static-tramp) ;;
    sys) src=$patched
	 flags+=(--disable-exec-static-tramp --enable-sys-tramp
		 CPPFLAGS="-I$dir/tramp/include"
		 LDFLAGS="-L$dir/tramp/lib -Wl,-rpath,$dir/tramp/lib") ;;
    *) echo "unknown variant $variant" >&2; exit 2 ;;
  esac
  # What the build depends on: the compiler, the configure flags and,
  # for the patched build, the patches.
  local key="$cc ${flags[*]}"
  [ "$variant" = sys ] && key="$patch_sum $key"
  if [ "$variant" = sys ] || [ ! -e "$dir/.libs/libffi.so" ]; then
    mkdir -p "$dir"
    # libtramp of this tree, installed where the build finds it.
    make -s -C "$top/standalone" CC="$cc" O="$dir/tramp-build" \
      PREFIX="$dir/tramp" install >"$log/$triplet-$variant-tramp.log" 2>&1 \
      || { tail -n 20 "$log/$triplet-$variant-tramp.log"; exit 1; }
  fi
  if [ "$(cat "$dir/.key" 2>/dev/null)" != "$key" ] \
     || [ ! -e "$dir/.libs/libffi.so" ]; then
    find "$dir" -mindepth 1 -maxdepth 1 ! -name 'tramp*' -exec rm -rf {} +
    local start=$SECONDS
    (cd "$dir" && "$src/configure" "${flags[@]}" CC="$cc" CFLAGS="-O2 -g" \
       && nice make -j2) >"$log/$triplet-$variant.log" 2>&1 \
      || { tail -n 30 "$log/$triplet-$variant.log"; exit 1; }
    echo "$key" >"$dir/.key"
    echo "built libffi $variant for $triplet in $((SECONDS - start)) s" >&2
  fi
  echo "$variant: $dir"
}

for v in "$@"; do
  build "$v"
done
