#!/usr/bin/python3
"""Bad input at the network front ends, sent with raw sockets: malformed startup packets,
oversized and unknown messages, invalid UTF-8, bad gzip, stalled and half-closed clients, a
client leaving mid-COPY. Each must get an error or a closed connection, never a crash, a hang of
the other clients, or a partly visible write.

usage: bad_input.py PG_PORT HTTP_PORT ILP_PORT   (a server started with
       --idle-in-transaction-timeout 1000, so stalls are cut after a second)
"""
import gzip
import http.client
import json
import socket
import struct
import sys
import threading
import time

from pg_raw import message, read_message, simple_query, startup

PG, HTTP, ILP = (int(p) for p in sys.argv[1:4])
HOST = "127.0.0.1"
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {name} {detail}")


def connect(port=PG):
    s = socket.create_connection((HOST, port), timeout=10)
    return s


def closed_or_error(s):
    """What the server did after bad input: 'closed', or the first message type it sent."""
    try:
        kind, body = read_message(s)
        return kind.decode() + ":" + body.decode("utf-8", "replace")
    except (EOFError, ConnectionResetError):
        return "closed"
    except socket.timeout:
        return "hung"


query = simple_query


def alive(name):
    """A fresh client still gets an answer promptly."""
    try:
        s = connect()
        s.settimeout(5)
        startup(s)
        rows, error = query(s, "SELECT 1")
        s.close()
        check(f"server answers after: {name}", rows == [["1"]], str((rows, error)))
    except Exception as e:  # noqa: BLE001 - any failure here is the finding
        check(f"server answers after: {name}", False, repr(e))


def scalar(sql):
    s = connect()
    startup(s)
    rows, error = query(s, sql)
    s.close()
    return rows[0][0] if rows else error


# --- PostgreSQL protocol: startup -------------------------------------------------------------
s = connect()
s.sendall(struct.pack("!I", 0x7FFFFFFF))  # a startup packet claiming 2 GB
check("startup packet of 2 GB refused", closed_or_error(s) == "closed")
alive("2 GB startup packet")

s = connect()
s.sendall(struct.pack("!II", 20000, 196608) + b"x" * 100)
check("startup packet over 10000 bytes refused", closed_or_error(s) == "closed")

s = connect()
s.sendall(struct.pack("!I", 3))  # shorter than its own length field
check("startup length < 4 refused", closed_or_error(s) == "closed")

s = connect()
s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
check("HTTP request on the PostgreSQL port refused", closed_or_error(s) == "closed")

s = connect()
s.sendall(struct.pack("!II", 8, 2 << 16))
answer = closed_or_error(s)
check("protocol 2.0 refused with an error", answer.startswith("E:") and "unsupported frontend protocol" in answer, answer)

s = connect()
s.sendall(struct.pack("!I", 16))  # half a startup packet, then the client goes away
s.shutdown(socket.SHUT_WR)
check("half a startup packet then EOF", closed_or_error(s) == "closed")
alive("malformed startup packets")

# --- PostgreSQL protocol: messages ------------------------------------------------------------
s = connect()
startup(s)
s.sendall(message(b"y", b"whatever"))
answer = closed_or_error(s)
check("unknown message type: FATAL 08P01", answer.startswith("E:") and "08P01" in answer and "invalid frontend message type" in answer, answer)

s = connect()
startup(s)
try:  # claims ~2 GB, sends a little: the server may hang up before the rest is sent
    s.sendall(b"Q" + struct.pack("!I", 0x7FFFFFF0) + b"SELECT 1")
    s.sendall(b"x" * 4096)
    s.shutdown(socket.SHUT_WR)
except OSError:  # reset, broken pipe, or already shut down by the server
    pass
check("oversized message: closed", closed_or_error(s) == "closed")

s = connect()
startup(s)
s.sendall(b"Q" + struct.pack("!I", 2))
check("message length < 4: closed", closed_or_error(s) == "closed")
alive("bad messages")

