# The demo's stack step (sourced by scripts/demo.sh, repository as the current directory): builds
# examples/stack-shop's images on the lab's node1 (FROM demo/hello:1, a busybox image node1
# already has), pushes them to the lab's registry, deploys the stack, asks the gateway through the
# routing mesh on every node, then rolls product to version 2 with a second `stack deploy` while
# a steady client counts failed requests (the demo fails if there is one).
# $1: node1's DOCKER_HOST, $2: the lab's registry, $3: the lab's name.
demo_stack_shop() {
  local node1=$1 reg=$2 lab=$3 d v addr answer ok bad st i
  local b=(env BERTH_HOST="$node1" bin/berth)
  echo "==> examples/stack-shop: four small images built on node1, pushed to the lab's registry"
  for d in config-server registry service gateway; do
    "${b[@]}" build -q -t "$reg/shop/$d:1" --build-arg BASE_IMAGE=demo/hello:1 "examples/stack-shop/$d" >/dev/null
    "${b[@]}" push "$reg/shop/$d:1" >/dev/null
  done
  "${b[@]}" build -q -t "$reg/shop/service:2" --build-arg BASE_IMAGE=demo/hello:1 --build-arg VERSION=2 \
    examples/stack-shop/service >/dev/null
  "${b[@]}" push "$reg/shop/service:2" >/dev/null
  echo "==> berth stack deploy -c examples/stack-shop/compose.yaml shop"
  REGISTRY=$reg "${b[@]}" stack deploy -c examples/stack-shop/compose.yaml shop
  for i in $(seq 1 240); do
    [ -z "$("${b[@]}" stack services shop --format '{{.Replicas}}' | awk -F/ '$1 != $2')" ] && break
    sleep 0.5
  done
  "${b[@]}" stack services shop
  echo "==> the gateway through the routing mesh on every node (port 28200)"
  for addr in $(bin/berth lab ls --name "$lab" --format '{{.Address}}'); do
    answer=""
    for _ in $(seq 1 100); do
      answer=$(curl -sf -m 3 "http://$addr:28200/cgi-bin/shop") && [ "$(echo "$answer" | grep -c ' v')" = 3 ] && break
      answer=""; sleep 0.3
    done
    echo "    http://$addr:28200/cgi-bin/shop ->"
    echo "${answer:-no answer}" | sed 's/^/        /'
    [ -n "$answer" ] || { echo "the shop did not answer on $addr" >&2; return 1; }
  done
  addr=$(bin/berth lab ls --name "$lab" --format '{{.Address}}' | head -1)
  echo "==> PRODUCT_VERSION=2 berth stack deploy: only product rolls (start-first), under a steady client"
  rm -f "$tmp/shop-stop"
  ( ok=0; bad=0
    while [ ! -f "$tmp/shop-stop" ]; do
      if curl -sf -m 3 -o /dev/null "http://$addr:28200/cgi-bin/shop"; then ok=$((ok + 1)); else bad=$((bad + 1)); fi
    done
    echo "$ok $bad" >"$tmp/shop-load" ) &
  local loader=$!
  sleep 1
  PRODUCT_VERSION=2 REGISTRY=$reg "${b[@]}" stack deploy -c examples/stack-shop/compose.yaml shop
  st=""
  for i in $(seq 1 600); do
    st=$("${b[@]}" service inspect shop_product --format '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}')
    case "$st" in completed | paused | rollback_*) break ;; esac
    sleep 0.5
  done
  touch "$tmp/shop-stop"
  wait "$loader" || true
  read -r ok bad <"$tmp/shop-load"
  echo "    product update: $st; requests during it: $ok answered, $bad failed"
  curl -sf -m 3 "http://$addr:28200/cgi-bin/shop" | sed 's/^/        /'
  [ "$st" = completed ] && [ "$bad" = 0 ] || { echo "the product update did not complete without failures" >&2; return 1; }
  "${b[@]}" stack rm shop >/dev/null
}
