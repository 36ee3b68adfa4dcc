#!/usr/bin/env bash
# nscope's benchmark, side by side with the floor and the peers, on real namespaced processes.
#
#   sudo bench/run.sh [N:S ...]        default: 1000:100 5000:500 10000:1000
#
# For each size it starts S sandboxes (own pid, mount, uts, ipc and network namespaces, each in a cgroup
# of its own under nscope-bench/) holding N processes in all, then times one pass of:
#   - floor min / floor cold: a C loop over /proc reading stat+cgroup (min), plus status and the 8
#     namespace links (cold): the least work a pass needs (bench/floor.c). Min adds each sandbox's cgroup
#     usage files (CPU, memory, IO, pids in every hierarchy: what changes between passes); cold adds every
#     file a container's figures come from (those, limits, events, pressure, and net/dev of one of its
#     processes): 20 files a sandbox on a hybrid host. The procfs-only floor is shown too;
#   - nscope bench: the scanner's cold pass and the median of its steady passes, cgroup stat files of
#     every container included (java -jar target/nscope.jar bench), with the chart's JVM flags;
#   - ps -eo pid,stat,cgroup; lsns -J; a scrape of prometheus-process-exporter (all processes) and of
#     prometheus-node-exporter (processes collector only);
#   - the nscope agent: its CPU use over CPU_WINDOW seconds (default 120; the target is stated for 600)
#     at the default interval, then GET /actuator/prometheus and /actuator/containers GET_ROUNDS times
#     (default 7), 11 s apart so that each reads a snapshot no request has read yet, at a different point
#     of the scan cycle, as Prometheus meets it: the median (curl's time_total) is reported; then its RSS.
# Writes bench/results.md: this run's table first, the earlier runs kept below it. JARS="label=path …"
# (default "nscope=target/nscope.jar") measures several builds side by side over the same sandboxes and
# floor, one row each. Needs root, gcc, Java 17, the jars (./mvnw -DskipTests package), and Debian's
# util-linux, procps, prometheus-process-exporter and prometheus-node-exporter. Cleans up after.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${*:-"1000:100 5000:500 10000:1000"}
CPU_WINDOW=${CPU_WINDOW:-120}
# the chart's JVM flags and environment
. bench/chart-jvm.sh
JARS=${JARS:-"nscope=target/nscope.jar"}
for j in $JARS; do [ -f "${j#*=}" ] || { echo "no jar ${j#*=}: build first (./mvnw -DskipTests package)" >&2; exit 2; }; done
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 2; }
work=$(mktemp -d)
gcc -O2 -o "$work/floor" bench/floor.c
cg=/sys/fs/cgroup
hier=()
if [ -f $cg/cgroup.controllers ]; then hier=("$cg"); else
  for h in pids memory cpu cpuacct blkio systemd unified; do [ -d $cg/$h ] && [ ! -L $cg/$h ] && hier+=("$cg/$h"); done
fi
pids_of_sandboxes=()
cleanup() {
  for p in "${pids_of_sandboxes[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  pkill -f "nscope-bench-agent" 2>/dev/null || true
  pkill -f "prometheus-process-exporter.*127.0.0.1:19256" 2>/dev/null || true
  pkill -f "prometheus-node-exporter.*127.0.0.1:19100" 2>/dev/null || true
  sleep 1
  for h in "${hier[@]}"; do
    [ -d "$h/nscope-bench" ] || continue
    for d in "$h"/nscope-bench/sb-*; do [ -d "$d" ] && rmdir "$d" 2>/dev/null || true; done
    rmdir "$h/nscope-bench" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

spawn() { # spawn S sandboxes of K sleeps (+ sh + unshare each)
  local s=$1 k=$2 i
  for h in "${hier[@]}"; do mkdir -p "$h/nscope-bench"; done
  for i in $(seq 1 "$s"); do
    local join=""
    for h in "${hier[@]}"; do mkdir -p "$h/nscope-bench/sb-$i"; join="$join echo \$\$ > $h/nscope-bench/sb-$i/cgroup.procs;"; done
    sh -c "$join exec unshare --pid --fork --kill-child --mount-proc --uts --ipc --net sh -c 'i=0; while [ \$i -lt $k ]; do sleep 100000 & i=\$((i+1)); done; wait'" \
      </dev/null >/dev/null 2>&1 &
    pids_of_sandboxes+=($!)
    disown $!  # killed by us at the end of the size: no "Killed" line per sandbox
  done
}
best_ms() { # best of 3 wall times of a command, in ms
  local best=999999999 t0 t1 ms
  for _ in 1 2 3; do
    t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N)
    ms=$(( (t1 - t0) / 1000000 )); [ $ms -lt $best ] && best=$ms
  done
  echo $best
}
scrape_ms() { best_ms curl -s -o /dev/null "$1"; }
GET_ROUNDS=${GET_ROUNDS:-7}
median_ms() { sort -n | awk '{v[NR]=$1} END{printf "%.0f", 1000 * v[int((NR + 1) / 2)]}'; } # of seconds, one a line
fresh_get_ms() { # median over GET_ROUNDS rounds, 11 s apart, of each URL's time_total, in ms; prints "a b"
  local round ta="" tb=""
  for round in $(seq 1 "$GET_ROUNDS"); do
    ta="$ta$(curl -s -o /dev/null -w '%{time_total}' "$1")"$'\n'; tb="$tb$(curl -s -o /dev/null -w '%{time_total}' "$2")"$'\n'
    [ "$round" -lt "$GET_ROUNDS" ] && sleep 11
  done
  echo "$(printf '%s' "$ta" | median_ms) $(printf '%s' "$tb" | median_ms)"
}
wait_http() { for _ in $(seq 1 120); do curl -s -o /dev/null "$1" && return 0; sleep 0.5; done; return 1; }

