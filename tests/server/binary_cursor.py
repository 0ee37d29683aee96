"""FETCH from a BINARY cursor over the simple query protocol answers in binary (RowDescription
format codes 1, DataRow values in PostgreSQL's binary send formats; geometry as EWKB, as
PostGIS sends it) — the bytes below are what PostgreSQL 15 sends for the same query. A plain
cursor on the same connection still answers in text. Usage: binary_cursor.py PG_PORT [USER]"""
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(__file__))
from pg_raw import message, read_message, simple_query, startup  # noqa: E402

s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
startup(s, sys.argv[2] if len(sys.argv) > 2 else "yunhe")
failures = []


def fetch(sql):
    """(format codes, raw values of the first row) of a simple query."""
    s.sendall(message(b"Q", sql.encode() + b"\0"))
    formats, values = None, None
    while True:
        kind, body = read_message(s)
        if kind == b"T":
            n, pos, formats = struct.unpack("!h", body[:2])[0], 2, []
            for _ in range(n):
                pos = body.index(b"\0", pos) + 1
                formats.append(struct.unpack("!h", body[pos + 16:pos + 18])[0])
                pos += 18
        elif kind == b"D" and values is None:
            n, pos, values = struct.unpack("!h", body[:2])[0], 2, []
            for _ in range(n):
                length = struct.unpack("!i", body[pos:pos + 4])[0]
                values.append(None if length < 0 else body[pos + 4:pos + 4 + length])
                pos += 4 + max(length, 0)
        elif kind == b"E":
            failures.append(f"{sql}: error {body!r}")
        elif kind == b"Z":
            return formats, values


simple_query(s, "BEGIN")
cols = "1::int AS i, 2.5::float8 AS f, 'ab'::text AS t, NULL::int AS n, timestamptz '2000-01-01 00:00:01+00' AS ts, true AS b"
simple_query(s, f"DECLARE bc BINARY CURSOR FOR SELECT {cols}")
formats, values = fetch("FETCH 1 FROM bc")
want = [b"\0\0\0\x01", struct.pack("!d", 2.5), b"ab", None, struct.pack("!q", 1_000_000), b"\x01"]
if formats != [1] * 6 or values != want:
    failures.append(f"binary cursor: formats {formats}, values {values}")
simple_query(s, f"DECLARE tc CURSOR FOR SELECT {cols}")
formats, values = fetch("FETCH 1 FROM tc")
if formats != [0] * 6 or values[:3] != [b"1", b"2.5", b"ab"]:
    failures.append(f"text cursor: formats {formats}, values {values}")
simple_query(s, "DECLARE jc BINARY CURSOR FOR SELECT '{\"b\": 1, \"a\": [2]}'::jsonb, '[1, 2]'::json, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid")
formats, values = fetch("FETCH 1 FROM jc")
want = [b'\x01{"a": [2], "b": 1}', b"[1, 2]", bytes.fromhex("a0eebc999c0b4ef8bb6d6bb9bd380a11")]
if formats != [1] * 3 or values != want:
    failures.append(f"jsonb, json, uuid: formats {formats}, values {values}")
if len(sys.argv) <= 2:  # yunhe: geometry as EWKB (PostGIS's binary send), not checked on plain PostgreSQL
    simple_query(s, "DECLARE gc BINARY CURSOR FOR SELECT ST_MakePoint(1, 2) AS g")
    formats, values = fetch("FETCH 1 FROM gc")
    if formats != [1] or values != [b"\x01\x01\0\0\0" + struct.pack("<dd", 1, 2)]:
        failures.append(f"geometry: formats {formats}, values {values}")
simple_query(s, "COMMIT")
print("binary_cursor: " + ("ok" if not failures else "FAIL " + "; ".join(failures)))
