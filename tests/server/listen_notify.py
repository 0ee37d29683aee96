#!/usr/bin/python3
"""LISTEN / NOTIFY between real clients, as PostgreSQL: an idle listener is told at once (no
query of its own needed: psycopg2's select()/poll() loop), a transaction's notifications arrive
only after its COMMIT and never after a ROLLBACK, identical ones of a transaction once, the sender
is named by its pg_backend_pid(), a notification inside the listener's own block waits for the
block's end, UNLISTEN stops them. usage: listen_notify.py PORT"""
import select
import sys
import time

import psycopg2

PORT = int(sys.argv[1])
failures = []


def connect():
    c = psycopg2.connect(host="127.0.0.1", port=PORT, user="yunhe", dbname="yunhe")
    c.autocommit = True
    return c


def check(what, got, want):
    if got != want:
        failures.append(f"{what}: got {got!r}, want {want!r}")


def wait_notifies(conn, count, timeout=5.0):
    """What arrives for an idle connection within the timeout (stops after `count`)."""
    got = []
    deadline = time.time() + timeout
    while time.time() < deadline and len(got) < count:
        if select.select([conn], [], [], max(0.0, deadline - time.time())) != ([], [], []):
            conn.poll()
            while conn.notifies:
                n = conn.notifies.pop(0)
                got.append((n.channel, n.payload, n.pid))
    return got


listener, sender = connect(), connect()
listener.cursor().execute("LISTEN fleet")
cur = sender.cursor()
cur.execute("SELECT pg_backend_pid()")
sender_pid = cur.fetchone()[0]

cur.execute("NOTIFY fleet, 'truck 7 stopped'")
check("NOTIFY reaches an idle listener", wait_notifies(listener, 1), [("fleet", "truck 7 stopped", sender_pid)])

cur.execute("SELECT pg_notify('fleet', 'from pg_notify')")
check("pg_notify", wait_notifies(listener, 1), [("fleet", "from pg_notify", sender_pid)])

cur.execute("BEGIN")
cur.execute("NOTIFY fleet, 'committed'")
cur.execute("NOTIFY fleet, 'committed'")
cur.execute("NOTIFY other, 'not listened to'")
check("nothing before COMMIT", wait_notifies(listener, 1, timeout=0.5), [])
cur.execute("COMMIT")
check("once, after COMMIT", wait_notifies(listener, 2, timeout=1.0), [("fleet", "committed", sender_pid)])

cur.execute("BEGIN")
cur.execute("NOTIFY fleet, 'rolled back'")
cur.execute("ROLLBACK")
check("never after ROLLBACK", wait_notifies(listener, 1, timeout=0.5), [])

# Inside the listener's own block, delivery waits for the block's end.
lcur = listener.cursor()
lcur.execute("BEGIN")
cur.execute("NOTIFY fleet, 'while busy'")
lcur.execute("SELECT 1")
listener.poll()
check("held inside the listener's block", list(listener.notifies), [])
lcur.execute("COMMIT")
listener.poll()
check("delivered at its end", [(n.channel, n.payload) for n in listener.notifies], [("fleet", "while busy")])
listener.notifies.clear()

lcur.execute("UNLISTEN fleet")
cur.execute("NOTIFY fleet, 'after unlisten'")
check("UNLISTEN stops them", wait_notifies(listener, 1, timeout=0.5), [])

try:
    cur.execute("NOTIFY fleet, %s", ("x" * 8000,))
    failures.append("an 8000-byte payload was accepted")
except psycopg2.Error as e:
    check("payload limit", (e.pgcode, e.diag.message_primary), ("22023", "payload string too long"))

if failures:
    print("\n".join(failures))
else:
    print("listen_notify: ok")
