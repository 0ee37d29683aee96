#!/usr/bin/python3
"""TPC-H side by side: yunhe, PostgreSQL 15, DuckDB and SQLite on the same data.

The data is bench/tpch/gen.py's at scale factor SF, built by yunhe (through its PostgreSQL
protocol) and by PostgreSQL from the same SQL, then exported by yunhe as CSV for DuckDB
(@duckdb/node-api, in memory) and SQLite (Python's sqlite3, a file). Every system gets the same
schema and no indexes; PostgreSQL is ANALYZEd. Each of the 22 queries (bench/tpch/queries, the
specification's validation parameters) runs RUNS times per system, the median is reported; a
query over TIMEOUT seconds is stopped and reported as such (and not run again). SQLite gets the
queries with its date and string functions written in (dates as text, date('x', '+3 month')).
Answers are compared after rounding numbers to two decimals.

usage: run.py path/to/yunhe   (env: SF=1, RUNS=3, TIMEOUT=300, SQLITE=1; SQLITE=0 leaves SQLite out)
Prints one line per measurement and a markdown table with the ratios (peer time / yunhe time).
"""
import csv
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import psycopg2

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import server  # noqa: E402  (start_yunhe, start_postgres)

SF = os.environ.get("SF", "1")
RUNS = int(os.environ.get("RUNS", 3))
TIMEOUT = int(os.environ.get("TIMEOUT", 300))
WITH_SQLITE = os.environ.get("SQLITE", "1") != "0"
TABLES = ["region", "nation", "supplier", "part", "partsupp", "customer", "orders", "lineitem"]


def normalize(rows):
    out = []
    for row in rows:
        cells = []
        for v in row:
            s = str(v)
            try:
                s = f"{float(s):.2f}" if s not in ("True", "False") else s
            except ValueError:
                pass
            cells.append(s.strip())
        out.append("|".join(cells))
    return out


def sqlite_dialect(sql):
    sql = re.sub(r"date '([0-9-]+)' ([+-]) interval '(\d+) (\w+?)s?'", r"date('\1', '\2\3 \4')", sql)
    sql = re.sub(r"date '([0-9-]+)'", r"'\1'", sql)
    sql = re.sub(r"extract\(year FROM (\w+)\)", r"CAST(strftime('%Y', \1) AS integer)", sql)
    sql = re.sub(r"substring\((\w+) FROM (\d+) FOR (\d+)\)", r"substr(\1, \2, \3)", sql)
    return sql


def run_pg_like(con, sql, timeout):
    with con.cursor() as cur:
        cur.execute(f"SET statement_timeout = {timeout * 1000}")
        t0 = time.perf_counter()
        try:
            cur.execute(sql)
            rows = cur.fetchall()
        except psycopg2.errors.QueryCanceled:
            return None, None
        return time.perf_counter() - t0, rows


def run_sqlite(con, sql, timeout):
    timer = threading.Timer(timeout, con.interrupt)
    timer.start()
    t0 = time.perf_counter()
    try:
        rows = con.execute(sql).fetchall()
        return time.perf_counter() - t0, rows
    except sqlite3.OperationalError as e:
        if "interrupted" in str(e):
            return None, None
        raise
    finally:
        timer.cancel()


def run_sqlite_side(work, schema, queries, loads, times, answers, timeouts):
    """SQLite (file database, loaded from yunhe's CSV export): loads and runs every query."""
    lite = sqlite3.connect(os.path.join(work, "lite.db"), cached_statements=0)
    t0 = time.perf_counter()
    for stmt in schema.split(";\n"):
        lite.execute(stmt)
        table = re.match(r"CREATE TABLE (\w+)", stmt).group(1)
        with open(os.path.join(work, f"{table}.csv")) as f:
            reader = csv.reader(f)
            first = next(reader, None)
            if first:
                marks = ", ".join("?" * len(first))
                lite.execute(f"INSERT INTO {table} VALUES ({marks})", first)
                lite.executemany(f"INSERT INTO {table} VALUES ({marks})", reader)
    lite.execute("ANALYZE")
    lite.commit()
    loads["SQLite"] = time.perf_counter() - t0
    for q, text in queries.items():
        ts = []
        for _ in range(RUNS):
            t, rows = run_sqlite(lite, sqlite_dialect(text), TIMEOUT)
            if t is None:
                timeouts[(q, "SQLite")] = True
                break
            ts.append(t)
            answers[(q, "SQLite")] = normalize(rows)
        if ts:
            times[(q, "SQLite")] = statistics.median(ts)
        print(f"{q:4s} {'SQLite':14s} " + (f"{times[(q, 'SQLite')] * 1e3:10.1f} ms" if ts else f"> {TIMEOUT} s (stopped)"), flush=True)


