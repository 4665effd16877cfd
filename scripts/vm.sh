#!/bin/bash
# Boot a real Linux kernel in a full-system qemu (TCG) and run one
# command in it: the guest's console is printed, and the exit status is
# the command's.
#
# usage: scripts/vm.sh ARCH [PAGE] [OPTION...] -- COMMAND [ARG...]
#   ARCH     x86_64 (runs i386 binaries too), aarch64, arm (armhf)
#   PAGE     aarch64 page size: 4k (default), 16k or 64k (or in bytes)
#   --kernel IMAGE  boot IMAGE (bzImage, arm64 Image, arm zImage; with
#            everything needed built in: no modules are loaded) instead
#            of the default kernel
#   --dir DIR       copy DIR into the guest at the same absolute path
#            (so run paths linked into test binaries work); repeatable
#   --timeout SEC   give up after SEC seconds (default 900)
#   --mem MIB       guest memory (default 1024)
#   -- COMMAND...   run by busybox sh in the guest, in the current
#            directory if it was copied in (else /)
#
# The guest is an initramfs: busybox (also standing in for bash), the C
# library of ARCH (this machine's on x86_64, plus the i386 cross one;
# the cross-compilers' sysroots otherwise), and the --dir trees.  It runs as root, with /proc, /sys,
# /dev mounted and writable /tmp.  Default kernels, from Debian's trixie
# packages (downloaded once into $TRAMP_CACHE/vm):
#   x86_64      linux-image-cloud-amd64
#   aarch64 4k  linux-image-arm64       (-cpu max: BTI, PAC, MTE)
#   aarch64 16k linux-image-arm64-16k
#   aarch64 64k none packaged: build one once (a minimal configuration,
#               cross-built from linux-source-6.12) with
#               scripts/vm.sh --build-kernel aarch64 64k
#               (30 min here beside other jobs; cached afterwards)
#   arm         linux-image-armmp-lpae  (-M virt -cpu cortex-a15)
# A kernel panic, an oops or a guest that stops without reporting the
# command's status prints "vm.sh: FAIL: ..." and exits 255, as does a
# guest still running after the time limit.
#
# Example: scripts/vm.sh aarch64 16k --dir $PWD/build/aarch64 \
#            -- build/aarch64/tests/tst-tramp

set -u
# All in one block, read before it runs: editing this file (a git
# checkout) while a guest runs must not change what the running script
# does next.
{
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"
vmcache=$TRAMP_CACHE/vm

die () { echo "vm.sh: $*" >&2; exit 2; }

# --- Debian packages, through a private apt state in the cache (the
# machine's own apt configuration and dpkg database are not touched);
# the mirror is the one this machine's sources already use.
apt_opts () {
  local d=$vmcache/apt
  echo "-o Dir::State=$d -o Dir::State::Lists=$d/lists" \
    "-o Dir::State::status=/dev/null -o Dir::Cache=$d" \
    "-o Dir::Cache::Archives=$d/archives -o Dir::Etc::SourceList=$d/sources.list" \
    "-o Dir::Etc::SourceParts=/nonexistent -o Debug::NoLocking=1" \
    "-o APT::Architectures::=amd64 -o APT::Architectures::=arm64" \
    "-o APT::Architectures::=armhf -o APT::Default-Release=trixie"
}

apt_setup () {
  local d=$vmcache/apt uri
  [ -e "$d/lists/.updated" ] && return 0
  mkdir -p "$d/lists/partial" "$d/archives/partial"
  uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources \
	  2>/dev/null)
  [ -n "$uri" ] || uri=$(awk '$1 == "deb" && $0 !~ /security/ {
      for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; exit } }' \
      /etc/apt/sources.list 2>/dev/null)
  [ -n "$uri" ] || die "no Debian mirror in this machine's apt sources"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri trixie main" \
    >"$d/sources.list"
  # shellcheck disable=SC2046
  apt-get $(apt_opts) -qq update && touch "$d/lists/.updated"
}

