#!/usr/bin/env bash
# The swarm's data path across nodes (issue 15), run by `bench/network.sh mesh [RUNS]`: on a
# 3-node `berth lab`, three identical busybox httpd services pinned to node3 (`srv`, reached through
# the routing mesh and its VIP; `srvd` and `srvr`, its twins, reached at their tasks' own
# addresses) and a client service pinned to node1, all on one overlay network. Measured, the paths taking turns in every
# round and the medians of RUNS rounds reported:
#  - bulk TCP throughput (iperf3, the server in the task's network namespace) and the rate of
#    short HTTP connections (wrk) from node1's namespace: to the task's ingress address (direct),
#    to a twin task's ingress address routed through node2 without NAT (the baseline of the extra
#    hop), through the mesh on node1's own address, and through the mesh on node2 (no task there);
#  - the same two from the client container's namespace: to the service's VIP and to the twin
#    task's overlay address;
#  - request latency, p50 and p99, from the client container to the service's name (the VIP)
#    and to the twin task's overlay address (bench/vip-latency.py, in the container's namespace);
#  - Docker swarm's routing mesh on this host (Debian's dockerd, private, single-node swarm): a
#    published port of a running task, and what dockerd logs about IPVS.
# Writes its section of bench/results/network-<date>.md (keeping the single-node section of the
# same day). Run as root; nothing is asserted; every wait is bounded.
#   bench/network.sh mesh [RUNS]      (default 3 rounds)
#   DUR=10 LAT_N=1000 LAB=nbench bench/network.sh mesh 3
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
RUNS=${1:-3}
DUR=${DUR:-10}
LAT_N=${LAT_N:-1000}
LAB=${LAB:-mesh}
W=/tmp/berth-bench-mesh
DSWARM_DATA=/var/lib/berth-bench-mesh-swarm
DSWARM_BIP=172.29.22.1/24
DSWARM_LISTEN=127.0.0.1:42381
. bench/lib.sh
. bench/lab.sh
[ "$(id -u)" = 0 ] || { echo "bench/network.sh mesh: run as root (berth lab, dockerd)" >&2; exit 1; }
bench_prepare bench
rm -rf "$W" && mkdir -p "$W"
cleanup() {
  set +e
  local f
  for f in "$W"/iperf-*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
  bench_lab_cleanup
}
trap cleanup EXIT

lab_up 3 1
lab_image
M=$(sock node1)
load0=$(cut -d' ' -f1-3 /proc/loadavg)
addr() { lab ls --format '{{.Name}} {{.Address}}' | awk -v n="$1" '$1 == n {print $2}'; }
# where the lab's bridge is: its own namespace (berth lab since 2026-12-07) or the host's, where
# every frame between two nodes also runs the host's forward rules (br_netfilter)
if ip netns list | grep -q "^berth-lab-$LAB-wire\b"; then
  LAB_WIRE="in a network namespace of its own, berth-lab-$LAB-wire"
else
  LAB_WIRE="in the host's network namespace, br_netfilter on: $(nft list ruleset 2>/dev/null | awk '/hook forward/ {f = 1; c++; next} f && /^\t}/ {f = 0} f && NF {r++} END {printf "%d forward chains of %d rules", c, r}')"
fi
NODE1=$(addr node1)
NODE2=$(addr node2)
ns1=(ip netns exec "berth-lab-$LAB-node1")
ns2=(ip netns exec "berth-lab-$LAB-node2")

echo "==> services: srv, srvd and srvr on node3, cli on node1, on overlay meshnet" >&2
d "$M" network create -d overlay meshnet >/dev/null
HTTPD='mkdir -p /www && head -c 1024 /dev/zero | tr "\0" x > /www/index.html && exec httpd -f -p 8080 -h /www'
d "$M" service create -d -q --name srv --network meshnet --constraint node.hostname==node3 \
  -p 18080:8080 -p 15201:5201 "$IMAGE" sh -c "$HTTPD" >/dev/null
# srvd publishes a port only to get an ingress address, reached directly; nothing uses 18081
d "$M" service create -d -q --name srvd --network meshnet --constraint node.hostname==node3 \
  -p 18081:8080 "$IMAGE" sh -c "$HTTPD" >/dev/null
# srvr likewise, reached from node1 by a plain route through node2 (the routed baseline)
d "$M" service create -d -q --name srvr --network meshnet --constraint node.hostname==node3 \
  -p 18082:8080 "$IMAGE" sh -c "$HTTPD" >/dev/null
