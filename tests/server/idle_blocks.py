#!/usr/bin/python3
"""An idle transaction block keeps nobody waiting. psycopg2's default mode (no autocommit, what
notebooks and most scripts use) opens a block at the first SELECT and leaves it open; other
sessions' INSERTs, HTTP /write of line protocol and other default-mode readers must finish while
it sits there (they once waited 60 s for it). Also: READ COMMITTED blocks see what others commit
at their next statement, REPEATABLE READ blocks keep the snapshot of their first statement and
get 40001 when they write after a concurrent commit, READ ONLY blocks refuse writes (25006), and
a block that only read can still write and commit; SERIALIZABLE blocks fail write skew with 40001. usage: idle_blocks.py PG_PORT HTTP_URL"""
import faulthandler
import sys
import threading
import urllib.request

import psycopg2
import psycopg2.errors
import psycopg2.extensions

PORT, HTTP = int(sys.argv[1]), sys.argv[2]
problems = []
faulthandler.dump_traceback_later(100, exit=True)


def connect(autocommit):
    conn = psycopg2.connect(host="127.0.0.1", port=PORT, user="yunhe", dbname="yunhe", connect_timeout=5)
    conn.autocommit = autocommit
    return conn


def expect(name, want, got):
    if want != got:
        problems.append(f"{name}: expected {want!r}, got {got!r}")


def finishes(name, fn, seconds=20):
    """Runs fn in a thread; a problem when it is still waiting after `seconds` (it waits for a lock)."""
    out = {}

    def run():
        try:
            out["value"] = fn()
        except Exception as e:  # noqa: BLE001 - the failure is the finding
            out["error"] = repr(e)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    if t.is_alive():
        problems.append(f"{name}: still waiting after {seconds} s (an idle block holds it up)")
    elif "error" in out:
        problems.append(f"{name}: {out['error']}")
    return out.get("value")


def one(conn, sql):
    cur = conn.cursor()
    cur.execute(sql)
    return cur.fetchone()


def write_lines(body):
    req = urllib.request.Request(HTTP + "/write?precision=s", data=body.encode(), method="POST")
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status


auto = connect(True)
auto.cursor().execute("CREATE TABLE ib (k int PRIMARY KEY, v int)")
auto.cursor().execute("INSERT INTO ib SELECT g, 0 FROM generate_series(1, 10) g")

# The default-mode reader: BEGIN + SELECT, then idle.
idle = connect(False)
expect("idle reader's first read", (10,), one(idle, "SELECT count(*) FROM ib"))
expect("idle reader is inside a block", psycopg2.extensions.TRANSACTION_STATUS_INTRANS, idle.get_transaction_status())

finishes("INSERT beside an idle block", lambda: connect(True).cursor().execute("INSERT INTO ib VALUES (11, 0)"))
expect("HTTP /write beside an idle block", 204,
       finishes("HTTP /write beside an idle block", lambda: write_lines("ib_lp,host=a v=1 1700000000\nib_lp,host=b v=2 1700000001\n")))
second = connect(False)
expect("second default-mode reader", (11,), finishes("second default-mode reader", lambda: one(second, "SELECT count(*) FROM ib")))
expect("line protocol rows", (2,), one(auto, "SELECT count(*) FROM ib_lp"))

# READ COMMITTED (the default): the next statement sees the new commit.
expect("idle reader's next read (read committed)", (11,), one(idle, "SELECT count(*) FROM ib"))

# REPEATABLE READ: the snapshot of the first statement, and first-committer-wins on a write.
rr = connect(False)
rr.set_session(isolation_level="REPEATABLE READ")
expect("repeatable read: first read", (11,), one(rr, "SELECT count(*) FROM ib"))
finishes("INSERT beside a repeatable-read block", lambda: connect(True).cursor().execute("INSERT INTO ib VALUES (12, 0)"))
expect("repeatable read: same snapshot", (11,), one(rr, "SELECT count(*) FROM ib"))
expect("read committed block sees it", (12,), one(second, "SELECT count(*) FROM ib"))
rr.cursor().execute("UPDATE ib SET v = v + 1 WHERE k = 1")  # a row nobody changed since: fine
auto.cursor().execute("UPDATE ib SET v = 5 WHERE k = 2")
try:
    rr.cursor().execute("UPDATE ib SET v = v + 1 WHERE k = 2")
    problems.append("repeatable read: an update of a row changed since the snapshot succeeded")
