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
