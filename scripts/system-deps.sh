#!/bin/sh
# Debian packages the test suite needs beyond Python; run as root. Idempotent: apt runs
# only when a program is missing.
#   soffice   (libreoffice-calc-nogui)  opens the exported workbooks in a second program
#   chromium  (chromium)                the browser tests drive /usr/bin/chromium
#   pango     (libpango…, fonts-dejavu-core) WeasyPrint makes the PDF/A documents with them
#   podman, runc, mmdebstrap, podman-compose   make container-test builds and runs the image
set -eu

missing=""
command -v soffice >/dev/null 2>&1 || missing="$missing libreoffice-calc-nogui"
[ -x /usr/bin/chromium ] || missing="$missing chromium"
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing="$missing libpango-1.0-0 libpangoft2-1.0-0"
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$missing fonts-dejavu-core"
for program in podman runc mmdebstrap podman-compose; do
    command -v "$program" >/dev/null 2>&1 || missing="$missing $program"
done

if [ -z "$missing" ]; then
    echo "System packages already installed."
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "Missing:$missing. Run this script as root (sudo $0)." >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
# shellcheck disable=SC2086  # the list is meant to split into package names
apt-get install -y $missing
