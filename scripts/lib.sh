# Shared shell helpers for scripts/check and scripts/check.d/*.sh.

# need_packages PKG...: install the Debian packages that are missing
# (apt-get update once per run).  Needs root when something is missing.
# Another apt or dpkg job holding the lock is waited for, not failed on.
apt_wait=(-o DPkg::Lock::Timeout=600)
need_packages () {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' \
      || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing: ${missing[*]}"
  if [ ! -e /tmp/.tramp-apt-updated ]; then
    apt-get "${apt_wait[@]}" update -qq && touch /tmp/.tramp-apt-updated
  fi
  DEBIAN_FRONTEND=noninteractive apt-get "${apt_wait[@]}" install -y -qq "${missing[@]}" \
    >/dev/null
}

# Where caches that survive between runs live (glibc source and build,
# the GCC 14 chroot).  Never inside the work tree.
TRAMP_CACHE=${TRAMP_CACHE:-/var/cache/tramp}

# debian_mirror: print the Debian archive URI of the machine's apt
# configuration (the first non-security source, deb822 or one-line
# format), so that fetch steps use the mirror the machine is set up
# with.  Fails, printing nothing, if there is none.
debian_mirror () {
  local uri
  uri=$(grep -hE '^[[:space:]]*(URIs:|deb )' \
	  /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list \
	  /etc/apt/sources.list 2>/dev/null \
	| grep -oE '(https?|file)://[^ ]+' | grep -v -- '-security' | head -n 1)
  [ -n "$uri" ] || { echo "no Debian mirror in the apt configuration" >&2; return 1; }
  echo "$uri"
}

# i386 programs from the x86_64 machine's cross compiler, its C library
# used in place.  I386_CC: the compiler, linking the sysroot's loader
# and a DT_RPATH to it (--disable-new-dtags: it also serves the dlopen
# of libgcc_s.so.1 that pthread_cancel makes from libc, which a
# DT_RUNPATH would not).  i386_runner: print "" if this kernel runs
# i386 programs, else a qemu-i386 prefix (installing qemu-user), with
# a NOTE on stderr; some x86_64 kernels have IA32 emulation off.
I386_SYSROOT=/usr/i686-linux-gnu/lib
I386_CC="i686-linux-gnu-gcc -Wl,--dynamic-linker=$I386_SYSROOT/ld-linux.so.2 -Wl,-rpath,$I386_SYSROOT -Wl,--disable-new-dtags"
i386_runner () {
  local probe
  probe=$(mktemp -d)
  echo 'int main (void) { return 0; }' > "$probe/p.c"
  if ! $I386_CC "$probe/p.c" -o "$probe/p" || ! "$probe/p" 2>/dev/null; then
    need_packages qemu-user >&2
    echo "NOTE: this kernel cannot run i386 programs ($(uname -r)):" \
	 "under qemu-i386" >&2
    echo "qemu-i386 -L /usr/i686-linux-gnu"
  fi
  rm -rf "$probe"
}
