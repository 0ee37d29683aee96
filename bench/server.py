#!/usr/bin/python3
"""Server front ends under load, side by side with InfluxDB 1.6 and PostgreSQL 15 when present.

  1. Line protocol over HTTP: TSBS-style cpu rows (bench/gen_cpu_lp.py) in batches of BATCH
     lines, POSTed to /write by SENDERS concurrent senders (processes, keep-alive connections),
     as Telegraf does. rows/s = all rows / wall time until the last 204; counts checked after.
  2. Simple-query round trips over the PostgreSQL protocol: pgbench running `SELECT 1` with 1
     and 4 clients for SECONDS each (simple protocol, no transactions around it).
  3. Durable single-row INSERTs over the PostgreSQL protocol: pgbench, 1, 4 and 8 clients, each
     statement its own transaction acknowledged after its WAL fsync (PostgreSQL with its default
     synchronous_commit = on): what group commit is for.

usage: server.py path/to/yunhe   (env: HOSTS, HOURS, BATCH, SENDERS, SECONDS, RUNS)
Prints one line per measurement and a markdown table at the end.
"""
import http.client
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers"))
from http_load import post_all  # noqa: E402
from influxd import free_port, start_influxd  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
YUNHE = sys.argv[1]
HOSTS = int(os.environ.get("HOSTS", 100))
HOURS = float(os.environ.get("HOURS", 24))
BATCH = int(os.environ.get("BATCH", 5000))
SENDERS = int(os.environ.get("SENDERS", 4))
SECONDS = int(os.environ.get("SECONDS", 10))
RUNS = int(os.environ.get("RUNS", 3))
PGBENCH = "/usr/lib/postgresql/15/bin/pgbench"
PGBIN = "/usr/lib/postgresql/15/bin"


