#!/usr/bin/env bash
# Builds the local image the Docker tests run: busybox plus the real inits a container may have as
# PID 1 (tini, catatonit, dumb-init), imported from Debian's files since no registry is reachable.
# usage: .ci/test-image.sh [TAG]   (default nscope-test/busybox:1)
set -euo pipefail
tag=${1:-nscope-test/busybox:1}
r=$(mktemp -d)
trap 'rm -rf "$r"' EXIT
mkdir -p "$r"/bin "$r"/proc "$r"/sys "$r"/dev "$r"/etc "$r"/tmp "$r"/lib/x86_64-linux-gnu "$r"/lib64
cp /usr/bin/busybox "$r"/bin/
for c in sh sleep yes cat ps true false kill wc head dd; do ln -s busybox "$r/bin/$c"; done
cp /usr/bin/tini-static "$r"/bin/tini
cp /usr/bin/catatonit "$r"/bin/catatonit
cp /usr/bin/dumb-init "$r"/bin/dumb-init
cp /lib/x86_64-linux-gnu/libc.so.6 "$r"/lib/x86_64-linux-gnu/
cp /lib64/ld-linux-x86-64.so.2 "$r"/lib64/
echo 'root:x:0:0:root:/:/bin/sh' > "$r"/etc/passwd
tar -C "$r" -c . | docker import -c 'CMD ["/bin/sh"]' - "$tag" >/dev/null
echo "built $tag"