s = connect()
startup(s)
s.sendall(message(b"Q", b"SELECT '\xff\xfe' AS bad\0"))
kind, body = read_message(s)
text = body.decode("utf-8", "replace")
check("invalid UTF-8 in a query: 22021", kind == b"E" and "22021" in text and "invalid byte sequence for encoding \"UTF8\": 0xff" in text, text)
while read_message(s)[0] != b"Z":
    pass
rows, error = query(s, "SELECT 2")
check("session usable after invalid UTF-8", rows == [["2"]], str((rows, error)))
s.close()

# A client that stalls half-way through a message holds nothing: others go on.
stalled = connect()
startup(stalled)
stalled.sendall(b"Q" + struct.pack("!I", 100) + b"SELECT")
t0 = time.time()
alive("a client stalled mid-message")
check("others not delayed by a stalled client", time.time() - t0 < 3, f"{time.time() - t0:.1f} s")
stalled.close()

# A block that only read or wrote rows holds nothing: a client stalling inside it mid-message
# keeps nobody waiting.
s = connect()
startup(s)
query(s, "CREATE TABLE IF NOT EXISTS bad_input_t (a int)")
query(s, "BEGIN")
query(s, "INSERT INTO bad_input_t VALUES (1)")
s.sendall(b"Q" + struct.pack("!I", 100) + b"SELECT")
t0 = time.time()
scalar("INSERT INTO bad_input_t VALUES (2)")
count = scalar("SELECT count(*) FROM bad_input_t")
check("stall inside a block that wrote rows: others not delayed", time.time() - t0 < 3, f"{time.time() - t0:.1f} s")
check("stall inside a block that wrote rows: its row not seen", count == "1", str(count))
s.close()
scalar("DELETE FROM bad_input_t")

# A block that ran DDL holds the database; stalling mid-message is cut off by the idle timeout
# (1 s here), the block rolled back, and the others go on.
s = connect()
startup(s)
query(s, "BEGIN")
query(s, "INSERT INTO bad_input_t VALUES (1)")
query(s, "CREATE TABLE bad_input_ddl (a int)")
s.sendall(b"Q" + struct.pack("!I", 100) + b"SELECT")
t0 = time.time()
scalar("INSERT INTO bad_input_t VALUES (2)")
count = scalar("SELECT count(*) FROM bad_input_t")
check("stall inside a block: others wait at most the timeout", time.time() - t0 < 5, f"{time.time() - t0:.1f} s")
check("stall inside a block: the block is rolled back", count == "1", str(count))
answer = closed_or_error(s)
check("stall inside a block: the stalled client is told", "25P03" in answer or answer == "closed", answer)
scalar("DELETE FROM bad_input_t")

# Extended protocol: Parse without Sync, then silence: the same bound.
s = connect()
startup(s)
s.sendall(message(b"P", b"\0SELECT 1\0\0\0"))
t0 = time.time()
alive("Parse without Sync")
check("Parse without Sync: others wait at most the timeout", time.time() - t0 < 5, f"{time.time() - t0:.1f} s")
s.close()


# A client that leaves mid-COPY: nothing of the COPY is visible, the database is free.
def copy_and_vanish(before=()):
    c = connect()
    startup(c)
    for sql in before:
        query(c, sql)
    c.sendall(message(b"Q", b"COPY bad_input_t FROM STDIN\0"))
    kind, _ = read_message(c)
    assert kind == b"G", kind
    c.sendall(message(b"d", b"10\n11\n12\n"))
    c.sendall(message(b"d", b"13\n1"))  # and half a row
    c.close()


copy_and_vanish()
time.sleep(0.3)
check("disconnect mid-COPY: no rows", scalar("SELECT count(*) FROM bad_input_t") == "0")
copy_and_vanish(["BEGIN", "INSERT INTO bad_input_t VALUES (5)"])
time.sleep(0.3)
check("disconnect mid-COPY in a block: block rolled back", scalar("SELECT count(*) FROM bad_input_t") == "0")
alive("disconnects mid-COPY")

