#!/usr/bin/python3
"""Join-order stress (issue 16): 10-, 20- and 30-way joins over small tables written in random
FROM orders, side by side with PostgreSQL 15 and SQLite, each with default settings.

  Tables c1 ... c30 (ROWS to ROWS + 28 rows each) form a chain, c_i.nxt = c_{i+1}.id, so every
  join answers c1's row count; a star adds a fact table of FACT rows and eight dimensions with
  filters. Each query is written ORDERS times with its FROM list and its WHERE equalities
  shuffled (a fixed seed). Per system and query: planning time (EXPLAIN, which plans without
  running; SQLite: EXPLAIN QUERY PLAN) and planning + execution (the query itself), medians of
  RUNS runs over the shuffled orders, measured from the client (psycopg2 over 127.0.0.1 for
  yunhe's server and PostgreSQL, Python's sqlite3 in process for SQLite). Answers are compared.

usage: join_order.py path/to/yunhe   (env: ROWS, FACT, ORDERS, RUNS)
Prints one line per measurement and a markdown table with ratios (peer time / yunhe time).
"""
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server  # noqa: E402  (helpers: start_yunhe, start_postgres)

ROWS = int(os.environ.get("ROWS", 1000))
FACT = int(os.environ.get("FACT", 200000))
ORDERS = int(os.environ.get("ORDERS", 5))
RUNS = int(os.environ.get("RUNS", 3))
N = 30


def setup_sql():
    out = []
    for i in range(1, N + 1):
        size, nxt = ROWS + 7 * (i % 5), ROWS + 7 * ((i + 1) % 5)
        out.append(f"CREATE TABLE c{i} (id int, nxt int, v int)")
        out.append(f"INSERT INTO c{i} SELECT g, (g * 3 + {i}) % {nxt} + 1, g % 11 FROM generate_series(1, {size}) g")
    out.append("CREATE TABLE fact (id int, " + ", ".join(f"d{j} int" for j in range(1, 9)) + ", amount int)")
    out.append("INSERT INTO fact SELECT g, " + ", ".join(f"(g * {j * 7 + 3}) % {5 + j * 40} + 1" for j in range(1, 9)) +
               f", g % 97 FROM generate_series(1, {FACT}) g")
    for j in range(1, 9):
        out.append(f"CREATE TABLE dim{j} (id int, name text, grp int)")
        out.append(f"INSERT INTO dim{j} SELECT g, 'd{j}_' || g, g % 3 FROM generate_series(1, {5 + j * 40}) g")
    return out


def sqlite_setup(con):
    # SQLite has no generate_series in the stock CLI library: the same rows from Python.
    for i in range(1, N + 1):
        size, nxt = ROWS + 7 * (i % 5), ROWS + 7 * ((i + 1) % 5)
        con.execute(f"CREATE TABLE c{i} (id int, nxt int, v int)")
        con.executemany(f"INSERT INTO c{i} VALUES (?, ?, ?)", [(g, (g * 3 + i) % nxt + 1, g % 11) for g in range(1, size + 1)])
    con.execute("CREATE TABLE fact (id int, " + ", ".join(f"d{j} int" for j in range(1, 9)) + ", amount int)")
    con.executemany("INSERT INTO fact VALUES (" + ", ".join("?" * 10) + ")",
                    [tuple([g] + [(g * (j * 7 + 3)) % (5 + j * 40) + 1 for j in range(1, 9)] + [g % 97]) for g in range(1, FACT + 1)])
    for j in range(1, 9):
        con.execute(f"CREATE TABLE dim{j} (id int, name text, grp int)")
        con.executemany(f"INSERT INTO dim{j} VALUES (?, ?, ?)", [(g, f"d{j}_{g}", g % 3) for g in range(1, 5 + j * 40 + 1)])
    con.execute("ANALYZE")
    con.commit()


