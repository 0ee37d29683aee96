"""Scale-out on Dask (yunhe.dask): three `yunhe serve` shards and one reference node holding all
the data, a LocalCluster of three worker processes; distributed answers equal the reference's."""
import math
import os
import random
import shutil
import tempfile

import numpy as np
import pytest

from yunhe import dask as ydask

YUNHE = os.environ.get("YUNHE_BIN")
pytestmark = pytest.mark.skipif(not YUNHE, reason="YUNHE_BIN (the yunhe binary) not set")


@pytest.fixture(scope="module")
def cluster():
    from dask.distributed import Client, LocalCluster
    base = tempfile.mkdtemp(prefix="yunhe-dask-")
    specs, procs = ydask.start_local_nodes(YUNHE, 4, base)
    shards, ref = specs[:3], specs[3]
    lc = LocalCluster(n_workers=3, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None)
    client = Client(lc)
    try:
        load(shards, ref)
        yield shards, ref, client, procs
    finally:
        client.close()
        lc.close()
        ydask.stop_local_nodes(procs)
        shutil.rmtree(base, ignore_errors=True)


def lines():
    rng = random.Random(18)
    out = []
    t0 = 1_709_280_000_000_000_000  # 2024-03-01 08:00 UTC
    for h in range(12):
        for i in range(360):
            out.append("cpu,host=h%02d,region=r%d usage_user=%.3f,usage_system=%.3f,n=%di %d" % (
                h, h % 3, rng.uniform(0, 100), rng.uniform(0, 50), rng.randrange(1000), t0 + i * 20_000_000_000))
    return out


