#!/usr/bin/env bash
# Registry benchmark (issue 3): push and pull of a ~400 MiB image, Berth (berthd + `berth registry
# serve`) beside Docker (dockerd + Debian's docker-registry, the CNCF distribution registry), and
# parallel blob GET throughput of the two registries, all on loopback in one run. Prints the
# figures and writes them (with the machine and date) to bench/results/registry-<date>.md.
# Run as root. Not a test: nothing is asserted.
#   bench/registry.sh [RUNS] [SECONDS]
#     RUNS     push/pull round trips per client/registry pair (default 3; the median is kept)
#     SECONDS  length of each wrk run of the GET test (default 20)
#   BENCH_JFR=DIR  also record JDK Flight Recordings of berthd (while the berth client pushes and
#                  pulls) and of the Berth registry (while it serves GETs) into DIR
#   BENCH_PAIRS="berth:dist ..."  only these client:registry pairs (docker:dist, the baseline, is
#                  always run); BENCH_GET=0 skips the GET test. For profiling runs.
#   BERTHD=LAUNCHER, BERTH_REGISTRY=LAUNCHER  start berthd, or `berth registry serve`, with another
#                  launcher than bin/berthd or bin/berth (e.g. other JVM flags)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
RUNS=${1:-3}
DUR=${2:-20}
W=/tmp/berth-bench-registry
. bench/lib.sh
bench_prepare bench
DROOT=/var/lib/berth-bench-registry-docker
BROOT=/var/lib/berth-bench-registry
DREG=127.0.0.1:15000 # docker-registry (distribution)
BREG=127.0.0.1:15001 # berth registry serve
IMAGE=bench/registry:1
CONC=16
dreg_pid=""; breg_pid=""; ok=""

umount_under() {
  findmnt -rno TARGET | awk -v d="$1" '$0 == d || index($0, d "/") == 1' | sort -r \
    | while read -r m; do umount -l "$m" || true; done
}
cleanup() {
  set +e
  if [ -z "$ok" ]; then
    for f in dockerd.log berthd.log dist.log breg.log last.log; do
      [ -s "$W/$f" ] && { echo "--- $W/$f (end)"; tail -n 15 "$W/$f"; }
    done
  fi
  bench_stop "$dreg_pid"; bench_stop "$breg_pid"
  bench_stop "$bpid"; bench_stop_dockerd 60
  bench_remove_berth_host_state bbenchreg0 berth_bench_reg berth-bench-reg
  umount_under "$W"; umount_under "$DROOT"; umount_under "$BROOT"
  rm -rf "$W" "$DROOT" "$BROOT"
}
trap cleanup EXIT
for a in $DREG $BREG; do
  if curl -s -o /dev/null "http://$a/v2/"; then echo "something already listens on $a" >&2; exit 1; fi
done
umount_under "$W"; umount_under "$DROOT"; umount_under "$BROOT"
rm -rf "$W" "$DROOT" "$BROOT"
mkdir -p "$W"

