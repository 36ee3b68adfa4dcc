#!/usr/bin/env bash
# Times the agent's two big requests on the current host, as Prometheus meets them: the agent runs with
# the chart's JVM flags, then GET /actuator/prometheus and /actuator/containers ROUNDS times (default 10),
# 11 s apart (each on a snapshot no request has read), and prints every time, the medians and the GC
# pauses during the rounds (from the agent's GC log). For the spread behind bench/run.sh's medians:
#   sudo bench/sandboxes.sh start 1000 8; sudo bench/requests.sh; sudo bench/sandboxes.sh stop
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-10}
PORT=${PORT:-19811}
jar=target/nscope.jar
[ -f "$jar" ] || { echo "build the jar first: ./mvnw -DskipTests package" >&2; exit 2; }
. bench/chart-jvm.sh
gclog=$(mktemp)
# shellcheck disable=SC2086
java $JAVA_OPTS -Xlog:gc:file="$gclog":uptime -jar "$jar" --server.port="$PORT" >/dev/null 2>&1 &
agent=$!
trap 'kill $agent 2>/dev/null || true; rm -f "$gclog"' EXIT
for _ in $(seq 1 120); do curl -s -o /dev/null "http://127.0.0.1:$PORT/actuator/health" && break; sleep 0.5; done
sleep 30
start=$(awk '{print $1}' /proc/uptime); born=$(awk -v hz="$(getconf CLK_TCK)" '{print $22 / hz}' /proc/$agent/stat)
p=""; c=""
for round in $(seq 1 "$ROUNDS"); do
  p="$p $(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT/actuator/prometheus")"
  c="$c $(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT/actuator/containers")"
  [ "$round" -lt "$ROUNDS" ] && sleep 11
done
show() { tr ' ' '\n' | grep . | sort -n | awk -v what="$1" '{v[NR] = $1 * 1000} END {printf "%-24s median %.0f ms, all:", what, v[int((NR + 1) / 2)]; for (i = 1; i <= NR; i++) printf " %.0f", v[i]; print ""}'; }
echo "$p" | show "GET /actuator/prometheus"
echo "$c" | show "GET /actuator/containers"
echo "agent RSS $(awk '/VmRSS/{printf "%.0f", $2 / 1024}' /proc/$agent/status) MiB"
awk -v from="$(awk -v s="$start" -v b="$born" 'BEGIN{print s - b}')" '{t = $1; gsub(/[][s]/, "", t); if (t + 0 >= from && match($0, /Pause [A-Za-z]+/)) {
    kind = substr($0, RSTART + 6, RLENGTH - 6); ms = $NF; sub(/ms/, "", ms); n[kind]++; sum[kind] += ms; if (ms + 0 > max[kind]) max[kind] = ms + 0 } }
  END {for (k in n) printf "GC %s pauses during the rounds: %d, mean %.1f ms, longest %.1f ms\n", k, n[k], sum[k] / n[k], max[k]}' "$gclog"
