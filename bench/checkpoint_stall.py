#!/usr/bin/python3
"""How long writers wait for checkpoints during sustained ingest (issue 15: a checkpoint "holds
writers back only for a short switch, not for the write").

For each yunhe binary given (e.g. one built before background checkpoints and one after), in
turn: `yunhe serve` on a fresh directory with --memory-limit LIMIT; one session inserts ROWS GNSS-
like fixes in INSERT ... SELECT batches of BATCH rows (each batch makes the resident tail grow,
so checkpoints come every quarter of the limit); meanwhile a probe session commits a one-row
INSERT every 2 ms and records each one's latency. Prints ingest rows/s, the probe's latency
p50 / p99 / max, and the checkpoints the server ran (its /metrics, where it has them).

usage: checkpoint_stall.py path/to/yunhe [path/to/other/yunhe ...]
env: ROWS (default 6000000), BATCH (100000), LIMIT (256MB), RUNS (1)
"""
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import psycopg2

ROWS = int(os.environ.get("ROWS", 6_000_000))
BATCH = int(os.environ.get("BATCH", 100_000))
LIMIT = os.environ.get("LIMIT", "256MB")
RUNS = int(os.environ.get("RUNS", 1))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"server did not listen on {port}")


def metrics(port):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/metrics")
    out = {}
    for line in conn.getresponse().read().decode().splitlines():
        if line.startswith("yunhe_") and " " in line:
            k, v = line.rsplit(" ", 1)
            out[k] = v
    return out


def run(binary, work):
    data = os.path.join(work, "d")
    shutil.rmtree(data, ignore_errors=True)
    pg, web = free_port(), free_port()
    proc = subprocess.Popen([binary, "serve", data, "--pg-port", str(pg), "--http-port", str(web), "--ilp-port", "-1",
                             "--memory-limit", LIMIT], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(pg)
        wait_port(web)
        writer = psycopg2.connect(host="127.0.0.1", port=pg, user="yunhe", dbname="yunhe")
        writer.autocommit = True
        cur = writer.cursor()
        cur.execute("CREATE TABLE fix (ts timestamptz NOT NULL, dev int, lon double precision, lat double precision, "
                    "speed double precision) PARTITION BY RANGE (ts) WITH (partition_interval = '1 hour')")
        cur.execute("CREATE TABLE probe (ts timestamptz, i int)")
        latencies, stop = [], threading.Event()

        def probe():
            conn = psycopg2.connect(host="127.0.0.1", port=pg, user="yunhe", dbname="yunhe")
            conn.autocommit = True
            c = conn.cursor()
            i = 0
            while not stop.is_set():
                t0 = time.perf_counter()
                c.execute("INSERT INTO probe VALUES (now(), %s)", (i,))
                latencies.append(time.perf_counter() - t0)
                i += 1
                time.sleep(0.002)
            conn.close()

        t = threading.Thread(target=probe)
        t.start()
        t0 = time.perf_counter()
        for b in range(ROWS // BATCH):
            first = b * BATCH
            cur.execute(f"INSERT INTO fix SELECT timestamptz '2026-03-01 00:00:00+00' + (x / 1000) * interval '1 second', x % 1000, "
                        f"116.3 + (x % 1000) * 0.001, 39.9 + (x % 997) * 0.001, (x % 30) * 1.0 "
                        f"FROM generate_series({first}, {first + BATCH - 1}) x")
        elapsed = time.perf_counter() - t0
        stop.set()
        t.join()
        cur.execute("SELECT count(*) FROM fix")
        assert cur.fetchone()[0] == ROWS // BATCH * BATCH
        m = metrics(web)
        writer.close()
    finally:
        proc.terminate()
        proc.wait()
    lat = sorted(latencies)
    return {
        "rows_per_s": ROWS // BATCH * BATCH / elapsed,
        "p50_ms": 1000 * statistics.median(lat),
        "p99_ms": 1000 * lat[int(0.99 * (len(lat) - 1))],
        "max_ms": 1000 * lat[-1],
        "probes": len(lat),
        "sync_checkpoints": m.get("yunhe_checkpoints_total", "n/a"),
        "background_checkpoints": m.get("yunhe_background_checkpoints_total", "n/a"),
        "compactions": m.get("yunhe_background_compactions_total", "n/a"),
    }


def main():
    binaries = sys.argv[1:]
    if not binaries:
        raise SystemExit(__doc__)
    work = tempfile.mkdtemp(prefix="yunhe-ckpt-stall-")
    rows = []
    try:
        for r in range(RUNS):
            for b in binaries:
                res = run(b, work)
                print(f"run {r + 1} {b}: " + ", ".join(f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}" for k, v in res.items()),
                      flush=True)
                rows.append((b, res))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n{ROWS} rows in batches of {BATCH}, --memory-limit {LIMIT}; probe = one-row INSERT every 2 ms (medians of {RUNS} runs)\n")
    print("| binary | ingest rows/s | probe p50 ms | probe p99 ms | probe max ms | sync / background checkpoints (compacting) |")
    print("|---|---|---|---|---|---|")
    for b in binaries:
        rs = [res for bb, res in rows if bb == b]
        med = lambda k: statistics.median(x[k] for x in rs)  # noqa: E731
        print(f"| {b} | {med('rows_per_s'):,.0f} | {med('p50_ms'):.2f} | {med('p99_ms'):.1f} | {med('max_ms'):.1f} | "
              f"{rs[-1]['sync_checkpoints']} / {rs[-1]['background_checkpoints']} ({rs[-1]['compactions']}) |")


if __name__ == "__main__":
    main()
