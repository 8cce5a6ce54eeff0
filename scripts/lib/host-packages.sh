# Installs the host packages Berth needs (Debian/Ubuntu, as root) when any is missing.
# With "test", also the peers the end-to-end suite drives: Debian's docker.io (dockerd),
# docker-registry (the CNCF distribution registry), docker-compose (python compose 1.29, a
# client of berthd and the peer of `berth compose`), gcc with a static libc (a test's tool),
# chromium with its driver (dashboard tests), prometheus (metrics test) and tcpdump (encrypted
# overlay tests). With "bench", those and the load generators
# the benchmarks drive (wrk, iperf3).
berth_host_packages() {
  local need=() p
  command -v runc >/dev/null || need+=(runc)
  command -v conmon >/dev/null || need+=(conmon)
  command -v ip >/dev/null || need+=(iproute2)
  command -v nft >/dev/null || need+=(nftables)
  # least-connections balancing (io.berth.lb=leastconn) counts each backend's live connections
  # in conntrack's table with the conntrack tool (decision 0045)
  command -v conntrack >/dev/null || need+=(conntrack)
  [ -x /bin/busybox ] || need+=(busybox-static)
  [ -x /usr/bin/tini-static ] || need+=(tini)
  command -v curl >/dev/null || need+=(curl)
  command -v skopeo >/dev/null || need+=(skopeo)
  command -v debootstrap >/dev/null || need+=(debootstrap)
  command -v openssl >/dev/null || need+=(openssl)
  command -v script >/dev/null || need+=(bsdutils)
  command -v mvn >/dev/null || need+=(maven)
  # Intel ISA-L: gzip of pulled and pushed layers, 4-5x zlib (decision 0013)
  /sbin/ldconfig -p 2>/dev/null | grep -q 'libisal\.so\.2 ' || need+=(libisal2)
  if [ "${1:-}" = test ] || [ "${1:-}" = bench ]; then
    command -v dockerd >/dev/null || need+=(docker.io)
    command -v docker-registry >/dev/null || need+=(docker-registry)
    command -v docker-compose >/dev/null || need+=(docker-compose)
    # SwarmUdpMeshIT builds a static UDP echo server for its busybox image (busybox has no nc -u)
    command -v gcc >/dev/null || need+=(gcc)
    [ -f /usr/lib/x86_64-linux-gnu/libc.a ] || [ -f /usr/lib/aarch64-linux-gnu/libc.a ] || need+=(libc6-dev)
    # the dashboard's browser tests (Selenium drives Debian's chromium) and the metrics test
    # (Debian's prometheus scrapes berthd)
    command -v chromium >/dev/null || need+=(chromium)
    command -v chromedriver >/dev/null || need+=(chromium-driver)
    command -v prometheus >/dev/null || need+=(prometheus)
    # the encrypted-overlay tests capture the underlay and look for plaintext in it
    command -v tcpdump >/dev/null || need+=(tcpdump)
  fi
  if [ "${1:-}" = bench ]; then
    command -v wrk >/dev/null || need+=(wrk)
    command -v iperf3 >/dev/null || need+=(iperf3)
  fi
  if [ ${#need[@]} -gt 0 ]; then
    echo "==> installing host packages: ${need[*]}"
    if [ "$(id -u)" != 0 ]; then echo "run as root to install: ${need[*]}" >&2; return 1; fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}
