#!/usr/bin/env bash
# Captures the kernel files the isolation parsers are tested on, from real Docker containers, all at one
# moment so that the host's mount table and the containers' agree (same devices, same overlay mounts).
# Needs root and a running dockerd with the test image (.ci/test-image.sh). Writes to $1 (default: the
# test resources); the containers are removed afterwards.
set -euo pipefail
out=${1:-src/test/resources/dev/nscope/proc/isolation}
image=${NSCOPE_TEST_IMAGE:-nscope-test/busybox:1}
mkdir -p "$out"
names=()
run() { # name, docker run options...
  local name=nscope-capture-$1; shift
  docker rm -f "$name" >/dev/null 2>&1 || true
  docker run -d --name "$name" "$@" "$image" sleep 600 >/dev/null
  names+=("$name")
}
trap 'docker rm -f "${names[@]}" >/dev/null 2>&1 || true' EXIT
run default
run sock-host -v /var/run/docker.sock:/var/run/docker.sock -v /:/host:ro -v /etc:/host-etc
# everything this host's bounding set can grant and this dockerd can name (plain --privileged needs
# CAP_SYS_RESOURCE, which this build machine lacks; Docker 20.10 does not know CAP_BPF, CAP_PERFMON or
# CAP_CHECKPOINT_RESTORE)
caps=$(grep CapBnd /proc/self/status | awk '{print $2}')
adds=()
for c in SYS_ADMIN SYS_PTRACE SYS_MODULE SYS_RAWIO NET_ADMIN DAC_READ_SEARCH SYS_BOOT SYS_TIME MAC_ADMIN \
         MAC_OVERRIDE LINUX_IMMUTABLE NET_BROADCAST IPC_LOCK IPC_OWNER SYS_PACCT SYS_NICE SYS_TTY_CONFIG LEASE \
         AUDIT_CONTROL SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ; do adds+=(--cap-add "$c"); done
run privileged-equivalent "${adds[@]}" --security-opt seccomp=unconfined
run confined --security-opt no-new-privileges --cap-drop ALL --user 1000:1000
sleep 1
cp /proc/1/mountinfo "$out/host.mountinfo"
for n in "${names[@]}"; do
  pid=$(docker inspect -f '{{.State.Pid}}' "$n")
  short=${n#nscope-capture-}
  cp "/proc/$pid/mountinfo" "$out/docker-$short.mountinfo"
  cp "/proc/$pid/status" "$out/docker-$short.status"
done
echo "host CapBnd $caps; cap_last_cap $(cat /proc/sys/kernel/cap_last_cap); captured into $out"
