#!/usr/bin/python3
"""Transactions side by side with PostgreSQL 15 (issue 20's measurements).

  1. pgbench's built-in tpcb-like (BEGIN; UPDATE accounts; SELECT; UPDATE tellers; UPDATE
     branches; INSERT history; END) at scale SCALE with 1, 4 and 16 clients, SECONDS each,
     RUNS runs; both systems' tables are made by pgbench -i. Failed transactions are counted
     (they must be 0).
  2. A mixed read/write script, weighted 8:2: a block reading two accounts and a range sum, and
     a block moving an amount between two accounts.
  3. Line protocol over HTTP /write (bench/gen_cpu_lp.py rows) alone, then while 16
     psycopg2 sessions in default mode (each holding an open block) keep reading: the issue asks
     for >= 90 % of the rate without them.

usage: transactions.py path/to/yunhe   (env: SCALE, SECONDS, RUNS, HOSTS, HOURS, BATCH, SENDERS;
       PARTS=pgbench,ingest (default both): which of 1-2 (pgbench) and 3 (ingest) to run)
Prints one line per measurement and a markdown table at the end.
"""
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server  # noqa: E402  (helpers: start_yunhe, start_postgres, http_ingest, median_spread)

SCALE = int(os.environ.get("SCALE", 1))
SECONDS = int(os.environ.get("SECONDS", 10))
RUNS = int(os.environ.get("RUNS", 3))
CLIENTS = [int(c) for c in os.environ.get("CLIENTS", "1,4,16").split(",")]
PARTS = os.environ.get("PARTS", "pgbench,ingest").split(",")

MIXED_READ = """\\set a1 random(1, 100000 * :scale)
\\set a2 random(1, 100000 * :scale)
BEGIN;
SELECT abalance FROM pgbench_accounts WHERE aid = :a1;
SELECT abalance FROM pgbench_accounts WHERE aid = :a2;
SELECT sum(abalance) FROM pgbench_accounts WHERE aid BETWEEN :a1 AND :a1 + 100;
END;
"""
MIXED_WRITE = """\\set a1 random(1, 100000 * :scale)
\\set a2 random(1, 100000 * :scale)
\\set delta random(-5000, 5000)
BEGIN;
UPDATE pgbench_accounts SET abalance = abalance - :delta WHERE aid = :a1;
UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :a2;
END;
"""


def yunhe_tables(port):
    # The same initialization as PostgreSQL's: pgbench -i (tables WITH (fillfactor), TRUNCATE,
    # COPY ... WITH (freeze on), VACUUM ANALYZE, ALTER TABLE ADD PRIMARY KEY).
    subprocess.run([server.PGBENCH, "-i", "-q", "-s", str(SCALE), "-h", "127.0.0.1", "-p", str(port), "-U", "yunhe", "yunhe"],
                   capture_output=True, check=True)
    subprocess.run(["psql", "-X", "-q", "-h", "127.0.0.1", "-p", str(port), "-U", "yunhe", "yunhe", "-c", "CHECKPOINT"], check=True)


def pgbench(port, user, db, clients, args):
    env = dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(port), PGUSER=user)
    cmd = [server.PGBENCH, "-n", "-M", "simple", "-c", str(clients), "-j", str(min(clients, 4)), "-T", str(SECONDS)] + args + [db]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    tps, failed = None, 0
    for line in out.stdout.splitlines():
        if line.startswith("tps = "):
            tps = float(line.split()[2])
        if line.startswith("number of failed transactions:"):
            failed = int(line.split(":")[1].split()[0])
    if tps is None:
        raise SystemExit(f"pgbench failed: {out.stdout}{out.stderr}")
    return tps, failed


def total_balance(port, user, db):
    out = subprocess.run(["psql", "-X", "-At", "-h", "127.0.0.1", "-p", str(port), "-U", user, db, "-c",
                          "SELECT (SELECT sum(abalance) FROM pgbench_accounts) - (SELECT sum(bbalance) FROM pgbench_branches)"],
                         capture_output=True, text=True)
    return out.stdout.strip()


