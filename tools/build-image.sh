#!/usr/bin/env bash
# Builds the agent's image, nscope:dev, from the project's Dockerfile on a machine that reaches Debian's
# package archive but no image registry (this project's build and CI machines).
#
#   tools/build-image.sh [--rebuild-base]        (root, a running dockerd, target/nscope.jar built)
#
# The Dockerfile's base is a build argument (JRE_IMAGE, by default the published eclipse-temurin:17-jre).
# Here it is a local Debian bookworm root filesystem with Debian's openjdk-17-jre-headless, made by
# mmdebstrap from Debian's packages and imported as BASE_IMAGE (default nscope/jre17-bookworm:local).
# That image is kept: later builds reuse it (about a minute instead of several) until --rebuild-base
# (for Debian's security updates). mmdebstrap is installed with apt-get when missing.
#
# Environment: IMAGE (default nscope:dev), BASE_IMAGE, DEBIAN_MIRROR (default http://deb.debian.org),
# SOURCE (the image's org.opencontainers.image.source, default the Dockerfile's).
set -euo pipefail
cd "$(dirname "$0")/.."
image=${IMAGE:-nscope:dev}
base=${BASE_IMAGE:-nscope/jre17-bookworm:local}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org}
rebuild=false
case "${1:-}" in
  --rebuild-base) rebuild=true;;
  "") ;;
  *) echo "usage: $0 [--rebuild-base]" >&2; exit 2;;
esac

[ -f target/nscope.jar ] || { echo "no target/nscope.jar: build it first (./mvnw -DskipTests package)" >&2; exit 2; }
docker info >/dev/null 2>&1 || { echo "no Docker engine answers (docker info)" >&2; exit 2; }
t0=$(date +%s)

if $rebuild || ! docker image inspect "$base" >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || { echo "making the base image needs root (mmdebstrap's root mode)" >&2; exit 2; }
  if ! command -v mmdebstrap >/dev/null; then
    echo "== installing mmdebstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null
  fi
  echo "== making $base: Debian bookworm + openjdk-17-jre-headless (mmdebstrap)"
  # --variant=apt: only the Essential packages, apt and what the JRE depends on (no recommends); /usr
  # merged by symlinks as Debian's own images are (the merged-usr hook: no usrmerge package, whose perl
  # would add 47 MB);
  # documentation and translations are left out (copyright files kept); mmdebstrap removes apt's lists
  # and package cache itself. The JRE's postinst makes alternatives with man page links: their directory
  # must exist even though no man page is installed. The tar goes straight into `docker import`, under a
  # temporary tag that becomes $base only when all of it came through.
  partial="$base-partial-$$"
  log=$(mktemp)
  if ! mmdebstrap --quiet --variant=apt --include=openjdk-17-jre-headless \
    --aptopt='APT::Install-Recommends "false"' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --essential-hook='mkdir -p "$1"/usr/share/man/man1' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/log/apt/* "$1"/var/log/dpkg.log' \
    bookworm - \
    "deb $mirror/debian bookworm main" \
    "deb $mirror/debian bookworm-updates main" \
    "deb $mirror/debian-security bookworm-security main" 2>"$log" \
  | docker import \
      -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      -c 'ENV LANG=C.UTF-8' \
      -c 'CMD ["java", "-version"]' \
      -m "Debian bookworm with openjdk-17-jre-headless, by mmdebstrap (tools/build-image.sh)" \
      - "$partial" >/dev/null; then
    docker rmi "$partial" >/dev/null 2>&1 || true
    tail -40 "$log" >&2; rm -f "$log"
    echo "making $base failed" >&2; exit 1
  fi
  rm -f "$log"
  docker tag "$partial" "$base" && docker rmi "$partial" >/dev/null
  echo "   $base: $(docker image inspect -f '{{.Size}}' "$base" | awk '{printf "%.0f MB", $1 / 1e6}') in $(( $(date +%s) - t0 )) s"
else
  echo "== reusing $base (tools/build-image.sh --rebuild-base makes it again)"
fi

# the image's labels: the jar's version, this checkout's commit (-dirty when it has changes)
manifest() {
  if command -v unzip >/dev/null; then unzip -p target/nscope.jar META-INF/MANIFEST.MF
  elif command -v busybox >/dev/null; then busybox unzip -p target/nscope.jar META-INF/MANIFEST.MF
  fi
}
version=$(manifest | tr -d '\r' | sed -n 's/^Implementation-Version: *//p')
revision=$(git -c safe.directory="$PWD" rev-parse HEAD 2>/dev/null || echo unknown)
if [ "$revision" != unknown ] && [ -n "$(git -c safe.directory="$PWD" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  revision="$revision-dirty"
fi
source_arg=()
[ -n "${SOURCE:-}" ] && source_arg=(--build-arg "SOURCE=$SOURCE")

echo "== building $image from $base"
t1=$(date +%s)
previous=$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)
# the classic builder (BuildKit needs the buildx plugin, which Debian's docker.io lacks); no network in
# the RUN steps (they need none, and this engine has no bridge)
DOCKER_BUILDKIT=${DOCKER_BUILDKIT:-0} docker build --quiet --force-rm --network none \
  --build-arg "JRE_IMAGE=$base" --build-arg "VERSION=${version:-unknown}" --build-arg "REVISION=$revision" \
  "${source_arg[@]}" -t "$image" . >/dev/null
# what earlier builds left: the image this one replaced, and their builder stages (untagged)
if [ -n "$previous" ] && [ "$previous" != "$(docker image inspect -f '{{.Id}}' "$image")" ]; then
  docker rmi "$previous" >/dev/null 2>&1 || true
fi
docker image prune -f --filter label=dev.nscope.stage=builder --filter "until=$t1" >/dev/null 2>&1 || true
echo "   $image: $(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1 / 1e6}'), version ${version:-unknown}, revision $revision, in $(( $(date +%s) - t1 )) s (all: $(( $(date +%s) - t0 )) s)"
