#!/usr/bin/env bash
# Writes a root filesystem tar with a Java runtime: a jlink'd image of the local JDK 25 under
# /opt/java, the glibc libraries it links against (found with ldd), busybox-static for a shell,
# a passwd/group and /tmp. It is the base for Java images here (there is no internet registry):
# import it with
#   berth import -c 'ENV PATH=/opt/java/bin:/usr/bin:/bin' -c 'ENV JAVA_HOME=/opt/java' OUT.tar berth/jre:25
# usage: scripts/mkimage-jre.sh OUT.tar   (JRE_MODULES overrides the module list)
set -euo pipefail
out=${1:?usage: $0 OUT.tar}
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$root/scripts/lib/java.sh"
berth_find_java
modules=${JRE_MODULES:-java.se,jdk.httpserver,jdk.unsupported,jdk.management,jdk.crypto.cryptoki,jdk.zipfs}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir"/{bin,etc,tmp,root,opt,proc,sys,dev,usr/bin}
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --output "$dir/opt/java"
# the runtime's shared libraries and the loader, copied with their directory layout
libs=$(find "$dir/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} \; 2>/dev/null \
  | awk '/=>/ && $3 ~ /^\// {print $3} /^\s*\/lib.*ld-linux/ {print $1}' | sort -u)
for lib in $libs; do
  mkdir -p "$dir$(dirname "$lib")"
  cp -L "$lib" "$dir$lib"
done
# merged-/usr hosts resolve the loader through /lib64 -> usr/lib64 or /lib64/ld-linux...
[ -e "$dir/lib64/ld-linux-x86-64.so.2" ] || { mkdir -p "$dir/lib64"; cp -L /lib64/ld-linux-x86-64.so.2 "$dir/lib64/"; }
cp /bin/busybox "$dir/bin/busybox"
for app in sh ls cat echo env sleep wget ps kill id; do ln -sf busybox "$dir/bin/$app"; done
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/tmp:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$dir/etc/passwd"
printf 'root:x:0:\napp:x:1000:\nnogroup:x:65534:\n' > "$dir/etc/group"
chmod 1777 "$dir/tmp"
tar --numeric-owner --owner=0 --group=0 --mtime='2024-01-01 00:00:00' --sort=name -C "$dir" -cf "$out" .
echo "$out: Java $("$JAVA_HOME/bin/java" -version 2>&1 | head -1 | sed 's/.*"\(.*\)".*/\1/') runtime ($modules)"
