#!/usr/bin/env bash
# Makes src/test/resources/fixtures/cgroup1-docker.tar.gz: a capture of this (hybrid cgroup v1) host
# while real Docker containers run, one per case the tests assert, plus two unshare sandboxes.
# Needs root, a running dockerd and the image from .ci/test-image.sh. Containers are removed after.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
img=nscope-test/busybox:1
out=$(mktemp -d)
names="fx-plain fx-init fx-hostnet fx-hostpid fx-limits fx-zombies fx-trap fx-stopsig fx-compose fx-tini fx-catatonit fx-dumbinit"
cleanup() { docker rm -f $names >/dev/null 2>&1 || true; kill -9 $sb1 $sb2 2>/dev/null || true; rm -rf "$out"; }
trap cleanup EXIT
docker rm -f $names >/dev/null 2>&1 || true
run() { docker run -d --name "$@" >/dev/null; }
run fx-plain --network none $img sleep 100000
run fx-init --init --network none $img sh -c 'sleep 100000 & wait'
run fx-hostnet --network host $img sleep 100000
run fx-hostpid --pid host --network none $img sleep 100000
run fx-limits --network none --memory 64m --cpus 0.5 --pids-limit 50 $img \
  sh -c 'yes >/dev/null & dd if=/dev/zero of=/dev/null bs=96M count=1; cat /bin/busybox >/dev/null; wait'
run fx-zombies --network none --pids-limit 20 $img sh -c '(sleep 1 &); (sleep 1 &); (sleep 1 &); exec sleep 100000'
run fx-trap --network none $img sh -c 'trap "exit 0" TERM; sleep 100000 & wait'
run fx-stopsig --network none --stop-signal SIGUSR1 $img sleep 100000
run fx-compose --network none --label com.docker.compose.project=shop --label com.docker.compose.service=api $img sleep 100000
run fx-tini --network none --entrypoint /bin/tini $img -- sleep 100000
run fx-catatonit --network none --entrypoint /bin/catatonit $img -- sleep 100000
run fx-dumbinit --network none --entrypoint /bin/dumb-init $img sleep 100000
# two sandboxes no runtime claims: a pid+net namespace one, and a network-namespace-only one
unshare --pid --fork --kill-child --mount-proc --uts --ipc --net busybox sleep 100000 </dev/null >/dev/null 2>&1 & sb1=$!
unshare --net busybox sleep 100000 </dev/null >/dev/null 2>&1 & sb2=$!
sleep 4   # zombies appear after 1 s; the limits case needs a moment to burn CPU and be OOM-killed
pids=""
cgs="docker"
for n in $names; do
  id=$(docker inspect -f '{{.Id}}' $n)
  cgs="$cgs docker/$id"
  members=$(cat /sys/fs/cgroup/pids/docker/$id/cgroup.procs)
  # and their zombie children: a zombie has left the cgroup (its cgroup file shows the root)
  pids="$pids $members $(for m in $members; do pgrep -P $m || true; done | tr '\n' ' ')"
  mkdir -p "$out/var/lib/docker/containers/$id"
  cp /var/lib/docker/containers/$id/config.v2.json /var/lib/docker/containers/$id/hostconfig.json "$out/var/lib/docker/containers/$id/"
done
pids="$pids $sb1 $(pgrep -P $sb1) $sb2 $(pgrep -P $sb2 || true)"
CAPTURE_CMDLINE=1 CAPTURE_CGROUPS="$cgs" "$here/tools/capture-host.sh" "$out" $pids
# what the tests compare against: docker's own view
for n in $names; do docker inspect -f '{{.Id}} {{.Name}} {{.State.Pid}} {{.HostConfig.NetworkMode}} {{.HostConfig.PidMode}}' $n; done > "$out/docker-inspect.txt"
echo "sandboxes: pidns-sandbox unshare=$sb1 netns-sandbox unshare=$sb2" >> "$out/docker-inspect.txt"
mkdir -p "$here/src/test/resources/fixtures"
tar -C "$out" -czf "$here/src/test/resources/fixtures/cgroup1-docker.tar.gz" .
echo "wrote src/test/resources/fixtures/cgroup1-docker.tar.gz ($(du -h "$here/src/test/resources/fixtures/cgroup1-docker.tar.gz" | cut -f1))"
