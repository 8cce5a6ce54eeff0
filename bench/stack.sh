#!/usr/bin/env bash
# Rolling updates and stacks (issue 16), beside Debian's dockerd in single-node swarm mode.
#   bench/stack.sh update|deploy|all [RUNS]      (default: all, 3 runs)
# update: a service of 20 busybox httpd replicas (health check every second, no start period:
#   Docker 25+ probes every 5 s during one, the dockerd 20.10 measured here every interval) on a one-node
#   `berth lab` and on a private dockerd, both pulling the same image from the lab's registry;
#   then, RUNS times on each engine, taking turns: `service update --env-add RUN=n
#   --update-parallelism 2 --update-order start-first --update-delay 0s --update-monitor 1s`.
#   Measured: the time from the update call until the service's UpdateStatus says completed
#   (polled every 0.2 s), and the failed requests of steady clients during it:
#     - in-network: a busybox container on the same attachable overlay asks the service by name
#       in a loop (nc, a new connection per request) — the service runs with endpoint mode
#       dnsrr on both engines because Docker's VIPs need IPVS, which this kernel lacks;
#     - mesh (Berth only, for the same reason): two host-side curl loops on the node's published
#       port, with the service in its default VIP mode.
# deploy: examples/stack-shop (its four images built on the lab's node and pushed to its registry)
#   deployed with the docker CLI on both engines, RUNS times each, taking turns: the time from
#   `docker stack deploy` until `docker stack services` shows every service's replicas running
#   (a task with a health check runs once healthy), then `stack rm` until no container is left.
#   Berth also with `berth stack deploy`, which honours depends_on (Docker's stack ignores it).
# Writes its sections of bench/results/stack-<date>.md, keeping the other section of that day.
# Run as root; nothing is asserted; every wait is bounded.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
what=${1:-all}
RUNS=${2:-3}
REPLICAS=${REPLICAS:-20}
LAB=${LAB:-stackb}
W=/tmp/berth-bench-stack
DSWARM_DATA=/var/lib/berth-bench-stack-swarm
DSWARM_BIP=172.29.23.1/24
DSWARM_LISTEN=127.0.0.1:42383
PORT=18095
. bench/lib.sh
. bench/lab.sh
[ "$(id -u)" = 0 ] || { echo "bench/stack.sh: run as root (berth lab, dockerd)" >&2; exit 1; }
case "$what" in update | deploy | all) ;; *) echo "usage: bench/stack.sh update|deploy|all [RUNS]" >&2; exit 2 ;; esac
bench_prepare bench
rm -rf "$W" && mkdir -p "$W"
trap 'set +e; bench_lab_cleanup' EXIT

HTTPD='mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www'
HEALTH='printf "GET / HTTP/1.0\r\n\r\n" | nc -w 1 127.0.0.1 8080 | grep -q "200 OK"'
# A client that asks "web" by name until /tmp/stop exists, then prints "ok N bad M".
CLIENT='ok=0; bad=0; while [ ! -f /tmp/stop ]; do
  if printf "GET / HTTP/1.0\r\n\r\n" | nc -w 2 web 8080 2>/dev/null | grep -q "200 OK"; then ok=$((ok+1)); else bad=$((bad+1)); fi
done; echo "ok $ok bad $bad"'

