#!/usr/bin/env bash
# All tests: unit tests of every module, then the end-to-end suite (berth-it), which starts its
# own berthd on separate data/exec roots, a separate bridge and nft table, and drives the real
# docker CLI and the berth CLI against it. Run as root.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
. scripts/lib/java.sh
. scripts/lib/host-packages.sh
berth_host_packages test
berth_find_java
echo "==> mvn verify with $JAVA_HOME"
MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" mvn -B install
