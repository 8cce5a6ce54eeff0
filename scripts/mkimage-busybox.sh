#!/usr/bin/env bash
# Writes a root filesystem tar with busybox-static and its applets, a passwd/group and a
# small web root: the image every demo and test starts from (there is no internet registry).
# usage: scripts/mkimage-busybox.sh OUT.tar
set -euo pipefail
out=${1:?usage: $0 OUT.tar}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir"/{bin,sbin,etc,tmp,root,www,proc,sys,dev,usr/bin,usr/sbin,var/www}
cp /bin/busybox "$dir/bin/busybox"
for app in $(/bin/busybox --list); do
  [ "$app" = busybox ] || ln -sf busybox "$dir/bin/$app"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$dir/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$dir/etc/group"
echo "Hello from Berth" > "$dir/www/hello"
chmod 1777 "$dir/tmp"
tar --numeric-owner --owner=0 --group=0 --mtime='2024-01-01 00:00:00' --sort=name -C "$dir" -cf "$out" .