def main():
    server.WORK = tempfile.mkdtemp(prefix="yunhe-tpch-")
    os.chmod(server.WORK, 0o755)
    work = server.WORK
    procs, pg_dir = [], None
    sql = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "gen.py"), SF], capture_output=True, text=True, check=True).stdout
    statements = [s.strip() for s in sql.split(";\n") if s.strip()]
    schema = ";\n".join(s for s in statements if s.startswith("CREATE TABLE") and " AS SELECT" not in s)
    queries = {}
    for k in range(1, 23):
        with open(os.path.join(HERE, "queries", f"q{k:02d}.sql")) as f:
            queries[f"Q{k}"] = f.read().strip()
    try:
        systems, pg_dir = server.sql_systems(procs)
        loads = {}
        for name, con in systems.items():
            t0 = time.perf_counter()
            with con.cursor() as cur:
                for s in statements:
                    cur.execute(s)
                cur.execute("CHECKPOINT" if name == "yunhe" else "ANALYZE")
            loads[name] = time.perf_counter() - t0
            print(f"{name}: generated SF {SF} in {loads[name]:.1f} s", flush=True)
        with systems["yunhe"].cursor() as cur:
            for t in TABLES:
                with open(os.path.join(work, f"{t}.csv"), "w") as f:
                    cur.copy_expert(f"COPY {t} TO STDOUT (FORMAT csv)", f)
        times, answers, timeouts = {}, {}, {}
        for name, con in systems.items():
            for q, text in queries.items():
                ts = []
                for _ in range(RUNS):
                    t, rows = run_pg_like(con, text, TIMEOUT)
                    if t is None:
                        timeouts[(q, name)] = True
                        break
                    ts.append(t)
                    answers[(q, name)] = normalize(rows)
                if ts:
                    times[(q, name)] = statistics.median(ts)
                print(f"{q:4s} {name:14s} " + (f"{times[(q, name)] * 1e3:10.1f} ms" if ts else f"> {TIMEOUT} s (stopped)"), flush=True)
        # DuckDB (node, in memory, loaded from yunhe's CSV export).
        nm = os.path.join(os.path.dirname(HERE), "node_modules", "@duckdb", "node-api")
        if os.path.isdir(nm):
            env = dict(os.environ, SCHEMA=schema, QUERIES=json.dumps(queries))
            out = subprocess.run(["node", "peers/duckdb_tpch.mjs", work, str(RUNS)], cwd=os.path.dirname(HERE), env=env,
                                 capture_output=True, text=True)
            for line in out.stdout.splitlines():
                parts = line.split("\t")
                if parts[0] == "load":
                    loads["DuckDB"] = float(parts[1]) / 1e3
                    continue
                ms = [float(x) for x in parts[1:-1]]
                times[(parts[0], "DuckDB")] = statistics.median(ms) / 1e3
                answers[(parts[0], "DuckDB")] = normalize([r.split("|") for r in parts[-1].split(";")] if parts[-1] else [])
                print(f"{parts[0]:4s} {'DuckDB':14s} {times[(parts[0], 'DuckDB')] * 1e3:10.1f} ms", flush=True)
            if out.returncode:
                print("DuckDB failed:", out.stderr[-2000:])
        # SQLite (file database, loaded from the same CSV).
        if WITH_SQLITE:
            run_sqlite_side(work, schema, queries, loads, times, answers, timeouts)

        names = ["yunhe", "PostgreSQL 15", "DuckDB"] + (["SQLite"] if WITH_SQLITE else [])
        print()
        print(f"TPC-H SF {SF}, medians of {RUNS} runs, ms (ratio = peer time / yunhe time; > 1: yunhe faster)")
        print()
        print("| query | " + " | ".join(names) + " | " + " | ".join(f"ratio {n}" for n in names[1:]) + " | answers |")
        print("|---|" + "---:|" * (2 * len(names) - 1) + "---|")
        totals = {n: 0.0 for n in names}
        complete = {n: True for n in names}
        for q in queries:
            cells, ratios = [], []
            base = times.get((q, "yunhe"))
            for n in names:
                t = times.get((q, n))
                if t is None:
                    complete[n] = False
                cells.append(f"{t * 1e3:.1f}" if t is not None else (f">{TIMEOUT}s" if (q, n) in timeouts else "-"))
                if t is not None:
                    totals[n] += t
            for n in names[1:]:
                t = times.get((q, n))
                ratios.append(f"{t / base:.2f}" if t is not None and base else ("> " + f"{TIMEOUT / base:.0f}" if (q, n) in timeouts and base else "-"))
            ref = answers.get((q, "PostgreSQL 15")) or answers.get((q, "DuckDB"))
            mine = answers.get((q, "yunhe"))
            agree = [n for n in names[1:] if (q, n) in answers and answers[(q, n)] == mine]
            verdict = "no yunhe answer" if mine is None else ("agree: " + ", ".join(agree) if agree else "DIFFER") if ref is not None else "-"
            print(f"| {q} | " + " | ".join(cells) + " | " + " | ".join(ratios) + f" | {verdict} |")
        print("| total | " + " | ".join(f"{totals[n] * 1e3:.0f}" + ("" if complete[n] else "+") for n in names) + " | " +
              " | ".join(f"{totals[n] / totals['yunhe']:.2f}" + ("" if complete[n] else "+") for n in names[1:]) + " | |")
        print()
        print("load (generate or COPY) s: " + ", ".join(f"{n} {loads[n]:.1f}" for n in names if n in loads))
    finally:
        server.stop_all(procs, pg_dir, work)


if __name__ == "__main__":
    main()
