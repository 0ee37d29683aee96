#!/usr/bin/python3
"""Scale-out on Dask (issue 18): the same aggregate on 1, 2 and 3 `yunhe serve` nodes.

  strong scaling: ROWS rows of cpu line protocol in total, spread over the nodes by series
  weak scaling:   ROWS rows per node
Per run: ingest through yunhe.dask.ShardedWriter (rows/s), the aggregate through yunhe.dask.sql
on a LocalCluster (one worker process per node, one thread each), the same query on one node
directly (psycopg2) for the overhead, Dask's round trip for an empty task, and the bytes of
partial aggregates shipped. Medians of RUNS runs. On this 2-core machine every node and worker
shares the same two cores: the figures are overheads, not speed-ups.

usage: dask_scale.py path/to/yunhe path/to/build/python   (env: ROWS, RUNS, HOSTS)
"""
import os
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, sys.argv[2])
from yunhe import dask as ydask  # noqa: E402

YUNHE = sys.argv[1]
ROWS = int(os.environ.get("ROWS", 3_000_000))
RUNS = int(os.environ.get("RUNS", 3))
HOSTS = int(os.environ.get("HOSTS", 300))
QUERY = ("SELECT host, time_bucket('1 hour', time) AS hour, avg(usage_user) AS u, max(usage_system) AS m, count(*) AS n "
         "FROM cpu GROUP BY 1, 2 ORDER BY 1, 2")
T0 = 1_709_280_000_000_000_000


def lines(rows):
    per_host = rows // HOSTS
    for i in range(per_host):
        for h in range(HOSTS):
            yield "cpu,host=h%04d usage_user=%d.5,usage_system=%di %d" % (h, (i * 7 + h) % 100, (i + h) % 50,
                                                                          T0 + i * 10_000_000_000)


def median_time(fn):
    times, out = [], None
    for _ in range(RUNS):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def run(nodes_count, rows, client):
    base = tempfile.mkdtemp(prefix="yunhe-dask-bench-")
    specs, procs = ydask.start_local_nodes(YUNHE, nodes_count, base)
    try:
        writer = ydask.ShardedWriter(specs)
        t = time.perf_counter()
        batch = []
        for line in lines(rows):
            batch.append(line)
            if len(batch) == 50_000:
                writer.write(batch)
                batch = []
        if batch:
            writer.write(batch)
        ingest = rows / (time.perf_counter() - t)
        t_dask, res = median_time(lambda: ydask.sql(specs, QUERY, client=client))
        plan = ydask.Plan(QUERY)
        shipped = sum(ydask.run_sql(s, plan.node_sql).memory_usage(deep=True).sum() for s in specs)
        t_node, _ = median_time(lambda: ydask.run_sql(specs[0], QUERY))
        return ingest, t_dask, t_node, len(res), shipped
    finally:
        ydask.stop_local_nodes(procs)
        shutil.rmtree(base, ignore_errors=True)


def main():
    from dask.distributed import Client, LocalCluster
    results = []
    for n in (1, 2, 3):
        lc = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None)
        client = Client(lc)
        t_task, _ = median_time(lambda: client.submit(lambda: 1, pure=False).result())
        for kind, rows in (("strong", ROWS), ("weak", ROWS * n)):
            if n == 1 and kind == "weak":
                continue
            ingest, t_dask, t_node, groups, shipped = run(n, rows, client)
            results.append((kind, n, rows, ingest, t_dask, t_node, groups, shipped, t_task))
            print(f"{kind:6s} nodes={n} rows={rows:,}: ingest {ingest / 1e3:.0f}k rows/s, dask sql {t_dask:.3f} s, "
                  f"node 0 alone {t_node:.3f} s, {groups} groups, partials {shipped / 1e6:.2f} MB, "
                  f"empty task {t_task * 1e3:.1f} ms", flush=True)
        client.close()
        lc.close()
    print()
    print("| scaling | nodes | rows | ingest rows/s | yunhe.dask.sql s | node 0 alone s | partial MB shipped | empty Dask task ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind, n, rows, ingest, t_dask, t_node, groups, shipped, t_task in results:
        print(f"| {kind} | {n} | {rows:,} | {ingest:,.0f} | {t_dask:.3f} | {t_node:.3f} | {shipped / 1e6:.2f} | {t_task * 1e3:.1f} |")


if __name__ == "__main__":
    main()
