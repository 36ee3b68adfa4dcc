#!/usr/bin/env bash
# Where the agent's CPU goes, by thread: each jar runs with the chart's JVM flags and the default interval over
# whatever runs on the host (start sandboxes first: sudo bench/sandboxes.sh start 1000 8), WARM seconds to settle,
# then utime + stime of each thread (/proc/<pid>/task/*/stat, threads of one name summed) over WINDOW seconds.
#
#   sudo JARS="before=old.jar after=target/nscope.jar" WINDOW=120 bench/thread-cpu.sh
set -euo pipefail
cd "$(dirname "$0")/.."
JARS=${JARS:-"nscope=target/nscope.jar"}
WARM=${WARM:-20}
WINDOW=${WINDOW:-120}
port=${PORT:-19830}
# shellcheck source=bench/chart-jvm.sh
source bench/chart-jvm.sh
tick=$(getconf CLK_TCK)

threads() { # name ticks, one line per thread name
  for t in /proc/"$1"/task/*; do
    printf '%s %s\n' "$(tr ' ' '_' < "$t/comm")" "$(sed 's/.*) //' "$t/stat" | awk '{print $12 + $13}')"
  done 2>/dev/null | awk '{a[$1] += $2} END {for (k in a) print k, a[k]}' | sort
}

for j in $JARS; do
  label=${j%%=*}; jar=${j#*=}
  java $JAVA_OPTS -jar "$jar" --server.port=$port >"/tmp/thread-cpu-$label.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/actuator/health" >/dev/null 2>&1 && break; sleep 0.2; done
  sleep "$WARM"
  threads $pid > /tmp/thread-cpu-a.txt
  sleep "$WINDOW"
  threads $pid > /tmp/thread-cpu-b.txt
  kill $pid; wait $pid 2>/dev/null || true
  echo "== $label ($jar): CPU seconds by thread over $WINDOW s"
  join /tmp/thread-cpu-a.txt /tmp/thread-cpu-b.txt | awk -v hz="$tick" -v w="$WINDOW" '
    {d = ($3 - $2) / hz; t += d; if (d > 0) printf "  %-18s %6.2f s\n", $1, d}
    END {printf "  %-18s %6.2f s (%.2f %% of a core)\n", "all", t, 100 * t / w}' | sort -k2 -n -r
done
