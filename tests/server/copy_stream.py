"""COPY FROM STDIN streams: the server parses CopyData as it arrives instead of buffering the whole
load. Checked through the protocol by hand (pg_raw): a load in many small CopyData messages with
CSV quoted newlines cut across messages, the text format's end marker, CopyFail, a COPY that fails
before reading (the server must drain the client's data and stay usable), and a client that goes
away mid-COPY (nothing of it is committed). Usage: copy_stream.py PG_PORT"""
import socket
import struct
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from pg_raw import error_text, message, read_message, simple_query, startup  # noqa: E402

port = int(sys.argv[1])
failures = []


def connect():
    s = socket.create_connection(("127.0.0.1", port))
    startup(s)
    return s


def query(s, sql):
    return simple_query(s, sql)


def copy_in(s, sql, pieces, finish=b"c", fail_reason=b"client gave up"):
    """COPY ... FROM STDIN with the data sent as the given CopyData pieces."""
    s.sendall(message(b"Q", sql.encode() + b"\0"))
    kind, _ = read_message(s)
    if kind == b"E":  # failed before CopyInResponse (never: PostgreSQL answers G first)
        raise AssertionError("no CopyInResponse")
    assert kind == b"G", kind
    for p in pieces:
        s.sendall(message(b"d", p))
    s.sendall(message(b"c", b"") if finish == b"c" else message(b"f", fail_reason + b"\0"))
    tag, error = None, None
    while True:
        kind, body = read_message(s)
        if kind == b"C":
            tag = body.rstrip(b"\0").decode()
        elif kind == b"E":
            error = error_text(body)
        elif kind == b"Z":
            return tag, error


def check(name, want, got):
    if want != got:
        failures.append(f"{name}: expected {want!r}, got {got!r}")


s = connect()
query(s, "CREATE TABLE cs (id int, note text)")
# 300,000 CSV rows, every 1000th with a quoted newline, cut into 7-byte pieces at first and then
# 64 KiB ones (many records straddle two messages).
lines = []
for i in range(300000):
    note = f'"line\nbreak {i}"' if i % 1000 == 0 else f"n{i}"
    lines.append(f"{i},{note}\n")
data = "".join(lines).encode()
pieces = [data[k:k + 7] for k in range(0, 7000, 7)] + [data[k:k + 65536] for k in range(7000, len(data), 65536)]
tag, error = copy_in(s, "COPY cs FROM STDIN WITH (FORMAT csv)", pieces)
check("csv load tag", ("COPY 300000", None), (tag, error))
rows, _ = query(s, "SELECT count(*), sum(id), count(*) FILTER (WHERE note LIKE 'line%break%') FROM cs")
check("csv load rows", [["300000", str(299999 * 300000 // 2), "300"]], rows)

# Text format: the end marker ends the data; what follows it is ignored.
query(s, "CREATE TABLE tx (a int)")
tag, error = copy_in(s, "COPY tx FROM STDIN", [b"1\n2\n\\", b".\n3\n"])
check("text end marker", ("COPY 2", None), (tag, error))

# A text-format load bigger than a round (rounds and parallel segments are cut at record ends):
# every row holds a newline written as backslash + newline, so half the newlines are data and the
# cuts must tell them apart; every row must arrive whole.
query(s, "CREATE TABLE tbig (id int, note text)")
rows_text = b"".join(b"%d\t" % i + b"x" * 40 + b"\\\n" + b"y" * 10 + b"\n" for i in range(700000))
tag, error = copy_in(s, "COPY tbig FROM STDIN", [rows_text[k:k + 1048576] for k in range(0, len(rows_text), 1048576)])
check("big text load", ("COPY 700000", None), (tag, error))
rows, _ = query(s, "SELECT count(*), count(*) FILTER (WHERE note = repeat('x', 40) || E'\\n' || repeat('y', 10)) FROM tbig")
check("big text load rows", [["700000", "700000"]], rows)
query(s, "DROP TABLE tbig")

# CopyFail: the COPY fails with 57014 and loads nothing.
tag, error = copy_in(s, "COPY tx FROM STDIN", [b"10\n11\n"], finish=b"f")
check("CopyFail", (None, "57014 COPY from stdin failed: client gave up"), (tag, error))
rows, _ = query(s, "SELECT count(*) FROM tx")
check("CopyFail loads nothing", [["2"]], rows)

# A bad row half way: the rest of the client's data is drained, the error names the line, and
# the connection goes on.
bad = b"".join(b"%d\n" % i for i in range(100000)) + b"oops\n" + b"".join(b"%d\n" % i for i in range(100000))
tag, error = copy_in(s, "COPY tx FROM STDIN", [bad[k:k + 65536] for k in range(0, len(bad), 65536)])
check("bad row", (None, "22P02"), (tag, error and error.split()[0]))
rows, error = query(s, "SELECT count(*) FROM tx")
check("connection usable after a failed COPY", ([["2"]], None), (rows, error))

# A COPY into a table that does not exist: answered after the client's data is drained.
tag, error = copy_in(s, "COPY nosuch FROM STDIN", [b"1\n" * 1000])
check("no such table", (None, '42P01 relation "nosuch" does not exist'), (tag, error))
rows, _ = query(s, "SELECT 1")
check("usable after the drain", [["1"]], rows)
s.close()

# A client that goes away mid-COPY: nothing of its data is committed.
g = connect()
g.sendall(message(b"Q", b"COPY tx FROM STDIN\0"))
kind, _ = read_message(g)
check("CopyInResponse", b"G", kind)
g.sendall(message(b"d", b"".join(b"%d\n" % i for i in range(50000))))
g.close()
s = connect()
for _ in range(50):  # the server notices the EOF on its own thread
    rows, _ = query(s, "SELECT count(*) FROM tx")
    if rows == [["2"]]:
        break
check("a vanished client's COPY is rolled back", [["2"]], rows)
s.close()

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("copy_stream: ok")
