"""Counts the transfers wrk was told "settled" that an exported log does not hold.

Usage: python3 scripts/load/missing.py LOG ACKED
LOG is a `plimsoll export` file (Docs/log-format.md); ACKED holds one transfer id (hex) a line.
Prints the count of acknowledged ids missing from the log.
"""
import hashlib
import struct
import sys

data = open(sys.argv[1], 'rb').read()
acked = set(line.strip() for line in open(sys.argv[2]) if line.strip())
tag = hashlib.sha256(b"plimsoll/transfer/v1").digest()
pos = 13 + 2 + 32
seen = set()
while data[pos] == 0x42:
    pos += 1 + 222 + 64
    (count,) = struct.unpack(">I", data[pos:pos + 4])
    pos += 4
    for _ in range(count):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        pos += 4
        entry = data[pos:pos + length]
        pos += length
        if entry[0] == 0x10:
            seen.add(hashlib.sha256(tag + tag + entry[1:132]).hexdigest())
print(len(acked - seen))