def wait_port(port, what, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{what} did not start on port {port}")


def send(args):
    """One sender: POSTs its batches on one keep-alive connection; returns the rows it wrote."""
    port, path, bodies = args
    post_all(port, path, bodies)
    return sum(body.count(b"\n") for body in bodies)


def http_ingest(port, path, batches):
    parts = [(port, path, batches[k::SENDERS]) for k in range(SENDERS)]
    start = time.time()
    with multiprocessing.Pool(SENDERS) as pool:
        rows = sum(pool.map(send, parts))
    return rows, time.time() - start


def pgbench(port, user, db, clients, host_dir=None, sql="SELECT 1;"):
    script = os.path.join(WORK, "bench.sql")
    with open(script, "w") as f:
        f.write(sql + "\n")
    env = dict(os.environ, PGHOST=host_dir or "127.0.0.1", PGPORT=str(port), PGUSER=user)
    cmd = [PGBENCH, "-n", "-M", "simple", "-f", script, "-c", str(clients), "-j", str(clients), "-T", str(SECONDS), db]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    for line in out.stdout.splitlines():
        if line.startswith("tps = "):
            return float(line.split()[2])
    raise SystemExit(f"pgbench failed: {out.stdout}{out.stderr}")


def start_yunhe(name="yunhe"):
    pg, web = free_port(), free_port()
    proc = subprocess.Popen([YUNHE, "serve", os.path.join(WORK, name), "--pg-port", str(pg), "--http-port", str(web),
                             "--ilp-port", "-1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(pg, "yunhe")
    wait_port(web, "yunhe HTTP")
    return proc, pg, web


def start_influx():
    if not shutil.which("influxd"):
        return None, None
    return start_influxd(os.path.join(WORK, "influx"))


def influx_query(port, q):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("POST", "/query", body=urllib.parse.urlencode({"q": q}), headers={"Content-Type": "application/x-www-form-urlencoded"})
    conn.getresponse().read()


def influx_count(port, db):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    q = urllib.parse.urlencode({"db": db, "q": "SELECT count(usage_user) FROM cpu"})
    conn.request("GET", "/query?" + q)
    body = conn.getresponse().read().decode()
    return int(body.split('"values":[[')[1].split(",")[1].split("]")[0])


def start_postgres():
    if not os.path.exists(os.path.join(PGBIN, "initdb")) or subprocess.run(["id", "postgres"], capture_output=True).returncode:
        return None, None
    base = os.path.join(WORK, "pg")
    os.makedirs(base)
    shutil.chown(base, "postgres")
    port = free_port()
    subprocess.run(["su", "postgres", "-c", f"{PGBIN}/initdb -D {base} -A trust"], capture_output=True, check=True)
    subprocess.run(["su", "postgres", "-c", f"{PGBIN}/pg_ctl -D {base} -o '-p {port} -k {base} -c listen_addresses=127.0.0.1' "
                    f"-l {base}/log start"], capture_output=True, check=True)
    wait_port(port, "postgres")
    return base, port


def stop_all(procs, pg_dir, work):
    """Stops the yunhe processes, the throw-away PostgreSQL cluster (if any) and removes `work`."""
    for p in procs:
        p.terminate()
        p.wait()
    if pg_dir:
        subprocess.run(["su", "postgres", "-c", f"{PGBIN}/pg_ctl -D {pg_dir} -m immediate stop"], capture_output=True)
    shutil.rmtree(work, ignore_errors=True)


def sql_systems(procs):
    """yunhe's server and, when installed, a throw-away PostgreSQL 15: autocommit psycopg2
    connections by name, and the PostgreSQL directory (None without one). yunhe's process is
    appended to `procs` at once, so stop_all ends it whatever fails later."""
    import psycopg2
    systems = {}
    proc, ypg, _ = start_yunhe("yunhe")
    procs.append(proc)
    systems["yunhe"] = psycopg2.connect(host="127.0.0.1", port=ypg, user="yunhe", dbname="yunhe")
    pg_dir, pport = start_postgres()
    if pport:
        systems["PostgreSQL 15"] = psycopg2.connect(host="127.0.0.1", port=pport, user="postgres", dbname="postgres")
    for con in systems.values():
        con.autocommit = True
    return systems, pg_dir


def median_spread(xs):
    return statistics.median(xs), min(xs), max(xs)


def main():
    global WORK
    WORK = tempfile.mkdtemp(prefix="yunhe-serverbench-")
    os.chmod(WORK, 0o755)
    procs = []
    pg_dir = None
    try:
        lp = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "gen_cpu_lp.py"), str(HOSTS), str(HOURS)],
                            capture_output=True, check=True).stdout
        lines = lp.splitlines(keepends=True)
        batches = [b"".join(lines[k:k + BATCH]) for k in range(0, len(lines), BATCH)]
        print(f"line protocol: {len(lines)} rows, {len(lp) / 1e6:.1f} MB, {len(batches)} batches of {BATCH}, {SENDERS} senders")
        results = []

        # Each run writes into a fresh data directory (a line-protocol table keeps every row it
        # is sent; InfluxDB, below, gets a fresh database per run).
        rates = []
        for run in range(RUNS):
            yunhe, ypg, yhttp = start_yunhe(f"yunhe{run}")
            rows, secs = http_ingest(yhttp, "/write?db=bench&precision=ns", batches)
            rates.append(rows / secs)
            print(f"yunhe HTTP /write run {run + 1}: {rows} rows in {secs:.2f} s = {rows / secs:,.0f} rows/s")
            got = subprocess.run(["psql", "-X", "-t", "-A", "-h", "127.0.0.1", "-p", str(ypg), "-U", "yunhe", "yunhe", "-c",
                                  "SELECT count(*) FROM cpu"], capture_output=True, text=True).stdout.strip()
            if got != str(len(lines)):
                raise SystemExit(f"yunhe has {got} rows, expected {len(lines)}")
            if run < RUNS - 1:
                yunhe.terminate()
                yunhe.wait()
        procs.append(yunhe)
        results.append(("line protocol over HTTP, rows/s", "yunhe", median_spread(rates)))

        influx, iport = start_influx()
        if influx:
            procs.append(influx)
            rates = []
            for run in range(RUNS):
                influx_query(iport, f"CREATE DATABASE bench{run}")
                rows, secs = http_ingest(iport, f"/write?db=bench{run}&precision=ns", batches)
                rates.append(rows / secs)
                print(f"influxdb HTTP /write run {run + 1}: {rows} rows in {secs:.2f} s = {rows / secs:,.0f} rows/s")
                if influx_count(iport, f"bench{run}") != len(lines):
                    raise SystemExit("influxdb row count differs")
            results.append(("line protocol over HTTP, rows/s", "influxdb", median_spread(rates)))
        else:
            print("influxd is not installed (Debian influxdb): not measured")

        if os.path.exists(PGBENCH):
            pg_dir, pport = start_postgres()
            for clients in (1, 4):
                tps = [pgbench(ypg, "yunhe", "yunhe", clients) for _ in range(RUNS)]
                print(f"yunhe pgwire SELECT 1, {clients} client(s): {', '.join(f'{t:,.0f}' for t in tps)} round trips/s")
                results.append((f"pgwire simple query round trips/s, {clients} client(s)", "yunhe", median_spread(tps)))
                if pg_dir:
                    tps = [pgbench(pport, "postgres", "postgres", clients) for _ in range(RUNS)]
                    print(f"postgresql SELECT 1, {clients} client(s): {', '.join(f'{t:,.0f}' for t in tps)} round trips/s")
                    results.append((f"pgwire simple query round trips/s, {clients} client(s)", "postgresql", median_spread(tps)))
            create = "CREATE TABLE IF NOT EXISTS ev (client int, v double precision, note text)"
            insert = "INSERT INTO ev VALUES (:client_id, random(), 'reading');"
            subprocess.run(["psql", "-X", "-q", "-h", "127.0.0.1", "-p", str(ypg), "-U", "yunhe", "yunhe", "-c", create], check=True)
            if pg_dir:
                subprocess.run(["psql", "-X", "-q", "-h", "127.0.0.1", "-p", str(pport), "-U", "postgres", "postgres", "-c", create],
                               check=True)
            for clients in (1, 4, 8):
                for system, port, user, db in (("yunhe", ypg, "yunhe", "yunhe"), ("postgresql", pport, "postgres", "postgres")):
                    if system == "postgresql" and not pg_dir:
                        continue
                    tps = [pgbench(port, user, db, clients, sql=insert) for _ in range(RUNS)]
                    print(f"{system} durable INSERT, {clients} client(s): {', '.join(f'{t:,.0f}' for t in tps)} statements/s")
                    results.append((f"pgwire durable single-row INSERTs/s, {clients} client(s)", system, median_spread(tps)))
        else:
            print("pgbench is not installed (Debian postgresql-15): round trips not measured")

        print("\n| measurement | system | median | min | max |\n|---|---|---|---|---|")
        for what, system, (med, lo, hi) in results:
            print(f"| {what} | {system} | {med:,.0f} | {lo:,.0f} | {hi:,.0f} |")
    finally:
        stop_all(procs, pg_dir, WORK)


if __name__ == "__main__":
    main()
