#!/usr/bin/env bash
# Network benchmark (issue 5), Berth beside Debian's dockerd in one run, same busybox image:
#  - HTTP request rate and latency (wrk; busybox httpd serves a 1 KiB page and closes every
#    connection, so each request is a new TCP connection through the engine's rules) on a
#    user-defined network: container to container by DNS name (wrk runs in the client
#    container's network namespace with the container's resolv.conf, so the name goes through
#    the engine's embedded DNS), host to container through a published port (127.0.0.1 and the
#    host's address), and host straight to the container's address (the floor, no engine rules);
#  - `compose up -d` and `down` of a 10-service file: `berth compose` on berthd vs Debian's
#    docker-compose on dockerd.
# Prints the figures and writes bench/results/network-<date>.md. Run as root; nothing is asserted.
#   bench/network.sh [SECONDS] [RUNS]   (wrk seconds per figure, default 10; compose runs, default 3)
#   bench/network.sh mesh [RUNS]        the swarm's mesh and VIPs across nodes: bench/network-mesh.sh
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
if [ "${1:-}" = mesh ]; then shift; exec bash bench/network-mesh.sh "$@"; fi
DUR=${1:-10}
RUNS=${2:-3}
W=/tmp/berth-bench-network
. bench/lib.sh
bench_prepare bench
rm -rf "$W" && mkdir -p "$W"
cleanup() {
  set +e
  [ -n "${tw_reuse:-}" ] && sysctl -qw net.ipv4.tcp_tw_reuse="$tw_reuse"
  for h in "$DSOCK" "$BSOCK"; do
    DOCKER_HOST=$h "$DOCKER" rm -f srv cli >/dev/null 2>&1
    DOCKER_HOST=$h "$DOCKER" network rm benchnet >/dev/null 2>&1
  done
  (cd "$W/compose" 2>/dev/null && DOCKER_HOST=$BSOCK "$root/bin/berth" compose -p benchc down >/dev/null 2>&1)
  (cd "$W/compose" 2>/dev/null && DOCKER_HOST=$DSOCK docker-compose -p benchc down >/dev/null 2>&1)
  bench_stop "$bpid"
  bench_stop_dockerd 60
  bench_remove_berth_host_state bbenchnet0 berth_bench_net berth-bench-net
}
trap cleanup EXIT

echo "==> dockerd and berthd on private sockets"
bench_start_dockerd /var/lib/berth-bench-network-docker --bip 172.29.21.1/24
bench_start_berthd "$W/berth-data" bbenchnet0 10.90.51.1/24 berth_bench_net berth-bench-net
bench_wait_daemons || exit 1
scripts/mkimage-busybox.sh "$W/rootfs.tar" >/dev/null
for h in "$DSOCK" "$BSOCK"; do
  DOCKER_HOST=$h "$DOCKER" import -c 'CMD ["/bin/sh"]' "$W/rootfs.tar" bench/busybox:1 >/dev/null
done
HOSTIP=$(ip -o route get 198.51.100.1 | sed -n 's/.* src \([0-9.]*\).*/\1/p')

WRK=(wrk -t2 -c32 -d"${DUR}s")
# busybox httpd closes every connection: tens of thousands of TIME_WAIT sockets per run would
# slow down whichever path runs next, so sockets in TIME_WAIT are reused (restored at exit)
tw_reuse=$(sysctl -n net.ipv4.tcp_tw_reuse)
sysctl -qw net.ipv4.tcp_tw_reuse=1
declare -A R
for e in docker berth; do
  h=$DSOCK; [ $e = berth ] && h=$BSOCK
  d() { DOCKER_HOST=$h "$DOCKER" "$@"; }
  echo "==> $e: a server and a client on a user-defined network"
  d network create benchnet >/dev/null
  # two servers: the direct and c2c paths hit srv, the published paths srv2. Connections the host
  # makes straight to a container leave conntrack entries (120 s) and TIME_WAIT sockets from the
  # bridge address; 127.0.0.1 connections are source-NATed to that same address, collide with
  # them, get remapped to ports whose old TIME_WAIT sockets refuse the SYN, and retry after 1 s.
  # One server per kind of path measures each path, not the one measured before it.
  for s in srv srv2; do
    d run -d --name $s --network benchnet -p 8080 bench/busybox:1 \
      sh -c 'mkdir -p /www && head -c 1024 /dev/zero | tr "\0" x > /www/index.html && exec httpd -f -p 8080 -h /www' >/dev/null
  done
  d run -d --name cli --network benchnet bench/busybox:1 sleep 100000 >/dev/null
  srv_ip=$(d inspect -f '{{(index .NetworkSettings.Networks "benchnet").IPAddress}}' srv)
  port=$(d port srv2 8080/tcp | head -1 | sed 's/.*://')
  cli_pid=$(d inspect -f '{{.State.Pid}}' cli)
  resolv=$(d inspect -f '{{.ResolvConfPath}}' cli)
  for _ in $(seq 1 50); do curl -fs -o /dev/null "http://$srv_ip:8080/" && break; sleep 0.1; done
  d exec cli nslookup srv >/dev/null || { echo "$e: srv does not resolve from cli"; exit 1; }
  # container -> container by name: wrk in the client's network namespace, resolving with its resolv.conf
  nsenter -t "$cli_pid" -n sysctl -qw net.ipv4.tcp_tw_reuse=1
  # the floor first, then the paths through the engine
  R[${e}_direct]=$(bench_wrk "${WRK[@]}" "http://$srv_ip:8080/")
  R[${e}_c2c]=$(bench_wrk nsenter -t "$cli_pid" -n unshare -m sh -c \
    "mount --bind '$resolv' /etc/resolv.conf && exec ${WRK[*]} http://srv:8080/")
  R[${e}_lo]=$(bench_wrk "${WRK[@]}" "http://127.0.0.1:$port/")
  R[${e}_hostip]=$(bench_wrk "${WRK[@]}" "http://$HOSTIP:$port/")
  d rm -f srv srv2 cli >/dev/null
  d network rm benchnet >/dev/null
