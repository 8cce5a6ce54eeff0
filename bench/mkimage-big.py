#!/usr/bin/env python3
"""Writes the registry benchmark's image as a docker-archive tar (manifest.json + config + one
layer.tar per layer), loadable by `docker load` and `berth load`. The content is seeded, so two
runs on the same machine give the same bytes and the same image id (the busybox base comes from
scripts/mkimage-busybox.sh and so from this host's /bin/busybox).

    bench/mkimage-big.py BUSYBOX_ROOTFS.tar OUT.tar [TAG [PROFILE]]

Layers, bottom first (about 400 MiB uncompressed):
  1. the busybox root filesystem (~1-2 MiB)
  2. /opt/data/random-a.bin   160 MiB random bytes (incompressible)
  3. /opt/data/random-b.bin    64 MiB random bytes (incompressible)
  4. /opt/app/logs/*.log       64 MiB of log-like text in 16 files (gzip: ~3x smaller)
  5. /opt/app/lib/*.so         64 MiB of skewed "machine code" bytes in 8 files (gzip: ~2x smaller)
  6. /opt/app/classes/**       48 MiB in 3072 files of 16 KiB, text and binary (many small files)
  7. /etc/app.conf             a few bytes (a config change on top)

PROFILE "random-text" writes only layers 1, 2 and 4 (about 230 MiB): random and text.
"""
import hashlib
import io
import json
import os
import random
import sys
import tarfile
import tempfile

MIB = 1024 * 1024
MTIME = 1704067200  # 2024-01-01T00:00:00Z
SEED = 20241124


def info(name, size=0, dir_=False):
    ti = tarfile.TarInfo(name)
    ti.mtime = MTIME
    ti.uid = ti.gid = 0
    ti.uname = ti.gname = ""
    if dir_:
        ti.type = tarfile.DIRTYPE
        ti.mode = 0o755
    else:
        ti.size = size
        ti.mode = 0o644
    return ti


class Layer:
    """A layer tar written to a file, with its directories added once each, in order."""

    def __init__(self, path):
        self.path = path
        self.tar = tarfile.open(path, "w", format=tarfile.GNU_FORMAT)
        self.dirs = set()

    def _parents(self, name):
        parts = name.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d not in self.dirs:
                self.dirs.add(d)
                self.tar.addfile(info(d + "/", dir_=True))

    def add(self, name, data):
        self._parents(name)
        self.tar.addfile(info(name, len(data)), io.BytesIO(data))

    def close(self):
        self.tar.close()


def random_bytes(rng, n):
    return rng.randbytes(n)


def text(rng, vocab, n):
    """Log-like lines of words from a seeded vocabulary, n bytes."""
    out = io.StringIO()
    size = 0
    levels = ["INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"]
    while size < n:
        words = rng.choices(vocab, k=20000)
        lines = []
        for i in range(0, len(words), 10):
            t = rng.randrange(86400000)
            lines.append("2024-01-01T%02d:%02d:%02d.%03dZ %s [worker-%d] %s id=%d\n" % (
                t // 3600000, t // 60000 % 60, t // 1000 % 60, t % 1000, rng.choice(levels),
                rng.randrange(16), " ".join(words[i:i + 10]), rng.randrange(10 ** 9)))
        chunk = "".join(lines)
        out.write(chunk)
        size += len(chunk)
    return out.getvalue().encode()[:n]


# Maps uniform random bytes to a skewed distribution, roughly that of compiled code: many
# zeros, 0xff and common opcodes; the other values keep their own (rarer) probability.
SKEW = bytes(
    0x00 if b < 96 else 0xFF if b < 120 else (0x48, 0x89, 0x8B, 0xE8, 0x0F, 0x83)[b % 6] if b < 160 else b
    for b in range(256))


def binary(rng, n):
    return rng.randbytes(n).translate(SKEW)


def main():
    busybox, out = sys.argv[1], sys.argv[2]
    tag = sys.argv[3] if len(sys.argv) > 3 else "bench/registry:1"
    full = (sys.argv[4] if len(sys.argv) > 4 else "full") != "random-text"
    rng = random.Random(SEED)
    vocab = ["".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 10))) for _ in range(5000)]
    work = tempfile.mkdtemp(prefix="berth-bench-image-", dir=os.path.dirname(os.path.abspath(out)))
    layers = []  # (file, comment)

    def layer(comment, fill):
        path = os.path.join(work, "layer%d.tar" % len(layers))
        l = Layer(path)
        fill(l)
        l.close()
        layers.append((path, comment))

    layers.append((busybox, "busybox root filesystem"))
    layer("random 160 MiB", lambda l: l.add("opt/data/random-a.bin", random_bytes(rng, 160 * MIB)))
    if full:
        layer("random 64 MiB", lambda l: l.add("opt/data/random-b.bin", random_bytes(rng, 64 * MIB)))

    def logs(l):
        for i in range(16):
            l.add("opt/app/logs/app-%02d.log" % i, text(rng, vocab, 4 * MIB))
    layer("text 64 MiB", logs)
    if not full:
        return finish(busybox, out, tag, work, layers)

    def libs(l):
        for i in range(8):
            l.add("opt/app/lib/lib%d.so" % i, binary(rng, 8 * MIB))
    layer("binary 64 MiB", libs)

    def classes(l):
        for i in range(3072):
            name = "opt/app/classes/p%02d/C%04d" % (i // 128, i)
            if i % 2:
                l.add(name + ".class", binary(rng, 16 * 1024))
            else:
                l.add(name + ".java", text(rng, vocab, 16 * 1024))
    layer("3072 files of 16 KiB", classes)
    layer("config", lambda l: l.add("etc/app.conf", b"mode=bench\nseed=%d\n" % SEED))
    finish(busybox, out, tag, work, layers)


def finish(busybox, out, tag, work, layers):
    diff_ids = []
    for path, _ in layers:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(4 * MIB), b""):
                h.update(block)
        diff_ids.append("sha256:" + h.hexdigest())
    created = "2024-01-01T00:00:00Z"
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": created,
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], "Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created": created, "created_by": "bench/mkimage-big.py: " + c} for _, c in layers],
    }
    config_bytes = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
    config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
    layer_names = [d[len("sha256:"):] + "/layer.tar" for d in diff_ids]
    manifest = json.dumps([{"Config": config_name, "RepoTags": [tag], "Layers": layer_names}]).encode()
    with tarfile.open(out + ".tmp", "w", format=tarfile.GNU_FORMAT) as t:
        for (path, _), name in zip(layers, layer_names):
            t.addfile(info(name.split("/")[0] + "/", dir_=True))
            with open(path, "rb") as f:
                t.addfile(info(name, os.path.getsize(path)), f)
        t.addfile(info(config_name, len(config_bytes)), io.BytesIO(config_bytes))
        t.addfile(info("manifest.json", len(manifest)), io.BytesIO(manifest))
    os.rename(out + ".tmp", out)
    for path, _ in layers[1:]:
        os.remove(path)
    os.rmdir(work)
    print("sha256:" + config_name[:-len(".json")])


if __name__ == "__main__":
    main()
