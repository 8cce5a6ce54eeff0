#!/usr/bin/env bash
# Cluster benchmarks (issue 14). Each section is a function below and adds its part to
# bench/results/cluster-<date>.md; more sections (converge, failover, raft) come with the parts
# of the cluster they measure.
#  - scheduler: an in-process simulation (io.berth.cluster.bench.SchedulerSimulation, in
#    berth-cluster's test sources): NODES nodes and TASKS pending tasks of services with mixed
#    constraints, reservations, spread preferences, per-node limits and host ports, placed by the
#    real Scheduler; placements per second over the time spent scheduling, best of RUNS runs.
#    Target: at least 20,000/s on a 2-core machine (anchor: Nomad's C1M, about 3,750/s on 5
#    servers). No root, no daemon.
# Nothing is asserted.
#   bench/cluster.sh [scheduler] [RUNS]     (default: scheduler, 3 runs)
#   NODES=10000 TASKS=1000000 bench/cluster.sh
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
. scripts/lib/java.sh
berth_find_java
bench_machine() {
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), kernel $(uname -r)."
}
SECTION=${1:-scheduler}
RUNS=${2:-3}
NODES=${NODES:-10000}
TASKS=${TASKS:-1000000}
out=bench/results/cluster-$(date -u +%F).md

scheduler() {
  echo "==> building berth-cluster and its test classes" >&2
  MAVEN_OPTS=--sun-misc-unsafe-memory-access=allow mvn -B -o -q -pl berth-cluster -am test-compile >&2
  local cpfile
  cpfile=$(mktemp)
  MAVEN_OPTS=--sun-misc-unsafe-memory-access=allow mvn -B -o -q -pl berth-cluster dependency:build-classpath \
    -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=runtime >&2
  # the sibling modules from this checkout, not the SNAPSHOT jars in ~/.m2
  local cp
  cp=berth-cluster/target/classes:berth-cluster/target/test-classes:$(sed "s#[^:]*/io/berth/berth-\([a-z]*\)/[^:]*\.jar#$root/berth-\1/target/classes#g" "$cpfile")
  rm -f "$cpfile"
  local best=0 log rate load
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  for i in $(seq 1 "$RUNS"); do
    echo "==> scheduler simulation, run $i of $RUNS ($NODES nodes, $TASKS tasks)" >&2
    log=$("$JAVA" -Xms2g -Xmx4g -XX:+UseParallelGC -cp "$cp" io.berth.cluster.bench.SchedulerSimulation "$NODES" "$TASKS")
    echo "$log" >&2
    rate=$(echo "$log" | sed -n 's/^placements per second: //p')
    if [ "$rate" -gt "$best" ]; then best=$rate; bestlog=$log; fi
  done
  {
    echo "## Scheduler simulation"
    echo
    echo "In-process: \`io.berth.cluster.bench.SchedulerSimulation $NODES $TASKS\` (berth-cluster test sources), the"
    echo "real \`Scheduler.standard\` over $NODES nodes (10 zones, 100 racks, a third ssd, a tenth arm64, a"
    echo "tenth with a gpu engine label, 3% paused or drained, 2% down, 16-64 CPUs, 64-256 GiB) and $TASKS"
    echo "pending tasks of services of 500 (60% constrained on node labels, engine labels, role or"
    echo "architecture; half reserving 0.1-1 CPU and 128 MiB-1 GiB; a fifth spread over zones or zones and"
    echo "racks; a tenth at most 2 per node; one in 97 publishing a host-mode port; one in 500 asking more"
    echo "than any node has), handed over 100 services at a time. Best of $RUNS runs; load average at the"
    echo "start: $load."
    echo
    echo '```'
    echo "$bestlog"
    echo '```'
    echo
    echo "**$best placements/s.** Target: at least 20,000/s (Nomad C1M: about 3,750/s on 5 servers)."
    local end
    end=$(cut -d' ' -f1 /proc/loadavg)
    if awk -v a="${load%% *}" -v b="$end" -v n="$(nproc)" 'BEGIN { exit !(a > n || b > n) }'; then
      echo
      echo "The machine was shared with other work during this run (load average ${load%% *} at the start,"
      echo "$end at the end, on $(nproc) cores): the figure is a lower bound."
    fi
  } >>"$out.$SECTION"
}

case $SECTION in
  scheduler) ;;
  *) echo "usage: bench/cluster.sh [scheduler] [RUNS]" >&2; exit 2 ;;
esac
rm -f "$out.$SECTION"
$SECTION
{
  echo "# Cluster benchmark — $(date -u +%F)"
  echo
  bench_machine
  echo "JDK $("$JAVA" -version 2>&1 | head -1 | cut -d'"' -f2). Berth commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)."
  echo
  cat "$out.$SECTION"
} >"$out"
rm -f "$out.$SECTION"
cat "$out"
