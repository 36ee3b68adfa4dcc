#!/usr/bin/env bash
# Builds real container-shaped sandboxes on a pure cgroup v2 host (root, no Docker needed), captures
# them as a fixture tree, then checks each PID 1 against reality: SIGTERM from the host, as a runtime
# sends it, and whether it is gone 3 s later. Made to run once on the device machine:
#   tools/device-capture-v2.sh OUTDIR BINDIR     (BINDIR has static busybox, tini, catatonit)
# Writes OUTDIR/cgroup2-cases.tar.gz (two captures: host view and a cgroup-namespace view) and a log.
set -u
out=${1:?OUTDIR}; bin=${2:?BINDIR}
CG=${CG:-/sys/fs/cgroup}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
bb=$bin/busybox
# the sandboxes run busybox's sh and tools, whatever the host has
mkdir -p "$work/bin"; for a in sh sleep yes dd seq; do ln -s "$bb" "$work/bin/$a"; done
PATH=$work/bin:$bin:$PATH
command -v unshare >/dev/null || unshare() { $bb unshare "$@"; }
command -v nsenter >/dev/null || nsenter() { $bb nsenter "$@"; }
log() { echo "[$(date +%T)] $*"; }
hex() { printf '%s' "$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1" | cut -c1-64; }
ctl="+cpu +memory +io +pids"
# mkcg REL: creates the cgroup and enables the controllers on every ancestor
mkcg() {
  local rel=$1 cur=$CG part
  IFS=/ read -ra parts <<< "$rel"
  for part in "${parts[@]}"; do
    echo "$ctl" > "$cur/cgroup.subtree_control" 2>/dev/null || true
    cur="$cur/$part"; mkdir -p "$cur"
  done
}
# start REL CMD...: runs CMD in its own session inside cgroup REL; prints the pid
start() {
  local rel=$1; shift
  mkcg "$rel"
  setsid sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$CG/$rel" "$@" </dev/null >/dev/null 2>&1 &
  echo $!
}
set_() { echo "$2" > "$CG/$1/$3" 2>/dev/null || log "could not set $3=$2 on $1"; }
pid1_of() { # the process whose last NSpid is 1, below the unshare pid $1
  local p
  for p in $(pgrep -P "$1") $(for c in $(pgrep -P "$1"); do pgrep -P "$c"; done); do
    grep -qE '^NSpid:.*[[:space:]]1$' /proc/$p/status 2>/dev/null && { echo "$p"; return; }
  done
}
uid=3f9a1c2e-7b4d-4e8a-9c1f-2d3e4f5a6b7c; uslice=${uid//-/_}
pod=kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod$uslice.slice
uname -a; log "controllers: $(cat $CG/cgroup.controllers)"
NS="-p -f --mount-proc -u -i -n"
declare -A cgroup_of pid1
c=tini;      cgroup_of[$c]=system.slice/docker-$(hex a1).scope
  p=$(start ${cgroup_of[$c]} unshare $NS tini -s -- sh -c 'sleep 100000 & sleep 100000 & wait'); u[0]=$p; names[0]=$c
c=pause;     cgroup_of[$c]=$pod/cri-containerd-$(hex b1).scope
  p=$(start ${cgroup_of[$c]} unshare $NS catatonit -P); u[1]=$p; names[1]=$c
sleep 1
pausepid=$(pid1_of ${u[1]})
c=trapapp;   cgroup_of[$c]=$pod/cri-containerd-$(hex b2).scope
  p=$(start ${cgroup_of[$c]} nsenter -t $pausepid -n -i -u unshare -p -f --mount-proc sh -c 'trap "exit 0" TERM; sleep 100000 & wait'); u[2]=$p; names[2]=$c
c=zombies;   cgroup_of[$c]=system.slice/docker-$(hex c1).scope
  mkcg ${cgroup_of[$c]}; set_ ${cgroup_of[$c]} 16 pids.max
  p=$(start ${cgroup_of[$c]} unshare $NS sh -c '(sleep 1 &); (sleep 1 &); (sleep 1 &); exec sleep 100000'); u[3]=$p; names[3]=$c
c=limits;    cgroup_of[$c]=system.slice/docker-$(hex d1).scope
  mkcg ${cgroup_of[$c]}; set_ ${cgroup_of[$c]} "25000 100000" cpu.max; set_ ${cgroup_of[$c]} $((64<<20)) memory.max
  set_ ${cgroup_of[$c]} 0 memory.swap.max; set_ ${cgroup_of[$c]} 40 pids.max
  p=$(start ${cgroup_of[$c]} unshare $NS sh -c "yes >/dev/null & dd if=/dev/zero of=/dev/null bs=96M count=1; dd if=/dev/zero of=$work/io.bin bs=1M count=32 oflag=direct; sync; sleep 100000 & wait"); u[4]=$p; names[4]=$c
c=forkbomb;  cgroup_of[$c]=machine.slice/libpod-$(hex e1).scope
  mkcg ${cgroup_of[$c]}; set_ ${cgroup_of[$c]} 10 pids.max
  p=$(start ${cgroup_of[$c]} unshare $NS sh -c 'i=0; while [ $i -lt 20 ]; do sleep 100000 & i=$((i+1)); done; wait'); u[5]=$p; names[5]=$c
c=sandbox;   cgroup_of[$c]=nscope-cases/sandbox-1
  p=$(start ${cgroup_of[$c]} unshare $NS sh -c 'sleep 100000 & wait'); u[6]=$p; names[6]=$c
c=hostpid;   cgroup_of[$c]=system.slice/docker-$(hex f1).scope
  p=$(start ${cgroup_of[$c]} unshare -u -i -n sleep 100000); u[7]=$p; names[7]=$c
c=shell;     cgroup_of[$c]=$pod/crio-$(hex 9e).scope
  p=$(start ${cgroup_of[$c]} unshare $NS sh -c 'sleep 100000 & sleep 100000 & wait'); u[8]=$p; names[8]=$c
n=9
if command -v python3 >/dev/null; then
  c=python;  cgroup_of[$c]=system.slice/docker-$(hex 7a).scope
  p=$(start ${cgroup_of[$c]} unshare $NS python3 -c 'import time; time.sleep(100000)'); u[9]=$p; names[9]=$c; n=10
fi
sleep 5   # zombies appear after 1 s; dd, yes and the fork loop need a moment
pids=""
for i in $(seq 0 $((n-1))); do
  c=${names[$i]}; p=${u[$i]}
  pid1[$c]=$(pid1_of $p)
  members=$(cat "$CG/${cgroup_of[$c]}/cgroup.procs")
  kids=$(for m in $members; do pgrep -P $m || true; done)
  pids="$pids $members $kids"
  log "case $c: cgroup ${cgroup_of[$c]} unshare=$p pid1=${pid1[$c]:--} members=$(echo $members | tr '\n' ' ')"
done
pids=$(echo $pids | tr ' ' '\n' | sort -un | tr '\n' ' ')
cgs=""; for c in "${!cgroup_of[@]}"; do d=""; IFS=/ read -ra parts <<< "${cgroup_of[$c]}"; for part in "${parts[@]}"; do d="${d:+$d/}$part"; cgs="$cgs $d"; done; done
cgs="$(echo $cgs | tr ' ' '\n' | sort -u | tr '\n' ' ') nscope-agent"
mkdir -p "$work/host" "$work/cgroupns"
CAPTURE_CMDLINE=1 CAPTURE_CGROUPS="$cgs" "$here/tools/capture-host.sh" "$work/host" $pids
# the same moment as an agent in its own cgroup namespace sees it (paths start with /..)
mkdir -p "$CG/nscope-agent"
cat > "$work/inner.sh" <<INNER
self=\$\$
CAPTURE_CMDLINE=1 CAPTURE_CGROUPS="$cgs" "$here/tools/capture-host.sh" "$work/cgroupns" $pids \$self
mv "$work/cgroupns/proc/self/mountinfo" "$work/cgroupns/proc/\$self/mountinfo"; rmdir "$work/cgroupns/proc/self"
ln -s \$self "$work/cgroupns/proc/self"; echo \$self > "$work/cgroupns/agent-pid"
INNER
/bin/sh -c 'echo $$ > "$0/nscope-agent/cgroup.procs"; exec unshare -C /bin/sh "$1"' "$CG" "$work/inner.sh"
# reality: SIGTERM from the host to each PID 1; gone within 3 s?
{
  echo "# case pid1 comm result_after_SIGTERM_3s"
  declare -A comm
  for c in "${names[@]}"; do p=${pid1[$c]:-}; [ -n "$p" ] && comm[$c]=$(cat /proc/$p/comm) && kill -TERM $p; done
  sleep 3
  for c in "${names[@]}"; do
    p=${pid1[$c]:-}
    [ -n "$p" ] || { echo "$c - - no-pid1"; continue; }
    if kill -0 $p 2>/dev/null && ! grep -q '^State:.*Z' /proc/$p/status; then echo "$c $p ${comm[$c]} survived"; else echo "$c $p ${comm[$c]} exited"; fi
  done
} | tee "$work/host/sigterm-reality.txt"
for c in "${names[@]}"; do echo "$c ${cgroup_of[$c]} ${pid1[$c]:--}"; done > "$work/host/cases.txt"
tar -C "$work" -czf "$out/cgroup2-cases.tar.gz" host cgroupns
log "wrote $out/cgroup2-cases.tar.gz"
# clean up: kill every case process, remove the cgroups (deepest first)
for c in "${!cgroup_of[@]}"; do for p in $(cat "$CG/${cgroup_of[$c]}/cgroup.procs" 2>/dev/null); do kill -9 $p 2>/dev/null; done; done
sleep 1
for c in "${!cgroup_of[@]}"; do rmdir "$CG/${cgroup_of[$c]}" 2>/dev/null; done