done

echo "==> compose up -d / down of 10 services"
mkdir -p "$W/compose"
{
  echo "services:"
  for i in $(seq 1 10); do
    echo "  svc$i:"
    echo "    image: bench/busybox:1"
    echo "    command: [\"sleep\", \"100000\"]"
    echo "    init: true" # sleep as pid 1 ignores SIGTERM: without an init every stop waits out its grace period
    echo "    environment: [\"PEER=http://svc$(( i % 10 + 1 )):8080\"]"
    [ "$i" -gt 1 ] && echo "    depends_on: [svc$(( i - 1 ))]"
  done
} > "$W/compose/docker-compose.yml"
for e in docker berth; do : > "$W/$e.up"; : > "$W/$e.down"; done
for i in $(seq 1 "$RUNS"); do
  for e in docker berth; do
    if [ $e = berth ]; then c=(env DOCKER_HOST="$BSOCK" "$root/bin/berth" compose -p benchc)
    else c=(env DOCKER_HOST="$DSOCK" docker-compose -p benchc); fi
    t0=$(now); (cd "$W/compose" && "${c[@]}" up -d >/dev/null 2>&1) || { echo "$e compose up failed"; exit 1; }
    echo $(( $(now) - t0 )) >> "$W/$e.up"
    t0=$(now); (cd "$W/compose" && "${c[@]}" down >/dev/null 2>&1) || { echo "$e compose down failed"; exit 1; }
    echo $(( $(now) - t0 )) >> "$W/$e.down"
  done
done
for e in docker berth; do R[${e}_up]=$(stats < "$W/$e.up"); R[${e}_down]=$(stats < "$W/$e.down"); done

rps() { echo "${R[$1]}" | cut -d' ' -f1; }
lat() { echo "${R[$1]}" | cut -d' ' -f2; }
med() { echo "${R[$1]}" | cut -d' ' -f1; }
out=bench/results/network-$(date +%F).md
# the day's swarm section (bench/network.sh mesh) is kept below this one
swarm_part=""
[ -f "$out" ] && swarm_part=$(awk '/^## Swarm: routing mesh/ {keep = 1} keep' "$out")
{
  echo "# Network benchmark — $(date +%F)"
  echo
  bench_machine
  echo "Versions: $(bench_versions); docker-compose $(docker-compose version --short 2>/dev/null || echo '?')."
  echo
  echo "HTTP GET of a 1 KiB page from busybox httpd on a user-defined network, \`wrk -t2 -c32 -d${DUR}s\`"
  echo "(httpd closes each connection: every request is a new connection; tcp_tw_reuse=1), requests/s and"
  echo "average latency, the floor measured first. c2c: from a container on the same network, by"
  echo "service name; published: host to the published port; direct: host to the container's address"
  echo "(no engine rules in the path: the floor)."
  echo
  echo "| path | Berth req/s (lat ms) | Docker req/s (lat ms) | Berth / Docker |"
  echo "| --- | --- | --- | --- |"
  for k in c2c lo hostip direct; do
    name=$k; [ $k = lo ] && name="published, 127.0.0.1"; [ $k = hostip ] && name="published, host address"
    echo "| $name | $(rps berth_$k) ($(lat berth_$k)) | $(rps docker_$k) ($(lat docker_$k)) | $(ratio "$(rps berth_$k)" "$(rps docker_$k)")x |"
  done
  echo
  echo "Published port vs direct (Berth): 127.0.0.1 $(ratio "$(rps berth_lo)" "$(rps berth_direct)")x,"
  echo "host address $(ratio "$(rps berth_hostip)" "$(rps berth_direct)")x. Target: at least 0.9x of direct and at least Docker's."
  echo
  echo "Compose, 10 services (busybox, a dependency chain), median (p90) of $RUNS in ms:"
  echo
  echo "| | berth compose on berthd | docker-compose on dockerd | ratio |"
  echo "| --- | --- | --- | --- |"
  echo "| up -d | ${R[berth_up]} | ${R[docker_up]} | $(ratio "$(med berth_up)" "$(med docker_up)")x |"
  echo "| down | ${R[berth_down]} | ${R[docker_down]} | $(ratio "$(med berth_down)" "$(med docker_down)")x |"
  echo
  echo "Berth commit: $(bench_commit)."
  [ -z "$swarm_part" ] || printf '\n%s\n' "$swarm_part"
} > "$out.new"
mv "$out.new" "$out"
cat "$out"
