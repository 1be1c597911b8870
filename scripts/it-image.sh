#!/usr/bin/env bash
# Builds the base image of the container tests (nbio-it) without a registry: a minimal Debian
# bookworm made by debootstrap and imported into Docker. It holds no JDK: the tests bind-mount
# the host's JDK 25 and the built nbio.jar. Idempotent: does nothing when the image exists.
# Needs a Docker engine that answers and, to build, root and debootstrap.
set -euo pipefail
image="${NBIO_IT_IMAGE:-nbio-it-base:bookworm}"
if docker image inspect "$image" >/dev/null 2>&1; then
  echo "it-image: $image exists"
  exit 0
fi
command -v debootstrap >/dev/null 2>&1 || { echo "it-image: debootstrap is not installed" >&2; exit 1; }
root="$(mktemp -d /tmp/nbio-it-rootfs.XXXXXX)"
trap 'rm -rf "$root"' EXIT
echo "it-image: debootstrap --variant=minbase bookworm $root (about a minute)"
debootstrap --variant=minbase bookworm "$root" >"$root.log" 2>&1 || {
  echo "it-image: debootstrap failed; the end of its log:" >&2; tail -20 "$root.log" >&2; rm -f "$root.log"; exit 1; }
rm -f "$root.log"
# Apt's caches are of no use in the image.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
tar -C "$root" -c . | docker import - "$image" >/dev/null
echo "it-image: imported $image ($(docker image inspect -f '{{.Size}}' "$image") bytes)"
