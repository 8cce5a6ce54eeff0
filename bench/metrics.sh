#!/usr/bin/env bash
# Metrics benchmark (issue 17): what one Prometheus scrape of /metrics costs the daemon, in
# milliseconds of its CPU (user+system from /proc/PID/stat), with COUNT running containers, berthd
# (--metrics-addr) beside Debian's dockerd (--metrics-addr, which needs --experimental in 20.10)
# in one run. Prints the figures and writes them (with the machine and date) to
# bench/results/metrics-<date>.md. Run as root. Not a test: nothing is asserted.
#   bench/metrics.sh [COUNT] [SCRAPES] [RUNS]
#     COUNT    running containers per engine (default 200)
#     SCRAPES  scrapes per measurement (default 50); RUNS measurements per engine (default 3),
#              the engines taking turns; the median is kept
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
COUNT=${1:-200}
SCRAPES=${2:-50}
RUNS=${3:-3}
W=/tmp/berth-bench-metrics
. bench/lib.sh
bench_prepare test
DROOT=/var/lib/berth-bench-metrics-docker
BROOT=/var/lib/berth-bench-metrics
DMET=127.0.0.1:19381
BMET=127.0.0.1:19382
HZ=$(getconf CLK_TCK)
ok=""

cleanup() {
  set +e
  if [ -z "$ok" ]; then
    for f in dockerd.log berthd.log; do [ -s "$W/$f" ] && { echo "--- $W/$f (end)"; tail -n 15 "$W/$f"; }; done
  fi
  for h in "$DSOCK" "$BSOCK"; do
    ids=$(DOCKER_HOST=$h timeout 30 "$DOCKER" ps -aq 2>/dev/null)
    [ -n "$ids" ] && echo "$ids" | DOCKER_HOST=$h timeout 600 xargs -P 4 -n 20 "$DOCKER" rm -f >/dev/null 2>&1
  done
  bench_stop "$bpid" 60
  bench_stop_dockerd 60
  bench_remove_berth_host_state bbenchmet0 berth_bench_met berth-bench-met
  rm -rf "$DROOT" "$BROOT"
}
trap cleanup EXIT
for a in $DMET $BMET; do
  if curl -s -o /dev/null "http://$a/metrics"; then echo "something already listens on $a" >&2; exit 1; fi
done

