#!/usr/bin/env bash
# Engine benchmark: berthd beside Debian's dockerd on this machine, driven by the same docker CLI
# and the same busybox image, in one run. Prints the figures and writes them (with the machine
# and date) to bench/results/engine-<date>.md. Run as root. Not a test: nothing is asserted.
#   bench/engine.sh [RUNS]      (default 30 timed `run --rm` per engine, the engines taking turns)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
RUNS=${1:-30}
N=50
LOADS=${LOADS:-3}
W=/tmp/berth-bench
. bench/lib.sh
bench_prepare test

cleanup() {
  for h in "$DSOCK" "$BSOCK"; do
    ids=$(DOCKER_HOST=$h timeout 30 "$DOCKER" ps -aq 2>/dev/null || true)
    [ -n "$ids" ] && DOCKER_HOST=$h timeout 120 "$DOCKER" rm -f $ids >/dev/null 2>&1 || true
  done
  [ -n "$bpid" ] && kill "$bpid" 2>/dev/null || true
  bench_stop_dockerd
  runc --root $W/runc delete -f bench-floor >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "==> starting dockerd and berthd on private sockets"
bench_start_dockerd /var/lib/berth-bench-docker --bip 172.29.9.1/24
bench_start_berthd /var/lib/berth-bench bbench0 10.90.0.1/24 berth_bench berth-bench
bench_wait_daemons || exit 1
scripts/mkimage-busybox.sh $W/bb.tar
for h in "$DSOCK" "$BSOCK"; do DOCKER_HOST=$h "$DOCKER" import $W/bb.tar bench/busybox:1 >/dev/null; done

declare -A RESULT
# every figure from this run only (files of an earlier run would be added to by >>)
rm -f $W/run_* $W/load_* $W/floor $W/rss*
one_run() { # host -> ns of one docker run --rm
  local t0=$(now); DOCKER_HOST=$1 "$DOCKER" run --rm bench/busybox:1 true; echo $(( $(now) - t0 ))
}
echo "==> docker run --rm bench/busybox:1 true ($RUNS runs each, the engines taking turns)"
for i in 1 2 3; do one_run "$DSOCK" >/dev/null; one_run "$BSOCK" >/dev/null; done
rm -f $W/run_docker $W/run_berth
for i in $(seq 1 "$RUNS"); do
  one_run "$DSOCK" >> $W/run_docker
  one_run "$BSOCK" >> $W/run_berth
done
RESULT[run_docker]=$(stats < $W/run_docker)
RESULT[run_berth]=$(stats < $W/run_berth)

echo "==> docker load of two archives ($LOADS runs each, the engines taking turns)"
python3 bench/mkimage-big.py $W/bb.tar $W/big.tar bench/big:1 >/dev/null
python3 bench/mkimage-big.py $W/bb.tar $W/rt.tar bench/rt:1 random-text >/dev/null
load_once() { # host archive tag -> ms
  DOCKER_HOST=$1 "$DOCKER" rmi -f "$3" >/dev/null 2>&1 || true
  sync
  local t0=$(now)
  DOCKER_HOST=$1 "$DOCKER" load -q -i "$2" >/dev/null || { echo "load failed on $1" >&2; exit 1; }
  echo $(( ($(now) - t0) ))
}
for a in big rt; do
  for i in $(seq 1 "$LOADS"); do
    load_once "$DSOCK" $W/$a.tar bench/$a:1 >> $W/load_${a}_docker
    load_once "$BSOCK" $W/$a.tar bench/$a:1 >> $W/load_${a}_berth
  done
  RESULT[load_${a}_docker]=$(stats < $W/load_${a}_docker)
  RESULT[load_${a}_berth]=$(stats < $W/load_${a}_berth)
  for h in "$DSOCK" "$BSOCK"; do DOCKER_HOST=$h "$DOCKER" rmi -f bench/$a:1 >/dev/null 2>&1 || true; done
done
BIG_MIB=$(( $(stat -c %s $W/big.tar) / 1048576 )); RT_MIB=$(( $(stat -c %s $W/rt.tar) / 1048576 ))
rm -f $W/big.tar $W/rt.tar

echo "==> bare runc run (the floor)"
rm -rf $W/bundle && mkdir -p $W/bundle/rootfs && tar -C $W/bundle/rootfs -xf $W/bb.tar
(cd $W/bundle && runc spec && sed -i 's/"terminal": true/"terminal": false/; s/"sh"/"true"/' config.json)
for i in $(seq 1 "$RUNS"); do
  t0=$(now); runc --root $W/runc run -b $W/bundle bench-floor >/dev/null 2>&1 </dev/null; echo $(( $(now) - t0 ))
done | stats > $W/floor
RESULT[run_floor]=$(cat $W/floor)

echo "==> idle RSS with no containers"
sleep 3
dpids() { echo "$dpid $(pgrep -x containerd | tr '\n' ' ') $(pgrep -f containerd-shim | tr '\n' ' ')"; }
bpids() { echo "$(pgrep -f 'berth-daemon.jar -H '"$BSOCK" | tr '\n' ' ')"; }
conmons() { pgrep -f "conmon .*$W/bexec" | tr '\n' ' '; }
RESULT[rss0_docker]=$(rss_kb $(dpids))
RESULT[rss0_berth]=$(rss_kb $(bpids))

churn() { # host -> seconds for N run -d then rm -f of all
  local h=$1 t0 ids
  t0=$(now)
  for i in $(seq 1 $N); do DOCKER_HOST=$h "$DOCKER" run -d bench/busybox:1 sleep 600 >/dev/null; done
  local t1=$(now)
  sleep 5
  # runs in a subshell: hand the RSS readings back through files
  if [ "$h" = "$DSOCK" ]; then rss_kb $(dpids) > $W/rss50_docker; else
    rss_kb $(bpids) > $W/rss50_berth; rss_kb $(conmons) > $W/rss50_conmon; fi
  local t2=$(now)
  ids=$(DOCKER_HOST=$h "$DOCKER" ps -aq)
  DOCKER_HOST=$h "$DOCKER" rm -f $ids >/dev/null
  echo "$(( (t1 - t0) / 1000000 )) $(( ($(now) - t2) / 1000000 ))"
}
echo "==> $N x docker run -d, then docker rm -f of all $N"
RESULT[churn_docker]=$(churn "$DSOCK")
RESULT[churn_berth]=$(churn "$BSOCK")
for k in rss50_docker rss50_berth rss50_conmon; do RESULT[$k]=$(cat $W/$k); done

echo "==> CLI start-up"
cli() { for i in $(seq 1 10); do t0=$(now); "$@" >/dev/null 2>&1; echo $(( $(now) - t0 )); done | stats; }
bin/berth -H "$BSOCK" --version >/dev/null # records the AOT cache if missing
RESULT[cli_version]=$(cli bin/berth --version)
RESULT[cli_ps]=$(cli bin/berth -H "$BSOCK" ps)
RESULT[cli_docker_ps]=$(DOCKER_HOST=$BSOCK cli "$DOCKER" ps)

set -- ${RESULT[run_berth]}; rb=$1; rbp=$2
set -- ${RESULT[run_docker]}; rd=$1; rdp=$2
set -- ${RESULT[run_floor]}; rf=$1
set -- ${RESULT[churn_berth]}; cbr=$1; cbd=$2
set -- ${RESULT[churn_docker]}; cdr=$1; cdd=$2
day=$(date +%F)
out=bench/results/engine-$day.md
{
  echo "# Engine benchmark, $day"
  echo
  bench_machine
  echo "Versions: $(bench_versions), $(runc --version | head -1), $(conmon --version | head -1)."
  echo "Same docker CLI and busybox image for both engines; $RUNS timed runs each after 3 warm-ups, the engines taking turns; times in ms."
  echo
  echo "| figure | Berth | Docker | Berth/Docker |"
  echo "|---|---|---|---|"
  echo "| \`docker run --rm IMAGE true\`, median | $rb | $rd | $(ratio $rb $rd) |"
  echo "| \`docker run --rm IMAGE true\`, p90 | $rbp | $rdp | $(ratio $rbp $rdp) |"
  echo "| bare \`runc run\` (floor), median | $rf | | |"
  for a in big rt; do
    set -- ${RESULT[load_${a}_berth]}; lb=$1
    set -- ${RESULT[load_${a}_docker]}; ld=$1
    [ $a = big ] && what="$BIG_MIB MiB, 7 layers (bench/mkimage-big.py)" || what="$RT_MIB MiB of random and text layers"
    echo "| \`docker load\` of $what, median of $LOADS | $lb | $ld | $(ratio $lb $ld) |"
  done
  echo "| $N x \`docker run -d\` | $cbr | $cdr | $(ratio $cbr $cdr) |"
  echo "| \`docker rm -f\` of $N | $cbd | $cdd | $(ratio $cbd $cdd) |"
  echo "| idle RSS, 0 containers (MiB) | $((${RESULT[rss0_berth]} / 1024)) (berthd) | $((${RESULT[rss0_docker]} / 1024)) (dockerd+containerd) | $(ratio ${RESULT[rss0_berth]} ${RESULT[rss0_docker]}) |"
  echo "| idle RSS, $N running (MiB) | $((${RESULT[rss50_berth]} / 1024)) (berthd) + $((${RESULT[rss50_conmon]} / 1024)) (conmons) | $((${RESULT[rss50_docker]} / 1024)) (dockerd+containerd+shims) | $(ratio $(( ${RESULT[rss50_berth]} + ${RESULT[rss50_conmon]} )) ${RESULT[rss50_docker]}) |"
  echo "| \`berth --version\`, median | $(echo ${RESULT[cli_version]} | cut -d' ' -f1) | | |"
  echo "| \`berth ps\`, median | $(echo ${RESULT[cli_ps]} | cut -d' ' -f1) | $(echo ${RESULT[cli_docker_ps]} | cut -d' ' -f1) (docker ps against berthd) | |"
  echo
  echo "Targets (issue 11): run --rm at most 0.30x Docker's median and p90; docker load at most 0.5x;"
  echo "idle RSS no more than dockerd+containerd (issue 2)."
} > "$out"
cat "$out"
