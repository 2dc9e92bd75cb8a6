#!/usr/bin/env python3
"""Reads and writes a pinned flexnet policy map (see maps.md) from outside the JVM: mmap + struct.

    flexnet_map.py FILE COMMAND...     commands run in order, each printing one line or nothing:
      info                  name, layout, capacity, keys present
      get KEY               the value (0 when absent)
      put KEY VALUE
      wait KEY VALUE        until the value is VALUE (10 s at most): prints ok or timeout

Python has no atomic read-modify-write on shared memory, so this client only does aligned 8-byte
loads and stores (each one indivisible on the machine); counters that several writers update need
a language with compare-and-set (C11 atomics, Rust, Java).
"""
import mmap
import struct
import sys
import time

MAGIC = b"FNETMAP\0"
HEADER = 64
USED = 1 << 32


def fmix32(h):
    h &= 0xFFFFFFFF
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & 0xFFFFFFFF
    h ^= h >> 16
    return h


class FlexnetMap:
    def __init__(self, path):
        self.f = open(path, "r+b")
        self.m = mmap.mmap(self.f.fileno(), 0)
        magic, version, layout, capacity, entry, count = struct.unpack_from("<8sIIIIQ", self.m, 0)
        if magic != MAGIC:
            raise ValueError("not a flexnet map: magic %r" % magic)
        if version != 1:
            raise ValueError("map version %d, this client reads 1" % version)
        if (layout, entry) not in ((1, 8), (2, 16)):
            raise ValueError("layout %d with %d-byte entries" % (layout, entry))
        self.layout, self.capacity = layout, capacity
        self.name = bytes(self.m[32:64]).split(b"\0")[0].decode()
        # One 8-byte view over the whole map: item access is a single aligned load or store.
        self.q = memoryview(self.m).cast("Q")

    def _slot(self, key, insert):
        """Word index of the key's value, or None."""
        key &= 0xFFFFFFFF
        if self.layout == 1:
            return HEADER // 8 + key if key < self.capacity else None
        tag, mask = USED | key, self.capacity - 1
        i = fmix32(key) & mask
        for _ in range(self.capacity):
            w = (HEADER + i * 16) // 8
            t = self.q[w]
            if t == tag:
                return w + 1
            if t == 0:
                if not insert:
                    return None
                # Not atomic: only safe while no other process inserts at the same time.
                self.q[w] = tag
                self.q[3] += 1
                return w + 1
            i = (i + 1) & mask
        return None

    def get(self, key):
        w = self._slot(key, False)
        return 0 if w is None else struct.unpack("<q", struct.pack("<Q", self.q[w]))[0]

    def put(self, key, value):
        w = self._slot(key, True)
        if w is None:
            raise KeyError("map full or key out of range: %d" % key)
        self.q[w] = value & 0xFFFFFFFFFFFFFFFF


def main(argv):
    m = FlexnetMap(argv[1])
    args = argv[2:]
    while args:
        cmd = args.pop(0)
        if cmd == "info":
            kind = {1: "direct", 2: "hashed"}[m.layout]
            print("%s %s %d %d" % (m.name, kind, m.capacity, m.q[3]))
        elif cmd == "get":
            print(m.get(int(args.pop(0))))
        elif cmd == "put":
            key = int(args.pop(0))
            m.put(key, int(args.pop(0)))
        elif cmd == "wait":
            key, want = int(args.pop(0)), int(args.pop(0))
            deadline = time.time() + 10.0
            while m.get(key) != want and time.time() < deadline:
                time.sleep(0.001)
            print("ok" if m.get(key) == want else "timeout: %d" % m.get(key))
        else:
            raise SystemExit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