fail() { echo "registry bench: $*" >&2; exit 1; }
wait_http() { for _ in $(seq 1 300); do curl -fs -o /dev/null "http://$1/v2/" && return 0; sleep 0.1; done; return 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# --- the two registries, each started on empty storage -------------------------------------
start_dist() {
  rm -rf "$W/dist"
  mkdir -p "$W/dist"
  cat >"$W/dist/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $W/dist/data
  cache:
    blobdescriptor: inmemory
http:
  addr: $DREG
EOF
  docker-registry serve "$W/dist/config.yml" >>"$W/dist.log" 2>&1 &
  dreg_pid=$!
  wait_http $DREG || fail "docker-registry did not start"
}
stop_dist() { bench_stop "$dreg_pid"; dreg_pid=""; }
start_berth() {
  rm -rf "$W/breg"
  "${BERTH_REGISTRY:-bin/berth}" registry serve --addr $BREG --storage "$W/breg" >>"$W/breg.log" 2>&1 &
  breg_pid=$!
  wait_http $BREG || fail "berth registry serve did not start"
}
stop_berth() { bench_stop "$breg_pid"; breg_pid=""; }
HAVE_BREG=yes
bin/berth registry serve --help 2>&1 | grep -q -- --storage || HAVE_BREG=""

# --- the clients: the docker CLI through dockerd, the berth CLI through berthd ---------------
cli() {
  local c=$1
  shift
  if [ "$c" = docker ]; then DOCKER_HOST=$DSOCK "$DOCKER" "$@"; else bin/berth -H "$BSOCK" "$@"; fi
}
image_id() { DOCKER_HOST=$([ "$1" = docker ] && echo "$DSOCK" || echo "$BSOCK") "$DOCKER" image inspect --format '{{.Id}}' "$2" 2>/dev/null || true; }

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
COMMIT=$(bench_commit)
echo "==> starting dockerd and berthd on private sockets"
# no container runs here: dockerd needs neither a bridge nor iptables rules
bench_start_dockerd "$DROOT" --bridge none --iptables=false
bench_start_berthd "$BROOT" bbenchreg0 10.90.19.1/24 berth_bench_reg berth-bench-reg
bench_wait_daemons || exit 1

echo "==> writing the image (seeded content) and loading it into both engines"
scripts/mkimage-busybox.sh "$W/bb.tar"
IMGID=$(python3 bench/mkimage-big.py "$W/bb.tar" "$W/image.tar" "$IMAGE")
ARCHIVE_MIB=$(( $(stat -c %s "$W/image.tar") / 1048576 ))
declare -A LOAD
for c in docker berth; do
  t0=$(now); cli $c load -i "$W/image.tar" >"$W/last.log" 2>&1 || fail "$c load failed"; LOAD[$c]=$(( ($(now) - t0) / 1000000 ))
  [ "$(image_id $c $IMAGE)" = "$IMGID" ] || fail "$c load: image id is not $IMGID"
done
echo "    $IMGID, archive $ARCHIVE_MIB MiB; load: docker ${LOAD[docker]} ms, berth ${LOAD[berth]} ms"

# --- push, remove, pull: RUNS round trips per client/registry pair ---------------------------
# Each run starts the registry on empty storage, so every layer is compressed and uploaded, and
# removes the image before pulling, so every layer is downloaded and unpacked again.
jfr_start() { [ -n "${BENCH_JFR:-}" ] && jcmd "$1" JFR.start name=bench settings=profile >/dev/null 2>&1 || true; }
jfr_stop() {
  [ -n "${BENCH_JFR:-}" ] || return 0
  mkdir -p "$BENCH_JFR"
  jcmd "$1" JFR.stop name=bench filename="$BENCH_JFR/$2.jfr" >/dev/null 2>&1 && echo "    JFR: $BENCH_JFR/$2.jfr"
}
roundtrip() { # client registry run -> a line "push_ns pull_ns layers_skipped" in $W/rt-<client>-<registry>
  local c=$1 r=$2 i=$3 addr ref t0 t1 t2 t3 skipped
  addr=$([ "$r" = dist ] && echo $DREG || echo $BREG)
  ref=$addr/bench/registry:1
  start_$r
  cli $c tag $IMAGE "$ref"
  t0=$(now)
  cli $c push "$ref" >"$W/last.log" 2>&1 || fail "$c push to $r failed"
  t1=$(now)
  skipped=$(grep -ci "already exists" "$W/last.log" || true)
  cli $c rmi "$ref" $IMAGE >/dev/null
  [ -z "$(image_id $c "$IMGID")" ] || fail "$c rmi left the image behind"
  t2=$(now)
  cli $c pull "$ref" >"$W/last.log" 2>&1 || fail "$c pull from $r failed"
  t3=$(now)
  skipped=$((skipped + $(grep -ci "already exists" "$W/last.log" || true)))
  [ "$(image_id $c "$ref")" = "$IMGID" ] || fail "$c pull from $r: image id is not $IMGID"
  cli $c tag "$ref" $IMAGE
  cli $c rmi "$ref" >/dev/null
  stop_$r
  echo "$((t1 - t0)) $((t3 - t2)) $skipped" >>"$W/rt-$c-$r"
  printf '    run %d %-6s -> %-5s push %5.1f s, pull %5.1f s\n' "$i" $c $r \
    "$(awk -v n=$((t1 - t0)) 'BEGIN{print n/1e9}')" "$(awk -v n=$((t3 - t2)) 'BEGIN{print n/1e9}')"
}
# median of column $2 (or of columns 1+2 when $2 is "sum") of file $1, in seconds
median_s() {
  awk -v col="$2" '{print (col == "sum" ? $1 + $2 : $col)}' "$1" | sort -n \
    | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1e9}'
}
PAIRS="docker:dist berth:dist"
[ -n "$HAVE_BREG" ] && PAIRS="docker:dist berth:berth berth:dist docker:berth"
[ -n "${BENCH_PAIRS:-}" ] && PAIRS="docker:dist ${BENCH_PAIRS//docker:dist/}"
echo "==> push, rmi, pull of $IMAGE ($RUNS runs per client and registry, the pairs taking turns)"
for p in $PAIRS; do : >"$W/rt-${p%%:*}-${p##*:}"; done
jfr_start "$bpid"
for i in $(seq 1 "$RUNS"); do
  for p in $PAIRS; do roundtrip "${p%%:*}" "${p##*:}" "$i"; done
