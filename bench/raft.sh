#!/usr/bin/env bash
# Raft figures of the cluster store (issue 14): committed service updates per second with three
# in-process managers on loopback, and the time from closing the leader to the next committed
# write. Writes bench/results/raft-DATE.md. Usage: bench/raft.sh [SECONDS] [WRITERS...]
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export MAVEN_OPTS=--sun-misc-unsafe-memory-access=allow
seconds=${1:-10}
shift || true
out=bench/results/raft-$(date -u +%F).md
cp=$(mktemp)
trap 'rm -f "$cp"' EXIT
mvn -B -o -q -pl berth-cluster -am test-compile
mvn -B -o -q -pl berth-cluster dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
table=$("$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow -Dberth.test.ratis.log=ERROR \
  -cp "berth-cluster/target/test-classes:berth-cluster/target/classes:$(cat "$cp")" \
  io.berth.cluster.raft.RaftStoreBench "$seconds" "$@" 2>/dev/null)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- berth-cluster || echo ' with uncommitted changes')
{
  echo "# Raft benchmark, $(date -u +%F)"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -r); JDK $("$JAVA_HOME/bin/java" -version 2>&1 | head -1 | cut -d'"' -f2)."
  echo "Berth source: commit $commit. Apache Ratis $(sed -n 's:.*<ratis.version>\(.*\)</ratis.version>.*:\1:p' berth-cluster/pom.xml), gRPC transport, no TLS."
  echo "Load average (1, 5, 15 min) when the run started: $load_before; when it ended: $load_after"
  echo "(other work on this machine shares its cores when these are above ~1)."
  echo
  echo "Three members of one group in one JVM on loopback, each with its own storage directory (log"
  echo "segments fsynced by Ratis), default settings of RaftStoreConfig (election timeout 1-2 s,"
  echo "snapshot every 10,000 entries). $seconds s per row after a 2 s warm-up; writers are virtual threads"
  echo "spread over the three members (a follower's write goes to the leader), each reading one of 200"
  echo "service objects of 1.5 KiB and updating it from the version it read; a conflict (another writer"
  echo "came first: \"update out of sequence\") is retried and not counted as an update."
  echo
  echo "$table"
} > "$out"
cat "$out"
