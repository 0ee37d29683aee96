#!/usr/bin/python3
"""Readers do not wait for an open transaction block: while one session sits inside BEGIN ...
(it inserted, updated, deleted, created a table and added a column, and has not committed), lone
SELECTs of other sessions -- psql, psycopg2, the extended query protocol and HTTP /exec -- answer at once from the committed
state the block started from, as PostgreSQL's readers do; after COMMIT they see the block's
changes, and after a ROLLBACK of a second block they still see the state before it.
usage: reads_beside_block.py PG_PORT HTTP_URL PSQL"""
import faulthandler
import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request

import socket

import psycopg2

import pg_raw

PORT, HTTP = int(sys.argv[1]), sys.argv[2]
problems = []
faulthandler.dump_traceback_later(60, exit=True)  # a reader that waits for the block hangs here


def connect():
    conn = psycopg2.connect(host="127.0.0.1", port=PORT, user="yunhe", dbname="yunhe", connect_timeout=5)
    conn.autocommit = True
    return conn


def psql(sql):
    env = dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(PORT), PGUSER="yunhe", PGDATABASE="yunhe")
    r = subprocess.run(["psql", "-X", "-At", "-c", sql], capture_output=True, text=True, env=env, timeout=10)
    return (r.stdout + r.stderr).strip()


def http(sql):
    url = HTTP + "/exec?" + urllib.parse.urlencode({"query": sql})
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.loads(r.read())["rows"]
    except urllib.error.HTTPError as e:
        return json.loads(e.read()).get("error", {}).get("message", "error")


def extended(sql):
    """Rows of `sql` by the extended query protocol (Parse, Bind, Describe, Execute, Sync)."""
    sock = socket.create_connection(("127.0.0.1", PORT), timeout=10)
    pg_raw.startup(sock)
    rows, error = pg_raw.extended_query(sock, sql)
    sock.close()
    return error or rows


def expect(name, want, got):
    if want != got:
        problems.append(f"{name}: expected {want!r}, got {got!r}")


def reader_view(label, count, total):
    """What three readers in other sessions see (each must answer within its timeout)."""
    cur = connect().cursor()
    cur.execute("SELECT count(*), sum(v) FROM bb")
    expect(f"{label}: psycopg2", (count, total), cur.fetchone())
    expect(f"{label}: psql", f"{count}|{total}", psql("SELECT count(*), sum(v) FROM bb"))
    expect(f"{label}: http", [[count, total]], http("SELECT count(*), sum(v) FROM bb"))
    expect(f"{label}: extended protocol", [[str(count), str(total)]], extended("SELECT count(*), sum(v) FROM bb"))


setup = connect().cursor()
setup.execute("CREATE TABLE bb (k int, v int)")
setup.execute("INSERT INTO bb SELECT g, g * 10 FROM generate_series(1, 100) g")

writer = connect()
writer.autocommit = False  # psycopg2 opens a block (BEGIN) before the first statement
w = writer.cursor()
w.execute("INSERT INTO bb SELECT g, 1 FROM generate_series(101, 150) g")
w.execute("UPDATE bb SET v = v + 1 WHERE k <= 10")
w.execute("DELETE FROM bb WHERE k BETWEEN 91 AND 100")
w.execute("CREATE TABLE made_in_block (x int)")
w.execute("ALTER TABLE bb ADD COLUMN note text")
w.execute("SELECT count(*), sum(v) FROM bb")
expect("the block sees its own changes", (140, 50500 + 50 + 10 - 9550), w.fetchone())

# The block is open and holds the database: readers see the state before BEGIN.
reader_view("during the block", 100, 50500)
cur = connect().cursor()
cur.execute("SELECT * FROM bb WHERE k = 1")
expect("columns as before the block", ["k", "v"], [d[0] for d in cur.description])
try:
    cur.execute("SELECT * FROM made_in_block")
    problems.append("a table created in the open block is visible to another session")
except psycopg2.Error as e:
    expect("table created in the block", "42P01", e.pgcode)

writer.commit()
reader_view("after COMMIT", 140, 50500 + 50 + 10 - 9550)
cur = connect().cursor()
cur.execute("SELECT count(*) FROM made_in_block")
expect("table committed", (0,), cur.fetchone())

# A second block that rolls back: readers never see its rows, before or after.
w.execute("INSERT INTO bb SELECT g, 1000 FROM generate_series(1, 5) g")
reader_view("during the second block", 140, 41010)
writer.rollback()
reader_view("after ROLLBACK", 140, 41010)

print("ok" if not problems else "\n".join(problems))
