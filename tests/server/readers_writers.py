#!/usr/bin/python3
"""Readers never block writers: while one session runs a long SELECT (it sleeps in pg_sleep
after its snapshot is taken) by the simple or the extended query protocol or over HTTP, other
sessions write over the PostgreSQL protocol and over HTTP and their writes are acknowledged and
visible before the reader finishes; the reader answers
from its snapshot, without the rows written meanwhile. Ordering is checked, not time.
usage: readers_writers.py PG_PORT HTTP_URL"""
import json
import socket
import sys
import threading
import urllib.parse
import urllib.request

import psycopg2

import pg_raw

PORT, HTTP = int(sys.argv[1]), sys.argv[2]
problems = []


def extended_query(sql):
    """The first row of `sql` sent by the extended query protocol (Parse/Bind/Execute/Sync)."""
    sock = socket.create_connection(("127.0.0.1", PORT), timeout=60)
    pg_raw.startup(sock)
    rows, error = pg_raw.extended_query(sock, sql)
    sock.close()
    if error:
        raise RuntimeError(error)
    return rows[0]


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
