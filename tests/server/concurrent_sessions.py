#!/usr/bin/python3
"""Concurrent sessions keep their own settings: 4 psycopg2 connections, each with its own time
zone, run short statements as fast as they can at the same time and must always see their own
setting (the server swaps session settings in and out of the one database; a race there once
freed them twice). usage: concurrent_sessions.py PORT"""
import sys
import threading

import psycopg2

PORT = int(sys.argv[1])
ZONES = ["UTC", "Asia/Shanghai", "Europe/Berlin", "America/New_York"]
errors = []


def worker(zone):
    try:
        conn = psycopg2.connect(host="127.0.0.1", port=PORT, user="yunhe", dbname="yunhe")
        conn.autocommit = True
        cur = conn.cursor()
        cur.execute(f"SET TimeZone = '{zone}'")
        for _ in range(1500):
            cur.execute("SHOW TimeZone")
            got = cur.fetchone()[0]
            if got != zone:
                errors.append(f"{zone} saw {got}")
                return
        conn.close()
    except Exception as e:  # noqa: BLE001 - the failure is the finding
        errors.append(f"{zone}: {e!r}")


threads = [threading.Thread(target=worker, args=(z,)) for z in ZONES]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("ok" if not errors else "\n".join(errors))