cat > "$work/pe.yml" <<'YML'
process_names:
  - name: "{{.Comm}}"
    cmdline:
    - '.+'
YML
out=bench/results.md
earlier=""
if [ -f "$out" ]; then # the runs before this one, newest first, kept under "Earlier runs"
  earlier=$(sed -e '1{/^# nscope benchmark$/d}' -e '/^## Earlier runs$/d' "$out")
fi
{
  echo "# nscope benchmark"
  echo
  echo "$(date -u +%F) on $(nproc) cores, $(uname -r), cgroup $( [ -f $cg/cgroup.controllers ] && echo v2 || echo v1/hybrid ); \`sudo bench/run.sh $sizes\`"
  echo "JVM flags (the chart's): \`$JAVA_OPTS\`, environment: \`$(sed -n 's/^ENV //p' Dockerfile)\`"
  echo
  echo "| jar | processes | containers | floor min, /proc only ms | floor min ms | floor cold ms | nscope steady ms | nscope cold ms | steady / floor min | cold / floor cold | us/process steady | ps ms | lsns -J ms | process-exporter scrape ms | node-exporter scrape ms | GET /actuator/prometheus ms (median, new snapshot) | GET /actuator/containers ms (median, new snapshot) | agent RSS MiB | agent CPU % of a core (${CPU_WINDOW}s) |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
} > "$out"

