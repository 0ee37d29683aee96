#!/usr/bin/python3
"""Many clients at once (issue 19's load run): SESSIONS PostgreSQL-protocol sessions (default
500) each looping over a small mix — a point read, a short aggregate, a single-row INSERT, now
and then a transaction of three statements — beside WRITERS HTTP line-protocol writers (default
50), for SECONDS (default 30), against `yunhe serve --max-connections SESSIONS+50` on 127.0.0.1.

Reports: operations done, the slowest single operation (the starvation bound: every session must
get its turn), sessions that never completed an operation, errors, the server's peak RSS
(VmHWM), and whether every thread finished within SECONDS + 30 s (a deadlock otherwise).
Exit status 1 on a starved session, a hang or a lost acknowledged write.

usage: load.py path/to/yunhe   (env: SESSIONS, WRITERS, SECONDS)
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import psycopg2

YUNHE = sys.argv[1]
SESSIONS = int(os.environ.get("SESSIONS", 500))
WRITERS = int(os.environ.get("WRITERS", 50))
SECONDS = float(os.environ.get("SECONDS", 30))


def main():
    tmp = tempfile.mkdtemp(prefix="yunhe-load-")
    log = open(f"{tmp}/serve.log", "w")
    proc = subprocess.Popen([YUNHE, "serve", f"{tmp}/db", "--pg-port", "0", "--http-port", "0", "--ilp-port", "-1",
                             "--max-connections", str(SESSIONS + 50)], stdout=log, stderr=subprocess.STDOUT)
    port = http = None
    for _ in range(300):
        text = open(log.name).read()
        pg = re.search(r"PostgreSQL protocol on 127\.0\.0\.1:(\d+)", text)
        h = re.search(r"HTTP API on http://127\.0\.0\.1:(\d+)", text)
        if pg and h:
            port, http = int(pg.group(1)), int(h.group(1))
            break
        time.sleep(0.05)
    if not port:
        sys.exit("server did not start: " + open(log.name).read())
    setup = psycopg2.connect(host="127.0.0.1", port=port, user="yunhe", dbname="yunhe")
    setup.autocommit = True
    cur = setup.cursor()
    cur.execute("CREATE TABLE acct (id int PRIMARY KEY, balance bigint)")
    cur.execute("INSERT INTO acct SELECT g, 0 FROM generate_series(1, 10000) g")
    cur.execute("CREATE TABLE ev (s int, n int, at timestamptz DEFAULT now())")
    setup.close()

    stop = threading.Event()
    lock = threading.Lock()
    stats = {"ops": 0, "errors": 0, "worst": 0.0, "writes": 0, "acked_events": 0}
    done_per_session = [0] * SESSIONS
    errors = []

    def session(s):
        try:
            c = psycopg2.connect(host="127.0.0.1", port=port, user="yunhe", dbname="yunhe", connect_timeout=60)
            c.autocommit = True
            k = c.cursor()
        except Exception as e:  # noqa: BLE001
            with lock:
                errors.append(f"connect {s}: {e}")
            return
        n = 0
        while not stop.is_set():
            n += 1
            t0 = time.monotonic()
            try:
                step = n % 4
                if step == 0:
                    k.execute("SELECT balance FROM acct WHERE id = %s", (1 + (s * 7919 + n) % 10000,))
                    k.fetchall()
                elif step == 1:
                    k.execute("SELECT count(*), sum(balance) FROM acct WHERE id BETWEEN %s AND %s", (s, s + 100))
                    k.fetchall()
                elif step == 2:
                    k.execute("INSERT INTO ev (s, n) VALUES (%s, %s)", (s, n))
                    with lock:
                        stats["acked_events"] += 1
                else:
                    k.execute("BEGIN")
                    k.execute("UPDATE acct SET balance = balance + 1 WHERE id = %s", (1 + (s * 31 + n) % 10000,))
                    k.execute("UPDATE acct SET balance = balance - 1 WHERE id = %s", (1 + (s * 17 + n) % 10000,))
                    k.execute("COMMIT")
            except Exception as e:  # noqa: BLE001
                with lock:
                    stats["errors"] += 1
                    if len(errors) < 10:
                        errors.append(f"session {s}: {e}")
                try:
                    k.execute("ROLLBACK")
                except Exception:  # noqa: BLE001
                    pass
            elapsed = time.monotonic() - t0
            done_per_session[s] += 1
            with lock:
                stats["ops"] += 1
                stats["worst"] = max(stats["worst"], elapsed)
        c.close()

    def writer(w):
        n = 0
        while not stop.is_set():
            n += 1
            body = "".join(f"load,w=w{w} v={n}i,i={i}i {1_700_000_000_000_000_000 + (w * 1_000_000 + n) * 1000 + i}\n" for i in range(100))
            t0 = time.monotonic()
            try:
                req = urllib.request.Request(f"http://127.0.0.1:{http}/write", data=body.encode(), method="POST")
                with urllib.request.urlopen(req, timeout=60) as r:
                    ok = r.status == 204
            except Exception as e:  # noqa: BLE001
                ok = False
                with lock:
                    if len(errors) < 10:
                        errors.append(f"writer {w}: {e}")
            with lock:
                stats["worst"] = max(stats["worst"], time.monotonic() - t0)
                if ok:
                    stats["writes"] += 100
                else:
                    stats["errors"] += 1

    threads = [threading.Thread(target=session, args=(s,), daemon=True) for s in range(SESSIONS)]
    threads += [threading.Thread(target=writer, args=(w,), daemon=True) for w in range(WRITERS)]
    t_start = time.monotonic()
    for t in threads:
        t.start()
    time.sleep(SECONDS)
    stop.set()
    deadline = time.monotonic() + 30
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    hung = sum(t.is_alive() for t in threads)
    wall = time.monotonic() - t_start
    hwm = "?"
    try:
        hwm = re.search(r"VmHWM:\s+(\d+) kB", open(f"/proc/{proc.pid}/status").read()).group(1)
    except Exception:  # noqa: BLE001
        pass
    check = psycopg2.connect(host="127.0.0.1", port=port, user="yunhe", dbname="yunhe")
    k = check.cursor()
    k.execute("SELECT count(*) FROM ev")
    events = k.fetchone()[0]
    k.execute("SELECT count(*) FROM load")
    lines = k.fetchone()[0]
    k.execute("SELECT sum(balance) FROM acct")
    balance = k.fetchone()[0]
    check.close()
    proc.terminate()
    proc.wait()
    starved = sum(1 for d in done_per_session if d == 0)
    print(f"{SESSIONS} sessions + {WRITERS} HTTP writers for {SECONDS:.0f} s (wall {wall:.1f} s): {stats['ops']} operations, "
          f"{stats['writes']} line-protocol rows, {stats['errors']} errors; slowest operation {stats['worst'] * 1000:.0f} ms; "
          f"sessions that never finished an operation: {starved}; threads still running after stop + 30 s: {hung}; "
          f"server peak RSS {int(hwm) // 1024 if hwm != '?' else '?'} MB; events {events} (acknowledged {stats['acked_events']}), "
          f"line-protocol rows {lines} (acknowledged {stats['writes']}), sum of balances {balance}")
    for e in errors[:10]:
        print("  ", e)
    shutil.rmtree(tmp, ignore_errors=True)
    bad = starved or hung or events < stats["acked_events"] or lines < stats["writes"] or balance != 0
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
