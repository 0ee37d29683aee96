#!/usr/bin/env python3
"""Deterministic NMEA 0183 log of a moving receiver, u-blox-style NMEA 4.10 with BeiDou.

usage: gen_nmea.py SECONDS [SEED] > track.nmea
One epoch per second from 2024-02-29 09:30:00 UTC: RMC, VTG, GGA, GSA (GPS and BeiDou), GSV
(GPS, BeiDou), GLL; a drive along a loop near Shanghai. Every 500th sentence gets a wrong
checksum and every 977th epoch is a drop-out (no fix, empty fields), as real logs have.
"""
import math
import random
import sys


def cs(body):
    x = 0
    for c in body[1:]:
        x ^= ord(c)
    return "%s*%02X" % (body, x)


def dm(value, is_lat):
    hemi = ("N" if value >= 0 else "S") if is_lat else ("E" if value >= 0 else "W")
    v = abs(value)
    d = int(v)
    m = (v - d) * 60
    return ("%02d%08.5f" if is_lat else "%03d%08.5f") % (d, m), hemi


def main():
    seconds = int(sys.argv[1])
    rnd = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    out = []
    count = 0
    lat0, lon0 = 31.2371, 121.4683
    t0 = 9 * 3600 + 30 * 60
    for s in range(seconds):
        tod = t0 + s
        day = 29 + tod // 86400
        tod %= 86400
        hh, mm, ss = tod // 3600, tod // 60 % 60, tod % 60
        t = "%02d%02d%02d.00" % (hh, mm, ss)
        date = "%02d0224" % day if day <= 29 else "%02d0324" % (day - 29)
        ang = s / 600.0 * 2 * math.pi
        lat = lat0 + 0.01 * math.sin(ang) + rnd.gauss(0, 2e-6)
        lon = lon0 + 0.01 * math.cos(ang) + rnd.gauss(0, 2e-6)
        speed_kn = 0.01 * 2 * math.pi / 600 * 111000 / 0.514444
        course = (math.degrees(ang) + 90) % 360
        la, lah = dm(lat, True)
        lo, loh = dm(lon, False)
        drop = s % 977 == 976
        if drop:
            lines = ["$GNRMC,%s,V,,,,,,,%s,,,N,V" % (t, date), "$GNVTG,,T,,M,,N,,K,N",
                     "$GNGGA,%s,,,,,0,00,99.99,,,,,," % t, "$GNGSA,A,1,,,,,,,,,,,,,99.99,99.99,99.99,1",
                     "$GNGLL,,,,,%s,V,N" % t]
        else:
            lines = [
                "$GNRMC,%s,A,%s,%s,%s,%s,%.3f,%.2f,%s,,,A,V" % (t, la, lah, lo, loh, speed_kn, course, date),
                "$GNVTG,%.2f,T,,M,%.3f,N,%.3f,K,A" % (course, speed_kn, speed_kn * 1.852),
                "$GNGGA,%s,%s,%s,%s,%s,1,12,0.70,%.1f,M,9.8,M,," % (t, la, lah, lo, loh, 15 + rnd.random()),
                "$GNGSA,A,3,10,12,25,32,,,,,,,,,1.20,0.70,0.97,1",
                "$GNGSA,A,3,19,20,21,22,23,,,,,,,,1.20,0.70,0.97,4",
                "$GPGSV,2,1,05,10,45,120,%d,12,30,200,%d,25,60,045,%d,32,10,300,%d,1" % tuple(rnd.randint(20, 48) for _ in range(4)),
                "$GPGSV,2,2,05,31,05,100,,1",
                "$GBGSV,2,1,05,19,70,010,%d,20,55,100,%d,21,40,200,%d,22,35,300,%d,1" % tuple(rnd.randint(20, 48) for _ in range(4)),
                "$GBGSV,2,2,05,23,15,250,%d,1" % rnd.randint(20, 48),
                "$GNGLL,%s,%s,%s,%s,%s,A,A" % (la, lah, lo, loh, t),
            ]
        for body in lines:
            count += 1
            line = cs(body)
            if count % 500 == 0:
                line = line[:-2] + ("00" if line[-2:] != "00" else "01")
            out.append(line + "\r\n")
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main()