d "$M" service create -d -q --name cli --network meshnet --constraint node.hostname==node1 \
  "$IMAGE" sleep 1d >/dev/null
for s in srv srvd srvr cli; do wait_replicas "$M" $s 180 1; done

# task $1's address on network $2 (no prefix length)
task_addr() {
  local t
  t=$(d "$M" service ps "$1" --filter desired-state=running -q --no-trunc | head -1)
  d "$M" inspect "$t" --format "{{range .NetworksAttachments}}{{if eq .Network.Spec.Name \"$2\"}}{{index .Addresses 0}}{{end}}{{end}}" | cut -d/ -f1
}
# the pid of service $1's container on node $2
task_pid() {
  local c
  c=$(d "$(sock "$2")" ps -q --filter "label=com.docker.swarm.service.name=$1" | head -1)
  d "$(sock "$2")" inspect -f '{{.State.Pid}}' "$c"
}
SRVD_ING=$(task_addr srvd ingress)
SRVD_OV=$(task_addr srvd meshnet)
NET=$(d "$M" network inspect meshnet -f '{{.Id}}')
VIP=$(d "$M" service inspect srv --format "{{range .Endpoint.VirtualIPs}}{{if eq .NetworkID \"$NET\"}}{{.Addr}}{{end}}{{end}}" | cut -d/ -f1)
SRV_PID=$(task_pid srv node3)
SRVD_PID=$(task_pid srvd node3)
SRVR_PID=$(task_pid srvr node3)
SRVR_ING=$(task_addr srvr ingress)
CLI_PID=$(task_pid cli node1)
CLI_RESOLV=$(d "$(sock node1)" inspect -f '{{.ResolvConfPath}}' "$(d "$(sock node1)" ps -q --filter label=com.docker.swarm.service.name=cli | head -1)")
# node1's own ingress address: the secondary address of its ingress bridge (the primary is the
# gateway every node shares, which a task on another node would answer locally)
ING_BR=ov-$(d "$M" network inspect ingress -f '{{.Id}}' | cut -c1-12)
ing_addr() { "$@" ip -o -4 addr show dev "$ING_BR" | awk '/secondary/ {sub(/\/.*/, "", $4); print $4; exit}'; }
NODE1_ING=$(ing_addr "${ns1[@]}")
NODE2_ING=$(ing_addr "${ns2[@]}")
[ -n "$SRVD_ING" ] && [ -n "$SRVD_OV" ] && [ -n "$VIP" ] && [ -n "$NODE1_ING" ] && [ -n "$NODE2_ING" ] && [ -n "$SRVR_ING" ] \
  || { echo "addresses not found: srvd $SRVD_ING/$SRVD_OV, srvr $SRVR_ING, VIP $VIP, ingress node1 $NODE1_ING node2 $NODE2_ING" >&2; exit 1; }
echo "    srvd ingress $SRVD_ING, overlay $SRVD_OV; srvr ingress $SRVR_ING; srv VIP $VIP; node1 ingress $NODE1_ING, node2 $NODE2_ING" >&2
# node1 to srvd's ingress address from node1's ingress address, as the mesh's SNAT would send it
# (the bridge's primary address is the shared gateway: srvd's reply would stay on node3)
"${ns1[@]}" ip route replace "$SRVD_ING/32" dev "$ING_BR" src "$NODE1_ING"
# the routed baseline: node1 -> node2 -> srvr's ingress address, plain forwarding both ways and no
# NAT (node1's route via node2's lab address; srvr's reply route to node1 via node2's ingress
# address; on node2 an accept ahead of the ingress overlay's "not routed into" drop, which refuses
# what the mesh did not DNAT)
"${ns1[@]}" ip route replace "$SRVR_ING/32" via "$NODE2" dev eth0
SRVR_IF=$(nsenter -t "$SRVR_PID" -n ip -o -4 addr | awk -v a="$SRVR_ING" '$4 ~ "^" a "/" {print $2; exit}')
nsenter -t "$SRVR_PID" -n ip route replace "$NODE1/32" via "$NODE2_ING" dev "$SRVR_IF"
ING_TABLE=$("${ns2[@]}" nft list tables | awk -v t="_${ING_BR//-/}" '$3 ~ t "$" {print $3; exit}')
[ -n "$ING_TABLE" ] && [ -n "$SRVR_IF" ] || { echo "node2's ingress table ($ING_TABLE) or srvr's interface ($SRVR_IF) not found" >&2; exit 1; }
"${ns2[@]}" nft insert rule ip "$ING_TABLE" forward iifname eth0 oifname "$ING_BR" ip daddr "$SRVR_ING" accept
# busybox httpd closes every connection: TIME_WAIT sockets are reused by the clients
"${ns1[@]}" sysctl -qw net.ipv4.tcp_tw_reuse=1
nsenter -t "$CLI_PID" -n sysctl -qw net.ipv4.tcp_tw_reuse=1
nsenter -t "$SRV_PID" -n iperf3 -s -D -p 5201 --pidfile "$W/iperf-srv.pid"
nsenter -t "$SRVD_PID" -n iperf3 -s -D -p 5201 --pidfile "$W/iperf-srvd.pid"
nsenter -t "$SRVR_PID" -n iperf3 -s -D -p 5201 --pidfile "$W/iperf-srvr.pid"

