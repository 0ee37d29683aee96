#!/usr/bin/env python3
"""CSV data for the side-by-side benchmark (deterministic).

usage: gen_data.py DIR TRADES QUOTES SYMBOLS HOSTS HOURS
  trades.csv  sym,ts,px          quotes.csv  sym,ts,bid
  cpu.csv     host,ts,usage_user,usage_system,usage_idle,usage_nice,usage_iowait,usage_irq,
              usage_softirq,usage_steal,usage_guest,usage_guest_nice,region,datacenter,rack,os,arch,
              team,service,service_version,service_environment   (TSBS cpu-only: one row per
              host every 10 s, ten integer fields 0..99, TSBS's nine other tags fixed per host)
  readings.csv name,fleet,model,ts,latitude,longitude,velocity,fuel_state,current_load
              (TSBS IoT: one row per truck (as many as hosts) every 60 s; trucks drive a random
              walk, stand still 30 minutes in every 3 hours, burn fuel in a saw tooth)
Timestamps are UTC 'YYYY-MM-DD HH:MM:SS.ffffff'.
"""
import datetime
import random
import sys


def ts(base, us):
    return (base + datetime.timedelta(microseconds=us)).strftime("%Y-%m-%d %H:%M:%S.%f")


REGIONS = ["us-east-1", "us-west-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-southeast-2",
           "ap-northeast-1", "sa-east-1"]


def host_tags(r):
    """TSBS's tags of a host (region ... service_environment), as one CSV fragment."""
    region = r.choice(REGIONS)
    return ",".join([region, region + r.choice("abc"), str(r.randrange(100)), r.choice(["Ubuntu16.10", "Ubuntu16.04LTS", "Ubuntu15.10"]),
                     r.choice(["x64", "x86"]), r.choice(["SF", "NYC", "LON", "CHI"]), str(r.randrange(20)),
                     str(r.randrange(2)), r.choice(["production", "staging", "test"])])


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
    tags = [host_tags(random.Random(h)) for h in range(hosts)]
    with open(out + "/cpu.csv", "w") as f:
        steps = hours * 360
        for s in range(steps):
            t = ts(datetime.datetime(2016, 1, 1), s * 10_000_000)
            for h in range(hosts):
                f.write("host_%d,%s,%s,%s\n" % (h, t, ",".join(str(rnd.randrange(100)) for _ in range(10)), tags[h]))
    fleets, models = ["East", "West", "North", "South"], ["F-150", "G-2000", "H-2", "T-800"]
    with open(out + "/readings.csv", "w") as f:
        lat = [30 + (h * 37 % 100) * 0.1 for h in range(hosts)]
        lon = [110 + (h * 53 % 100) * 0.1 for h in range(hosts)]
        for m in range(hours * 60):
            t = ts(datetime.datetime(2016, 1, 1), m * 60_000_000)
            for h in range(hosts):
                standing = (m + h * 7) % 180 < 30
                v = 0.0 if standing else 20 + rnd.randrange(600) / 10
                if not standing:
                    lat[h] += (rnd.random() - 0.5) * 0.01
                    lon[h] += (rnd.random() - 0.5) * 0.01
                fuel = 1 - ((m + h * 7) % 100) / 100 * 0.98
                load = (h % 10) * 500 + rnd.randrange(2000)
                f.write("truck_%d,%s,%s,%s,%.5f,%.5f,%.1f,%.3f,%d\n" % (
                    h, fleets[h % 4], models[h // 4 % 4], t, lat[h], lon[h], v, fuel, load))


if __name__ == "__main__":
    main()
