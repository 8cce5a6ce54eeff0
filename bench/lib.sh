# Shared by the bench scripts (sourced, with the repository as the current directory): a private
# dockerd and berthd side by side, timing and table helpers, the machine and versions lines of a
# result file. Each script sets W (its scratch directory) before calling bench_start_*.

. scripts/lib/java.sh
. scripts/lib/host-packages.sh

# Host packages, JDK, the docker CLI and the built jars. $1: the host-packages set ("test" or
# "bench").
bench_prepare() {
  berth_host_packages "${1:-test}"
  berth_find_java
  DOCKER=/usr/local/bin/docker
  [ -x "$DOCKER" ] || DOCKER=$(command -v docker)
  [ -f berth-daemon/target/berth-daemon.jar ] && [ -f berth-cli/target/berth-cli.jar ] \
    || MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow" mvn -B -q -DskipTests package
  dpid=""; bpid=""
  DSOCK=unix://$W/docker.sock
  BSOCK=unix://$W/berth.sock
  mkdir -p "$W"
}

now() { date +%s%N; }
wait_sock() { for _ in $(seq 1 300); do DOCKER_HOST=$1 "$DOCKER" version >/dev/null 2>&1 && return 0; sleep 0.2; done; return 1; }
rss_kb() { local t=0 p; for p in "$@"; do [ -r /proc/$p/status ] && t=$((t + $(awk '/VmRSS/{print $2}' /proc/$p/status))); done; echo $t; }
# nanoseconds on stdin, one a line -> "median p90" in ms
stats() { sort -n | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; p=a[int(NR*0.9+0.5)]; printf "%.1f %.1f", m/1e6, p/1e6}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a / b; else print "n/a" }'; }

# Runs a wrk command ("$@") and prints its "Requests/sec" and average latency (ms): "rps lat".
bench_wrk() {
  "$@" 2>&1 | awk '/Requests\/sec/ {rps=$2} /^ +Latency/ {l=$2; if (l ~ /us$/) {sub(/us/,"",l); l/=1000} else if (l ~ /ms$/) {sub(/ms/,"",l)} else if (l ~ /s$/) {sub(/s/,"",l); l*=1000}; lat=l} END {printf "%d %.2f", rps, lat}'
}

# Starts Debian's dockerd on $DSOCK. $1: data root; the rest: more dockerd flags. A `--bip ADDR`
# gives it a bridge of its own ($DBRIDGE, made here with that address) instead of the default
# docker0: a dockerd already on the host owns docker0, and a second one would take it over and
# delete it on exit. bench_stop_dockerd removes the bridge again.
bench_start_dockerd() {
  local data=$1 args=()
  shift
  while [ $# -gt 0 ]; do
    if [ "$1" = --bip ]; then
      DBRIDGE=bdk$(echo "$W" | md5sum | cut -c1-8)
      ip link del "$DBRIDGE" 2>/dev/null || true
      ip link add "$DBRIDGE" type bridge && ip addr add "$2" dev "$DBRIDGE" && ip link set "$DBRIDGE" up
      args+=(--bridge "$DBRIDGE")
      shift 2
    else
      args+=("$1")
      shift
    fi
  done
  dockerd --host "$DSOCK" --data-root "$data" --exec-root "$W/dexec" --pidfile "$W/docker.pid" \
    "${args[@]}" >"$W/dockerd.log" 2>&1 &
  dpid=$!
}

# Stops the dockerd of bench_start_dockerd (waiting up to $1 s) and removes its bridge and the
# iptables rules naming that bridge, which dockerd leaves behind for a bridge it did not create.
bench_stop_dockerd() {
  bench_stop "$dpid" "${1:-30}"
  [ -n "${DBRIDGE:-}" ] || return 0
  ip link del "$DBRIDGE" 2>/dev/null || true
  local t r
  for t in nat filter; do
    iptables-save -t $t 2>/dev/null | grep -E -- "-[io] $DBRIDGE( |$)" | grep '^-A ' | sed 's/^-A /-D /' \
      | while read -r r; do eval "iptables -t $t $r" 2>/dev/null || true; done || true
  done
}

# Starts berthd on $BSOCK. $1: data root, $2: bridge name, $3: bridge address, $4: nft table,
# $5: cgroup parent; the rest: more berthd flags. BERTHD names another launcher (e.g. one with
# other JVM flags) for experiments.
bench_start_berthd() {
  "${BERTHD:-bin/berthd}" -H "$BSOCK" --data-root "$1" --exec-root "$W/bexec" --config-file /nonexistent \
    --bridge "$2" --bip "$3" --nft-table "$4" --cgroup-parent "$5" "${@:6}" >"$W/berthd.log" 2>&1 &
  bpid=$!
}

# After berthd has stopped: removes what it leaves on the host for its next start (its bridge $1,
# nft table $2 and those of its user-defined networks, empty cgroup parent $3).
bench_remove_berth_host_state() {
  ip link del "$1" 2>/dev/null || true
  nft delete table ip "$2" 2>/dev/null || true
  # user-defined networks: table <table>_<id12> and bridge br-<id12>
  local t
  for t in $(nft list tables 2>/dev/null | awk -v p="$2_" 'index($3, p) == 1 {print $3}'); do
    nft delete table ip "$t" 2>/dev/null || true
    ip link del "br-${t#"$2"_}" 2>/dev/null || true
  done
  find /sys/fs/cgroup -maxdepth 2 -type d -name "$3" 2>/dev/null | while read -r d; do rmdir "$d" 2>/dev/null || true; done
}

# Waits until both daemons answer; prints the end of the log of one that does not.
bench_wait_daemons() {
  wait_sock "$DSOCK" || { echo "dockerd did not start:"; tail "$W/dockerd.log"; return 1; }
  wait_sock "$BSOCK" || { echo "berthd did not start:"; tail "$W/berthd.log"; return 1; }
}

# Stops a process started by this script and waits (up to $2 s, default 30) for it to end.
bench_stop() {
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for i in $(seq 1 $((${2:-30} * 10))); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

# The Berth source measured: the commit, and whether the working tree had uncommitted changes to
# tracked files (a copy made with `git archive` carries its commit in .commit).
bench_commit() {
  if git rev-parse --git-dir >/dev/null 2>&1; then
    echo "$(git rev-parse --short HEAD)$([ -z "$(git status --porcelain -uno)" ] || echo " with uncommitted changes")"
  else
    cat .commit 2>/dev/null || echo unknown
  fi
}

# Prints a section of a result file after a blank line: this run's ($W/part.$1) or, when this run
# did not make it, the one headed $2 in the day's earlier result $3, kept as it was.
bench_section() {
  if [ -f "$W/part.$1" ]; then
    echo
    cat "$W/part.$1"
  elif [ -f "$3" ] && grep -qx "$2" "$3"; then
    echo
    awk -v h="$2" '/^## / { keep = ($0 == h) } keep' "$3" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
  fi
}

# "Machine: ..." and "Versions: ..." lines of a result file.
bench_machine() {
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), kernel $(uname -r)."
}
bench_versions() {
  # berthd reports the Docker release of its API as Server.Version; its own is the Berth component
  echo "berthd $(DOCKER_HOST=$BSOCK "$DOCKER" version --format '{{range .Server.Components}}{{if eq .Name "Berth"}}{{.Version}}{{end}}{{end}}'), dockerd $(DOCKER_HOST=$DSOCK "$DOCKER" version --format '{{.Server.Version}}'), JDK $("$JAVA" -version 2>&1 | head -1 | cut -d'"' -f2), docker CLI $("$DOCKER" version --format '{{.Client.Version}}' 2>/dev/null)"
}
