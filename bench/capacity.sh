#!/usr/bin/env bash
# How many containers a memory limit carries: the agent with the chart's JVM flags (bench/chart-jvm.sh,
# -XX:MaxRAM set to the limit) in a memory cgroup of that limit, over S sandboxes (bench/sandboxes.sh: a
# cgroup and pid, mount, uts, ipc and network namespaces each, K sleeping processes + sh + unshare), at
# the chart's scan interval (10 s). For each LIMIT:S1,S2,… it grows the sandboxes to each size, starts the
# agent, waits for its first scan, then for WINDOW seconds (default 90) requests /actuator/prometheus and
# /actuator/containers every 11 s. A size is carried when the agent is still running, the cgroup saw no
# OOM kill, every request answered 200, and it scanned on time (the interval is a delay after each scan:
# at least WINDOW / (10 s + its mean scan) - 1 scans, none failed); "GC-bound" when the window saw more
# full collections than scans (the live set nearly fills the heap).
#
#   sudo bench/capacity.sh 256:1000,2000,3000 512:3000,4000,5000        [K=3 WINDOW=90]
#
# Prints one line a run and appends a table to bench/results.md under "## Capacity". Needs root, cgroup v1
# memory or cgroup v2, curl, Java 17 and the jar (./mvnw -DskipTests package). Mind kernel.pid_max: S
# sandboxes take S*(K+2) pids. Cleans up after (its own sandboxes and cgroups, by pid).
set -euo pipefail
cd "$(dirname "$0")/.."
specs=${*:-"256:1000,2000,3000 512:3000,4000,5000"}
K=${K:-3}
WINDOW=${WINDOW:-90}
PORT=${PORT:-19812}
jar=target/nscope.jar
[ -f "$jar" ] || { echo "build the jar first: ./mvnw -DskipTests package" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 2; }
. bench/chart-jvm.sh   # $chart_flags, MALLOC_ARENA_MAX
cg=/sys/fs/cgroup
if [ -f $cg/cgroup.controllers ]; then mem=$cg/nscope-capacity; pids=$cg/nscope-bench; else mem=$cg/memory/nscope-capacity; pids=$cg/pids/nscope-bench; fi
[ -e "$pids" ] && { echo "$pids exists: another bench run is going on (or bench/sandboxes.sh stop)" >&2; exit 2; }
work=$(mktemp -d)
agent=""
cleanup() {
  [ -n "$agent" ] && kill -9 "$agent" 2>/dev/null || true
  bench/sandboxes.sh stop >/dev/null 2>&1 || true
  rmdir "$mem" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

running=0
grow_to() { # sandboxes up to $1, then wait until all their processes are there
  local want=$1
  if [ "$want" -lt "$running" ]; then bench/sandboxes.sh stop >/dev/null; running=0; fi
  [ "$want" -gt "$running" ] && bench/sandboxes.sh start $((want - running)) "$K" $((running + 1)) >/dev/null
  running=$want
  for _ in $(seq 1 600); do
    [ "$(cat "$pids/pids.current" 2>/dev/null || echo 0)" -ge $((want * (K + 2))) ] && return 0
    sleep 1
  done
  echo "sandboxes did not all start: $(cat "$pids/pids.current") of $((want * (K + 2))) processes" >&2; return 1
}
oom_kills() { # in the agent's memory cgroup (v1 memory.oom_control, v2 memory.events)
  cat "$mem/memory.oom_control" "$mem/memory.events" 2>/dev/null | awk '/^oom_kill /{print $2; exit}' || true
}
metric() { # the value of a series in the scrape saved at $work/scrape
  awk -v s="$1" '$1 == s {print $2; exit}' "$work/scrape"
}
get() { # URL OUT: prints "http_code seconds bytes"
  curl -s -m 30 -o "$2" -w '%{http_code} %{time_total} %{size_download}\n' "$1" || echo "000 0 0"
}

med() { tr ' ' '\n' | grep . | awk -F: '{print $1}' | sort -n | awk '{v[NR]=$1} END{if (NR) printf "%.0f", 1000 * v[int((NR + 1) / 2)]; else print "-"}'; }
maxb() { tr ' ' '\n' | grep . | awk -F: 'BEGIN{m=0} {if ($2 > m) m = $2} END{printf "%.1f", m / 1e6}'; }

table=()
for spec in $specs; do
  limit=${spec%%:*}
  IFS=, read -ra sizes <<< "${spec#*:}"
  for size in "${sizes[@]}"; do
    [[ "$size" =~ ^[0-9]+$ ]] || { echo "not a size: $size (in $spec)" >&2; exit 2; }
    [ $((size * (K + 2))) -lt $(( $(cat /proc/sys/kernel/pid_max) * 8 / 10 )) ] \
      || { echo "$size sandboxes of $((K + 2)) processes: too close to kernel.pid_max" >&2; exit 2; }
    grow_to "$size"
    mkdir -p "$mem"
    if [ -f "$mem/memory.limit_in_bytes" ]; then
      echo $((limit << 20)) > "$mem/memory.limit_in_bytes"
      echo 0 > "$mem/memory.max_usage_in_bytes"
    else
      echo $((limit << 20)) > "$mem/memory.max"
    fi
    oom0=$(oom_kills)
    : > "$work/gc.log"
    # shellcheck disable=SC2086
    sh -c "echo \$\$ > $mem/cgroup.procs; exec java $chart_flags -XX:MaxRAM=${limit}m -Xlog:gc:file=$work/gc.log:uptime \
      -jar $jar --server.port=$PORT --server.address=127.0.0.1" > "$work/agent.log" 2>&1 &
    agent=$!
    t0=$(date +%s)
    up=false
    for _ in $(seq 1 240); do
      kill -0 "$agent" 2>/dev/null || break
      curl -s -o "$work/scrape" "http://127.0.0.1:$PORT/actuator/prometheus" \
        && [ "$(metric 'nscope_scans_total{result="ok"}')" != "" ] && [ "$(metric 'nscope_scans_total{result="ok"}')" != "0.0" ] \
        && { up=true; break; }
      sleep 0.5
    done
    first=$(sed -n 's/.*first scan: .* in \([0-9]*\) ms.*/\1/p' "$work/agent.log" | head -1)
    ok0=$(metric 'nscope_scans_total{result="ok"}'); sec0=$(metric 'nscope_scan_seconds_total')
    codes=""; prom=""; cont=""
    fulls0=$(grep -c "Pause Full" "$work/gc.log" || true)
    if $up; then
      end=$(( $(date +%s) + WINDOW ))
      while [ "$(date +%s)" -lt "$end" ] && kill -0 "$agent" 2>/dev/null; do
        read -r c1 t1 b1 < <(get "http://127.0.0.1:$PORT/actuator/prometheus" "$work/scrape")
        read -r c2 t2 b2 < <(get "http://127.0.0.1:$PORT/actuator/containers" /dev/null)
        codes="$codes $c1 $c2"; prom="$prom $t1:$b1"; cont="$cont $t2:$b2"
        sleep 11
      done
    fi
    alive=false; kill -0 "$agent" 2>/dev/null && alive=true
    if $alive; then curl -s -o "$work/scrape" "http://127.0.0.1:$PORT/actuator/prometheus" || true; fi
    ok1=$(metric 'nscope_scans_total{result="ok"}'); sec1=$(metric 'nscope_scan_seconds_total')
    failed=$(metric 'nscope_scans_total{result="failed"}'); containers=$(metric 'nscope_containers{runtime="sandbox"}')
    processes=$(metric 'nscope_processes')
    peak=$(cat "$mem/memory.max_usage_in_bytes" "$mem/memory.peak" 2>/dev/null | head -1 || true)
    oom1=$(oom_kills)
    fulls=$(( $(grep -c "Pause Full" "$work/gc.log" || true) - fulls0 ))
    after_full=-
    [ "$fulls" -gt 0 ] && after_full=$(grep "Pause Full" "$work/gc.log" | tail -1 | sed -n 's/.*->\([0-9]*\)M(.*/\1/p' || true)
    if $alive; then kill "$agent"; fi
    status=0; wait "$agent" 2>/dev/null || status=$?
    agent=""
    scans=$(awk -v a="${ok0:-0}" -v b="${ok1:-0}" 'BEGIN{printf "%d", b - a}')
    steady=$(awk -v a="${sec0:-0}" -v b="${sec1:-0}" -v n="$scans" 'BEGIN{if (n > 0) printf "%.2f", (b - a) / n; else print "-"}')
    bad=$(echo "$codes" | tr ' ' '\n' | grep . | grep -vc '^200$' || true)
    verdict=carried
    reason=""
    ! $up && { verdict=failed; reason="no first scan"; }
    ! $alive && { verdict=failed; reason="$reason exited ($status)"; }
    [ "${oom1:-0}" != "${oom0:-0}" ] && { verdict=failed; reason="$reason OOM-killed"; }
    [ "$bad" -gt 0 ] && { verdict=failed; reason="$reason $bad requests not 200"; }
    # the interval is a fixed delay after each scan: a scan of S seconds comes every 10 + S seconds
    due=$(awk -v w="$WINDOW" -v s="$steady" 'BEGIN{if (s == "-") s = 0; printf "%d", w / (10 + s) - 1}')
    [ "$scans" -lt "$due" ] && { verdict=failed; reason="$reason $scans scans in ${WINDOW}s"; }
    [ "${failed:-0}" != "0.0" ] && [ -n "${failed:-}" ] && { verdict=failed; reason="$reason failed scans"; }
    # more full collections than scans: the live set nearly fills the heap, the collector runs every scan
    [ "$verdict" = carried ] && [ "$fulls" -gt "$scans" ] && verdict="carried, GC-bound"
    line="| $limit | $size | $(printf '%.0f' "${containers:-0}") | $(printf '%.0f' "${processes:-0}") | ${first:--} | $steady | $(echo "$prom" | med) | $(echo "$prom" | maxb) | $(echo "$cont" | med) | $(echo "$cont" | maxb) | $(awk -v p="${peak:-0}" 'BEGIN{printf "%.0f", p / 1048576}') | $fulls | ${after_full:--} | $verdict${reason:+:$reason} |"
    echo "$line"
    table+=("$line")
    rmdir "$mem" 2>/dev/null || sleep 1; rmdir "$mem" 2>/dev/null || true
    [ "$verdict" = failed ] && break   # a larger size under the same limit will not do better
  done
done

{
  echo
  echo "## Capacity"
  echo
  echo "$(date -u +%F) on $(nproc) cores, $(uname -r), cgroup $( [ -f $cg/cgroup.controllers ] && echo v2 || echo v1/hybrid ); \`sudo K=$K WINDOW=$WINDOW bench/capacity.sh $specs\`"
  echo "JVM flags (the chart's): \`$chart_flags -XX:MaxRAM=<limit>\`, environment: \`MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX\`; sandboxes of $((K + 2)) processes each; scan interval 10 s"
  echo
  echo "| memory limit MiB | sandboxes | containers seen | processes | first scan ms | steady scan s (mean) | GET /actuator/prometheus ms (median) | scrape MB | GET /actuator/containers ms (median) | JSON MB | cgroup peak MiB | full GCs in the window | heap after the last full GC MiB | result |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${table[@]}"
} | tee -a bench/results.md
