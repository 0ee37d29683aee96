#!/usr/bin/env python3
"""CSV data for the side-by-side benchmark (deterministic).

usage: gen_data.py DIR TRADES QUOTES SYMBOLS HOSTS HOURS
  trades.csv  sym,ts,px          quotes.csv  sym,ts,bid
  cpu.csv     host,ts,usage_user,usage_system,usage_idle,usage_nice,usage_iowait,usage_irq,
              usage_softirq,usage_steal,usage_guest,usage_guest_nice   (TSBS cpu-only: one row per
              host every 10 s, ten integer fields 0..99)
Timestamps are UTC 'YYYY-MM-DD HH:MM:SS.ffffff'.
"""
import datetime
import random
import sys


def ts(base, us):
    return (base + datetime.timedelta(microseconds=us)).strftime("%Y-%m-%d %H:%M:%S.%f")


def main():
    out, trades, quotes, symbols, hosts, hours = sys.argv[1], *map(int, sys.argv[2:7])
    rnd = random.Random(7)
    base = datetime.datetime(2024, 1, 2, 9, 30)
    day_us = int(6.5 * 3600 * 1e6)
    with open(out + "/quotes.csv", "w") as f:
        for g in range(quotes):
            f.write("S%d,%s,%.2f\n" % (g * 7919 % symbols, ts(base, g * day_us // quotes), 100 + (g % 1000) * 0.01))
    with open(out + "/trades.csv", "w") as f:
        for g in range(trades):
            f.write("S%d,%s,%.2f\n" % (g * 104729 % symbols, ts(base, g * day_us // trades + 7), 100 + (g % 500) * 0.01))
    with open(out + "/cpu.csv", "w") as f:
        steps = hours * 360
        for s in range(steps):
            t = ts(datetime.datetime(2016, 1, 1), s * 10_000_000)
            for h in range(hosts):
                f.write("host_%d,%s,%s\n" % (h, t, ",".join(str(rnd.randrange(100)) for _ in range(10))))


if __name__ == "__main__":
    main()
