#!/usr/bin/env bash
# Dockerfile build benchmark: berthd's builder beside Debian's dockerd (its classic builder, as
# DOCKER_BUILDKIT=0) on the same Java app Dockerfile and context (examples/hello-service's jar and
# dependencies on a jlink'd JRE base that both engines already have), driven by the same docker
# CLI. Cold: --no-cache. Warm: the same context again (all cache). Changed: a new application jar.
# Prints the figures and writes bench/results/build-<date>.md. Run as root; nothing is asserted.
#   bench/build.sh [RUNS]      (default 5 of each)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
RUNS=${1:-5}
W=/tmp/berth-bench-build
. bench/lib.sh
bench_prepare test
rm -rf "$W" && mkdir -p "$W"
cleanup() {
  bench_stop "$bpid"
  bench_stop_dockerd
  bench_remove_berth_host_state bbenchbd0 berth_bench_build berth-bench-build
}
trap cleanup EXIT

echo "==> dockerd and berthd on private sockets"
bench_start_dockerd /var/lib/berth-bench-build-docker --bip 172.29.19.1/24
bench_start_berthd "$W/berth-data" bbenchbd0 10.90.49.1/24 berth_bench_build berth-bench-build
bench_wait_daemons || exit 1
scripts/mkimage-jre.sh "$W/jre.tar" >/dev/null
for h in "$DSOCK" "$BSOCK"; do
  DOCKER_HOST=$h "$DOCKER" import -c 'ENV PATH=/opt/java/bin:/usr/bin:/bin' "$W/jre.tar" bench/jre:25 >/dev/null
done

echo "==> the application: examples/hello-service packaged with its dependencies"
ctx="$W/ctx"
cp -r examples/hello-service "$ctx" && rm -rf "$ctx/target"
# the dependency plugin pinned (the unpinned default is an old one whose dependencies a fresh
# ~/.m2 lacks), fetched from Maven Central the first time
(cd "$ctx" && JAVA_HOME=$JAVA_HOME MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow" mvn -B -q package \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies -DoutputDirectory=target/lib >"$W/mvn.log" 2>&1) \
  || { tail -20 "$W/mvn.log"; exit 1; }
cat > "$ctx/Dockerfile" <<'EOF'
FROM bench/jre:25
WORKDIR /app
COPY target/lib/ /app/lib/
COPY target/hello-service-1.0.0.jar /app/app.jar
RUN java -cp '/app/app.jar:/app/lib/*' -XX:+PrintFlagsFinal -version > /app/jvm-flags.txt
EXPOSE 8080
CMD ["java", "-cp", "/app/app.jar:/app/lib/*", "io.berth.examples.hello.HelloService"]
EOF
printf 'src\n.git\n' > "$ctx/.dockerignore"

build() { # host, extra flags -> one timed build in ns
  local h=$1 t0; shift
  t0=$(now)
  DOCKER_HOST=$h DOCKER_BUILDKIT=0 "$DOCKER" build -q "$@" -t bench/app:1 "$ctx" >/dev/null 2>"$W/build.err" \
    || { cat "$W/build.err"; exit 1; }
  echo $(( $(now) - t0 ))
}
declare -A T
for h in "$DSOCK" "$BSOCK"; do build "$h" >/dev/null; done # warm the base image's unpacked layers
for kind in cold warm changed; do
  for e in docker berth; do : > "$W/$e.$kind"; done
done
for i in $(seq 1 "$RUNS"); do
  order="docker berth"; [ $((i % 2)) -eq 0 ] && order="berth docker"
  for e in $order; do
    h=$DSOCK; [ $e = berth ] && h=$BSOCK
    build "$h" --no-cache >> "$W/$e.cold"
    build "$h" >> "$W/$e.warm"
  done
  # a one-line code change: a different application jar, the same dependencies
  sed -i "s/\"hi\")/\"hi-$i\")/" "$ctx/src/main/java/io/berth/examples/hello/HelloService.java"
  (cd "$ctx" && JAVA_HOME=$JAVA_HOME mvn -B -q -o package >/dev/null)
  for e in $order; do
    h=$DSOCK; [ $e = berth ] && h=$BSOCK
    build "$h" >> "$W/$e.changed"
  done
done
for kind in cold warm changed; do
  for e in docker berth; do T[${e}_$kind]=$(stats < "$W/$e.$kind"); done
done

med() { echo "${T[$1]}" | cut -d' ' -f1; }
out=bench/results/build-$(date +%F).md
{
  echo "# Dockerfile build benchmark — $(date +%F)"
  echo
  bench_machine
  echo "Versions: $(bench_versions)."
  echo
  echo "Context: examples/hello-service's jar and its dependencies (Jackson), on a jlink'd JDK 25 base"
  echo "(114 MB) both engines already have; the Dockerfile copies the dependencies and the jar, runs \`java\`"
  echo "once and sets EXPOSE/CMD. \`DOCKER_BUILDKIT=0 docker build -q\` against each daemon, median (p90) of"
  echo "$RUNS in ms, the engines taking turns. Cold: \`--no-cache\`. Warm: unchanged context. Changed: a new jar."
  echo
  echo "| build | Berth | Docker classic builder | Berth / Docker |"
  echo "| --- | --- | --- | --- |"
  for kind in cold warm changed; do
    echo "| $kind | ${T[berth_$kind]} | ${T[docker_$kind]} | $(ratio "$(med berth_$kind)" "$(med docker_$kind)")x |"
  done
  echo
  echo "Target (issue 4): Berth at most 0.5x Docker's build time warm."
} > "$out"
cat "$out"