# path -> "client target-host http-port iperf-port"
declare -A P=(
  [direct]="node1 $SRVD_ING 8080 5201"
  [routed]="node1 $SRVR_ING 8080 5201"
  [mesh_own]="node1 $NODE1 18080 15201"
  [mesh_other]="node1 $NODE2 18080 15201"
  [c2c_direct]="cli $SRVD_OV 8080 5201"
  [c2c_vip]="cli $VIP 8080 5201"
)
PATHS=(direct routed mesh_own mesh_other c2c_direct c2c_vip)
in_client() { if [ "$1" = cli ]; then shift; nsenter -t "$CLI_PID" -n "$@"; else shift; "${ns1[@]}" "$@"; fi; }
for p in "${PATHS[@]}"; do
  set -- ${P[$p]}
  ok=""
  for _ in $(seq 1 100); do in_client "$1" curl -fs -m 2 -o /dev/null "http://$2:$3/" && { ok=1; break; }; sleep 0.2; done
  [ -n "$ok" ] || { echo "$p: http://$2:$3/ does not answer from $1" >&2; exit 1; }
done

# iperf3 -J on stdin -> Gbit/s received and the sender's retransmits
iperf_gbits() { python3 -c 'import json,sys; e=json.load(sys.stdin)["end"]; print("%.2f %d" % (e["sum_received"]["bits_per_second"]/1e9, e["sum_sent"].get("retransmits", 0)))'; }
for r in $(seq 1 "$RUNS"); do
  # each round starts at another path, so none is always measured first
  for k in $(seq 0 $((${#PATHS[@]} - 1))); do
    p=${PATHS[$(( (k + r - 1) % ${#PATHS[@]} ))]}
    set -- ${P[$p]}
    echo "==> round $r of $RUNS: $p ($1 -> $2)" >&2
    in_client "$1" timeout $((DUR + 30)) iperf3 -c "$2" -p "$4" -t "$DUR" -J | iperf_gbits >> "$W/tput.$p"
    bench_wrk in_client "$1" timeout $((DUR + 30)) wrk -t2 -c32 -d"${DUR}s" "http://$2:$3/" >> "$W/rate.$p"
    echo >> "$W/rate.$p"
  done
  echo "==> round $r of $RUNS: latency, $LAT_N requests to srv (VIP) and to $SRVD_OV, taking turns" >&2
  nsenter -t "$CLI_PID" -n unshare -m sh -c "mount --bind '$CLI_RESOLV' /etc/resolv.conf && \
    exec timeout 600 python3 bench/vip-latency.py srv $SRVD_OV 8080 $LAT_N" > "$W/lat.$r"
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

echo "==> Docker swarm mode on this host: a published port" >&2
# what curl says about URL $1: the HTTP status and curl's own error, if any
probe() { local c; c=$(curl -sS -m 5 -o /dev/null -w '%{http_code}' "$1" 2>"$W/curl.err" || true); echo "$c $(head -1 "$W/curl.err")"; }
start_docker_swarm
d "$DSOCK" service create -d -q --name web -p 18090:8080 "$IMAGE" sh -c "$HTTPD" >/dev/null
docker_state="running"
wait_replicas "$DSOCK" web 180 1 || docker_state="not running after 180 s"
dc=$(d "$DSOCK" ps -q --filter label=com.docker.swarm.service.name=web | head -1 || true)
HOSTIP=$(ip -o route get 198.51.100.1 | sed -n 's/.* src \([0-9.]*\).*/\1/p')
docker_inside=$( (d "$DSOCK" exec "$dc" wget -q -O - http://127.0.0.1:8080/ 2>/dev/null || true) | wc -c)
docker_lo=$(probe http://127.0.0.1:18090/)
docker_host=$(probe "http://$HOSTIP:18090/")
docker_log=$(grep -m1 'ipvs' "$W/dockerd.log" | sed 's/^time="[^"]*" //' || true)
docker_ver=$(d "$DSOCK" version --format '{{.Server.Version}}' || echo '?')
stop_docker_swarm

# --- figures -----------------------------------------------------------------------------------

med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# column $2 of file $1, median
col() { awk -v c="$2" 'NF {print $c}' "$1" | med; }
all() { awk -v c="$2" 'NF {printf "%s ", $c}' "$1"; }
# latency samples of kind $1 over all rounds -> "p50 p99 mean" in ms
lat() {
  cat "$W"/lat.* | awk -v k="$1" '$1 == k {for (i = 2; i <= NF; i++) print $i}' | sort -n \
    | awk '{a[NR]=$1; s+=$1} END {printf "%.3f %.3f %.3f %d", a[int(NR*0.5+0.5)]/1000, a[int(NR*0.99+0.5)]/1000, s/NR/1000, NR}'
}
resolved=$(awk '$1 == "resolved" {print $2}' "$W"/lat.* | sort -u | tr '\n' ' ')
failed=$(awk '$1 == "failed" {s += $2} END {print s + 0}' "$W"/lat.*)
read -r lv50 lv99 lvm lvn <<<"$(lat vip)"
read -r ld50 ld99 ldm ldn <<<"$(lat direct)"
row() { # label path reference-path
  local t r
  t=$(col "$W/tput.$2" 1); r=$(col "$W/rate.$2" 1)
  echo "| $1 | $t | $(ratio "$t" "$(col "$W/tput.$3" 1)")x | $(all "$W/tput.$2" 1)| $r | $(ratio "$r" "$(col "$W/rate.$3" 1)")x | $(all "$W/rate.$2" 1)| $(col "$W/rate.$2" 2) |"
}
berth_ver=$(d "$M" version --format '{{range .Server.Components}}{{if eq .Name "Berth"}}{{.Version}}{{end}}{{end}}')
section="$W/part.md"
{
  echo "## Swarm: routing mesh and VIPs across nodes (issue 15)"
  echo
  echo "A \`berth lab\` of 3 nodes (node1 manager; Berth commit $(bench_commit), berthd $berth_ver), one overlay"
  echo "network \`meshnet\`. \`srv\`, \`srvd\` and \`srvr\`: one busybox httpd task each, all on node3 (placement"
  echo "constraints), serving a 1 KiB page and closing every connection, plus an iperf3 server (the host's"
  echo "iperf3 $(iperf3 --version | head -1 | awk '{print $2}') run in the task's network namespace). \`srv\` publishes 18080 (http) and 15201 (iperf3)"
  echo "through the routing mesh; \`srvd\` and \`srvr\` are its twins, reached at their tasks' own addresses"
  echo "(twins so that direct connections leave no conntrack or TIME_WAIT state that the mesh's SNAT'ed"
  echo "ones would collide with, and so that the routed baseline's route leaves the other paths alone)."
  echo "\`cli\`: a busybox task on node1. The lab's nodes are network namespaces of one machine joined by"
  echo "a bridge ($LAB_WIRE); VXLAN between them is real (kernel vxlan devices, UDP 4789)."
  echo
  echo "Clients: **node1** is a process in node1's network namespace (a host process on a swarm node"
  echo "that runs no task of the services); **cli** is a process in the cli task's network namespace"
  echo "(where Berth's VIP rules live). Paths:"
  echo
  echo "- direct: node1 → srvd's ingress address ($SRVD_ING), sent from node1's own ingress address"
  echo "  ($NODE1_ING, a /32 route the bench adds), over the ingress VXLAN to node3: no NAT anywhere;"
  echo "- routed (the baseline of the extra hop): node1 → srvr's ingress address ($SRVR_ING) by a route"
  echo "  via node2's lab address, node2 forwarding it into the ingress VXLAN to node3, srvr answering"
  echo "  by a route via node2's ingress address ($NODE2_ING): the hops of the mesh on node2, no NAT;"
  echo "- mesh, own node: node1 → its own address $NODE1:18080: the mesh's DNAT in node1's output hook,"
  echo "  SNAT to node1's ingress address, the same VXLAN hop as direct;"
  echo "- mesh, other node: node1 → node2's address $NODE2:18080 (node2 runs no task): over the lab"
  echo "  bridge to node2, DNAT and SNAT there, VXLAN to node3 — one more hop than direct;"
  echo "- c2c direct / VIP: cli → srvd's overlay address ($SRVD_OV) / srv's VIP ($VIP), over meshnet's VXLAN."
  echo
  echo "Throughput: \`iperf3 -c HOST -t $DUR\` (one TCP stream), Gbit/s received. Connection rate:"
  echo "\`wrk -t2 -c32 -d${DUR}s\` of the 1 KiB page, every request a new connection, requests/s (tcp_tw_reuse=1"
  echo "in the clients' namespaces). $RUNS rounds, each path once per round, each round starting at the next"
  echo "path; medians of the rounds, ratios against the direct path of the same client."
  echo
  echo "| path | Gbit/s | / direct | each round | req/s | / direct | each round | wrk mean latency ms |"
  echo "|---|---|---|---|---|---|---|---|"
  row "node1 → task, direct" direct direct
  row "node1 → node2 → task on node3, routed (no NAT)" routed direct
  row "node1 → mesh on node1 → task on node3" mesh_own direct
  row "node1 → mesh on node2 → task on node3" mesh_other direct
  row "cli → task, direct (overlay)" c2c_direct c2c_direct
  row "cli → VIP → task (overlay)" c2c_vip c2c_direct
  echo
  echo "iperf3 retransmits (sender, each round): $(for p in "${PATHS[@]}"; do printf '%s %s; ' "$p" "$(all "$W/tput.$p" 2)"; done)"
  echo
  echo "Latency: bench/vip-latency.py in cli's namespace with its resolv.conf (\`srv\` resolved by the"
  echo "node's DNS to $resolved), $LAT_N requests per round to each target taking turns (new connection,"
  echo "\`GET /\`, read to the end; timed from before connect), all $RUNS rounds pooled; ms:"
  echo
  echo "| target | p50 | p99 | mean | requests |"
  echo "|---|---|---|---|---|"
  echo "| \`srv\` (VIP $VIP) on node3 | $lv50 | $lv99 | $lvm | $lvn |"
  echo "| srvd's task address $SRVD_OV on node3 | $ld50 | $ld99 | $ldm | $ldn |"
  echo "| VIP / direct | $(ratio "$lv50" "$ld50")x | $(ratio "$lv99" "$ld99")x | $(ratio "$lvm" "$ldm")x | |"
  echo
  echo "Failed requests: $failed. Load average at the start: $load0; at the end of the Berth part: $load1"
  echo "($(nproc) cores, shared with other work)."
  echo
  echo "**Docker swarm's routing mesh on this host:** Debian's dockerd $docker_ver, private, single-node swarm"
  echo "(\`swarm init --advertise-addr 127.0.0.1\`), \`docker service create -p 18090:8080\` of the same"
  echo "httpd: the task is $docker_state and answers inside its container ($docker_inside bytes from"
  echo "\`wget http://127.0.0.1:8080/\` in it), but the published port does not answer: \`curl"
  echo "127.0.0.1:18090\` → \`$docker_lo\`; \`curl $HOSTIP:18090\` → \`$docker_host\`. This kernel has no"
  echo "IPVS (\`CONFIG_IP_VS\` is not set), which Docker's mesh and VIPs are built on; dockerd logs:"
  echo "\`$docker_log\`"
} > "$section"

out=bench/results/network-$(date +%F).md
if [ -f "$out" ]; then
  # the day's single-node section stays; this section replaces an earlier one
  awk '/^## Swarm: routing mesh/ {skip = 1} !skip' "$out" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' > "$W/result.md"
else
  { echo "# Network benchmark — $(date +%F)"; echo; bench_machine; } > "$W/result.md"
fi
{ echo; cat "$section"; } >> "$W/result.md"
mv "$W/result.md" "$out"
cat "$section"
