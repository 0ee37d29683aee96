"""Cursors through the extended query protocol (how psycopg 3 and JDBC drive them): DECLARE, then
FETCH with Parse/Bind/Describe/Execute/Sync — Describe of the FETCH portal must answer the
cursor's RowDescription, not NoData. Usage: cursor_extended.py PG_PORT"""
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(__file__))
from pg_raw import data_row, extended_query, message, read_message, simple_query, startup  # noqa: E402

s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
startup(s)
failures = []
simple_query(s, "BEGIN")
rows, error = extended_query(s, "DECLARE ce CURSOR FOR SELECT x AS n, 'v' || x AS label FROM generate_series(1, 5) x")
if error:
    failures.append(f"DECLARE: {error}")
s.sendall(message(b"P", b"\0FETCH 2 FROM ce\0" + struct.pack("!h", 0)) +
          message(b"B", b"\0\0" + struct.pack("!hhh", 0, 0, 0)) + message(b"D", b"P\0") +
          message(b"E", b"\0" + struct.pack("!i", 0)) + message(b"S", b""))
names, got = None, []
while True:
    kind, body = read_message(s)
    if kind == b"T":  # RowDescription: per field a name, then 18 bytes of attributes
        n = struct.unpack("!h", body[:2])[0]
        fields, pos = [], 2
        for _ in range(n):
            end = body.index(b"\0", pos)
            fields.append(body[pos:end].decode())
            pos = end + 1 + 18
        names = fields
    elif kind == b"n":
        names = "NoData"
    elif kind == b"D":
        got.append(data_row(body))
    elif kind == b"E":
        failures.append(f"FETCH: error {body!r}")
    elif kind == b"Z":
        break
if names != ["n", "label"]:
    failures.append(f"Describe of FETCH: {names}")
if got != [["1", "v1"], ["2", "v2"]]:
    failures.append(f"FETCH rows: {got}")
rows, error = simple_query(s, "FETCH ALL FROM ce")
if rows != [["3", "v3"], ["4", "v4"], ["5", "v5"]] or error:
    failures.append(f"FETCH ALL after: {rows} {error}")
simple_query(s, "COMMIT")
s.close()
print("\n".join(failures) if failures else "cursor_extended: ok")
sys.exit(1 if failures else 0)