except psycopg2.errors.SerializationFailure as e:
    expect("repeatable read: 40001", "could not serialize access due to concurrent update", str(e).strip())
rr.rollback()
expect("repeatable read: new block, new snapshot", (12,), one(rr, "SELECT count(*) FROM ib"))
rr.rollback()

# READ ONLY: writes refused.
ro = connect(False)
ro.set_session(readonly=True)
expect("read only: read", (12,), one(ro, "SELECT count(*) FROM ib"))
try:
    ro.cursor().execute("INSERT INTO ib VALUES (99, 0)")
    problems.append("read only: an INSERT succeeded")
except psycopg2.errors.ReadOnlySqlTransaction as e:
    expect("read only: 25006", "cannot execute INSERT in a read-only transaction", str(e).strip())
ro.rollback()

# The idle reader writes at last: its block takes the database then and commits.
idle.cursor().execute("UPDATE ib SET v = 7 WHERE k = 1")
idle.commit()
second.commit()
expect("after the idle block committed", (12, 7), one(auto, "SELECT count(*), max(v) FROM ib"))

# Two default-mode writers with blocks open at once: neither waits for the other until they
# update the same row; then the second waits for the first block to end and (READ COMMITTED)
# updates the version it committed, as in PostgreSQL.
w1, w2 = connect(False), connect(False)
w1.cursor().execute("INSERT INTO ib VALUES (100, 1)")
finishes("a second block writes beside the first", lambda: w2.cursor().execute("INSERT INTO ib VALUES (101, 1)"))
w1.cursor().execute("UPDATE ib SET v = 100 WHERE k = 3")
waiter = threading.Thread(target=lambda: w2.cursor().execute("UPDATE ib SET v = v + 200 WHERE k = 3"), daemon=True)
waiter.start()
waiter.join(0.5)
expect("second updater of one row waits for the first block", True, waiter.is_alive())
w1.commit()
waiter.join(20)
expect("second updater goes on after the first commits", False, waiter.is_alive())
w2.commit()
expect("both updates, in order", (300,), one(auto, "SELECT v FROM ib WHERE k = 3"))
expect("both blocks' rows", (2,), one(auto, "SELECT count(*) FROM ib WHERE k IN (100, 101)"))
w1.close()
w2.close()

# A block that failed while it only read refuses everything until ROLLBACK.
try:
    idle.cursor().execute("SELECT * FROM no_such_table")
except psycopg2.errors.UndefinedTable:
    pass
try:
    idle.cursor().execute("SELECT 1")
    problems.append("failed read-only block: a statement ran")
except psycopg2.errors.InFailedSqlTransaction:
    pass
idle.rollback()
expect("after ROLLBACK", (1,), one(idle, "SELECT 1"))
idle.rollback()

# SERIALIZABLE: write skew fails the second commit (psycopg2's SerializationFailure); the retry
# PostgreSQL's hint asks for sees the first commit and keeps one doctor on call.
auto.cursor().execute("CREATE TABLE doctors (name text PRIMARY KEY, on_call bool)")
auto.cursor().execute("INSERT INTO doctors VALUES ('alice', true), ('bob', true)")
s1, s2 = connect(False), connect(False)
for c in (s1, s2):
    c.set_session(isolation_level="SERIALIZABLE")


def go_off_call(conn, name):
    if one(conn, "SELECT count(*) FROM doctors WHERE on_call")[0] > 1:
        conn.cursor().execute("UPDATE doctors SET on_call = false WHERE name = %s", (name,))


go_off_call(s1, "alice")
go_off_call(s2, "bob")
s1.commit()
try:
    s2.commit()
    problems.append("serializable write skew: the second commit went through")
except psycopg2.errors.SerializationFailure:
    go_off_call(s2, "bob")  # the retry
    s2.commit()
expect("on call after serializable write skew", (1,), one(auto, "SELECT count(*) FROM doctors WHERE on_call"))
s1.close()
s2.close()

for c in (idle, second, rr, ro, auto):
    c.close()
print("ok" if not problems else "\n".join(problems))
