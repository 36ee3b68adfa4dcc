#!/usr/bin/env bash
# What the process events cost the agent: its CPU at rest and during an exec storm (EXECS runs of /bin/true from one
# shell loop), with the events off (polling alone, as before them) and on (the lifecycle listening, scans asked for by
# execs of processes no container holds). The agent runs with the chart's JVM flags and the default scan interval.
#
#   sudo bench/exec-storm.sh            # target/nscope.jar; EXECS=10000 IDLE=30 ROUNDS=2
#
# Prints one line per run: the agent's CPU (utime+stime of its process) over IDLE seconds at rest and over the storm
# (and the second after it, for a scan the storm asked for), the scans in each window, the events received and
# dropped. Needs root (the connector), curl, and a free port.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-target/nscope.jar}
EXECS=${EXECS:-10000}
IDLE=${IDLE:-30}
ROUNDS=${ROUNDS:-2}
# shellcheck source=bench/chart-jvm.sh
source bench/chart-jvm.sh
tick=$(getconf CLK_TCK)
port=${PORT:-19810}

# utime + stime of a process in clock ticks (the fields after the ')' that ends comm)
cpu() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
metric() { curl -s "http://127.0.0.1:$port/actuator/prometheus" | awk -v s="$1" '$1 == s && v == "" {v = $2} END {print v}'; } # all read: curl never meets a closed pipe
now() { date +%s.%N; }

run() {
  local label=$1; shift
  if curl -s "http://127.0.0.1:$port/" >/dev/null 2>&1; then
    echo "port $port is in use: another agent? (PORT=… to choose another)" >&2; exit 1
  fi
  java $JAVA_OPTS -jar "$JAR" --server.port=$port "$@" >"/tmp/exec-storm-$label.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$port/actuator/health" >/dev/null 2>&1 && break
    sleep 0.2
  done
  sleep 5 # the first scans, the JIT's first compilations
  kill -0 $pid 2>/dev/null || { echo "the agent exited: /tmp/exec-storm-$label.log" >&2; exit 1; }
  local c0 s0 c1 s1 c2 s2 t0 t1 e0 e1 d1
  c0=$(cpu $pid); s0=$(metric 'nscope_scans_total{result="ok"}'); e0=$(metric nscope_process_events_total)
  sleep "$IDLE"
  c1=$(cpu $pid); s1=$(metric 'nscope_scans_total{result="ok"}')
  t0=$(now)
  sh -c "i=0; while [ \$i -lt $EXECS ]; do /bin/true; i=\$((i+1)); done"
  t1=$(now)
  sleep 1
  c2=$(cpu $pid); s2=$(metric 'nscope_scans_total{result="ok"}'); e1=$(metric nscope_process_events_total)
  d1=$(metric nscope_events_dropped_total)
  kill $pid; wait $pid 2>/dev/null || true
  python3 - "$label" "$tick" "$IDLE" "$c0" "$c1" "$c2" "$s0" "$s1" "$s2" "$t0" "$t1" "${e0:-0}" "${e1:-0}" "${d1:-0}" "$EXECS" <<'PY'
import sys
label, tick, idle, c0, c1, c2, s0, s1, s2, t0, t1, e0, e1, d1, execs = sys.argv[1:]
tick, idle = float(tick), float(idle)
idle_cpu = (float(c1) - float(c0)) / tick
storm = float(t1) - float(t0)
storm_cpu = (float(c2) - float(c1)) / tick
print(f"{label:10s} rest: {idle_cpu:5.2f} s CPU in {idle:.0f} s ({100 * idle_cpu / idle:4.1f} % of a core), "
      f"{float(s1) - float(s0):3.0f} scans | storm of {execs} execs: {storm:5.1f} s, {storm_cpu:5.2f} s CPU "
      f"({100 * storm_cpu / (storm + 1):4.1f} % of a core), {float(s2) - float(s1):3.0f} scans, "
      f"{float(e1) - float(e0):7.0f} events, {float(d1):.0f} dropped")
PY
}

for r in $(seq 1 "$ROUNDS"); do
  run "off#$r" --nscope.events.enabled=false
  run "on#$r"
done
