#!/usr/bin/python3
"""Seed corpora for the fuzz targets, from what the tests already hold.

usage: seeds.py YUNHE OUTDIR [--small]
OUTDIR/<target>/ gets: sql — the statements of tests/sql/**/*.test; lineproto — line protocol of
the kinds InfluxDB clients send (and break); nmea — pieces of the receiver logs in tests/data/nmea;
mqtt — MQTT packets from a broker; json — MQTT payloads and SQL json values; wal — record payloads of a real WAL (yunhe writes it);
part — part files of a real checkpoint; http — requests as HTTP clients send them; copy — COPY
FROM STDIN data of each format. --small keeps a sample (make test's smoke run).
"""
import glob
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

yunhe, out = sys.argv[1], sys.argv[2]
small = "--small" in sys.argv
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def write(target, items, limit):
    d = os.path.join(out, target)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    items = list(dict.fromkeys(items))  # distinct, in order
    if small and len(items) > limit:
        step = len(items) / limit
        items = [items[int(k * step)] for k in range(limit)]
    for k, item in enumerate(items):
        with open(os.path.join(d, f"{k:05d}"), "wb") as f:
            f.write(item if isinstance(item, bytes) else item.encode())


# SQL: every statement and query of the sqllogictest files.
sql = []
for path in sorted(glob.glob(os.path.join(root, "tests/sql/**/*.test"), recursive=True)):
    lines = open(path, encoding="utf-8", errors="replace").read().split("\n")
    k = 0
    while k < len(lines):
        if lines[k].startswith(("statement", "query")):
            body = []
            k += 1
            while k < len(lines) and lines[k].strip() and lines[k] != "----":
                body.append(lines[k])
                k += 1
            if body:
                sql.append("\n".join(body))
        k += 1
write("sql", sql, 150)
write("parse_shape", sql, 150)  # the same statements, parsed by shape (parse_shape_fuzz.cpp)

write("lineproto", [
    "cpu,host=a,region=eu usage=1.5,idle=98i 1700000000000000000",
    "cpu,host=b usage=2 1700000001000000000\ncpu,host=b usage=3 1700000001000000000",
    'weather,station=x\\ y temp=-3.5,ok=true,note="say \\"hi\\"" 1700000000000000000',
    "mem,host=a used=10i,free=20u\nmem,host=a used=11i",
    "bad line here\ncpu,host=c usage=\"x\" 1700000002",
    "m v=1e308,w=-0.0,x=NaN 1\nm,t=1 v=T,w=F,x=true",
    "a\\,b,c\\=d=e\\ f g=1 -1\n# comment\n\n",
    "fix,device=car1 lon=116.4,lat=39.9,speed=12.5 1700000000",
], 100)

# NMEA: windows of the receiver logs.
nmea = []
for path in sorted(glob.glob(os.path.join(root, "tests/data/nmea/*.nmea"))):
    lines = open(path, encoding="ascii", errors="replace").read().split("\n")
    for k in range(0, len(lines), 25):
        nmea.append("\n".join(lines[k:k + 25]))
write("nmea", nmea, 40)

write("json", [
    '{"measurement":"temp","tags":{"room":"a"},"fields":{"c":21.5},"time":1700000000}',
    '{"device":"d1","lon":116.4,"lat":39.9,"ok":true,"n":null}',
    '[1, 2.5e10, "x", {"a": [true, false, null]}]',
    '{"a":{"b":{"c":{"d":"\\u00e9\\ud83d\\ude00"}}}}',
    '"just a string"', "-0.0", '{"k": 1, "k": 2}',
], 50)

# MQTT 3.1.1 packets a broker sends (the first byte picks the read size in the target).
sys.path.insert(0, os.path.join(root, "tests/server"))
from mqtt_wire import frame as mqtt_frame, mqtt_str  # noqa: E402

mqtt_lp = b"temp,room=a v=21.5 1700000000000000000"
write("mqtt", [
    b"\x07" + mqtt_frame(0x20, b"\x00\x00") + mqtt_frame(0x90, b"\x00\x01\x01\x80"),
    b"\x01" + mqtt_frame(0x32, mqtt_str(b"sensors/a") + b"\x00\x05" + mqtt_lp) + mqtt_frame(0xd0, b""),
    b"\x40" + mqtt_frame(0x3d, mqtt_str(b"s/q2") + b"\x00\x07" + b'{"ts": 1700000001, "temp": 22.5}') + mqtt_frame(0x62, b"\x00\x07"),
    b"\x03" + mqtt_frame(0x30, mqtt_str(b"big") + b"x" * 20000),
], 20)

