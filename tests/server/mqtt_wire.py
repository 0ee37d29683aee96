"""MQTT 3.1.1 packets as bytes, for the tests that play a broker (mqtt_acks.py) and the fuzz seeds."""
import struct


def frame(first, body):
    """A packet: type and flags in `first`, the remaining length in 7-bit groups, then `body`."""
    out, n = bytes([first]), len(body)
    while True:
        d, n = n % 128, n // 128
        out += bytes([d | 0x80 if n else d])
        if not n:
            return out + body


def mqtt_str(s):
    """A two-byte length and the bytes of `s` (str or bytes)."""
    b = s.encode() if isinstance(s, str) else s
    return struct.pack(">H", len(b)) + b


def publish(topic, payload, qos, pid=0, dup=False, retain=False):
    flags = (8 if dup else 0) | (qos << 1) | (1 if retain else 0)
    body = mqtt_str(topic) + (struct.pack(">H", pid) if qos else b"") + (payload.encode() if isinstance(payload, str) else payload)
    return frame(0x30 | flags, body)