# A client that asks for a big result and does not read it delays nobody else.
slow = connect()
startup(slow)
slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
slow.sendall(message(b"Q", b"SELECT g, repeat('x', 200) FROM generate_series(1, 300000) g\0"))
time.sleep(1)
t0 = time.time()
alive("a client not reading its 60 MB result")
check("slow reader delays nobody", time.time() - t0 < 3, f"{time.time() - t0:.1f} s")
slow.close()


# --- HTTP ---------------------------------------------------------------------------------
def http_request(method, path, body=None, headers=None):
    conn = http.client.HTTPConnection(HOST, HTTP, timeout=10)
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, data.decode("utf-8", "replace")


status, body = http_request("POST", "/write?precision=s", b"\x1f\x8b\x08\x00garbage-not-gzip", {"Content-Encoding": "gzip"})
check("bad gzip body: 400", status == 400, f"{status} {body}")
status, body = http_request("POST", "/write?precision=s",
                            b"bad_utf8,host=a v=1 1700000000\nbad_utf8,host=\xff\xfe v=2 1700000001\nbad_utf8,host=c v=3 1700000002\n")
check("invalid UTF-8 line: 400 naming line 2", status == 400 and "line 2: invalid byte sequence for encoding" in body, f"{status} {body}")
check("invalid UTF-8 line: the good lines kept", scalar("SELECT count(*) FROM bad_utf8") == "2")
status, body = http_request("POST", "/exec", "SELECT '\udcff'".encode("utf-8", "surrogateescape"))
check("invalid UTF-8 in /exec: 22021", status == 400 and "22021" in body, f"{status} {body}")

raw = socket.create_connection((HOST, HTTP), timeout=10)
raw.sendall(b"\x00\x01\x02 garbage \xff\r\n\r\n")
answer = raw.recv(100)
raw.close()
check("garbage HTTP request: 400 or closed", answer == b"" or answer.startswith(b"HTTP/1.1 400"), repr(answer))
status, _ = http_request("GET", "/ping")
check("HTTP alive after garbage", status == 204)

# Half-closed HTTP client: headers promise a body that never comes.
raw = socket.create_connection((HOST, HTTP), timeout=10)
raw.sendall(b"POST /write HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nbad_utf8 v=9 1\n")
raw.shutdown(socket.SHUT_WR)
raw.settimeout(10)
try:
    answer = raw.recv(100)
except socket.timeout:
    answer = b"hung"
raw.close()
check("truncated HTTP body: not written", scalar("SELECT count(*) FROM bad_utf8") == "2")
check("truncated HTTP body: answered or closed", answer != b"hung", repr(answer))

# --- line protocol over TCP -----------------------------------------------------------------
# Bad lines are reported and skipped; a sender that closes properly may leave its last line
# without a newline, one whose connection breaks loses only its unfinished line.
s = socket.create_connection((HOST, ILP), timeout=10)
s.sendall(b"ilp_bad,host=a v=1 1700000000000000000\nilp_bad,host=\xff v=2 1700000001000000000\nilp_bad v=\n"
          b"ilp_bad,host=c v=3 1700000002000000000\nilp_bad,host=d v=4 1700000003000000000")
s.close()
time.sleep(0.5)
check("ILP: good lines kept, bad ones not", scalar("SELECT string_agg(host, ',' ORDER BY host) FROM ilp_bad") == "a,c,d")
s = socket.create_connection((HOST, ILP), timeout=10)
s.sendall(b"ilp_bad,host=e v=5 1700000004000000000\nilp_bad,host=f v=6 17000000")
time.sleep(0.3)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()  # a reset, not a proper close
time.sleep(0.5)
check("ILP: a broken connection loses only its unfinished line", scalar("SELECT string_agg(host, ',' ORDER BY host) FROM ilp_bad") == "a,c,d,e")

print(f"bad input: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
