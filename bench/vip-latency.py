#!/usr/bin/env python3
"""Request latency to a swarm service's name (its VIP) and to a task's own address, taking turns
(bench/network-mesh.sh's VIP part).

Usage: vip-latency.py NAME DIRECT_ADDRESS PORT COUNT
Run inside a client container's network namespace (where Berth's VIP rules live) with the
container's resolv.conf, so NAME is resolved by the engine's DNS. Resolves NAME once, then makes
COUNT requests to each target, alternating VIP and direct so that both see the same moments of
a busy machine: each request is a new TCP connection, `GET / HTTP/1.0`, read until the server
closes, timed with perf_counter_ns from before connect to the end of the reply. Prints one line
"resolved ADDRESS" and then one line per target, "vip|direct" followed by the request times in
microseconds, and "failed N" for requests that failed (connect error or 5 s timeout; not timed).
Standard library only.
"""
import socket
import sys
import time

REQUEST = b"GET / HTTP/1.0\r\nHost: bench\r\n\r\n"


def one(address, port):
    """Microseconds for one request on a new connection, or None if it failed."""
    t0 = time.perf_counter_ns()
    try:
        with socket.create_connection((address, port), timeout=5) as s:
            s.sendall(REQUEST)
            got = 0
            while True:
                b = s.recv(65536)
                if not b:
                    break
                got += len(b)
    except OSError:
        return None
    if got == 0:
        return None
    return (time.perf_counter_ns() - t0) // 1000


def main():
    name, direct, port, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    vip = socket.getaddrinfo(name, port, socket.AF_INET, socket.SOCK_STREAM)[0][4][0]
    print("resolved", vip)
    times = {"vip": [], "direct": []}
    failed = 0
    for _ in range(count):
        for kind, address in (("vip", vip), ("direct", direct)):
            t = one(address, port)
            if t is None:
                failed += 1
            else:
                times[kind].append(t)
    for kind in ("vip", "direct"):
        print(kind, *times[kind])
    print("failed", failed)


if __name__ == "__main__":
    main()
