# Finds JDK 25+ (JAVA_HOME first, then /usr/lib/jvm) and exports JAVA_HOME/JAVA.
# Sourced by bin/berthd, bin/berth and the scripts; prints what to install when none is found.
berth_java_version() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
berth_find_java() {
  local cand v
  for cand in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -n "$cand" ] && [ -x "$cand/bin/java" ] || continue
    v=$(berth_java_version "$cand")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then
      export JAVA_HOME="$cand"; JAVA="$cand/bin/java"; return 0
    fi
  done
  echo "Berth needs JDK 25 or newer. Install one (e.g. Temurin 25 from adoptium.net, or 'apt-get install openjdk-25-jdk' where available) and set JAVA_HOME." >&2
  return 1
}
