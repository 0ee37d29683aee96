"""A throw-away influxd on 127.0.0.1 for the benchmarks (bench/peers/influx_run.py, bench/server.py):
free ports, data under BASE, query log and monitoring off, the WAL snapshotted into TSM files soon
after writes stop (so bytes on disk are InfluxDB's compressed form; the default waits 10 minutes)."""
import os
import socket
import subprocess
import time
import urllib.request


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_influxd(base):
    """Starts influxd; returns (process, HTTP port) once /ping answers, or raises RuntimeError."""
    os.makedirs(base, exist_ok=True)
    http, rpc = free_port(), free_port()
    conf = os.path.join(base, "influxdb.conf")
    with open(conf, "w") as f:
        f.write(f"""reporting-disabled = true
bind-address = "127.0.0.1:{rpc}"
[meta]
  dir = "{base}/meta"
[data]
  dir = "{base}/data"
  wal-dir = "{base}/wal"
  query-log-enabled = false
  cache-snapshot-write-cold-duration = "1s"
  compact-full-write-cold-duration = "1s"
[http]
  bind-address = "127.0.0.1:{http}"
  log-enabled = false
  max-body-size = 0
[monitor]
  store-enabled = false
""")
    proc = subprocess.Popen(["influxd", "-config", conf], stdout=subprocess.DEVNULL, stderr=open(os.path.join(base, "log"), "w"))
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{http}/ping", timeout=5).read()
            return proc, http
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError(f"influxd did not start (log: {base}/log)")