# $1 engine socket, $2 extra service flags: web with REPLICAS replicas, healthy, on overlay "upd"
make_web() {
  d "$1" network create -d overlay --attachable upd >/dev/null
  # shellcheck disable=SC2086
  d "$1" service create -d -q --name web --replicas "$REPLICAS" --network upd $2 \
    --health-cmd "$HEALTH" --health-interval 1s --health-retries 3 \
    "$IMAGE" sh -c "$HTTPD" >/dev/null
  wait_replicas "$1" web 300 "$REPLICAS"
}
drop_web() {
  d "$1" service rm web >/dev/null 2>&1 || true
  d "$1" rm -f upd-client >/dev/null 2>&1 || true
  no_containers "$1" 120 || true
  d "$1" network rm upd >/dev/null 2>&1 || true
}
# $1 socket, $2 run number: the update, timed until UpdateStatus.State is completed -> "ms state"
timed_update() {
  local t0 st i
  t0=$(now)
  d "$1" service update -d -q --env-add "RUN=$2" --update-parallelism 2 --update-order start-first \
    --update-delay 0s --update-monitor 1s web >/dev/null
  st=""
  for i in $(seq 1 3000); do
    st=$(d "$1" service inspect web --format '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}' 2>/dev/null || true)
    case "$st" in completed | paused | rollback_*) break ;; esac
    sleep 0.2
  done
  echo "$(ms $(($(now) - t0))) ${st:-none}"
}
# $1 socket, $2 run: one update under the in-network client -> "ms state ok bad"
update_in_network() {
  local r
  d "$1" rm -f upd-client >/dev/null 2>&1 || true
  d "$1" run -d -q --name upd-client --network upd "$IMAGE" sh -c "$CLIENT" >/dev/null
  sleep 2
  r=$(timed_update "$1" "$2")
  d "$1" exec upd-client touch /tmp/stop
  d "$1" wait upd-client >/dev/null || true
  echo "$r $(d "$1" logs upd-client 2>/dev/null | awk '$1 == "ok" {print $2, $4}')"
  d "$1" rm -f upd-client >/dev/null
}
# $1 socket, $2 run, $3 address: one update under two curl loops on ADDR:PORT -> "ms state ok bad"
update_mesh() {
  local r p1 p2
  rm -f "$W/stop" "$W"/mesh.*
  for c in 1 2; do
    ( ok=0; bad=0
      while [ ! -f "$W/stop" ]; do
        if curl -sf -m 2 -o /dev/null "http://$3:$PORT/"; then ok=$((ok + 1)); else bad=$((bad + 1)); fi
      done
      echo "$ok $bad" >"$W/mesh.$c" ) &
    eval "p$c=\$!"
  done
  sleep 2
  r=$(timed_update "$1" "$2")
  touch "$W/stop"
  wait "$p1" "$p2" || true
  echo "$r $(cat "$W"/mesh.* | awk '{o += $1; b += $2} END {print o, b}')"
}

lab_up 1 1
lab_image
M=$(sock node1)
NODE1=$(lab ls --format '{{.Name}} {{.Address}}' | awk '$1 == "node1" {print $2}')
start_docker_swarm
load0=$(cut -d' ' -f1-3 /proc/loadavg)

med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
col() { awk -v c="$2" 'NF {print $c}' "$1" | med; }
all() { awk -v c="$2" 'NF {printf "%s ", $c}' "$1"; }
sum() { awk -v c="$2" 'NF {s += $c} END {print s + 0}' "$1"; }
states() { awk 'NF {print $2}' "$1" | sort | uniq -c | awk '{printf "%s%s×%s", (NR > 1 ? ", " : ""), $2, $1}'; }

# --- update ------------------------------------------------------------------------------------
bench_update() {
  echo "==> in-network client, endpoint mode dnsrr, $REPLICAS replicas, $RUNS runs per engine" >&2
  make_web "$M" "--endpoint-mode dnsrr"
  make_web "$DSOCK" "--endpoint-mode dnsrr"
  : >"$W/berth.net"; : >"$W/docker.net"
  for r in $(seq 1 "$RUNS"); do
    # the engines take turns, each round starting with the other
    if [ $((r % 2)) = 1 ]; then order="berth docker"; else order="docker berth"; fi
    for e in $order; do
      if [ "$e" = berth ]; then s=$M; else s=$DSOCK; fi
      res=$(update_in_network "$s" "$r")
      echo "    run $r $e: $res" >&2
      echo "$res" >>"$W/$e.net"
    done
  done
  drop_web "$M"
  drop_web "$DSOCK"

  echo "==> Berth, through the routing mesh on $NODE1:$PORT (VIP mode)" >&2
  make_web "$M" "-p $PORT:8080"
  for _ in $(seq 1 100); do curl -sf -m 2 -o /dev/null "http://$NODE1:$PORT/" && break; sleep 0.2; done
  : >"$W/berth.mesh"
  for r in $(seq 1 "$RUNS"); do
    res=$(update_mesh "$M" "mesh$r" "$NODE1")
    echo "    run $r berth mesh: $res" >&2
    echo "$res" >>"$W/berth.mesh"
  done
  drop_web "$M"
  load1=$(cut -d' ' -f1-3 /proc/loadavg)
  berth_ver=$(d "$M" version --format '{{range .Server.Components}}{{if eq .Name "Berth"}}{{.Version}}{{end}}{{end}}')
  docker_ver=$(d "$DSOCK" version --format '{{.Server.Version}}')
}

