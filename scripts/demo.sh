#!/usr/bin/env bash
# The main job: installs missing host packages, builds Berth, starts berthd on its embedded
# defaults, builds a small busybox image, runs it with a published port and shows it answering
# through both the berth CLI and the stock docker CLI; then builds an image from a Dockerfile and
# pushes and pulls it through `berth registry serve`; last, brings up examples/compose-shop with
# `berth compose` and asks its gateway, which calls the other services by name; then, on a 3-node
# `berth lab`, a replicated service through the routing mesh and examples/stack-shop as a stack,
# rolled to a new product version under a steady client. Run as root.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
. scripts/lib/java.sh
. scripts/lib/host-packages.sh
. scripts/lib/demo-shop.sh
berth_host_packages
berth_find_java
echo "==> building with $JAVA_HOME"
MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" mvn -B -q -DskipTests package

sock=/run/berth/berth.sock
export DOCKER_HOST=unix://$sock
started=0
if ! curl -sf --unix-socket "$sock" http://d/_ping >/dev/null 2>&1; then
  echo "==> starting berthd (log: /var/log/berthd.log)"
  nohup bin/berthd >/var/log/berthd.log 2>&1 &
  started=1
  for _ in $(seq 1 100); do
    curl -sf --unix-socket "$sock" http://d/_ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -sf --unix-socket "$sock" http://d/_ping >/dev/null || { tail -20 /var/log/berthd.log; exit 1; }
fi

echo "==> creating image demo/hello:1 from a busybox root filesystem"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
scripts/mkimage-busybox.sh "$tmp/rootfs.tar"
bin/berth import -c 'CMD ["httpd","-f","-p","8080","-h","/www"]' -c 'EXPOSE 8080' \
  "$tmp/rootfs.tar" demo/hello:1 >/dev/null
bin/berth images

echo "==> berth run -d --name hello -p 28080:8080 -e GREETING=hi demo/hello:1"
bin/berth rm -f hello >/dev/null 2>&1 || true
bin/berth run -d --name hello -p 28080:8080 -e GREETING=hi --memory 64m demo/hello:1
for _ in $(seq 1 50); do curl -sf http://localhost:28080/hello >/dev/null && break; sleep 0.1; done
echo "==> curl http://localhost:28080/hello"
curl -sS http://localhost:28080/hello
echo "==> the stock docker CLI against berthd (DOCKER_HOST=$DOCKER_HOST)"
if command -v docker >/dev/null; then
  docker ps
  docker exec hello sh -c 'echo "inside: $(hostname) GREETING=$GREETING"'
else
  echo "(docker CLI not installed; skipped)"
fi
bin/berth rm -f hello >/dev/null

echo "==> berth build: a Dockerfile on top of demo/hello:1"
mkdir -p "$tmp/ctx"
echo "built by berthd from a Dockerfile" > "$tmp/ctx/message.txt"
printf 'FROM demo/hello:1\nCOPY message.txt /www/message\nRUN echo "and a RUN step" >> /www/message\nCMD ["cat", "/www/message"]\n' \
  > "$tmp/ctx/Dockerfile"
bin/berth build -t demo/built:1 "$tmp/ctx" | tail -3

echo "==> berth registry serve on 127.0.0.1:25000, push, remove, pull, run"
bin/berth registry serve --addr 127.0.0.1:25000 --storage "$tmp/registry" >"$tmp/registry.log" 2>&1 &
regpid=$!
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:25000/v2/ >/dev/null && break; sleep 0.1; done
bin/berth tag demo/built:1 127.0.0.1:25000/demo/built:1
bin/berth push 127.0.0.1:25000/demo/built:1 | tail -1
bin/berth rmi 127.0.0.1:25000/demo/built:1 demo/built:1 >/dev/null
bin/berth pull 127.0.0.1:25000/demo/built:1 | tail -1
bin/berth run --rm 127.0.0.1:25000/demo/built:1
kill "$regpid" 2>/dev/null || true
bin/berth rmi 127.0.0.1:25000/demo/built:1 >/dev/null

echo "==> berth compose up -d: examples/compose-shop (services that call each other by name)"
shop() { (cd examples/compose-shop && BASE_IMAGE=demo/hello:1 GATEWAY_PORT=28090 "$root/bin/berth" compose "$@"); }
shop down -v >/dev/null 2>&1 || true
shop up -d 2>&1 | grep -E "Network|Volume|Started|Healthy|Exited" || true
for _ in $(seq 1 100); do curl -sf http://localhost:28090/cgi-bin/shop >/dev/null && break; sleep 0.1; done
echo "==> curl http://localhost:28090/cgi-bin/shop"
curl -sS http://localhost:28090/cgi-bin/shop
shop ps
shop down -v 2>&1 | tail -2

echo "==> berth lab up --name demo --nodes 3: a swarm of three berthd, one network namespace each"
bin/berth lab down --name demo >/dev/null 2>&1 || true
bin/berth lab up --name demo --nodes 3 | tail -4
node1=$(bin/berth lab ls --name demo --format '{{.Name}} {{.DockerHost}}' | awk '$1 == "node1" {print $2}')
reg=$(bin/berth lab registry --name demo)
echo "==> the image goes to the lab's registry ($reg); each node pulls it from there"
bin/berth save demo/hello:1 | BERTH_HOST=$node1 bin/berth load >/dev/null
BERTH_HOST=$node1 bin/berth tag demo/hello:1 "$reg/demo/hello:1"
BERTH_HOST=$node1 bin/berth push "$reg/demo/hello:1" | tail -1
echo "==> service create --name hello --replicas 6 -p 28100:8080 (on node1, the manager)"
BERTH_HOST=$node1 bin/berth service create --name hello --replicas 6 -p 28100:8080 "$reg/demo/hello:1" >/dev/null
BERTH_HOST=$node1 bin/berth node ls
echo "==> service ps hello: its tasks spread over the nodes"
if command -v docker >/dev/null; then
  DOCKER_HOST=$node1 docker service ps hello
else
  BERTH_HOST=$node1 bin/berth service ps hello
fi
echo "==> the routing mesh: port 28100 answers on every node's address"
for addr in $(bin/berth lab ls --name demo --format '{{.Address}}'); do
  answer=""
  for _ in $(seq 1 50); do answer=$(curl -sf -m 2 "http://$addr:28100/hello") && break; sleep 0.2; done
  echo "    http://$addr:28100/hello -> ${answer:-no answer}"
  [ -n "$answer" ] || { echo "the mesh did not answer on $addr" >&2; exit 1; }
done
BERTH_HOST=$node1 bin/berth service rm hello >/dev/null
demo_stack_shop "$node1" "$reg" demo
bin/berth lab down --name demo >/dev/null

if [ "$started" = 1 ]; then
  kill "$(cat /run/berth/berthd.pid)" 2>/dev/null || true
fi
echo "==> demo finished: Berth ran a container that answered on a published port, built an image"
echo "    from a Dockerfile, moved it through its own registry, ran a compose project whose"
echo "    services found each other by name, spread a replicated service over a 3-node swarm"
echo "    whose published port answers on every node, and deployed the shop as a stack there,"
echo "    then rolled one of its services to a new version with no failed request"
