#!/usr/bin/env bash
# Java image benchmark: berth-maven-plugin beside Jib (jib-maven-plugin 3.5.2) on the same
# project (examples/hello-service) pushing to the same registry (Debian's docker-registry on
# loopback), cold (no caches) and after a one-line code change; then the start-up gain of the
# plugin's AOT cache layer, measured in berthd. Prints the figures and writes them to
# bench/results/java-image-<date>.md. Run as root. Not a test: nothing is asserted.
#   bench/java-image.sh [RUNS]      (default 3 of each)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
RUNS=${1:-3}
W=/tmp/berth-bench-java
REG=127.0.0.1:25401
. bench/lib.sh
bench_prepare test
ls ~/.m2/repository/io/berth/berth-maven-plugin/0.1.0-SNAPSHOT/*.jar >/dev/null 2>&1 \
  || MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow" mvn -B -q -DskipTests install
rm -rf "$W" && mkdir -p "$W"
regpid=""
cleanup() {
  ids=$(DOCKER_HOST=$BSOCK timeout 30 "$DOCKER" ps -aq 2>/dev/null || true)
  [ -n "$ids" ] && DOCKER_HOST=$BSOCK timeout 60 "$DOCKER" rm -f $ids >/dev/null 2>&1 || true
  bench_stop "$bpid"
  bench_stop "$regpid"
  bench_remove_berth_host_state bbenchjv0 berth_bench_java berth-bench-java
}
trap cleanup EXIT

echo "==> berthd (for the base image and the AOT training) and docker-registry on $REG"
bench_start_berthd "$W/berth-data" bbenchjv0 10.90.39.1/24 berth_bench_java berth-bench-java
printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: %s\n' "$W/registry" "$REG" > "$W/registry.yml"
docker-registry serve "$W/registry.yml" >"$W/registry.log" 2>&1 &
regpid=$!
wait_sock "$BSOCK" || { tail "$W/berthd.log"; exit 1; }
B() { DOCKER_HOST=$BSOCK bin/berth "$@"; }
scripts/mkimage-jre.sh "$W/jre.tar" >/dev/null
B import -c 'ENV PATH=/opt/java/bin:/usr/bin:/bin' -c 'ENV JAVA_HOME=/opt/java' "$W/jre.tar" bench/jre:25 >/dev/null
B tag bench/jre:25 $REG/base/jre:25
B push $REG/base/jre:25 >/dev/null

mvnq() { # project dir, then maven args; Jib refuses offline mode, so both run online (all cached)
  local dir=$1; shift
  JAVA_HOME=$JAVA_HOME MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow" DOCKER_HOST=$BSOCK \
    mvn -B -q -f "$dir/pom.xml" "$@" >"$W/mvn.log" 2>&1 || { tail -30 "$W/mvn.log"; exit 1; }
}
goal() { [ "$1" = berth ] && echo io.berth:berth-maven-plugin:0.1.0-SNAPSHOT:build || echo com.google.cloud.tools:jib-maven-plugin:3.5.2:build; }

declare -A T
for tool in berth jib; do : > "$W/$tool.cold"; : > "$W/$tool.warm"; done
for i in $(seq 1 "$RUNS"); do
  order="berth jib"; [ $((i % 2)) -eq 0 ] && order="jib berth"
  for tool in $order; do
    p="$W/proj-$tool-$i"
    rm -rf "$p" && cp -r examples/hello-service "$p" && rm -rf "$p/target"
    rm -rf ~/.cache/google-cloud-tools-java/jib
    img=$REG/bench/$tool-$i:1
    mvnq "$p" -q compile # compile once first: both tools then start from the same compiled project
    t0=$(now); mvnq "$p" package "$(goal $tool)" -Dbase.image=$REG/base/jre:25 -Dimage=$img; echo $(( $(now) - t0 )) >> "$W/$tool.cold"
    sed -i "s/\"hi\")/\"hi-$i\")/" "$p/src/main/java/io/berth/examples/hello/HelloService.java"
    t0=$(now); mvnq "$p" package "$(goal $tool)" -Dbase.image=$REG/base/jre:25 -Dimage=$img; echo $(( $(now) - t0 )) >> "$W/$tool.warm"
  done
done
for tool in berth jib; do
  T[${tool}_cold]=$(stats < "$W/$tool.cold"); T[${tool}_warm]=$(stats < "$W/$tool.warm")
done

echo "==> AOT cache: time from 'run -d' to the first answer of /hello"
p="$W/proj-aot"; rm -rf "$p" && cp -r examples/hello-service "$p" && rm -rf "$p/target"
mvnq "$p" package io.berth:berth-maven-plugin:0.1.0-SNAPSHOT:load -Dbase.image=docker://bench/jre:25 -Dimage=bench/hello:plain
mvnq "$p" package io.berth:berth-maven-plugin:0.1.0-SNAPSHOT:load -Dbase.image=docker://bench/jre:25 -Dimage=bench/hello:aot -Dberth.aotCache=true
first_answer() {
  local img=$1 port=28401 t0 n
  B run -d --name bench-aot -p $port:8080 "$img" >/dev/null
  t0=$(now)
  for n in $(seq 1 4000); do curl -sf localhost:$port/hello >/dev/null 2>&1 && break; sleep 0.002; done
  echo $(( $(now) - t0 ))
  B rm -f bench-aot >/dev/null
}
for img in plain aot; do : > "$W/start-$img"; done
for i in $(seq 1 $((RUNS * 3))); do
  for img in plain aot; do first_answer bench/hello:$img >> "$W/start-$img"; done
done
T[start_plain]=$(stats < "$W/start-plain"); T[start_aot]=$(stats < "$W/start-aot")

med() { echo "${T[$1]}" | cut -d' ' -f1; }
out=bench/results/java-image-$(date +%F).md
{
  echo "# Java image benchmark — $(date +%F)"
  echo
  bench_machine
  echo "Versions: berth-maven-plugin 0.1.0-SNAPSHOT, jib-maven-plugin 3.5.2, $(mvn -B -v 2>/dev/null | head -1 | sed "s/\x1b\[[0-9;]*m//g"), docker-registry $(docker-registry --version 2>/dev/null | awk '{print $3}'), JDK $("$JAVA" -version 2>&1 | head -1 | cut -d'"' -f2)."
  echo
  echo "examples/hello-service (Jackson dependency, one class) built to Debian's docker-registry on loopback,"
  echo "base image \`base/jre:25\` (jlink'd JDK 25, 114 MB) already in that registry. Times are whole"
  echo "\`mvn package <plugin>:build\` runs after \`mvn compile\`, median (p90) of $RUNS, in ms; the tools take"
  echo "turns run by run. Cold: new project copy, no plugin caches, new repository. Warm: the same"
  echo "project again after a one-line change in the source."
  echo
  echo "| Build | berth-maven-plugin | Jib | Berth / Jib |"
  echo "| --- | --- | --- | --- |"
  echo "| cold | ${T[berth_cold]} | ${T[jib_cold]} | $(ratio "$(med berth_cold)" "$(med jib_cold)")x |"
  echo "| after a one-line change | ${T[berth_warm]} | ${T[jib_warm]} | $(ratio "$(med berth_warm)" "$(med jib_warm)")x |"
  echo
  echo "AOT cache layer (\`-Dberth.aotCache=true\`, trained 5 s in berthd): time from \`run -d\` returning"
  echo "to the first 200 from /hello through a published port, median (p90) of $((RUNS * 3)), in ms."
  echo
  echo "| Image | first answer |"
  echo "| --- | --- |"
  echo "| without AOT cache | ${T[start_plain]} |"
  echo "| with AOT cache | ${T[start_aot]} ($(ratio "$(med start_aot)" "$(med start_plain)")x) |"
} > "$out"
cat "$out"
