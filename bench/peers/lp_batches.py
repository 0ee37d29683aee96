"""The benchmark's CSV files as InfluxDB line protocol, in batches of 50,000 lines (as Telegraf or
a client library sends them; tags in key order): shared by influx_run.py (InfluxDB) and http_load.py (yunhe serve),
so both systems are sent the same bytes. Timestamps are ns; the cpu fields integers (`i`), the
readings' fields floats except current_load."""
import datetime
import os

EPOCH = datetime.datetime(1970, 1, 1)
CPU_FIELDS = ["usage_user", "usage_system", "usage_idle", "usage_nice", "usage_iowait", "usage_irq", "usage_softirq",
              "usage_steal", "usage_guest", "usage_guest_nice"]
CPU_TAGS = ["region", "datacenter", "rack", "os", "arch", "team", "service", "service_version", "service_environment"]
BATCH = 50000


def ns_of(ts):
    t = datetime.datetime.strptime(ts, "%Y-%m-%d %H:%M:%S.%f") - EPOCH
    return (t.days * 86400 + t.seconds) * 10**9 + t.microseconds * 1000


def batches(work, table):
    """(list of bytes batches, first ns, last ns) for cpu.csv or readings.csv in work."""
    first = last = None
    lines, out = [], []
    with open(os.path.join(work, table + ".csv")) as f:
        for row in f:
            cols = row.rstrip("\n").split(",")
            if table == "cpu":
                host, ts, *rest = cols
                fields = ",".join(f"{name}={v}i" for name, v in zip(CPU_FIELDS, rest[:10]))
                tags = ",".join(f"{name}={v}" for name, v in sorted(zip(CPU_TAGS, rest[10:])))
                head = f"cpu,host={host},{tags}"
            else:
                name, fleet, model, ts, lat, lon, vel, fuel, load = cols
                head = f"readings,fleet={fleet},model={model},name={name}"
                fields = f"latitude={lat},longitude={lon},velocity={vel},fuel_state={fuel},current_load={load}i"
            ns = ns_of(ts)
            first = ns if first is None else min(first, ns)
            last = ns if last is None else max(last, ns)
            lines.append(f"{head} {fields} {ns}\n")
            if len(lines) == BATCH:
                out.append("".join(lines).encode())
                lines.clear()
    if lines:
        out.append("".join(lines).encode())
    return out, first, last
