#!/usr/bin/env bash
# Starts or stops S namespaced sandboxes of K sleeping processes each, every one in a cgroup of its own
# under nscope-bench/ (as bench/run.sh does), for profiling and soak runs by hand.
#   sudo bench/sandboxes.sh start S K [FIRST]      sudo bench/sandboxes.sh stop
# FIRST (default 1) numbers the new sandboxes' cgroups from sb-FIRST on, to add S to those running.
set -euo pipefail
cg=/sys/fs/cgroup
hier=()
if [ -f $cg/cgroup.controllers ]; then hier=("$cg"); else
  for h in pids memory cpu cpuacct blkio systemd unified; do [ -d $cg/$h ] && [ ! -L $cg/$h ] && hier+=("$cg/$h"); done
fi
case "${1:-}" in
  start)
    s=${2:?S}; k=${3:?K}; first=${4:-1}
    for i in $(seq "$first" $((first + s - 1))); do
      join=""
      for h in "${hier[@]}"; do mkdir -p "$h/nscope-bench/sb-$i"; join="$join echo \$\$ > $h/nscope-bench/sb-$i/cgroup.procs;"; done
      setsid sh -c "$join exec unshare --pid --fork --kill-child --mount-proc --uts --ipc --net sh -c 'i=0; while [ \$i -lt $k ]; do sleep 100000 & i=\$((i+1)); done; wait'" \
        </dev/null >/dev/null 2>&1 &
    done
    echo "started $s sandboxes";;
  stop)
    # the processes of the sandboxes' cgroups, by pid (their own pid namespaces go with their unshare)
    for d in "${hier[0]}"/nscope-bench/sb-*; do
      [ -f "$d/cgroup.procs" ] && xargs -r kill -9 < "$d/cgroup.procs" 2>/dev/null || true
    done
    sleep 2
    for h in "${hier[@]}"; do
      for d in "$h"/nscope-bench/sb-*; do [ -d "$d" ] && rmdir "$d" 2>/dev/null || true; done
      rmdir "$h/nscope-bench" 2>/dev/null || true
    done
    echo stopped;;
  *) echo "usage: $0 start S K [FIRST] | stop" >&2; exit 2;;
esac
