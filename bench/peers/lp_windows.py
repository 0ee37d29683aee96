#!/usr/bin/python3
"""Sustained line-protocol ingest for bench/storage.sh: posts each window file (line protocol,
one point per line) in 50,000-line batches over a keep-alive HTTP connection
(http_load.post_all) to URL (yunhe serve's or InfluxDB's /write), and after each window prints
`window<TAB>rows<TAB>ms<TAB>RSS MB<TAB>peak RSS MB` of the server process PID. Reading a window
into batches is not timed; every write must answer 204 (acknowledged once durable).
usage: lp_windows.py URL PID WINDOW_FILE...     e.g. lp_windows.py http://127.0.0.1:9000/write?db=bench 1234 w0.lp w1.lp
       lp_windows.py influxd:BASE - WINDOW_FILE...  (a throw-away influxd under BASE, bench/peers/influxd.py)"""
import os
import sys
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_load import post_all  # noqa: E402
from influxd import start_influxd  # noqa: E402

BATCH = 50000


def rss_mb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) // 1024
    return -1


def window_batches(path):
    out, lines = [], []
    with open(path, "rb") as f:
        for line in f:
            lines.append(line)
            if len(lines) == BATCH:
                out.append(b"".join(lines))
                lines.clear()
    if lines:
        out.append(b"".join(lines))
    return out, sum(b.count(b"\n") for b in out)


def main():
    target, files, influxd = sys.argv[1], sys.argv[3:], None
    if target.startswith("influxd:"):
        influxd, port = start_influxd(target[len("influxd:"):])
        urllib.request.urlopen(f"http://127.0.0.1:{port}/query", urllib.parse.urlencode({"q": "CREATE DATABASE bench"}).encode()).read()
        target, pid = f"http://127.0.0.1:{port}/write?db=bench&precision=ns", influxd.pid
    else:
        pid = int(sys.argv[2])
    try:
        post_windows(urllib.parse.urlsplit(target), pid, files)
    finally:
        if influxd:
            influxd.terminate()
            influxd.wait()


def post_windows(url, pid, files):
    path = url.path + ("?" + url.query if url.query else "")
    for k, file in enumerate(files, 1):
        batches, rows = window_batches(file)
        ms = post_all(url.port, path, batches)
        print(f"{k}\t{rows}\t{ms:.1f}\t{rss_mb(pid, 'VmRSS')}\t{rss_mb(pid, 'VmHWM')}", flush=True)


if __name__ == "__main__":
    main()
