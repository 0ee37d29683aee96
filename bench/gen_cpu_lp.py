#!/usr/bin/env python3
"""Deterministic TSBS-style "cpu-only" devops data as InfluxDB line protocol.

usage: gen_cpu_lp.py HOSTS HOURS [INTERVAL_S] > cpu.lp
One line per host every INTERVAL_S seconds (default 10) from 2016-01-01T00:00:00Z: ten tags
(hostname, region, datacenter, rack, os, arch, team, service, service_version,
service_environment) and ten integer usage fields, as TSBS generates them.
"""
import random
import sys

FIELDS = ["usage_user", "usage_system", "usage_idle", "usage_nice", "usage_iowait",
          "usage_irq", "usage_softirq", "usage_steal", "usage_guest", "usage_guest_nice"]
REGIONS = ["us-east-1", "us-west-1", "us-west-2", "eu-west-1", "eu-central-1",
           "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1"]


def main():
    hosts = int(sys.argv[1])
    hours = float(sys.argv[2])
    step = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    rnd = random.Random(42)
    tags = []
    for h in range(hosts):
        region = REGIONS[h % len(REGIONS)]
        tags.append(
            f"cpu,hostname=host_{h},region={region},datacenter={region}{'abc'[h % 3]},"
            f"rack={rnd.randrange(100)},os=Ubuntu{rnd.choice(['15.10', '16.04', '16.10'])},"
            f"arch={rnd.choice(['x64', 'x86'])},team={rnd.choice(['SF', 'NYC', 'LON', 'CHI'])},"
            f"service={rnd.randrange(20)},service_version={rnd.randrange(2)},"
            f"service_environment={rnd.choice(['production', 'staging', 'test'])}")
    state = [[rnd.randrange(100) for _ in FIELDS] for _ in range(hosts)]
    t0 = 1451606400 * 10**9
    out = sys.stdout
    steps = int(hours * 3600 / step)
    for s in range(steps):
        ts = t0 + s * step * 10**9
        lines = []
        for h in range(hosts):
            v = state[h]
            for k in range(len(v)):
                v[k] = min(100, max(0, v[k] + rnd.randrange(-5, 6)))
            fields = ",".join(f"{FIELDS[k]}={v[k]}i" for k in range(len(v)))
            lines.append(f"{tags[h]} {fields} {ts}\n")
        out.write("".join(lines))


if __name__ == "__main__":
    main()