def readers_holding_blocks(port, stop, n=16):
    import psycopg2
    conns = [psycopg2.connect(host="127.0.0.1", port=port, user="yunhe", dbname="yunhe") for _ in range(n)]

    def loop(conn):
        cur = conn.cursor()  # default mode: the first SELECT opens a block that stays open
        while not stop.is_set():
            cur.execute("SELECT count(*), max(usage_user) FROM cpu WHERE hostname = 'host_1'")
            cur.fetchall()
            time.sleep(0.01)
        conn.close()

    threads = [threading.Thread(target=loop, args=(c,)) for c in conns]
    for t in threads:
        t.start()
    return threads


def main():
    server.WORK = tempfile.mkdtemp(prefix="yunhe-txnbench-")
    os.chmod(server.WORK, 0o755)
    procs, results = [], []
    pg_dir = None
    try:
        yunhe, ypg, yhttp = server.start_yunhe("tx")
        procs.append(yunhe)
        yunhe_tables(ypg)
        pg_dir, pport = server.start_postgres() if os.path.exists(server.PGBENCH) else (None, None)
        if pg_dir:
            subprocess.run([server.PGBENCH, "-i", "-q", "-s", str(SCALE), "-h", "127.0.0.1", "-p", str(pport), "-U", "postgres",
                            "postgres"], capture_output=True, check=True)
        workdir = server.WORK
        with open(os.path.join(workdir, "read.sql"), "w") as f:
            f.write(MIXED_READ)
        with open(os.path.join(workdir, "write.sql"), "w") as f:
            f.write(MIXED_WRITE)
        workloads = [("tpcb-like", ["-b", "tpcb-like"]),
                     ("mixed 8 reads : 2 writes", ["-f", os.path.join(workdir, "read.sql") + "@8", "-f", os.path.join(workdir, "write.sql") + "@2"])]
        systems = [("yunhe", ypg, "yunhe", "yunhe")] + ([("postgresql", pport, "postgres", "postgres")] if pg_dir else [])
        for name, args in workloads if "pgbench" in PARTS else []:
            for clients in CLIENTS:
                for system, port, user, db in systems:
                    runs = [pgbench(port, user, db, clients, args) for _ in range(RUNS)]
                    tps = [t for t, _ in runs]
                    failed = sum(f for _, f in runs)
                    print(f"{system} {name}, {clients} client(s): {', '.join(f'{t:,.0f}' for t in tps)} TPS, {failed} failed")
                    results.append((f"{name} TPS, {clients} client(s)", system, server.median_spread(tps), failed))
        problems = [f"{system}: {what}: {failed} failed transactions" for what, system, _, failed in results if failed]
        for system, port, user, db in systems if "pgbench" in PARTS else []:
            # Money moves between accounts and branches but is never made: the sums agree.
            balance = total_balance(port, user, db)
            print(f"{system}: sum(abalance) - sum(bbalance) after the tpcb-like and mixed runs = {balance}")
            if balance != "0":
                problems.append(f"{system}: money made or lost: {balance}")

        lp = subprocess.run(["/usr/bin/python3", os.path.join(server.HERE, "gen_cpu_lp.py"), str(server.HOSTS), str(server.HOURS)],
                            capture_output=True, check=True).stdout
        lines = lp.splitlines(keepends=True)
        batches = [b"".join(lines[k:k + server.BATCH]) for k in range(0, len(lines), server.BATCH)]
        for label, with_readers in (("alone", False), ("beside 16 sessions in open read blocks", True)) if "ingest" in PARTS else ():
            rates = []
            for run in range(RUNS):
                stop = threading.Event()
                threads = readers_holding_blocks(ypg, stop) if with_readers else []
                rows, secs = server.http_ingest(yhttp, f"/write?db=bench&precision=ns", batches)
                stop.set()
                for t in threads:
                    t.join()
                rates.append(rows / secs)
                print(f"yunhe HTTP /write {label}, run {run + 1}: {rows / secs:,.0f} rows/s")
            results.append((f"line protocol over HTTP rows/s, {label}", "yunhe", server.median_spread(rates), 0))

        print("\n| measurement | system | median | min | max | failed |\n|---|---|---|---|---|---|")
        for what, system, (med, lo, hi), failed in results:
            print(f"| {what} | {system} | {med:,.0f} | {lo:,.0f} | {hi:,.0f} | {failed} |")
        if problems:
            raise SystemExit("\n".join(problems))
    finally:
        server.stop_all(procs, pg_dir, server.WORK)


if __name__ == "__main__":
    main()