# deb_get PKG:ARCH: the path of PKG's .deb (its candidate), downloaded
# into the cache unless it is there; a meta-package is followed to the
# package it depends on.  Lists gone stale (the archive has moved on
# from a version) are fetched again once.
deb_get () {
  local pkg=$1 real dir deb try
  for try in 1 2; do
    apt_setup || return 1
    # shellcheck disable=SC2046
    real=$(apt-cache $(apt_opts) depends "$1" 2>/dev/null \
	     | awk '/^  Depends: linux-image-[0-9]/ { print $2; exit }')
    [ -n "$real" ] && pkg=$real
    dir=$vmcache/apt/archives/${pkg//:/_}
    deb=$(ls "$dir"/*.deb 2>/dev/null | head -n 1)
    if [ -z "$deb" ]; then
      echo "vm.sh: downloading $pkg" >&2
      mkdir -p "$dir"
      # shellcheck disable=SC2046
      (cd "$dir" && nice apt-get $(apt_opts) -qq download "$pkg" 2>&1 \
	 | grep -v 'unsandboxed' >&2)
      deb=$(ls "$dir"/*.deb 2>/dev/null | head -n 1)
    fi
    [ -n "$deb" ] && { echo "$deb"; return 0; }
    rm -f "$vmcache/apt/lists/.updated"
  done
  echo "vm.sh: cannot download $pkg" >&2
  return 1
}

# kernel_get PKG:ARCH: the kernel image of Debian's PKG, extracted once
# into $vmcache/kernel/PKG (with its config, and a file naming the
# package and version); later runs need no apt at all.
kernel_get () {
  local deb dir=$vmcache/kernel/${1%%:*}
  if [ ! -e "$dir/vmlinuz" ]; then
    deb=$(deb_get "$1") || return 1
    mkdir -p "$dir.tmp" && rm -rf "${dir:?}.tmp"/*
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir.tmp" --wildcards './boot/*' \
      || return 1
    mv "$dir.tmp"/boot/vmlinuz-* "$dir.tmp/vmlinuz"
    mv "$dir.tmp"/boot/config-* "$dir.tmp/config"
    rm -rf "$dir.tmp/boot"
    basename "$deb" .deb >"$dir.tmp/package"
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
  fi
  echo "$dir/vmlinuz"
}

busybox_get () {
  local deb dir=$vmcache/busybox-$1
  if [ ! -x "$dir/busybox" ]; then
    deb=$(deb_get "busybox-static:$1") || return 1
    mkdir -p "$dir"
    dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/bin/busybox >"$dir/busybox.tmp" \
      && chmod 755 "$dir/busybox.tmp" && mv "$dir/busybox.tmp" "$dir/busybox"
  fi
  echo "$dir/busybox"
}

# --- The 64 KiB-page aarch64 kernel, which Debian does not package:
# cross-built from Debian's linux-source-6.12 with a minimal
# configuration (tinyconfig and what the guest and the tests need), so
# that it builds in minutes rather than the hour Debian's full arm64
# configuration takes on two cores.  By hand, once; cached.
build_kernel_64k () {
  local out=$vmcache/kernel/linux-aarch64-64k src=$vmcache/linux-src-6.12
  need_packages linux-source-6.12 gcc-aarch64-linux-gnu make flex bison bc \
    xz-utils
  if [ ! -e "$src/Makefile" ]; then
    rm -rf "$src" && mkdir -p "$src"
    tar -xf /usr/src/linux-source-6.12.tar.xz -C "$src" --strip-components=1 \
      || exit 1
  fi
  local mk=(nice make -s -C "$src" O="$out.build" ARCH=arm64
	    CROSS_COMPILE=aarch64-linux-gnu- -j2)
  mkdir -p "$out.build"
  "${mk[@]}" tinyconfig >/dev/null || exit 1
  # The console, the initramfs, ELF and scripts, /proc (with smaps),
  # /sys, devtmpfs, tmpfs and memfd, futexes and the other calls glibc
  # and the tests make, seccomp filters (which need NET), BTI and pointer
  # authentication.
  local o=() c
  for c in ARM64_64K_PAGES PRINTK TTY SERIAL_AMBA_PL011 \
	   SERIAL_AMBA_PL011_CONSOLE BLK_DEV_INITRD BINFMT_ELF BINFMT_SCRIPT \
	   PROC_FS PROC_PAGE_MONITOR SYSFS DEVTMPFS TMPFS SHMEM MEMFD_CREATE \
	   FUTEX MULTIUSER POSIX_TIMERS EPOLL SIGNALFD TIMERFD EVENTFD \
	   FILE_LOCKING ADVISE_SYSCALLS MEMBARRIER RSEQ SECCOMP SECCOMP_FILTER \
	   NET ARM64_BTI ARM64_PTR_AUTH ARM64_MTE HIGH_RES_TIMERS PROC_SYSCTL \
	   ELF_CORE SYSVIPC; do
    o+=(-e "$c")
  done
  "$src/scripts/config" --file "$out.build/.config" -d ARM64_4K_PAGES "${o[@]}"
  "${mk[@]}" olddefconfig >/dev/null || exit 1
  for c in ARM64_64K_PAGES SERIAL_AMBA_PL011_CONSOLE BLK_DEV_INITRD \
	   PROC_PAGE_MONITOR SECCOMP_FILTER ARM64_BTI DEVTMPFS; do
    grep -q "^CONFIG_$c=y" "$out.build/.config" \
      || { echo "vm.sh: CONFIG_$c did not stick" >&2; exit 1; }
  done
  "${mk[@]}" Image || exit 1
  mkdir -p "$out"
  cp "$out.build/arch/arm64/boot/Image" "$out/vmlinuz"
  cp "$out.build/.config" "$out/config"
  echo "linux-source-6.12 $(dpkg-query -W -f='${Version}' linux-source-6.12)," \
       "tinyconfig + 64 KiB pages (scripts/vm.sh --build-kernel)" >"$out/package"
  echo "vm.sh: built $out/vmlinuz"
}

# --- Arguments.
arch='' page='' kernel='' timeout=900 mem=1024 dirs=() build=0
while [ $# -gt 0 ]; do
  case $1 in
    --kernel) kernel=$2; shift 2 ;;
    --dir) d=$(cd "$2" 2>/dev/null && pwd) || die "no directory $2"
	   dirs+=("$d"); shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --mem) mem=$2; shift 2 ;;
    --build-kernel) build=1; shift ;;
    --) shift; break ;;
    -*) die "unknown option $1" ;;
    *) if [ -z "$arch" ]; then arch=$1; elif [ -z "$page" ]; then page=$1
       else die "unexpected $1 (the command comes after --)"; fi
       shift ;;
  esac
done
case ${page:-4k} in
  4k|4096) page=4096 ;; 16k|16384) page=16384 ;; 64k|65536) page=65536 ;;
  *) die "unknown page size $page" ;;
esac
[ "$page" = 4096 ] || [ "$arch" = aarch64 ] || die "page sizes other than 4k are for aarch64"

if [ $build = 1 ]; then
  [ "$arch:$page" = aarch64:65536 ] || die "--build-kernel is for aarch64 64k"
  build_kernel_64k
  exit 0
fi
[ $# -gt 0 ] || die "no command (usage: scripts/vm.sh ARCH [PAGE] [--kernel IMAGE] [--dir DIR] -- COMMAND...)"

case $arch in
  x86_64)
    qemu=(qemu-system-x86_64 -M pc -cpu max) con=ttyS0 debarch=amd64
    pkgs=(qemu-system-x86) kpkg=linux-image-cloud-amd64:amd64
    libs=("/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu" "/usr/i686-linux-gnu/lib:/usr/i686-linux-gnu/lib")
    links=("/lib64/ld-linux-x86-64.so.2:/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2") ;;
  aarch64)
    # pauth-impdef: the same protection, much faster to emulate.
    qemu=(qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on) con=ttyAMA0
    debarch=arm64 pkgs=(qemu-system-arm)
    case $page in
      4096) kpkg=linux-image-arm64:arm64 ;;
      16384) kpkg=linux-image-arm64-16k:arm64 ;;
      65536) kpkg='' ;;
    esac
    libs=("/usr/aarch64-linux-gnu/lib:/lib/aarch64-linux-gnu")
    links=("/lib/ld-linux-aarch64.so.1:/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1") ;;
  arm)
    qemu=(qemu-system-arm -M virt,highmem=off -cpu cortex-a15) con=ttyAMA0
    debarch=armhf pkgs=(qemu-system-arm) kpkg=linux-image-armmp-lpae:armhf
    libs=("/usr/arm-linux-gnueabihf/lib:/lib/arm-linux-gnueabihf")
    links=("/lib/ld-linux-armhf.so.3:/lib/arm-linux-gnueabihf/ld-linux-armhf.so.3") ;;
  *) die "unknown ARCH '$arch' (x86_64, aarch64, arm)" ;;
esac
need_packages "${pkgs[@]}" cpio

if [ -z "$kernel" ]; then
  if [ -z "$kpkg" ]; then
    kernel=$vmcache/kernel/linux-aarch64-64k/vmlinuz
    [ -e "$kernel" ] || die "no 64 KiB-page kernel: build one with scripts/vm.sh --build-kernel aarch64 64k, or give --kernel"
  else
    kernel=$(kernel_get "$kpkg") || die "cannot get the kernel $kpkg"
  fi
fi
[ -r "$kernel" ] || die "no kernel image $kernel"
bb=$(busybox_get "$debarch") || die "cannot get busybox-static:$debarch"
if [ -e "$(dirname "$kernel")/package" ]; then
  echo "vm.sh: $arch, $((page / 1024)) KiB pages, kernel $(cat "$(dirname "$kernel")/package")"
else
  echo "vm.sh: $arch, $((page / 1024)) KiB pages, kernel $kernel"
fi

# --- The initramfs.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,root,lib,etc}
cp "$bb" "$root/bin/busybox"
mknod -m 600 "$root/dev/console" c 5 1
mknod -m 666 "$root/dev/null" c 1 3
# The C library and what the tests link (ld.so, libc, libm, libgcc_s,
# the old libpthread/libdl/librt stubs), from SRC to DEST in the guest.
for l in "${libs[@]}"; do
  src=${l%%:*} dest=${l#*:}
  [ -d "$src" ] || continue
  mkdir -p "$root$dest"
  for f in "$src"/{ld-linux*.so.*,libc.so.6,libm.so.6,libgcc_s.so.1,libpthread.so.0,libdl.so.2,librt.so.1}; do
    [ -e "$f" ] && cp -L "$f" "$root$dest/"
  done
done
for l in "${links[@]}"; do
  mkdir -p "$root$(dirname "${l%%:*}")"
  ln -sf "${l#*:}" "$root${l%%:*}"
done
for d in "${dirs[@]}"; do
  mkdir -p "$root$(dirname "$d")"
  cp -a "$d" "$root$(dirname "$d")/"
done
# The command, quoted for sh; the status line carries a per-run tag so
# that nothing the command prints can pass for it.
tag=vm-exit-$$-$RANDOM
cmd=''
for a in "$@"; do cmd+=" '${a//\'/\'\\\'\'}'"; done
cat >"$root/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
# Scripts that ask for bash get busybox's sh.
[ -e /bin/bash ] || printf '#!/bin/busybox sh\nexec /bin/busybox sh "\$@"\n' >/bin/bash
chmod 755 /bin/bash
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
chmod 1777 /tmp
export PATH=/bin:/sbin HOME=/root TMPDIR=/tmp
# The page size the kernel really uses, if it is not what was asked for.
ps=\$(awk '/^KernelPageSize:/ { print \$2 * 1024; exit }' /proc/self/smaps)
if [ "\$ps" != $page ]; then
  echo "vm.sh: the kernel's page size is \$ps, not $page"
  rc=125
else
  cd '${PWD//\'/}' 2>/dev/null || cd /
  sh -c '"\$@"' sh$cmd </dev/null
  rc=\$?
fi
echo
echo "$tag: \$rc"
sync
reboot -f
EOF
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) >"$work/initrd" \
  || die "cannot build the initramfs"

# --- Boot.  panic=-1 and -no-reboot: a panic (and, with oops=panic, an
# oops) ends qemu at once, and so does the guest's reboot after the
# command.
log=$work/console
timeout --foreground -k 10 "$timeout" nice "${qemu[@]}" -accel tcg -smp 2 -m "$mem" \
  -nodefaults -display none -monitor none -serial stdio -no-reboot \
  -kernel "$kernel" -initrd "$work/initrd" \
  -append "console=$con rdinit=/init loglevel=3 panic=-1 oops=panic" </dev/null \
  2>&1 | sed -u 's/\r$//' | tee "$log" \
  | grep --line-buffered -v -e "^$tag: " -e '^\[ *[0-9.]*\] reboot: Restarting'
qrc=${PIPESTATUS[0]}
rc=$(sed -n "s/^$tag: \([0-9]*\)$/\1/p" "$log" | tail -n 1)
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
  echo "vm.sh: FAIL: the guest did not finish within $timeout s (hang?)"
  exit 255
elif [ -z "$rc" ]; then
  echo "vm.sh: FAIL: the guest stopped without the command's status" \
       "(qemu exit $qrc; kernel panic or crash?)"
  exit 255
fi
exit "$rc"
}