bench_update_figures() {
  local bn dn
  bn=$(col "$W/berth.net" 1); dn=$(col "$W/docker.net" 1)
  {
    echo "## Rolling update of $REPLICAS replicas, parallelism 2, start-first (issue 16)"
    echo
    echo "One busybox httpd service of $REPLICAS replicas (health check every 1 s, 3 retries) on a one-node"
    echo "\`berth lab\` (Berth commit $(bench_commit), berthd $berth_ver) and on Debian's dockerd $docker_ver in"
    echo "single-node swarm mode, the same image from the lab's registry. Each run: \`service update -d"
    echo "--env-add RUN=n --update-parallelism 2 --update-order start-first --update-delay 0s"
    echo "--update-monitor 1s web\`, timed until \`UpdateStatus.State\` is completed (polled every 0.2 s),"
    echo "the engines taking turns. Failed requests: a busybox client container on the same attachable"
    echo "overlay asks \`web:8080\` in a loop, a new connection per request (endpoint mode dnsrr on both:"
    echo "Docker's VIPs and routing mesh need IPVS, which this kernel lacks). For Berth also through its"
    echo "routing mesh: two curl loops on the node's published port, the service in VIP mode."
    echo "$(bench_machine) Load average before/after: $load0 / $load1."
    echo
    echo "| | Berth | Docker | Berth/Docker |"
    echo "|---|---|---|---|"
    echo "| update time, median of $RUNS (ms) | $bn | $dn | $(ratio "$bn" "$dn")x |"
    echo "| update times, each run (ms) | $(all "$W/berth.net" 1)| $(all "$W/docker.net" 1)| |"
    echo "| final update states | $(states "$W/berth.net") | $(states "$W/docker.net") | |"
    echo "| in-network requests: failed / total | $(sum "$W/berth.net" 4) / $(($(sum "$W/berth.net" 3) + $(sum "$W/berth.net" 4))) | $(sum "$W/docker.net" 4) / $(($(sum "$W/docker.net" 3) + $(sum "$W/docker.net" 4))) | |"
    echo "| through the mesh: update time, median (ms) | $(col "$W/berth.mesh" 1) | no mesh here | |"
    echo "| through the mesh: failed / total requests | $(sum "$W/berth.mesh" 4) / $(($(sum "$W/berth.mesh" 3) + $(sum "$W/berth.mesh" 4))) | | |"
    echo
    echo "Target: zero failed requests through a start-first update; time no worse than Docker's."
    echo
  } >"$W/part.update"
}