done
jfr_stop "$bpid" berthd-push-pull

# --- registry only: CONC parallel GETs of one blob --------------------------------------------
# The same blobs, uploaded with curl, in both registries: the largest layer (random bytes, as
# stored, so what is measured is the registry alone) and the image config (a small blob: the
# request rate). wrk keeps CONC connections busy for DUR seconds after a 3 s warm-up.
BIG_DIR=$(tar -tf "$W/image.tar" | grep '/layer.tar$' | while read -r n; do
  echo "$(tar -tvf "$W/image.tar" "$n" | awk '{print $3}') $n"; done | sort -n | tail -1 | cut -d' ' -f2)
tar -xOf "$W/image.tar" "$BIG_DIR" >"$W/big.blob"
tar -xOf "$W/image.tar" "${IMGID#sha256:}.json" >"$W/small.blob"
BIG_MIB=$(( $(stat -c %s "$W/big.blob") / 1048576 ))
SMALL_B=$(stat -c %s "$W/small.blob")
upload() { # addr file -> digest
  local d loc sep
  d=sha256:$(sha256sum "$2" | cut -d' ' -f1)
  loc=$(curl -fsS -X POST -D - -o /dev/null "http://$1/v2/bench/blobs/blobs/uploads/" \
    | awk 'tolower($1) == "location:" {print $2}' | tr -d '\r')
  [ -n "$loc" ] || fail "no upload location from $1"
  case $loc in http*) ;; *) loc=http://$1$loc ;; esac
  sep='?'; case $loc in *\?*) sep='&' ;; esac
  curl -fsS -X PUT -H 'Content-Type: application/octet-stream' -T "$2" -o /dev/null "$loc${sep}digest=$d" \
    || fail "upload of $2 to $1 refused"
  [ "sha256:$(curl -fsS "http://$1/v2/bench/blobs/blobs/$d" | sha256sum | cut -d' ' -f1)" = "$d" ] \
    || fail "GET of $d from $1 does not match"
  echo "$d"
}
# wrk's "N requests in Ts, X read" -> "requests seconds MiB errors"
wrk_parse() {
  awk '
    function mib(s,  v, u) { v = s + 0; u = s; sub(/^[0-9.]+/, "", u)
      return u == "B" ? v / 1048576 : u == "KB" ? v / 1024 : u == "MB" ? v : u == "GB" ? v * 1024 : v * 1048576 }
    / requests in / { n = $1; t = $4 + 0; x = mib($5) }
    /Socket errors:/ { gsub(/,/, ""); e += $4 + $6 + $8 + $10 }
    /Non-2xx/ { e += $NF }
    END { printf "%d %.3f %.1f %d", n, t, x, e }' "$1"
}
REGS="dist"
[ -n "$HAVE_BREG" ] && REGS="dist berth"
declare -A URL PID
getbench() { # both registries up at once, the same blobs in each; wrk runs take turns
  local r b round c0 c1
  for r in $REGS; do
    start_$r
    addr=$([ "$r" = dist ] && echo $DREG || echo $BREG)
    PID[$r]=$([ "$r" = dist ] && echo "$dreg_pid" || echo "$breg_pid")
    URL[$r-big]=http://$addr/v2/bench/blobs/blobs/$(upload $addr "$W/big.blob")
    URL[$r-small]=http://$addr/v2/bench/blobs/blobs/$(upload $addr "$W/small.blob")
    : >"$W/get-$r"
  done
  [ -n "$HAVE_BREG" ] && jfr_start "${PID[berth]}"
  for b in big small; do
    for r in $REGS; do wrk -t2 -c$CONC -d3s --timeout 120s "${URL[$r-$b]}" >/dev/null; done
    for round in 1 2; do
      for r in $REGS; do
        c0=$(cpu_ticks "${PID[$r]}")
        wrk -t2 -c$CONC -d"${DUR}"s --timeout 120s "${URL[$r-$b]}" >"$W/wrk-$r-$b-$round"
        c1=$(cpu_ticks "${PID[$r]}")
        echo "$b $(wrk_parse "$W/wrk-$r-$b-$round") $((c1 - c0))" >>"$W/get-$r"
      done
    done
  done
  [ -n "$HAVE_BREG" ] && jfr_stop "${PID[berth]}" berth-registry-get
  stop_dist
  stop_berth
}
echo "==> registry GET throughput: $CONC clients, 2 x ${DUR} s per blob and registry (largest layer $BIG_MIB MiB, config $SMALL_B B)"
[ "${BENCH_GET:-1}" != 0 ] && getbench
# registry blob figure: mibs (MiB/s), rps (requests/s), cpu (server CPU s per GiB), err
get() {
  [ -s "$W/get-$1" ] || { echo "not run"; return; }
  awk -v b="$2" -v k="$3" -v tick="$(getconf CLK_TCK)" '$1 == b || b == "all" { n += $2; t += $3; x += $4; e += $5; c += $6 }
    END { if (k == "mibs") printf "%.0f", x / t; else if (k == "rps") printf "%.1f", n / t;
          else if (k == "cpu") printf "%.2f", (c / tick) / (x / 1024); else print e }' "$W/get-$1"
}

