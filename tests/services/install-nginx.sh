#!/usr/bin/env bash
# Install Debian's nginx for the redirect-map tests, only when no nginx binary is found
# (idempotent; `make test` calls it before pytest). The tests run nginx themselves as a
# foreground process on a loopback port with a generated configuration: this script
# touches no system configuration and starts no service.
set -euo pipefail

if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  exit 0
fi
echo "install-nginx: installing Debian's nginx" >&2
SUDO=()
[ "$(id -u)" = "0" ] || SUDO=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq >/dev/null
# policy-rc.d refusal keeps the package's post-install from starting a system service.
POLICY=/usr/sbin/policy-rc.d
CREATED=0
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$POLICY" >/dev/null
  "${SUDO[@]}" chmod 755 "$POLICY"
  CREATED=1
fi
status=0
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends nginx >/dev/null || status=$?
[ "$CREATED" = "1" ] && "${SUDO[@]}" rm -f "$POLICY"
exit $status