# The PostgreSQL protocol: what psql, psycopg2 and libpq send, as bytes.
def msg(kind, body):
    return kind + struct.pack("!I", len(body) + 4) + body


def cstr(s):
    return s.encode() + b"\0"


def startup(user, **params):
    body = struct.pack("!I", 196608) + cstr("user") + cstr(user) + cstr("database") + cstr("yunhe")
    for k, v in params.items():
        body += cstr(k) + cstr(v)
    body += b"\0"
    return struct.pack("!I", len(body) + 4) + body


terminate = msg(b"X", b"")
simple = lambda q: msg(b"Q", cstr(q))  # noqa: E731
parse = msg(b"P", cstr("s1") + cstr("SELECT $1::int + count(*) FROM fix WHERE device = $2") + struct.pack("!H", 0))
bind = msg(b"B", cstr("") + cstr("s1") + struct.pack("!H", 0) + struct.pack("!H", 2) + struct.pack("!I", 1) + b"5"
           + struct.pack("!I", 2) + b"d1" + struct.pack("!H", 0))
extended = parse + bind + msg(b"D", b"P" + cstr("")) + msg(b"E", cstr("") + struct.pack("!I", 0)) + msg(b"S", b"")
write("pgwire", [
    startup("fuzzer", application_name="psql") + simple("SELECT count(*), max(speed) FROM fix") + terminate,
    struct.pack("!II", 8, 80877103) + startup("fuzzer") + simple("SELECT 1; SELECT 'a'::text") + terminate,  # SSLRequest first
    startup("fuzzer", TimeZone="Asia/Shanghai", DateStyle="ISO, MDY") + extended + terminate,
    startup("fuzzer") + simple("BEGIN") + simple("INSERT INTO cpu VALUES (now(), 'x', 1)") + simple("ROLLBACK") + terminate,
    startup("fuzzer") + simple("COPY trades FROM STDIN") + msg(b"d", b"2026-01-01 00:00:00+00\ts9\t1.5\t3\n") + msg(b"c", b"")
    + simple("SELECT count(*) FROM trades") + terminate,
    startup("fuzzer") + simple("DECLARE c CURSOR WITH HOLD FOR SELECT * FROM fix") + simple("FETCH 5 FROM c") + terminate,
    struct.pack("!IIII", 16, 80877102, 1001, 12345),  # CancelRequest
    startup("fuzzer") + msg(b"P", cstr("") + cstr("SELECT $1") + struct.pack("!HI", 1, 23)) + msg(b"S", b"") + terminate,
], 20)

# HTTP requests as curl, InfluxDB clients, Telegraf and browsers send them.
def http(method, target, body=b"", headers=()):
    head = f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    for h in headers:
        head += h + "\r\n"
    if body and not any(h.lower().startswith("transfer-encoding") for h in headers):
        head += f"Content-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


def chunked(body):
    return b"".join(b"%x\r\n%s\r\n" % (len(body[k:k + 7]), body[k:k + 7]) for k in range(0, len(body), 7)) + b"0\r\n\r\n"


import gzip  # noqa: E402
lp = b"cpu,host=a usage=1.5 1700000000\ncpu,host=b usage=2 1700000001\n"
write("http", [
    http("GET", "/exec?query=SELECT%20count(*)%20FROM%20fix&fmt=csv"),
    http("POST", "/exec?max_rows=2", b"SELECT * FROM cpu ORDER BY time; SELECT 1", ["Content-Type: text/plain"]),
    http("POST", "/exec", b"query=SELECT+1", ["Content-Type: application/x-www-form-urlencoded"]),
    http("POST", "/write?db=x&precision=s", lp, ["Authorization: Basic eXVuaGU6eA=="]),
    http("POST", "/api/v2/write?org=o&bucket=b&precision=s", gzip.compress(lp), ["Content-Encoding: gzip", "Authorization: Token abc"]),
    http("POST", "/write?precision=ns", chunked(lp), ["Transfer-Encoding: chunked"]),
    http("GET", "/query?q=SELECT%20mean(usage)%20FROM%20cpu%20WHERE%20time%20%3E%20now()%20-%201h%20GROUP%20BY%20time(1m)%20fill(null)&epoch=ms"),
    http("POST", "/query", b"q=SHOW+MEASUREMENTS%3BSHOW+TAG+KEYS", ["Content-Type: application/x-www-form-urlencoded"]),
    http("POST", "/import?table=trades&header=true", b"ts,sym,price,qty\n2026-01-01 00:00:00+00,s1,1.5,2\n"),
    http("GET", "/metrics") + http("GET", "/health", headers=["Connection: close"]),
    http("GET", "/ping") + http("GET", "/exec?query=SELECT%201", headers=["Authorization: Bearer yh_x", "Range: bytes=0-3"]),
    http("GET", "/index.html", headers=["Accept-Encoding: br, gzip"]),
    http("GET", "/exec?u=fuzzer&p=x&query=SELECT%20current_user"),
], 20)

