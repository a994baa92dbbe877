#!/bin/sh
# A Debian 12 base image with Python 3.11 from Debian's packages, for machines that reach
# Debian's package mirror but no image registry (CI). Imported into podman as $1
# (default localhost/checklistor-base:bookworm) and passed to the build as BASE.
# Made once per machine: an existing image of that name is kept.
set -eu
image="${1:-localhost/checklistor-base:bookworm}"
if podman image exists "$image"; then
    echo "Base image $image already made."
    exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mmdebstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
    --aptopt='Acquire::Retries "3"' bookworm "$work/rootfs.tar"
podman import --change 'CMD ["/bin/sh"]' "$work/rootfs.tar" "$image"
echo "Base image $image made."
