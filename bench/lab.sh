# A `berth lab` and a private dockerd in single-node swarm mode for the bench scripts (sourced
# after bench/lib.sh, with the repository as the current directory). The caller sets W, LAB (the
# lab's name) and DOCKER (bench_prepare does), and may set DSWARM_DATA, DSWARM_BIP and
# DSWARM_LISTEN so that two scripts' dockerds do not meet; bench_lab_cleanup (for a trap) stops
# the dockerd and takes the lab down.

lab_up=""
lab() { bin/berth lab "$@" --name "$LAB"; }
# Brings up the lab with $1 nodes, $2 of them managers (a lab of that name left over is removed).
lab_up() {
  lab down >/dev/null 2>&1 || true
  echo "==> berth lab up --name $LAB --nodes $1 --managers $2" >&2
  lab up --nodes "$1" --managers "$2" >&2
  lab_up="$1 $2"
  REG=$(lab registry)
}
sock() { echo "unix:///var/lib/berth-lab/$LAB/$1/berth.sock"; }
d() { local h=$1; shift; DOCKER_HOST=$h timeout 30 "$DOCKER" "$@"; }
# The socket of a manager of the lab that answers `node ls` (the leader may have been killed).
manager() {
  local n
  for n in $(lab ls --format '{{.Name}}'); do
    d "$(sock "$n")" node ls -q >/dev/null 2>&1 && { sock "$n"; return 0; }
  done
  return 1
}
# The busybox image in the lab's registry as $IMAGE (no node keeps a copy: each pulls it).
lab_image() {
  [ -f $W/bb.tar ] || scripts/mkimage-busybox.sh $W/bb.tar >/dev/null
  IMAGE=$REG/bench/busybox:1
  d "$(sock node1)" import -c 'CMD ["/bin/sh"]' $W/bb.tar "$IMAGE" >/dev/null
  d "$(sock node1)" push -q "$IMAGE" >/dev/null
  d "$(sock node1)" rmi "$IMAGE" >/dev/null
}
# Waits (at most $2 s) until every node's engine given in $1 has no container; 0 if so.
no_containers() {
  local i h n
  for i in $(seq 1 $(($2 * 2))); do
    n=0
    for h in $1; do n=$((n + $(d "$h" ps -aq 2>/dev/null | wc -l))); done
    [ "$n" = 0 ] && return 0
    sleep 0.5
  done
  echo "containers still there after $2 s" >&2
  return 1
}
# Polls `service ls` on $1 (every 0.1 s, at most $3 s) until service $2 shows R/R replicas ($4).
wait_replicas() {
  local h=$1 name=$2 limit=$3 r=$4 i
  for i in $(seq 1 $((limit * 10))); do
    [ "$(d "$h" service ls --filter name="$name" --format '{{.Name}} {{.Replicas}}' 2>/dev/null | grep "^$name ")" = "$name $r/$r" ] && return 0
    sleep 0.1
  done
  echo "service $name not at $r/$r after $limit s" >&2
  return 1
}
ms() { awk -v n="$1" 'BEGIN { printf "%.0f", n / 1e6 }'; }
s1() { awk -v n="$1" 'BEGIN { printf "%.1f", n / 1e9 }'; }
# numbers on stdin, one a line -> median, min, max
mmm() { sort -n | awk '{a[NR]=$1} END {printf "%s %s %s", a[int((NR+1)/2)], a[1], a[NR]}'; }

DSWARM_DATA=${DSWARM_DATA:-/var/lib/berth-bench-swarm}
DSWARM_BIP=${DSWARM_BIP:-172.29.10.1/24}
DSWARM_LISTEN=${DSWARM_LISTEN:-127.0.0.1:42377}
# Debian's dockerd on $DSOCK, `swarm init` on 127.0.0.1 (the lab's registry allowed over HTTP).
start_docker_swarm() {
  gw_before=$(ip link show docker_gwbridge >/dev/null 2>&1 && echo yes || echo no)
  rm -rf "$DSWARM_DATA"
  echo "==> dockerd on $DSOCK, swarm init on 127.0.0.1" >&2
  bench_start_dockerd "$DSWARM_DATA" --bip "$DSWARM_BIP" --insecure-registry "$REG"
  wait_sock "$DSOCK" || { echo "dockerd did not start:" >&2; tail "$W/dockerd.log" >&2; return 1; }
  d "$DSOCK" swarm init --advertise-addr 127.0.0.1 --listen-addr "$DSWARM_LISTEN" \
    --default-addr-pool 10.251.0.0/16 >/dev/null
}
# Removes its services, leaves the swarm, stops it and removes what it made.
stop_docker_swarm() {
  [ -n "$dpid" ] || return 0
  local s
  for s in $(d "$DSOCK" service ls -q 2>/dev/null); do d "$DSOCK" service rm "$s" >/dev/null 2>&1 || true; done
  d "$DSOCK" swarm leave --force >/dev/null 2>&1 || true
  bench_stop_dockerd
  dpid=""
  [ "$gw_before" = yes ] || ip link del docker_gwbridge 2>/dev/null || true
  rm -rf "$DSWARM_DATA"
}
bench_lab_cleanup() {
  stop_docker_swarm || true
  [ -z "$lab_up" ] || lab down >/dev/null 2>&1 || true
}
