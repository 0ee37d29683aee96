#!/usr/bin/python3
"""A raster tile server on 127.0.0.1 for the console's --basemap-url test: every GET answers a
256x256 light-green PNG and is logged. Prints its port, then serves until killed.
usage: tile_server.py LOGFILE"""
import http.server
import struct
import sys
import zlib


def png(width, height, rgb):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    row = b"\x00" + bytes(rgb) * width
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


TILE = png(256, 256, (200, 230, 200))
LOG = open(sys.argv[1], "a", buffering=1)


class Tiles(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        LOG.write(self.path + "\n")
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(TILE)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(TILE)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
print(server.server_address[1], flush=True)
server.serve_forever()
