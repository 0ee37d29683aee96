#!/usr/bin/python3
"""Readers never block writers: while one session runs a long SELECT (it sleeps in pg_sleep
after its snapshot is taken) by the simple or the extended query protocol or over HTTP, other
sessions write over the PostgreSQL protocol and over HTTP and their writes are acknowledged and
visible before the reader finishes; the reader answers
from its snapshot, without the rows written meanwhile. Ordering is checked, not time.
usage: readers_writers.py PG_PORT HTTP_URL"""
import json
import socket
import struct
import sys
import threading
import urllib.parse
import urllib.request

import psycopg2

PORT, HTTP = int(sys.argv[1]), sys.argv[2]
problems = []


def extended_query(sql):
    """One Parse/Bind/Execute/Sync round (the extended query protocol, as libpq's PQexecParams
    and most drivers send queries); the first row's text values."""
    sock = socket.create_connection(("127.0.0.1", PORT), timeout=60)
    params = b"user\0yunhe\0database\0yunhe\0\0"
    sock.sendall(struct.pack("!ii", 8 + len(params), 196608) + params)

    def messages():
        buf = b""
        while True:
            while len(buf) < 5 or len(buf) < 1 + struct.unpack("!i", buf[1:5])[0]:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                buf += chunk
            n = struct.unpack("!i", buf[1:5])[0]
            yield buf[:1], buf[5:1 + n]
            buf = buf[1 + n:]

    def msg(kind, body):
        return kind + struct.pack("!i", 4 + len(body)) + body

    it = messages()
    for kind, _ in it:
        if kind == b"Z":
            break
    sock.sendall(msg(b"P", b"\0" + sql.encode() + b"\0" + struct.pack("!h", 0)) +
                 msg(b"B", b"\0\0" + struct.pack("!hhh", 0, 0, 0)) + msg(b"E", b"\0" + struct.pack("!i", 0)) + msg(b"S", b""))
    row = None
    for kind, body in it:
        if kind == b"E":
            raise RuntimeError(body)
        if kind == b"D" and row is None:
            count, pos, row = struct.unpack("!h", body[:2])[0], 2, []
            for _ in range(count):
                n = struct.unpack("!i", body[pos:pos + 4])[0]
                pos += 4
                row.append(None if n < 0 else body[pos:pos + n].decode())
                pos += max(n, 0)
        if kind == b"Z":
            break
    sock.close()
    return row


def connect():
    conn = psycopg2.connect(host="127.0.0.1", port=PORT, user="yunhe", dbname="yunhe")
    conn.autocommit = True
    return conn


setup = connect().cursor()
setup.execute("CREATE TABLE rw (k int, v text)")
setup.execute("INSERT INTO rw SELECT g, 'before' FROM generate_series(1, 1000) g")

reader_done = threading.Event()
result = {}


def reader(via):
    # pg_sleep sleeps 4 s on the row k = 1, after the snapshot was taken.
    sql = "SELECT count(*), sum(k), max(s) FROM (SELECT k, pg_sleep(CASE WHEN k = 1 THEN 4 ELSE 0 END) AS s FROM rw) x"
    try:
        if via == "http":
            url = HTTP + "/exec?" + urllib.parse.urlencode({"query": sql})
            with urllib.request.urlopen(url, timeout=60) as r:
                result["row"] = json.loads(r.read())["rows"][0][:2]
        elif via == "extended":
            result["row"] = extended_query(sql)[:2]
        else:
            cur = connect().cursor()
            cur.execute(sql)
            result["row"] = list(cur.fetchone()[:2])
    except Exception as e:  # noqa: BLE001 - the failure is the finding
        problems.append(f"reader: {e!r}")
    reader_done.set()


def check_round(via, first_key, rows_before):
    reader_done.clear()
    result.clear()
    t = threading.Thread(target=reader, args=(via,))
    t.start()
    # Give the reader time to take its snapshot (it then sleeps 4 s without the database).
    threading.Event().wait(1.0)
    w = connect().cursor()
    for k in range(first_key, first_key + 20):
        w.execute("INSERT INTO rw VALUES (%s, 'during')", (k,))
    body = f"rwlp,src=http v={first_key}i 1700000000000000000\n".encode()
    with urllib.request.urlopen(urllib.request.Request(HTTP + "/write?db=x", data=body, method="POST"), timeout=10) as r:
        if r.status != 204:
            problems.append(f"HTTP write answered {r.status}")
    w.execute("SELECT count(*) FROM rw WHERE v = 'during'")
    during = w.fetchone()[0]
    if reader_done.is_set():
        problems.append(f"{via} reader finished before the writers: they waited for it")
    if during < 20:
        problems.append(f"writes not visible to others while the read ran: {during}")
    t.join()
    before = result.get("row")
    if before is None:
        return
    if int(before[0]) != rows_before:
        problems.append(f"reader saw {before[0]} rows, its snapshot had {rows_before}")


check_round("simple", 5000, 1000)
check_round("http", 5100, 1020)
check_round("extended", 5200, 1040)
print("ok" if not problems else "\n".join(problems))