fail() { echo "metrics bench: $*" >&2; exit 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
scrape() { curl -fsS -o /dev/null "http://$1/metrics"; }

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
COMMIT=$(bench_commit)
echo "==> starting dockerd and berthd on private sockets, each with its metrics listener"
bench_start_dockerd "$DROOT" --bip 172.29.41.1/24 --experimental --metrics-addr $DMET
bench_start_berthd "$BROOT" bbenchmet0 10.90.41.1/24 berth_bench_met berth-bench-met --metrics-addr $BMET
bench_wait_daemons || exit 1
for a in $DMET $BMET; do
  for _ in $(seq 1 100); do scrape $a 2>/dev/null && break; sleep 0.1; done
  scrape $a || fail "no /metrics at $a"
done
scripts/mkimage-busybox.sh "$W/bb.tar"
for h in "$DSOCK" "$BSOCK"; do DOCKER_HOST=$h "$DOCKER" import "$W/bb.tar" bench/busybox:1 >/dev/null; done

echo "==> starting $COUNT containers in each engine"
for h in "$DSOCK" "$BSOCK"; do
  t0=$(now)
  seq 1 "$COUNT" | DOCKER_HOST=$h xargs -P 4 -I{} "$DOCKER" run -d --name m{} bench/busybox:1 sleep 100000 >/dev/null \
    || fail "starting containers on $h"
  n=$(DOCKER_HOST=$h "$DOCKER" ps -q | wc -l)
  [ "$n" -eq "$COUNT" ] || fail "$h runs $n containers, not $COUNT"
  echo "    $h: $COUNT running after $(( ($(now) - t0) / 1000000000 )) s"
done

# One measurement: SCRAPES scrapes back to back; the daemon's CPU time for them in ticks minus its
# CPU time over an idle window of the same length just before (health checks, housekeeping),
# as milliseconds per scrape; and the wall time per scrape.
measure() { # pid addr -> "cpu_ms_per_scrape wall_ms_per_scrape idle_ticks busy_ticks"
  local pid=$1 addr=$2 t0 t1 c0 c1 c2 wall
  c0=$(cpu_ticks "$pid")
  t0=$(now)
  for _ in $(seq 1 "$SCRAPES"); do scrape "$addr"; done
  t1=$(now)
  c1=$(cpu_ticks "$pid")
  wall=$(( t1 - t0 ))
  sleep "$(awk -v n=$wall 'BEGIN {printf "%.3f", n / 1e9}')"
  c2=$(cpu_ticks "$pid")
  awk -v busy=$((c1 - c0)) -v idle=$((c2 - c1)) -v hz="$HZ" -v n="$SCRAPES" -v wall=$wall \
    'BEGIN {net = busy - idle; if (net < 0) net = 0; printf "%.2f %.2f %d %d", net * 1000 / hz / n, wall / 1e6 / n, idle, busy}'
}

echo "==> warming up (JIT, caches): 20 scrapes each"
for _ in $(seq 1 20); do scrape $DMET; scrape $BMET; done
BYTES_D=$(curl -fsS "http://$DMET/metrics" | wc -c); SERIES_D=$(curl -fsS "http://$DMET/metrics" | grep -vc '^#')
BYTES_B=$(curl -fsS "http://$BMET/metrics" | wc -c); SERIES_B=$(curl -fsS "http://$BMET/metrics" | grep -vc '^#')
echo "==> $RUNS measurements of $SCRAPES scrapes each, the engines taking turns"
: >"$W/docker"; : >"$W/berth"
for r in $(seq 1 "$RUNS"); do
  d=$(measure "$dpid" $DMET); b=$(measure "$bpid" $BMET)
  echo "$d" >>"$W/docker"; echo "$b" >>"$W/berth"
  echo "    run $r: dockerd $d, berthd $b (cpu ms/scrape, wall ms/scrape, idle ticks, busy ticks)"
done
med() { sort -n -k"$2" "$1" | awk -v k="$2" '{a[NR]=$k} END {print a[int((NR+1)/2)]}'; }
CPU_D=$(med "$W/docker" 1); CPU_B=$(med "$W/berth" 1)
WALL_D=$(med "$W/docker" 2); WALL_B=$(med "$W/berth" 2)
RSS_B=$(rss_kb "$bpid"); RSS_D=$(rss_kb "$dpid")
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

OUT=bench/results/metrics-$(date +%F).md
{
  echo "# Metrics benchmark, $(date +%F)"
  echo
  bench_machine
  echo "Versions: $(bench_versions), curl $(curl --version | head -1 | cut -d' ' -f2)."
  echo "Berth source: commit $COMMIT."
  echo "Load average (1, 5, 15 min) when the run started: $LOAD_START; when it ended: $LOAD_END"
  echo "(other work on this machine shares its cores)."
  echo
  echo "## The cost of one scrape of /metrics with $COUNT running containers"
  echo
  echo "Each engine runs $COUNT busybox containers (\`sleep\`, default bridge). A measurement is $SCRAPES"
  echo "scrapes back to back with curl on loopback; the daemon's CPU time (utime+stime of its process"
  echo "in /proc/PID/stat, ${HZ} ticks a second) over them, minus its CPU time over an idle window of the"
  echo "same length right after, divided by $SCRAPES. Median of $RUNS measurements, the engines taking"
  echo "turns, after 20 warm-up scrapes each. The ratio is Berth's over Docker's."
  echo
  echo "| | CPU per scrape (ms) | wall per scrape (ms) | body (bytes) | samples | daemon RSS after (MiB) |"
  echo "|---|---|---|---|---|---|"
  echo "| dockerd | $CPU_D | $WALL_D | $BYTES_D | $SERIES_D | $((RSS_D / 1024)) |"
  echo "| berthd | $CPU_B | $WALL_B | $BYTES_B | $SERIES_B | $((RSS_B / 1024)) |"
  echo "| ratio (berthd / dockerd) | $(ratio "$CPU_B" "$CPU_D") | $(ratio "$WALL_B" "$WALL_D") | | | |"
  echo
  echo "Not like for like: dockerd's /metrics has engine-wide series only (no per-container ones; it"
  echo "keeps them for \`docker stats\`), while berthd's reads every running container's cgroup and"
  echo "network counters at each scrape (CPU, memory, network, block I/O, pids: one reading per"
  echo "container) besides its engine, registry and cluster series. containerd's CPU is not counted"
  echo "for dockerd (it does no work for a scrape)."
  echo
  echo "Raw measurements (cpu ms/scrape, wall ms/scrape, idle ticks, busy ticks):"
  echo
  echo "- dockerd: $(paste -sd';' "$W/docker")"
  echo "- berthd: $(paste -sd';' "$W/berth")"
} >"$OUT"
ok=yes
echo "==> wrote $OUT"
cat "$OUT"
