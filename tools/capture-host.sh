#!/usr/bin/env bash
# Capture a Linux host's /proc and cgroup tree as a fixture tree that mirrors the real layout:
# proc/<pid>/{stat,status,cgroup,comm,syscall,wchan,net/dev}, proc/<pid>/{exe,ns/*} as symlinks with the
# kernel's own targets, proc/self/mountinfo, proc/sys/kernel/{hostname,osrelease}, and the accounting
# files of every cgroup directory. No environ or other process memory is captured; cmdline only with
# CAPTURE_CMDLINE=1 (it may carry secrets: use it for test sandboxes only).
# (Extended from the capture tool in the project's shared notes.)
#
# usage: capture-host.sh OUTDIR [PID...]
#   With PIDs, only those processes are captured (plus pid 2, whose links give the host's
#   namespaces); capture only what a test needs, and nothing that names unrelated host software.
#   CAPTURE_CGROUPS="docker system.slice/docker-abc.scope ..." limits the cgroup directories
#   (relative to each hierarchy root) in the same way.
set -u
out=${1:?usage: capture-host.sh OUTDIR [PID...]}; shift
mkdir -p "$out/proc/self" "$out/proc/sys/kernel" "$out/sys/fs/cgroup"
if [ $# -gt 0 ]; then pids="2 $*"; else pids=$(ls /proc | grep -E '^[0-9]+$'); fi
for f in stat meminfo uptime loadavg cgroups pressure/cpu pressure/memory pressure/io sys/kernel/hostname sys/kernel/osrelease; do
  mkdir -p "$out/proc/$(dirname $f)"; cat /proc/$f > "$out/proc/$f" 2>/dev/null || rm -f "$out/proc/$f"
done
# mountinfo: only the root, /proc and /sys mounts (where the cgroup hierarchies are)
awk '$5 == "/" || $5 ~ /^\/(proc|sys)(\/|$)/' /proc/self/mountinfo > "$out/proc/self/mountinfo"
n=0
for p in $pids; do
  d=/proc/$p; [ -r "$d/stat" ] || continue
  mkdir -p "$out/proc/$p/ns" "$out/proc/$p/net"
  for f in stat status cgroup comm syscall wchan; do cat "$d/$f" > "$out/proc/$p/$f" 2>/dev/null || rm -f "$out/proc/$p/$f"; done
  cat "$d/net/dev" > "$out/proc/$p/net/dev" 2>/dev/null || rm -rf "$out/proc/$p/net"
  [ "${CAPTURE_CMDLINE:-0}" = 1 ] && cat "$d/cmdline" > "$out/proc/$p/cmdline" 2>/dev/null
  t=$(readlink "$d/exe" 2>/dev/null) && ln -sf "$t" "$out/proc/$p/exe"
  for l in "$d"/ns/*; do t=$(readlink "$l" 2>/dev/null) && ln -sf "$t" "$out/proc/$p/ns/$(basename "$l")"; done
  n=$((n+1))
done
echo "processes: $n"
files="cgroup.procs cgroup.controllers cgroup.subtree_control cgroup.type cgroup.events cgroup.stat
 cpu.stat cpu.max cpu.weight cpu.pressure cpuset.cpus.effective
 memory.current memory.max memory.high memory.low memory.min memory.peak memory.stat memory.events
 memory.swap.current memory.swap.max memory.pressure io.stat io.max io.pressure
 pids.current pids.max pids.peak pids.events
 cpuacct.usage cpuacct.stat cpuacct.usage_percpu cpu.cfs_quota_us cpu.cfs_period_us cpu.shares
 memory.usage_in_bytes memory.limit_in_bytes memory.max_usage_in_bytes memory.failcnt memory.oom_control
 memory.memsw.usage_in_bytes memory.memsw.limit_in_bytes blkio.throttle.io_service_bytes blkio.throttle.io_serviced
 blkio.io_service_bytes blkio.io_serviced blkio.io_service_bytes_recursive blkio.io_serviced_recursive tasks"
cd /sys/fs/cgroup || exit 0
if [ -n "${CAPTURE_CGROUPS:-}" ]; then
  dirs=". $(for h in $(find . -maxdepth 1 -mindepth 1 -type d) .; do for c in $CAPTURE_CGROUPS; do [ -d "$h/$c" ] && echo "$h/$c"; done; done)"
  dirs="$dirs $(find . -maxdepth 1 -mindepth 1 -type d)"
else
  dirs=$(find . -maxdepth 12 -type d 2>/dev/null)
fi
for dir in $dirs; do
  mkdir -p "$out/sys/fs/cgroup/$dir"
  for f in $files; do [ -f "$dir/$f" ] && cat "$dir/$f" > "$out/sys/fs/cgroup/$dir/$f" 2>/dev/null; done
done
# symlinked hierarchies (cpu -> cpu,cpuacct) are kept as links
for l in $(find . -maxdepth 1 -mindepth 1 -type l); do ln -sfn "$(readlink "$l")" "$out/sys/fs/cgroup/$l"; done
echo "cgroup dirs: $(find "$out/sys/fs/cgroup" -type d | wc -l)"