# COPY FROM STDIN data (copy_fuzz.cpp: the first byte picks the statement).
write("copy", [
    b"\x00" + b"2026-01-01 00:00:00+00\ts1\t1.5\t3\n2026-01-01 00:00:01+00\ts2\t\\N\t4\n\\.\n",
    b"\x01" + b'2026-01-01 00:00:00+00,"s,1",1.5,3\n2026-01-01 00:00:01+00,"say ""hi""",,4\n',
    b"\x02" + b"ts,sym,price\n2026-01-01T00:00:00Z,s1,12.3400\n",
    b"\x03" + b"2026-01-01 00:00:00+00;'h;1';NA\n2026-01-01 00:01:00+00;h2;\\'x\n",
    b"\x04" + b"2026-01-01 00:00:00+00|h1|2.5\n2026-01-01 00:02:00+00||\n",
    b"\x05" + b'2026-01-01 00:00:00+00,,116.4,39.9,3,"POINT(116.4 39.9)"\n',
    b"\x06" + b"2026-01-01 00:00:00+00\td1\tSRID=4326;POINT(1 2)\n2026-01-01\td2\t0101000000000000000000F03F0000000000000040\n",
    b"\x07" + b"host,usage\nh1,1\nh2,2\n",
], 20)

# WAL records and parts: what yunhe writes for a mix of types, deletes and a checkpoint.
with tempfile.TemporaryDirectory() as tmp:
    db = os.path.join(tmp, "db")
    script = """
CREATE TABLE t (ts timestamptz, dev text, x float8, n numeric(10,2), g geometry, a int[], j jsonb, u uuid, b bool);
INSERT INTO t SELECT '2026-01-01'::timestamptz + g * interval '1 s', 'd' || (g % 5), g * 0.5, g, ST_Point(g, g), ARRAY[g, g + 1],
  '{"k": 1}', gen_random_uuid(), g % 2 = 0 FROM generate_series(1, 3000) g;
CREATE TABLE k (id int PRIMARY KEY, v text);
INSERT INTO k SELECT g, 'v' || g FROM generate_series(1, 500) g;
CREATE SEQUENCE s;
SELECT nextval('s');
CHECKPOINT;
DELETE FROM t WHERE x < 10;
UPDATE k SET v = 'w' WHERE id < 20;
INSERT INTO t (ts, dev, x) VALUES (now(), 'late', 1);
SELECT pg_sleep(60);
"""
    # Killed once the writes are in the WAL (a clean exit would checkpoint them away).
    p = subprocess.Popen([yunhe, db], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    p.stdin.write(script)
    p.stdin.close()  # the shell runs a script it has read whole
    last, stable = -1, 0
    for _ in range(400):
        time.sleep(0.05)
        size = sum(os.path.getsize(w) for w in glob.glob(os.path.join(db, "wal-*.log")))
        stable = stable + 1 if size == last and size > 0 else 0
        last = size
        if stable >= 10:
            break
    p.kill()
    p.wait()
    wal = []
    for path in sorted(glob.glob(os.path.join(db, "wal-*.log"))):
        data = open(path, "rb").read()
        pos = 0
        while pos + 8 <= len(data):
            n, _crc = struct.unpack_from("<II", data, pos)
            if n > len(data) - pos - 8:
                break
            wal.append(data[pos + 8:pos + 8 + n])
            pos += 8 + n
    write("wal", wal, 30)
    write("part", [open(p, "rb").read() for p in sorted(glob.glob(os.path.join(db, "*.part")))], 10)
write("segment", [open(p, "rb").read() for p in sorted(glob.glob(os.path.join(root, "tests/data/v1_dir/*.seg")))], 10)
for target in sorted(os.listdir(out)):
    print(f"{target}: {len(os.listdir(os.path.join(out, target)))} seeds")