def chain(n, rng):
    order = list(range(1, n + 1))
    rng.shuffle(order)
    conds = [f"c{i}.nxt = c{i + 1}.id" for i in range(1, n)]
    rng.shuffle(conds)
    return (f"SELECT count(*), sum(c1.v + c{n}.v) FROM " + ", ".join(f"c{i}" for i in order) + " WHERE " + " AND ".join(conds))


def star(rng):
    order = ["fact"] + [f"dim{j}" for j in range(1, 9)]
    rng.shuffle(order)
    conds = [f"fact.d{j} = dim{j}.id" for j in range(1, 9)] + ["dim2.grp = 1", "dim5.name < 'd5_3'", "dim7.grp <> 0"]
    rng.shuffle(conds)
    return "SELECT count(*), sum(fact.amount) FROM " + ", ".join(order) + " WHERE " + " AND ".join(conds)


def timed(run, sql):
    t0 = time.perf_counter()
    rows = run(sql)
    return time.perf_counter() - t0, rows


def main():
    server.WORK = tempfile.mkdtemp(prefix="yunhe-joinorder-")
    os.chmod(server.WORK, 0o755)
    procs, pg_dir = [], None
    rng = random.Random(16)
    queries = {f"chain {n}": [chain(n, rng) for _ in range(ORDERS)] for n in (10, 20, 30)}
    queries["star 9"] = [star(rng) for _ in range(ORDERS)]
    try:
        systems, pg_dir = server.sql_systems(procs)
        for name, con in systems.items():
            with con.cursor() as cur:
                for s in setup_sql():
                    cur.execute(s)
                cur.execute("ANALYZE" if name != "yunhe" else "CHECKPOINT")
        # No statement cache: every query is prepared (planned) again, as for the other systems.
        lite = sqlite3.connect(os.path.join(server.WORK, "lite.db"), cached_statements=0)
        sqlite_setup(lite)

        def pg_runner(con, explain):
            def run(sql):
                with con.cursor() as cur:
                    cur.execute(("EXPLAIN " if explain else "") + sql)
                    return cur.fetchall()
            return run

        def lite_runner(explain):
            return lambda sql: lite.execute(("EXPLAIN QUERY PLAN " if explain else "") + sql).fetchall()

        results = []  # (query, system, plan median, total median)
        for qname, variants in queries.items():
            answers = {}
            for name in list(systems) + ["SQLite"]:
                plan_t, total_t = [], []
                for _ in range(RUNS):
                    for sql in variants:
                        plan = pg_runner(systems[name], True) if name != "SQLite" else lite_runner(True)
                        run = pg_runner(systems[name], False) if name != "SQLite" else lite_runner(False)
                        plan_t.append(timed(plan, sql)[0])
                        t, rows = timed(run, sql)
                        total_t.append(t)
                        answers.setdefault(name, set()).add(tuple(str(int(x)) if x is not None else "NULL" for x in rows[0]))
                results.append((qname, name, statistics.median(plan_t), statistics.median(total_t)))
                print(f"{qname:9s} {name:14s} plan {statistics.median(plan_t) * 1e3:8.2f} ms   plan+run "
                      f"{statistics.median(total_t) * 1e3:9.2f} ms   (min {min(total_t) * 1e3:.2f}, max {max(total_t) * 1e3:.2f})",
                      flush=True)
            agree = len({frozenset(a) for a in answers.values()}) == 1 and all(len(a) == 1 for a in answers.values())
            print(f"{qname}: answers {'agree' if agree else 'DIFFER: ' + repr(answers)}", flush=True)
        print()
        print("| query | system | plan ms | plan+run ms | ratio (peer/yunhe, plan+run) |")
        print("|---|---|---:|---:|---:|")
        base = {q: t for (q, s, p, t) in results if s == "yunhe"}
        for q, s, p, t in results:
            print(f"| {q} | {s} | {p * 1e3:.2f} | {t * 1e3:.2f} | {'' if s == 'yunhe' else f'{t / base[q]:.2f}'} |")
    finally:
        server.stop_all(procs, pg_dir, server.WORK)


if __name__ == "__main__":
    main()