# --- the table ---------------------------------------------------------------------------------
day=$(date +%F)
out=bench/results/registry-$day.md
# a partial or experimental run is no result to keep
[ -n "${BENCH_PAIRS:-}${BERTHD:-}${BERTH_REGISTRY:-}" ] || [ "${BENCH_GET:-1}" = 0 ] && out=/tmp/registry-$day-partial.md
base_push=$(median_s "$W/rt-docker-dist" 1); base_pull=$(median_s "$W/rt-docker-dist" 2)
base_sum=$(median_s "$W/rt-docker-dist" sum)
pair_label() {
  case $1 in
    docker:dist) echo "docker → distribution (Docker)" ;; berth:berth) echo "berth → Berth registry (Berth)" ;;
    berth:dist) echo "berth → distribution" ;; docker:berth) echo "docker → Berth registry" ;;
  esac
}
{
  echo "# Registry benchmark, $day"
  echo
  bench_machine
  echo "Versions: $(bench_versions), $(docker-registry --version | cut -d' ' -f2-), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)."
  echo "Berth source: commit $COMMIT."
  echo "Image: $IMAGE, $IMGID, 7 layers, $ARCHIVE_MIB MiB as a docker-archive (bench/mkimage-big.py: busybox base,"
  echo "224 MiB of random bytes in two layers, 64 MiB of log text, 64 MiB of skewed binary, 48 MiB in 3072 small"
  echo "files, a tiny config layer). All on loopback over plain HTTP; engines and registries on the same disk."
  echo "Load average (1, 5, 15 min) when the run started: $LOAD_START; when it ended: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "(other work on this machine shares its cores)."
  echo
  echo "## Push, then pull after removing the image"
  echo
  echo "Wall time of the CLI command, median of $RUNS runs (the pairs taking turns), in seconds. Every run starts the registry on empty"
  echo "storage (every layer is compressed and uploaded) and removes the image before the pull (every layer is"
  echo "downloaded, verified and unpacked). The ratios are against docker → distribution."
  echo
  echo "| client → registry | push | pull | push+pull | push ratio | pull ratio | push+pull ratio |"
  echo "|---|---|---|---|---|---|---|"
  for p in $PAIRS; do
    f=$W/rt-${p%%:*}-${p##*:}
    pu=$(median_s "$f" 1); pl=$(median_s "$f" 2); su=$(median_s "$f" sum)
    echo "| $(pair_label "$p") | $pu | $pl | $su | $(ratio "$pu" "$base_push") | $(ratio "$pl" "$base_pull") | $(ratio "$su" "$base_sum") |"
  done
  [ -n "$HAVE_BREG" ] || echo "| berth → Berth registry | not run: \`berth registry serve\` is not built | | | | | |"
  skipped=$(cat "$W"/rt-* | awk '{s += $3} END {print s + 0}')
  if [ "$skipped" != 0 ]; then
    echo
    echo "Warning: $skipped layer transfers were skipped as already present, so these runs moved less than the image."
  fi
  echo
  echo "Loading the archive (not a registry figure, for scale): docker load ${LOAD[docker]} ms, berth load ${LOAD[berth]} ms."
  echo
  echo "## Registry only: $CONC parallel clients GETting one blob"
  echo
  if [ ! -s "$W/get-dist" ]; then
    echo "Not run (BENCH_GET=0)."
    echo
  else
    echo "wrk -t2 -c$CONC, two runs of $DUR s per blob and registry after a 3 s warm-up, the registries taking turns;"
    echo "the same blobs, uploaded with curl, in each. Registry CPU is the registry process's user+system time during"
    echo "the runs; wrk shares the $(nproc) cores."
    echo
    echo "| figure | Berth registry | distribution | Berth/distribution |"
    echo "|---|---|---|---|"
    row() { # label blob figure
      local x y
      x=$(get berth "$2" "$3"); y=$(get dist "$2" "$3")
      echo "| $1 | $x | $y | $(ratio "$x" "$y") |"
    }
    row "$BIG_MIB MiB blob, MiB/s" big mibs
    row "$BIG_MIB MiB blob, requests/s" big rps
    row "$BIG_MIB MiB blob, registry CPU s per GiB served" big cpu
    row "$SMALL_B B blob, requests/s" small rps
    echo "| errors (socket errors, non-2xx), all runs | $(get berth all err) | $(get dist all err) | |"
    echo
    echo "wrk's own summary lines:"
    echo
    for f in "$W"/wrk-*; do
      [ -f "$f" ] || continue
      echo "- ${f##*/wrk-}: $(grep -E 'requests in|Requests/sec|Transfer/sec|Socket errors|Non-2xx' "$f" | xargs | sed 's/ Requests/; Requests/; s/ Transfer/; Transfer/')"
    done
    echo
  fi
  echo "Targets (issue 3): Berth push+pull at most 0.33x Docker's time; registry GET throughput at least distribution's."
} >"$out"
ok=yes
echo
cat "$out"
