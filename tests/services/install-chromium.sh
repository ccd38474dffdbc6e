#!/usr/bin/env bash
# Install Debian's chromium and chromium-driver for the browser tests of the HTML report,
# only when /usr/bin/chromium is absent (idempotent; `make test` calls it before pytest).
# The tests drive /usr/bin/chromium through /usr/bin/chromedriver; no browser is downloaded
# from anywhere but Debian's archive.
set -euo pipefail

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
echo "install-chromium: installing Debian's chromium and chromium-driver" >&2
SUDO=()
[ "$(id -u)" = "0" ] || SUDO=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq >/dev/null
"${SUDO[@]}" apt-get install -y -qq chromium chromium-driver >/dev/null
