#!/usr/bin/env python3
"""Committed service updates per second through the Engine API (bench/cluster.sh's raft part).

Usage: service-updates.py SOCKET SECONDS WRITERS
Creates WRITERS services of 0 replicas (nothing to schedule: each update is one committed write
of the service object), then for SECONDS each writer, on a thread of its own, reads its service
(GET /services/ID) and updates it from the version it read (POST /services/ID/update?version=V)
with a new label, as `docker service update --label-add` does. Prints "updates N seconds S
errors E"; removes the services. Standard library only, so it runs against any engine.
"""
import http.client
import json
import socket
import sys
import threading
import time

API = "/v1.47"


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=60)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(60)
        self.sock.connect(self.path)


def call(conn, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    conn.request(method, API + path, body=data, headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    payload = r.read()
    return r.status, (json.loads(payload) if payload else None)


def main():
    sock, seconds, writers = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    conn = UnixConnection(sock)
    ids = []
    try:
        for w in range(writers):
            spec = {"Name": "bench-upd-%d" % w, "Mode": {"Replicated": {"Replicas": 0}},
                    "TaskTemplate": {"ContainerSpec": {"Image": "busybox:bench", "Command": ["true"]}}}
            status, reply = call(conn, "POST", "/services/create", spec)
            if status != 201:
                sys.exit("creating service %d: HTTP %d %s" % (w, status, reply))
            ids.append(reply["ID"])
        counts = [0] * writers
        errors = [0] * writers
        stop = time.monotonic() + seconds
        start = time.monotonic()

        def writer(i):
            c = UnixConnection(sock)
            n = 0
            while time.monotonic() < stop:
                status, svc = call(c, "GET", "/services/" + ids[i])
                if status != 200:
                    errors[i] += 1
                    continue
                spec = svc["Spec"]
                spec.setdefault("Labels", {})["bench"] = str(n)
                n += 1
                status, _ = call(c, "POST", "/services/%s/update?version=%d" % (ids[i], svc["Version"]["Index"]), spec)
                if status == 200:
                    counts[i] += 1
                else:
                    errors[i] += 1

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print("updates %d seconds %.2f errors %d" % (sum(counts), time.monotonic() - start, sum(errors)))
    finally:
        for i in ids:
            call(conn, "DELETE", "/services/" + i)


if __name__ == "__main__":
    main()
