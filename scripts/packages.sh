# Sourced by ./run and ./test: installs the Debian packages they need when they are missing.
#   halley_need_packages WHO PROGRAM=PACKAGE...
# PROGRAM is a path (/usr/sbin/ngircd) or a name looked up on PATH; a program is there when
# either is. As root with apt-get, the missing packages are installed (their services are kept
# from starting, as .ci/run does: they would take the default ports, and Halley's tests and demo
# start their own servers on free ports); otherwise it prints the one command to run and fails.
# HALLEY_POLICY_RC_D (default /usr/sbin/policy-rc.d) is only for this script's own test.

halley_need_packages() {
  local who=$1 spec program package missing=()
  shift
  for spec in "$@"; do
    program=${spec%%=*}
    package=${spec#*=}
    [ -x "$program" ] || command -v "$(basename "$program")" >/dev/null 2>&1 && continue
    [[ " ${missing[*]} " == *" $package "* ]] || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "$who: these Debian packages are missing; install them with:" >&2
    echo "$who:   sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "$who: installing ${missing[*]} (apt-get install)"
  local policy=${HALLEY_POLICY_RC_D:-/usr/sbin/policy-rc.d} ours=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && ours=1
  fi
  local rc=0
  { DEBIAN_FRONTEND=noninteractive apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; } || rc=$?
  [ -n "$ours" ] && rm -f "$policy"
  if [ "$rc" != 0 ]; then
    echo "$who: apt-get install ${missing[*]} failed (exit $rc)" >&2
    exit 1
  fi
}
