"""A cursor over millions of rows runs in bounded server memory: psycopg2's named cursor (DECLARE
... CURSOR, then FETCH FORWARD itersize) over 10M rows of ~110 bytes each (over 1 GB if the
server held them all) while the server's resident memory is sampled; it may grow by less than
150 MB. Usage: cursor_memory.py PG_PORT SERVER_PID"""
import sys
import threading
import time

import psycopg2

port, pid = int(sys.argv[1]), int(sys.argv[2])
ROWS = 10_000_000


def rss_mb():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


conn = psycopg2.connect(host="127.0.0.1", port=port, user="yunhe", dbname="yunhe")
baseline = rss_mb()
peak, stop = [baseline], threading.Event()


def sample():
    while not stop.is_set():
        peak[0] = max(peak[0], rss_mb())
        time.sleep(0.02)


sampler = threading.Thread(target=sample)
sampler.start()
cur = conn.cursor(name="big")
cur.itersize = 20000
cur.execute(f"SELECT x, repeat('y', 100) || x AS pad FROM generate_series(1, {ROWS}) x")
count, total = 0, 0
for x, pad in cur:
    count += 1
    total += x
cur.close()
conn.commit()
stop.set()
sampler.join()
growth = peak[0] - baseline
if count != ROWS or total != ROWS * (ROWS + 1) // 2:
    print(f"cursor_memory: FAIL: {count} rows, sum {total}")
elif growth >= 150:
    print(f"cursor_memory: FAIL: the server grew by {growth:.0f} MB while the cursor streamed {ROWS} rows")
else:
    print(f"cursor_memory: ok ({ROWS} rows, server grew {growth:.0f} MB)")
