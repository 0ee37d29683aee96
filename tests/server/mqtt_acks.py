"""yunhe serve's MQTT subscriber against a scripted broker on 127.0.0.1 (MQTT 3.1.1 bytes written
here, so the test sees exactly what the subscriber acknowledges and when):
- a QoS 1 message is acknowledged (PUBACK) only once its row can be read, i.e. after the write
  is committed: a crash before the PUBACK makes the broker deliver it again (at least once);
- QoS 2: PUBREC after the write, a DUP of the same id before PUBREL is not written twice,
  PUBREL gets PUBCOMP;
- a packet split across reads, several packets in one read;
- a malformed packet from the broker drops the connection (reason on stderr); the subscriber
  reconnects, subscribes again, and a retained message replayed on that re-subscription is
  acknowledged but not written again;
- SIGTERM: the subscriber says DISCONNECT.
usage: mqtt_acks.py YUNHE TMPDIR
"""
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import time

import psycopg2

from mqtt_wire import frame, mqtt_str, publish

YUNHE, TMP = sys.argv[1], sys.argv[2]


class Peer:
    def __init__(self, conn):
        self.conn, self.buf = conn, b""
        conn.settimeout(15)

    def packet(self):
        while True:
            if len(self.buf) >= 2:
                n, mult, i = 0, 1, 1
                while True:
                    if i >= len(self.buf):
                        break
                    d = self.buf[i]
                    n += (d & 0x7F) * mult
                    mult *= 128
                    i += 1
                    if not d & 0x80:
                        if len(self.buf) >= i + n:
                            p = (self.buf[0], self.buf[i:i + n])
                            self.buf = self.buf[i + n:]
                            return p
                        break
            data = self.conn.recv(65536)
            if not data:
                return None
            self.buf += data

    def expect(self, first, what):
        p = self.packet()
        if p is None or p[0] != first:
            sys.exit(f"FAIL: expected {what}, got {p!r}")
        return p[1]


def check(name, got, want):
    if got != want:
        sys.exit(f"FAIL: {name}: got {got!r}, want {want!r}")


def main():
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(4)
    lsock.settimeout(20)
    mport = lsock.getsockname()[1]
    out, err = open(f"{TMP}/mqtt_acks.out", "w+"), open(f"{TMP}/mqtt_acks.err", "w+")
    server = subprocess.Popen([YUNHE, "serve", f"{TMP}/mqtt_acks_db", "--pg-port", "0", "--http-port", "-1", "--ilp-port", "-1",
                               "--mqtt", f"127.0.0.1:{mport}", "--mqtt-topic", "s/#", "--mqtt-topic", "t",
                               "--mqtt-client-id", "acks-test"], stdout=out, stderr=err)
    try:
        conn, _ = lsock.accept()
        peer = Peer(conn)
        connect = peer.expect(0x10, "CONNECT")
        check("protocol name and level", connect[:7], b"\x00\x04MQTT\x04")
        check("persistent session (clean session off)", connect[7] & 0x02, 0)
        check("client id", connect[10:], mqtt_str("acks-test"))
        conn.sendall(frame(0x20, b"\x00\x00"))
        sub = peer.expect(0x82, "SUBSCRIBE")
        check("filters at QoS 1", sub[2:], mqtt_str("s/#") + b"\x01" + mqtt_str("t") + b"\x01")
        conn.sendall(frame(0x90, sub[:2] + b"\x01\x01"))

        for _ in range(100):
            out.seek(0)
            m = re.search(r"127\.0\.0\.1:(\d+)", out.read())
            if m:
                break
            time.sleep(0.1)
        db = psycopg2.connect(host="127.0.0.1", port=int(m.group(1)), user="yunhe", dbname="yunhe")
        db.autocommit = True

        def count(table, where="true"):
            with db.cursor() as c:
                c.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = %s", (table,))
                if c.fetchone()[0] == 0:
                    return 0
                c.execute(f"SELECT count(*) FROM {table} WHERE {where}")
                return c.fetchone()[0]

        # QoS 1: the row is there when the PUBACK arrives. Split across two reads.
        p = publish("s/a", "acks,src=a v=1 1700000000000000000", 1, pid=5)
        conn.sendall(p[:7])
        time.sleep(0.2)
        conn.sendall(p[7:])
        check("PUBACK for 5", peer.expect(0x40, "PUBACK"), b"\x00\x05")
        check("the row of a PUBACKed message is committed", count("acks"), 1)

        # Several in one read: all acknowledged, in order, all there.
        conn.sendall(b"".join(publish("t", f"acks,src=b v={k} {1700000000000000000 + k}", 1, pid=10 + k) for k in range(1, 6)))
        for k in range(1, 6):
            check(f"PUBACK {10 + k} in order", peer.expect(0x40, "PUBACK"), struct.pack(">H", 10 + k))
        check("five rows", count("acks", "src = 'b'"), 5)

        # QoS 2: PUBREC after the write; a duplicate before PUBREL is not written twice.
        conn.sendall(publish("s/q2", "acks,src=q2 v=1 1700000000000000000", 2, pid=7))
        check("PUBREC for 7", peer.expect(0x50, "PUBREC"), b"\x00\x07")
        check("QoS 2 row committed at PUBREC", count("acks", "src = 'q2'"), 1)
        conn.sendall(publish("s/q2", "acks,src=q2 v=1 1700000000000000000", 2, pid=7, dup=True))
        check("PUBREC again for the duplicate", peer.expect(0x50, "PUBREC"), b"\x00\x07")
        conn.sendall(frame(0x62, b"\x00\x07"))
        check("PUBCOMP for 7", peer.expect(0x70, "PUBCOMP"), b"\x00\x07")
        check("a QoS 2 duplicate is written once", count("acks", "src = 'q2'"), 1)

        # A malformed packet (QoS 3) ends the connection; the subscriber comes back.
        conn.sendall(frame(0x36, mqtt_str("s/x") + b"\x00\x01v"))
        check("connection dropped on a malformed packet", peer.packet(), None)
        conn.close()
        conn, _ = lsock.accept()
        peer = Peer(conn)
        peer.expect(0x10, "CONNECT again")
        conn.sendall(frame(0x20, b"\x01\x00"))  # session present
        sub = peer.expect(0x82, "SUBSCRIBE again")
        conn.sendall(frame(0x90, sub[:2] + b"\x01\x01"))
        conn.sendall(publish("s/r", "acks,src=retained v=1 1700000000000000000", 1, pid=20, retain=True))
        check("PUBACK for a replayed retained message", peer.expect(0x40, "PUBACK"), b"\x00\x14")
        conn.sendall(publish("s/r", "acks,src=live v=1 1700000000000000000", 1, pid=21))
        check("PUBACK 21", peer.expect(0x40, "PUBACK"), b"\x00\x15")
        check("a retained message replayed on re-subscribing is not written", count("acks", "src = 'retained'"), 0)
        check("a live message after reconnecting is written", count("acks", "src = 'live'"), 1)
        db.close()

        server.send_signal(signal.SIGTERM)
        p = peer.packet()
        check("DISCONNECT at SIGTERM", p and p[0], 0xE0)
        server.wait(timeout=30)
        err.seek(0)
        errors = err.read()
        if "PUBLISH with QoS 3" not in errors:
            sys.exit("FAIL: the malformed packet's reason is not on stderr: " + errors)
    finally:
        if server.poll() is None:
            server.kill()
    print("mqtt_acks: ok")


main()