def load(shards, ref):
    data = lines()
    written = ydask.ShardedWriter(shards).write(data)
    assert sum(written.values()) == len(data)
    ydask.ShardedWriter([ref]).write(data)
    # Trades by vessel on the shards (placed as their series would be), ship positions on shard 2.
    rng = random.Random(7)
    vessels = ["v%d" % k for k in range(6)]
    for sql_node in shards + [ref]:
        with ydask.Node.parse(sql_node).connect() as c, c.cursor() as cur:
            cur.execute("CREATE TABLE trades (ts timestamptz, vessel text, px double precision)")
            if sql_node in (shards[2], ref):
                cur.execute("CREATE TABLE fixes (ts timestamptz, vessel text, lon double precision)")
    trades, fixes = [], []
    for k in range(600):
        trades.append(("2024-03-01 09:%02d:%02d+00" % (k // 60 % 60, k % 60), rng.choice(vessels), 100 + k * 0.01))
    for k in range(300):
        fixes.append(("2024-03-01 09:%02d:%02d+00" % (k * 2 // 60 % 60, k * 2 % 60), vessels[k % 6], 120 + k * 0.001))
    def insert(spec, table, rows):
        with ydask.Node.parse(spec).connect() as c, c.cursor() as cur:
            cur.executemany("INSERT INTO %s VALUES (%%s, %%s, %%s)" % table, rows)
    for i, spec in enumerate(shards):
        insert(spec, "trades", [r for r in trades if ydask.shard_of(r[1], 3) == i])
    insert(ref, "trades", trades)
    insert(shards[2], "fixes", fixes)
    insert(ref, "fixes", fixes)


def ref_frame(ref, sql):
    return ydask.run_sql(ref, sql)


def same(a, b):
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b), (a, b)
    for c in a.columns:
        x, y = a[c].reset_index(drop=True), b[c].reset_index(drop=True)
        if x.dtype.kind in "fiu" or y.dtype.kind in "fiu":
            np.testing.assert_allclose(x.astype(float), y.astype(float), rtol=1e-9, atol=1e-9)
        else:
            assert [str(v) for v in x] == [str(v) for v in y], c


def test_placement_by_series(cluster):
    shards, ref, _, _ = cluster
    per_node = [ref_frame(s, "SELECT host, count(*) AS n FROM cpu GROUP BY host") for s in shards]
    hosts = [set(f["host"]) for f in per_node]
    assert sum(len(h) for h in hosts) == 12 and len(set().union(*hosts)) == 12  # every series on one node
    for i, h in enumerate(hosts):
        for host in h:
            # the series key as written: measurement,tags in line order
            assert ydask.shard_of("cpu,host=%s,region=r%d" % (host, int(host[1:]) % 3), 3) == i
    assert sum(int(f["n"].sum()) for f in per_node) == 12 * 360


@pytest.mark.parametrize("query", [
    "SELECT host, time_bucket('1 hour', time) AS hour, avg(usage_user) AS u, max(usage_system), count(*) FROM cpu "
    "GROUP BY 1, 2 ORDER BY 1, 2",
    "SELECT region, sum(n) AS total, min(usage_user), stddev(usage_user) AS sd, variance(usage_system) FROM cpu "
    "GROUP BY region ORDER BY region",
    "SELECT host, first(usage_user, time) AS open, last(usage_user, time) AS close FROM cpu GROUP BY host ORDER BY host",
    "SELECT region, count(*) AS n FROM cpu WHERE usage_user > 50 GROUP BY region HAVING count(*) > 10 ORDER BY n DESC, region",
    "SELECT count(*), avg(usage_user), max(time) FROM cpu",
    "SELECT host, round((avg(usage_user) * 2)::numeric, 6) AS twice FROM cpu GROUP BY host ORDER BY twice DESC LIMIT 3",
])
def test_distributed_aggregate_equals_single_node(cluster, query):
    shards, ref, client, _ = cluster
    got = ydask.sql(shards, query, client=client)
    want = ref_frame(ref, query)
    same(got, want)


@pytest.mark.parametrize("query", [
    "SELECT region, percentile_cont(0.5) WITHIN GROUP (ORDER BY usage_user) AS med, "
    "percentile_disc(0.9) WITHIN GROUP (ORDER BY usage_system) AS p90, count(*) AS n FROM cpu GROUP BY region ORDER BY region",
    "SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY usage_user - 50) AS p99 FROM cpu",
    "SELECT host, percentile_cont(0.25) WITHIN GROUP (ORDER BY n) AS q1 FROM cpu WHERE host < 'h04' GROUP BY host ORDER BY host",
])
def test_distributed_percentiles_within_the_sketch_error(cluster, query):
    shards, ref, client, _ = cluster
    got = ydask.sql(shards, query, client=client)
    want = ref_frame(ref, query)
    assert list(got.columns) == list(want.columns) and len(got) == len(want)
    for c in got.columns:
        if c in ("med", "p90", "p99", "q1"):
            # within the sketch's relative error (0.5 %) of the value, plus the rank spacing
            np.testing.assert_allclose(got[c].astype(float), want[c].astype(float), rtol=0.02)
        else:
            assert [str(v) for v in got[c]] == [str(v) for v in want[c]]


def test_read_sql_partitions_and_pushdown(cluster):
    shards, ref, client, _ = cluster
    ddf = ydask.read_sql(shards, "SELECT * FROM cpu", partition_on="time", partitions_per_node=4)
    assert ddf.npartitions == 12
    assert str(ddf.dtypes["time"]) == "datetime64[ns, UTC]"
    total = client.compute(ddf.usage_user.sum()).result()
    want = ref_frame(ref, "SELECT sum(usage_user) AS s, count(*) AS n FROM cpu")
    assert math.isclose(total, want["s"][0], rel_tol=1e-12)
    assert client.compute(ddf.shape[0]).result() == want["n"][0]
    # A column selection on the frame reaches every node's SELECT list (Dask's projection).
    from dask.dataframe.optimize import optimize_dataframe_getitem
    from dask.layers import DataFrameIOLayer
    narrow = ddf[["time", "usage_user"]]
    graph = optimize_dataframe_getitem(narrow.__dask_graph__(), keys=[k[0] for k in narrow.__dask_keys__()])
    io = [layer for layer in graph.layers.values() if isinstance(layer, DataFrameIOLayer)]
    assert io and io[0].io_func.columns == ["time", "usage_user"]
    assert '"host"' not in io[0].io_func.sql(io[0].inputs[0]) and '"usage_user"' in io[0].io_func.sql(io[0].inputs[0])
    assert client.compute(narrow.usage_user.sum()).result() == pytest.approx(want["s"][0], rel=1e-12)
    part = ydask.read_sql(shards, "SELECT * FROM cpu", partition_on="time", columns=["time", "host", "usage_user"],
                          filters=["host IN ('h01', 'h02')", "usage_user > 10"])
    assert list(part.columns) == ["time", "host", "usage_user"]
    got = client.compute(part).result().sort_values(["host", "time"]).reset_index(drop=True)
    exp = ref_frame(ref, "SELECT time, host, usage_user FROM cpu WHERE host IN ('h01', 'h02') AND usage_user > 10 "
                         "ORDER BY host, time")
    same(got, exp)


def test_asof_join_across_nodes(cluster):
    shards, ref, client, _ = cluster
    trades = ydask.read_sql(shards, "SELECT * FROM trades", partition_on="ts", partitions_per_node=2)
    fixes = ydask.read_sql([shards[2]], "SELECT * FROM fixes", partition_on="ts", partitions_per_node=2)
    joined = ydask.asof_join(trades, fixes, on="ts", by="vessel")
    got = client.compute(joined).result().sort_values(["ts", "vessel", "px"]).reset_index(drop=True)
    want = ref_frame(ref, "SELECT t.ts, t.vessel, t.px, f.lon FROM trades t ASOF LEFT JOIN fixes f "
                          "ON t.vessel = f.vessel AND t.ts >= f.ts ORDER BY t.ts, t.vessel, t.px")
    assert len(got) == 600
    same(got[["ts", "vessel", "px", "lon"]], want)


def test_unsupported_queries_are_refused():
    for q in ["SELECT count(DISTINCT host) FROM cpu", "SELECT * FROM cpu", "SELECT host FROM cpu GROUP BY host ORDER BY count(*)",
              "SELECT a FROM t UNION SELECT b FROM u",
              "SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY x)) FROM t",
              "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM t GROUP BY host"]:
        with pytest.raises(ValueError):
            ydask.Plan(q)


def test_a_dead_node_is_named(cluster):
    shards, ref, client, procs = cluster
    # A node that does not answer (a closed port): the query fails naming it, after the retries.
    with pytest.raises(ydask.NodeError) as e:
        ydask.sql(shards[:2] + ["127.0.0.1:1"], "SELECT count(*) FROM cpu", client=client, retries=1)
    assert "127.0.0.1:1" in str(e.value)
    # The others are fine.
    assert ydask.sql(shards, "SELECT count(*) AS n FROM cpu", client=client)["n"][0] == 12 * 360
