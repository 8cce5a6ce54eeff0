#!/usr/bin/env bash
# Dashboard benchmark (issue 17): a berthd of its own on a one-node swarm with the dashboard on
# loopback, Debian's chromium driven through chromedriver by bench/DashboardBench.java (Selenium,
# berth-it's test classpath), and:
#  - page weight: bytes a cold load transfers (fresh profile), and a warm reload;
#  - scale latency: from just before `docker service scale` to the animation frame in which the
#    map shows the new boxes, and until they all say running (RUNS times up by STEP and down again;
#    target under 1 s to show);
#  - browser memory with TASKS tasks: the page's JS heap and the PSS of all chromium processes,
#    with a service scaled to TASKS replicas of busybox `sleep` (default 500).
# Writes bench/results/dashboard-<date>.md. Nothing is asserted. As root.
#   bench/dashboard.sh [RUNS] [STEP] [TASKS]      (default 5 10 500)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
. bench/lib.sh
RUNS=${1:-5}
STEP=${2:-10}
TASKS=${3:-500}
PORT=${PORT:-28796}
W=/tmp/berth-bench-dashboard
out=bench/results/dashboard-$(date -u +%F).md
bench_prepare test
# the bridge a /22: a /24 runs out of addresses at 253 containers
BRIDGE=bdash0 NFT=berth_bdash CG=berth-bench-dash

cleanup() {
  if [ -n "$bpid" ] && DOCKER_HOST=$BSOCK "$DOCKER" service rm bench >/dev/null 2>&1; then
    # berthd leaves containers running when it stops (live restore): wait for the tasks to go first
    for _ in $(seq 1 300); do
      [ -z "$(DOCKER_HOST=$BSOCK "$DOCKER" ps -aq 2>/dev/null)" ] && break
      sleep 1
    done
  fi
  bench_stop "$bpid" 60
  bench_remove_berth_host_state "$BRIDGE" "$NFT" "$CG"
}
trap cleanup EXIT

rm -rf "$W" && mkdir -p "$W"
echo "==> berthd with the dashboard on 127.0.0.1:$PORT" >&2
bin/berthd -H "$BSOCK" --data-root "$W/data" --exec-root "$W/bexec" --config-file /nonexistent \
  --bridge "$BRIDGE" --bip 10.89.76.1/22 --nft-table "$NFT" --cgroup-parent "$CG" \
  --dashboard-addr "127.0.0.1:$PORT" >"$W/berthd.log" 2>&1 &
bpid=$!
wait_sock "$BSOCK" || { echo "berthd did not start:"; tail "$W/berthd.log"; exit 1; }
export DOCKER_HOST=$BSOCK
"$DOCKER" swarm init --advertise-addr 127.0.0.1 >/dev/null
scripts/mkimage-busybox.sh "$W/busybox.tar" >/dev/null
"$DOCKER" import -c 'CMD ["/bin/sh"]' "$W/busybox.tar" bench/busybox:1 >/dev/null
"$DOCKER" service create --detach --name bench --replicas 1 bench/busybox:1 sleep 1d >/dev/null
token=$(bin/berth dashboard token | tail -1)
# the browser gets the session of a form login made here (the login itself is not measured)
session=$(curl -s -i --data-urlencode "token=$token" "http://127.0.0.1:$PORT/login" | sed -n 's/^Set-Cookie: berth_session=\([^;]*\);.*/\1/p')
[ -n "$session" ] || { echo "no session from the dashboard's login" >&2; exit 1; }

echo "==> the browser's classpath (berth-it's test scope)" >&2
MAVEN_OPTS=--sun-misc-unsafe-memory-access=allow mvn -B -o -q -pl berth-it dependency:build-classpath \
  -Dmdep.outputFile="$W/cp" -Dmdep.includeScope=test >&2
echo "==> chromium: page weight, $RUNS scales by $STEP, then $TASKS tasks" >&2
"$JAVA" -cp "$(cat "$W/cp")" bench/DashboardBench.java "http://127.0.0.1:$PORT" "$session" "$BSOCK" bench \
  "$RUNS" "$STEP" "$TASKS" "$W/map-$TASKS.png" | tee "$W/browser.txt"

berthd_rss=$(rss_kb "$bpid")
ms() { grep "^scale_$1 " "$W/browser.txt" | sed -n "s/.* $2=\([0-9]*\).*/\1/p" | awk '{print $1 * 1000000}' | stats; }
field() { sed -n "s/^$1 //p" "$W/browser.txt"; }
kv() { field "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
{
  echo "# Dashboard benchmark, $(date -u +%F)"
  echo
  bench_machine
  echo "Berth $(bench_commit); $(chromium --version 2>/dev/null | head -1); one-node swarm, dashboard on loopback."
  echo
  echo "## Page weight"
  echo
  echo "| load | files | bytes transferred | bytes decoded |"
  echo "|---|---|---|---|"
  echo "| cold (empty cache) | $(kv weight_cold files) | $(kv weight_cold transferred) | $(kv weight_cold decoded) |"
  echo "| reload (warm cache) | $(kv weight_warm files) | $(kv weight_warm transferred) | $(kv weight_warm decoded) |"
  echo
  echo "## From \`docker service scale\` to the boxes in Chromium ($RUNS runs, ms: median p90)"
  echo
  echo "| change | boxes shown | all running |"
  echo "|---|---|---|"
  echo "| +$STEP replicas | $(ms up shown_ms) | $(ms up running_ms) |"
  echo "| -$STEP replicas | $(ms down shown_ms) | $(ms down running_ms) |"
  echo "| to $TASKS replicas (once) | $(ms big shown_ms) | $(ms big running_ms) |"
  echo
  echo "## The browser with $TASKS tasks"
  echo
  echo "| what | value |"
  echo "|---|---|"
  echo "| task boxes on the map | $(field boxes) |"
  echo "| DOM elements | $(field dom_elements) |"
  echo "| page JS heap used | $(( $(field heap_bytes) / 1024 )) KiB |"
  echo "| chromium, all processes (PSS) | $(( $(field browser_pss_kb) / 1024 )) MiB |"
  echo "| /api/state fetch+parse in the page [ms, bytes] | $(field state_fetch) |"
  echo "| berthd RSS after | $((berthd_rss / 1024)) MiB |"
} > "$out"
cp "$W/map-$TASKS.png" "$W/../dashboard-map-$TASKS.png" 2>/dev/null || true
echo "wrote $out" >&2
cat "$out"
