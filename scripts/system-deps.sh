#!/bin/sh
# Debian packages the test suite needs besides Python: Chromium for the browser tests
# and LibreOffice Calc to check that workbooks open cleanly. Run as root; installs only
# what is missing, so running it again changes nothing.
set -eu

PACKAGES="chromium libreoffice-calc-nogui"

missing=""
for package in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done

if [ -z "$missing" ]; then
    echo "System packages already installed:$(printf ' %s' $PACKAGES)"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "Run as root (for example: sudo $0) to install:$missing" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
# shellcheck disable=SC2086 # the list is meant to split into words
apt-get install -y --no-install-recommends $missing