for size in $sizes; do
  n=${size%%:*}; s=${size##*:}
  base=$(ls /proc | grep -c '^[0-9]')
  k=$(( (n - base) / s - 2 )); [ $k -lt 1 ] && k=1
  echo "== $n processes in $s sandboxes ($k sleeps each)" >&2
  spawn "$s" "$k"
  sleep $(( s / 100 + 3 ))
  # steady floor: the usage files (what changes); cold floor: every file a container's figures come
  # from (limits, events, pressure, and the network of one of its processes), as nscope reads them
  : > "$work/cgroup-files"; : > "$work/stat-files"
  for h in "${hier[@]}"; do for d in "$h"/nscope-bench/sb-*; do
    for f in cpu.stat cpuacct.usage memory.current memory.usage_in_bytes memory.stat io.stat \
             blkio.throttle.io_service_bytes pids.current; do
      [ -f "$d/$f" ] && echo "$d/$f" >> "$work/cgroup-files"
    done
    for f in cpu.stat cpu.max cpuacct.usage cpuacct.stat cpu.cfs_quota_us cpu.cfs_period_us \
             memory.current memory.usage_in_bytes memory.stat memory.max memory.limit_in_bytes memory.peak \
             memory.max_usage_in_bytes memory.events memory.oom_control memory.swap.current \
             io.stat blkio.throttle.io_service_bytes_recursive blkio.throttle.io_serviced_recursive \
             pids.current pids.max pids.events cpu.pressure memory.pressure io.pressure; do
      [ -f "$d/$f" ] && echo "$d/$f" >> "$work/stat-files"
    done
  done; done
  for d in "${hier[0]}"/nscope-bench/sb-*; do
    p=$(tail -1 "$d/cgroup.procs" 2>/dev/null || true); [ -n "$p" ] && echo "/proc/$p/net/dev" >> "$work/stat-files"
  done
  fproc=$("$work/floor" min)
  fmin=$(FLOOR_CGROUP_FILES="$work/cgroup-files" "$work/floor" min)
  fcold=$(FLOOR_CGROUP_FILES="$work/stat-files" "$work/floor" cold)
  echo "   floor: procfs only $fproc; min with usage files $fmin, cold with every stat file $fcold" >&2
  procs=$(echo "$fmin" | sed 's/processes=\([0-9]*\).*/\1/')
  fproc_ms=$(echo "$fproc" | sed 's/.*ms=//')
  fmin_ms=$(echo "$fmin" | sed 's/.*ms=//'); fcold_ms=$(echo "$fcold" | sed 's/.*ms=//')
  ps_ms=$(best_ms ps -eo pid,stat,cgroup)
  t0=$(date +%s%N); lsns -J >/dev/null 2>&1 || true; lsns_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  prometheus-process-exporter -config.path "$work/pe.yml" -gather-smaps=false -threads=false \
    -web.listen-address 127.0.0.1:19256 >/dev/null 2>&1 &
  wait_http http://127.0.0.1:19256/metrics; pe_ms=$(scrape_ms http://127.0.0.1:19256/metrics)
  pkill -f "prometheus-process-exporter.*127.0.0.1:19256" || true
  prometheus-node-exporter --collector.disable-defaults --collector.processes --web.listen-address=127.0.0.1:19100 >/dev/null 2>&1 &
  wait_http http://127.0.0.1:19100/metrics; ne_ms=$(scrape_ms http://127.0.0.1:19100/metrics)
  pkill -f "prometheus-node-exporter.*127.0.0.1:19100" || true
  for j in $JARS; do
    label=${j%%=*}; jar=${j#*=}
    line=$(java $JAVA_OPTS -jar $jar bench --passes=20 | tail -1)
    echo "   $label: $line" >&2
    containers=$(echo "$line" | sed 's/.*containers=\([0-9]*\).*/\1/')
    ncold=$(echo "$line" | sed 's/.*cold_ms=\([0-9.]*\).*/\1/'); nsteady=$(echo "$line" | sed 's/.*steady_ms=\([0-9.]*\).*/\1/')
    us=$(echo "$line" | sed 's/.*us_per_process_steady=\([0-9.]*\).*/\1/')
    java $JAVA_OPTS -Dnscope-bench-agent -jar $jar --server.port=19810 >"$work/agent.log" 2>&1 &
    agent=$!
    wait_http http://127.0.0.1:19810/actuator/health
    sleep 2
    t_a=$(awk '{print $14+$15}' /proc/$agent/stat); w_a=$(date +%s%N)
    sleep "$CPU_WINDOW"
    t_b=$(awk '{print $14+$15}' /proc/$agent/stat); w_b=$(date +%s%N)
    hz=$(getconf CLK_TCK)
    cpu=$(awk -v t=$((t_b - t_a)) -v w=$((w_b - w_a)) -v hz=$hz 'BEGIN{printf "%.2f", 100 * (t / hz) / (w / 1e9)}')
    # the requests after the window, on an agent that has run a while (as Prometheus meets it), then RSS
    read -r prom_ms cont_ms < <(fresh_get_ms http://127.0.0.1:19810/actuator/prometheus http://127.0.0.1:19810/actuator/containers)
    rss=$(awk '/VmRSS/{printf "%.0f", $2/1024}' /proc/$agent/status)
    kill $agent; wait $agent 2>/dev/null || true
    r1=$(awk -v a=$nsteady -v b=$fmin_ms 'BEGIN{printf "%.2f", a/b}'); r2=$(awk -v a=$ncold -v b=$fcold_ms 'BEGIN{printf "%.2f", a/b}')
    echo "| $label | $procs | $containers | $fproc_ms | $fmin_ms | $fcold_ms | $nsteady | $ncold | $r1 | $r2 | $us | $ps_ms | $lsns_ms | $pe_ms | $ne_ms | $prom_ms | $cont_ms | $rss | $cpu |" >> "$out"
    tail -1 "$out" >&2
  done
  for p in "${pids_of_sandboxes[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  pids_of_sandboxes=()
  sleep 2
  for h in "${hier[@]}"; do for d in "$h"/nscope-bench/sb-*; do [ -d "$d" ] && rmdir "$d" 2>/dev/null || true; done; done
done
if [ -n "$earlier" ]; then
  { echo; echo "## Earlier runs"; echo; echo "$earlier"; } >> "$out"
fi
cat "$out"
