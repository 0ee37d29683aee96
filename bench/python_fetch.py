#!/usr/bin/python3
"""Python access (issue 18): ROWS rows x 4 columns (timestamptz, bigint, double, text) into Python.

  yunhe embedded:   con.execute(q).fetchnumpy() and .df() (import yunhe, same process)
  yunhe server:     psycopg2 fetchall and pandas.read_sql over 127.0.0.1 (yunhe serve)
  PostgreSQL 15:    psycopg2 fetchall and pandas.read_sql (a throw-away cluster, same data)
  (DuckDB's Python package is not a Debian package and PyPI is out of reach here.)
Also a vectorized Python UDF over ROWS rows against the same arithmetic in SQL, and
con.append of a DataFrame with the same 4 columns.
Medians of RUNS runs; ratios = peer time / yunhe embedded time. Answers (row count and sums)
are compared.

usage: python_fetch.py path/to/yunhe path/to/build/python   (env: ROWS, RUNS)
"""
import os
import statistics
import sys
import tempfile
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, sys.argv[2])
import server  # noqa: E402  (start_yunhe, start_postgres, stop_all)

import pandas as pd  # noqa: E402

import yunhe  # noqa: E402

ROWS = int(os.environ.get("ROWS", 10_000_000))
RUNS = int(os.environ.get("RUNS", 3))
MAKE = (f"CREATE TABLE t AS SELECT timestamptz '2024-01-01 00:00:00+00' + g * interval '1 millisecond' AS ts, "
        f"g::bigint AS id, (g * 0.5)::float8 AS x, 'dev-' || (g % 1000) AS dev FROM generate_series(1, {ROWS}) g")
QUERY = "SELECT ts, id, x, dev FROM t"


def timed(fn, runs=RUNS):
    times, out = [], None
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def check(name, n, xsum):
    ok = n == ROWS and abs(xsum - sum_x) < 1e-6 * sum_x
    print(f"  {name}: {n} rows, sum(x) {xsum:.1f} {'ok' if ok else 'DIFFERS'}", flush=True)
    return ok


def main():
    global sum_x
    warnings.filterwarnings("ignore", message="pandas only supports SQLAlchemy")
    sum_x = sum(g * 0.5 for g in range(1, ROWS + 1)) if ROWS <= 1_000_000 else 0.25 * ROWS * (ROWS + 1)
    server.WORK = tempfile.mkdtemp(prefix="yunhe-pyfetch-")
    os.chmod(server.WORK, 0o755)
    procs, pg_dir = [], None
    results = []  # (what, seconds)
    try:
        con = yunhe.connect()
        con.execute(MAKE)
        t, a = timed(lambda: con.execute(QUERY).fetchnumpy())
        check("yunhe fetchnumpy", len(a["id"]), float(a["x"].sum()))
        results.append(("yunhe embedded: fetchnumpy()", t))
        t, df = timed(lambda: con.execute(QUERY).df())
        check("yunhe df", len(df), float(df["x"].sum()))
        results.append(("yunhe embedded: df()", t))
        del a, df

        systems, pg_dir = server.sql_systems(procs)
        for name, pgcon in systems.items():
            with pgcon.cursor() as cur:
                cur.execute(MAKE)
            def fetch(c=pgcon):
                with c.cursor() as cur:
                    cur.execute(QUERY)
                    return cur.fetchall()
            t, rows = timed(fetch)
            check(f"{name} psycopg2 fetchall", len(rows), float(sum(r[2] for r in rows)))
            results.append((f"{name} server: psycopg2 fetchall()", t))
            del rows
            t, df = timed(lambda c=pgcon: pd.read_sql(QUERY, c))
            check(f"{name} read_sql", len(df), float(df["x"].sum()))
            results.append((f"{name} server: pandas.read_sql()", t))
            del df

        # A Python UDF against the same arithmetic in SQL.
        con.create_function("mid", lambda a, b: (a + b) / 2, ["DOUBLE", "DOUBLE"], "DOUBLE")
        t_sql, r1 = timed(lambda: con.execute("SELECT sum((x + id) / 2) FROM t").fetchone()[0])
        t_udf, r2 = timed(lambda: con.execute("SELECT sum(mid(x, id::float8)) FROM t").fetchone()[0])
        print(f"  UDF answer {'ok' if abs(r1 - r2) < 1e-6 * abs(r1) else 'DIFFERS'}", flush=True)
        chunks = (ROWS + 2047) // 2048
        print(f"UDF: SQL {t_sql * 1e3:.1f} ms, Python UDF {t_udf * 1e3:.1f} ms: "
              f"{(t_udf - t_sql) / chunks * 1e6:.1f} us more per 2,048-row chunk", flush=True)

        # Appending a DataFrame of the same shape.
        df = con.execute(QUERY).df()
        con.execute("CREATE TABLE t2 (ts timestamptz, id bigint, x double precision, dev text)")
        def append():
            con.execute("TRUNCATE t2")
            return con.append("t2", df)
        t_app, n = timed(append)
        num = df[["ts", "id", "x"]]
        con.execute("CREATE TABLE t3 (ts timestamptz, id bigint, x double precision)")
        def append_num():
            con.execute("TRUNCATE t3")
            return con.append("t3", num)
        t_num, _ = timed(append_num)
        print(f"append: 4 columns {n / t_app / 1e6:.2f} M rows/s; numeric only (ts, id, x) {n / t_num / 1e6:.2f} M rows/s",
              flush=True)
        # A registered DataFrame queried in place against the same rows in a table.
        agg = "SELECT sum(x), max(id), count(*) FROM {}"
        t_reg_make, _ = timed(lambda: (con.register("reg", num), con.unregister("reg")))
        con.register("reg", num)
        t_reg, a1 = timed(lambda: con.execute(agg.format("reg")).fetchone())
        t_tab, a2 = timed(lambda: con.execute(agg.format("t3")).fetchone())
        print(f"register: {t_reg_make * 1e3:.1f} ms to register {n:,} rows; sum/max/count over it {t_reg * 1e3:.1f} ms "
              f"({n / t_reg / 1e6:.0f} M rows/s) vs the same table {t_tab * 1e3:.1f} ms; answers "
              f"{'agree' if a1 == a2 else 'DIFFER'}", flush=True)
    finally:
        server.stop_all(procs, pg_dir, server.WORK)

    print()
    print(f"| {ROWS:,} rows x 4 columns into Python | seconds (median of {RUNS}) | ratio (this / yunhe fetchnumpy) |")
    print("|---|---:|---:|")
    base = results[0][1]
    for what, t in results:
        print(f"| {what} | {t:.3f} | {t / base:.1f} |")


if __name__ == "__main__":
    main()
