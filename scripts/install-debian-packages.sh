#!/usr/bin/env bash
# Debian packages the test suite and CI use, installed only when missing (root; CI runs it):
#   chromium   the workbench's browser tests (Playwright drives it; it downloads no browser)
#   faketime   the suite's second run with the process clock at 03:00 Asia/Shanghai
#   gettext    makemessages/compilemessages, and the test that every marked text is translated
#   fonts-wqy-zenhei  a CJK font, so that screenshots of Chinese pages show characters, not boxes
#   nginx      `make serve`: the load balancer in front of the ASGI processes (and its end-to-end test)
#   redis-server  the end-to-end test runs a Redis of its own, to stop and start it
set -euo pipefail
declare -A probe=(
  [chromium]="command -v chromium"
  [faketime]="test -e /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
  [gettext]="command -v xgettext"
  [fonts-wqy-zenhei]="test -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
  [nginx]="test -x /usr/sbin/nginx"
  [redis-server]="command -v redis-server"
)
missing=()
for package in "${!probe[@]}"; do
  if ! eval "${probe[$package]}" >/dev/null 2>&1; then missing+=("$package"); fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-debian-packages: run as root, or install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
echo "installed: ${missing[*]}"
