#!/usr/bin/python3
"""Loads a benchmark CSV into a server as line protocol over HTTP, one batch after another on one
keep-alive connection, and prints the milliseconds the writes took (converting is not timed).
usage: http_load.py WORK TABLE PORT PATH   e.g. http_load.py /tmp/w cpu 9000 '/write?db=bench&precision=ns'"""
import http.client
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lp_batches import batches  # noqa: E402


def post_all(port, path, parts):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    start = time.perf_counter()
    for b in parts:
        conn.request("POST", path, body=b)
        r = conn.getresponse()
        body = r.read()
        if r.status != 204:
            raise SystemExit(f"write failed: HTTP {r.status} {body[:300]!r}")
    elapsed = (time.perf_counter() - start) * 1000
    conn.close()
    return elapsed


if __name__ == "__main__":
    work, table, port, path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    parts, _, _ = batches(work, table)
    print("%.1f" % post_all(port, path, parts))
