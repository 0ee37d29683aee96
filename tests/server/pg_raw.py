"""The PostgreSQL protocol by hand, for tests that need messages no client library sends (bad
input) or that must choose the protocol (the extended query protocol from Python): framing,
startup, DataRow decoding."""
import struct


def read_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def read_message(s):
    head = read_exact(s, 5)
    kind, length = head[:1], struct.unpack("!I", head[1:])[0]
    return kind, read_exact(s, length - 4)


def message(kind, body):
    return kind + struct.pack("!I", len(body) + 4) + body


def startup(s, user="yunhe"):
    """Protocol 3.0 startup (trust), up to the first ReadyForQuery."""
    params = b"user\0" + user.encode() + b"\0database\0yunhe\0\0"
    s.sendall(struct.pack("!II", 8 + len(params), 196608) + params)
    while True:
        kind, _ = read_message(s)
        if kind == b"Z":
            return


def data_row(body):
    """A DataRow's values as text (None for NULL)."""
    n = struct.unpack("!H", body[:2])[0]
    pos, row = 2, []
    for _ in range(n):
        length = struct.unpack("!i", body[pos:pos + 4])[0]
        pos += 4
        row.append(None if length < 0 else body[pos:pos + length].decode())
        pos += max(length, 0)
    return row


def extended_query(s, sql):
    """Parse/Bind/Execute/Sync of `sql` without parameters (as libpq's PQexecParams and most
    drivers send queries); returns (rows, error message or None) once ReadyForQuery comes."""
    s.sendall(message(b"P", b"\0" + sql.encode() + b"\0" + struct.pack("!h", 0)) +
              message(b"B", b"\0\0" + struct.pack("!hhh", 0, 0, 0)) + message(b"E", b"\0" + struct.pack("!i", 0)) +
              message(b"S", b""))
    return read_result(s)


def simple_query(s, sql):
    """Simple query; returns (rows as lists of str/None, error message or None)."""
    s.sendall(message(b"Q", sql.encode() + b"\0"))
    return read_result(s)


def error_text(body):
    """An ErrorResponse as "SQLSTATE message"."""
    fields = dict((f[:1], f[1:].decode("utf-8", "replace")) for f in body.split(b"\0") if f)
    return fields.get(b"C", "") + " " + fields.get(b"M", "")


def read_result(s):
    """DataRows and the error until ReadyForQuery: (rows, "SQLSTATE message" or None)."""
    rows, error = [], None
    while True:
        kind, body = read_message(s)
        if kind == b"D":
            rows.append(data_row(body))
        elif kind == b"E":
            error = error_text(body)
        elif kind == b"Z":
            return rows, error
