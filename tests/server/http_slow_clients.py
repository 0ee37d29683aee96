#!/usr/bin/python3
"""Slow HTTP clients (slowloris) cannot hold the API: with `--http-header-timeout 1000`, 40
connections that trickle header lines (more than the server's worker threads) are closed once
their head is 1 s old, and a normal request made beside them is answered; a client that sends a
request and shuts its sending side (nc -N) still gets the answer; one that trickles a body far
below the minimum rate is cut too.

usage: http_slow_clients.py PORT [USER:PASSWORD]   (a `yunhe serve --http-header-timeout 1000`
on 127.0.0.1; the credentials, if it has passwords)
prints one line per check: NAME ok | NAME FAILED: why
"""
import socket
import sys
import threading
import time
import base64
import urllib.request

port = int(sys.argv[1])
auth = b"Authorization: Basic " + base64.b64encode(sys.argv[2].encode()) + b"\r\n" if len(sys.argv) > 2 else b""
results = []


def check(name, ok, why=""):
    results.append(f"{name} ok" if ok else f"{name} FAILED: {why}")


def closed_by_server(s, within):
    """Whether the server closes s (EOF or reset) within `within` seconds."""
    s.settimeout(within)
    try:
        while True:
            data = s.recv(4096)
            if not data:
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def trickle(sockets, data, every):
    """Sends `data` on each socket every `every` seconds until the returned event is set."""
    stop = threading.Event()

    def run():
        while not stop.is_set():
            for s in sockets:
                try:
                    s.sendall(data)
                except OSError:
                    pass
            time.sleep(every)

    threading.Thread(target=run, daemon=True).start()
    return stop


slow = []
for _ in range(40):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /exec?query=SELECT%201 HTTP/1.1\r\nHost: x\r\n")
    slow.append(s)
stop = trickle(slow, b"X-Slow: 1\r\n", 0.3)
time.sleep(0.5)
t0 = time.time()
try:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/exec?query=SELECT%2042&fmt=csv")
    if auth:
        request.add_header("Authorization", auth.decode().split(": ", 1)[1].strip())
    body = urllib.request.urlopen(request, timeout=15).read().decode()
    check("a request beside 40 trickling clients is answered", body.strip().endswith("42"), body)
    check("... before the trickling clients' deadline has passed twice", time.time() - t0 < 4, f"{time.time() - t0:.1f} s")
except Exception as e:  # noqa: BLE001
    check("a request beside 40 trickling clients is answered", False, str(e))
check("a trickling client is closed at its head deadline", closed_by_server(slow[0], 5), "still open after 5 s")
stop.set()
for s in slow:
    s.close()

s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"GET /exec?query=SELECT%207&fmt=csv HTTP/1.1\r\nHost: x\r\n" + auth + b"\r\n")
s.shutdown(socket.SHUT_WR)
s.settimeout(5)
got = b""
try:
    while True:
        d = s.recv(4096)
        if not d:
            break
        got += d
except OSError:
    pass
check("a half-closed client gets its answer", got.startswith(b"HTTP/1.1 200") and b"\n7\n" in got, repr(got[-80:]))

s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"POST /exec HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nSELECT ")
stop = trickle([s], b" ", 0.5)
check("a body trickled below the minimum rate is cut", closed_by_server(s, 6), "still open after 6 s")
stop.set()
print("\n".join(results))
sys.exit(0 if all(r.endswith(" ok") for r in results) else 1)