# --- deploy ------------------------------------------------------------------------------------
SHOP=examples/stack-shop
# the shop's images on the lab's node1, FROM the lab's busybox, pushed where both engines pull
shop_images() {
  local d
  d "$M" pull -q "$IMAGE" >/dev/null # berthd's builder takes its bases from the store, never pulls them
  for d in config-server registry service gateway; do
    d "$M" build -q -t "$REG/shop/$d:1" --build-arg BASE_IMAGE="$IMAGE" "$SHOP/$d" >/dev/null
    d "$M" push -q "$REG/shop/$d:1" >/dev/null
  done
}
# The shop's file for one node: without its placement (product asks for at most 2 replicas per
# node); for the docker CLI also without depends_on (its compose v3 schema knows only the short
# list form, and Docker's stack ignores depends_on anyway). The config and secret files by
# absolute path, as the copies are read from $W.
shop_files() {
  python3 - "$root/$SHOP" "$W" <<'PY'
import sys
base, out = sys.argv[1], sys.argv[2]
def copy(drop):
    lines, skip = [], None
    for line in open(base + "/compose.yaml"):
        indent = len(line) - len(line.lstrip())
        if skip is not None and (indent > skip or not line.strip()):
            continue
        skip = None
        if line.strip().rstrip(":") in drop and line.rstrip().endswith(":"):
            skip = indent
            continue
        lines.append(line.replace("file: ./", "file: " + base + "/"))
    return "".join(lines)
open(out + "/shop-berth.yaml", "w").write(copy({"placement"}))
open(out + "/shop-docker.yaml", "w").write(copy({"placement", "depends_on"}))
PY
}
# $1 socket, $2 client ("docker" or "berth"): one deploy until every service runs -> ms
timed_deploy() {
  local t0 i left
  t0=$(now)
  if [ "$2" = berth ]; then
    REGISTRY=$REG BERTH_HOST=$1 timeout 120 bin/berth stack deploy -c "$W/shop-berth.yaml" shop >/dev/null
  else
    REGISTRY=$REG d "$1" stack deploy -c "$W/shop-docker.yaml" shop >/dev/null 2>&1
  fi
  for i in $(seq 1 1500); do
    left=$(d "$1" stack services shop --format '{{.Replicas}}' 2>/dev/null | awk -F'[/ ]' '$1 != $2' | wc -l)
    [ "$(d "$1" stack services shop -q 2>/dev/null | wc -l)" = 6 ] && [ "$left" = 0 ] && break
    sleep 0.2
  done
  echo "$(ms $(($(now) - t0)))"
  d "$1" stack rm shop >/dev/null 2>&1 || true
  no_containers "$1" 120 >/dev/null || true
  for i in $(seq 1 100); do
    [ -z "$(d "$1" network ls -q --filter label=com.docker.stack.namespace=shop 2>/dev/null)" ] && break
    sleep 0.3
  done
}
bench_deploy() {
  echo "==> stack deploy of $SHOP, $RUNS runs per engine" >&2
  shop_images
  shop_files
  : >"$W/deploy.berth"; : >"$W/deploy.docker"; : >"$W/deploy.berthcli"
  local r e
  for r in $(seq 1 "$RUNS"); do
    if [ $((r % 2)) = 1 ]; then order="berth docker berthcli"; else order="docker berthcli berth"; fi
    for e in $order; do
      case $e in
        berth) res=$(timed_deploy "$M" docker) ;;
        berthcli) res=$(timed_deploy "$M" berth) ;;
        docker) res=$(timed_deploy "$DSOCK" docker) ;;
      esac
      echo "    run $r $e: $res ms" >&2
      echo "$res" >>"$W/deploy.$e"
    done
  done
  load1=$(cut -d' ' -f1-3 /proc/loadavg)
  local bd dd bc
  bd=$(col "$W/deploy.berth" 1); dd=$(col "$W/deploy.docker" 1); bc=$(col "$W/deploy.berthcli" 1)
  {
    echo "## stack deploy of examples/stack-shop (issue 16)"
    echo
    echo "The shop's six services (config server with a swarm config, registry, product ×3, order ×2 with a"
    echo "secret, customer ×2, gateway ×2 published through the mesh; four of them with health checks"
    echo "every second) on a one-node \`berth lab\` (Berth commit $(bench_commit)) and on Debian's dockerd"
    echo "in single-node swarm mode, images from the lab's registry (each engine's first run pulls them)."
    echo "Each run: \`stack deploy\` until \`stack services\` shows every service's replicas running, then"
    echo "\`stack rm\` until no container is left; the engines take turns. \`berth stack deploy\` honours"
    echo "depends_on (product, order, customer and registry start once the config server is healthy;"
    echo "the gateway once they started), which the docker CLI drops."
    echo "$(bench_machine) Load average before/after: $load0 / $load1."
    echo
    echo "| | Berth (docker CLI) | Berth (berth CLI, depends_on) | Docker | Berth/Docker |"
    echo "|---|---|---|---|---|"
    echo "| until all running, median of $RUNS (ms) | $bd | $bc | $dd | $(ratio "$bd" "$dd")x |"
    echo "| each run (ms) | $(all "$W/deploy.berth" 1)| $(all "$W/deploy.berthcli" 1)| $(all "$W/deploy.docker" 1)| |"
    echo
  } >"$W/part.deploy"
}

[ "$what" = deploy ] || { bench_update; bench_update_figures; }
[ "$what" = update ] || bench_deploy
out=bench/results/stack-$(date -u +%F).md
heading() { case $1 in update) echo "## Rolling update of $REPLICAS replicas, parallelism 2, start-first (issue 16)" ;;
  deploy) echo "## stack deploy of examples/stack-shop (issue 16)" ;; esac; }
{
  echo "# Stacks and rolling updates — $(date -u +%F)"
  echo
  echo "\`bench/stack.sh\`; see bench/README.md."
  for s in update deploy; do
    bench_section "$s" "$(heading $s)" "$out"
  done
} >"$W/result.md"
mv "$W/result.md" "$out"
for s in update deploy; do [ -f "$W/part.$s" ] && cat "$W/part.$s"; done
echo "==> written to $out" >&2
