"""Scale-out on Dask distributed: several `yunhe serve` nodes, each holding a shard of the data,
queried as one (docs/scale-out.md).

    from yunhe import dask as ydask
    nodes = ["127.0.0.1:5433/9000", "10.0.0.2:5433/9000"]   # pgwire port / HTTP port
    ydask.ShardedWriter(nodes).write(lines)                   # line protocol, routed by series
    df = ydask.read_sql(nodes, "SELECT * FROM cpu", partition_on="ts")       # a dask DataFrame
    agg = ydask.sql(nodes, "SELECT host, time_bucket('1 hour', ts) AS h, avg(usage_user) "
                           "FROM cpu GROUP BY 1, 2 ORDER BY 1, 2")          # partials per node

Placement: a line-protocol series (measurement plus its tag set, InfluxDB's series key) lives on
node crc32(series key) % len(nodes), so all points of one series are on one node and a
time-partitioned table is split by series, not by time. read_sql makes one task per (node, time
range); sql() runs partial aggregates on every node, combines them by key hash in Dask tasks
(each in an embedded yunhe) and finishes ORDER BY / LIMIT in one last task.
"""
import io
import os
import re
import subprocess
import time
import urllib.request
import zlib

import pandas as pd

from . import sqlsplit


class NodeError(Exception):
    """A node failed (after Dask's retries): the message names it."""


# --- nodes -------------------------------------------------------------------------------------

class Node:
    """One `yunhe serve`: its PostgreSQL-protocol address and (for writes) its HTTP port."""

    def __init__(self, host, pg_port, http_port=None, user="yunhe", password=None, dbname="yunhe"):
        self.host, self.pg_port, self.http_port = host, int(pg_port), http_port and int(http_port)
        self.user, self.password, self.dbname = user, password, dbname

    @classmethod
    def parse(cls, spec):
        """'host:pgport[/httpport]' or a Node."""
        if isinstance(spec, Node):
            return spec
        m = re.fullmatch(r"([^:/]+):(\d+)(?:/(\d+))?", spec)
        if not m:
            raise ValueError("a node is 'host:pgport[/httpport]', not %r" % spec)
        return cls(m.group(1), m.group(2), m.group(3))

    def connect(self):
        import psycopg2
        try:
            con = psycopg2.connect(host=self.host, port=self.pg_port, user=self.user, password=self.password,
                                   dbname=self.dbname, connect_timeout=10)
        except psycopg2.OperationalError as e:
            raise NodeError("%s: %s" % (self, str(e).strip())) from None
        con.autocommit = True
        return con

    def __repr__(self):
        return "yunhe node %s:%d" % (self.host, self.pg_port)


def _nodes(nodes):
    out = [Node.parse(n) for n in nodes]
    if not out:
        raise ValueError("no nodes")
    return out


# --- placement and writes ---------------------------------------------------------------------

def series_key(line):
    """The series key of a line-protocol line: measurement and tags (up to the first unescaped
    space), as written. Writers keep a series' tags in one order, as InfluxDB recommends."""
    i = 0
    while i < len(line):
        c = line[i]
        if c == "\\":
            i += 2
            continue
        if c == " ":
            return line[:i]
        i += 1
    return line


def shard_of(key, n):
    """The node index of a series key among n nodes (crc32, stable across processes and hosts)."""
    return zlib.crc32(key.encode()) % n


class ShardedWriter:
    """Routes line protocol to the node of each line's series (HTTP /write of every node)."""

    def __init__(self, nodes, precision="ns"):
        self.nodes = _nodes(nodes)
        for n in self.nodes:
            if not n.http_port:
                raise ValueError("%r has no HTTP port ('host:pgport/httpport')" % n)
        self.precision = precision

    def route(self, lines):
        """{node index: [lines]} for an iterable of lines (blank lines and comments dropped)."""
        out = {}
        for line in lines:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            out.setdefault(shard_of(series_key(line), len(self.nodes)), []).append(line)
        return out

    def write(self, lines):
        """Writes lines (a str with newlines or an iterable of lines); returns rows per node."""
        if isinstance(lines, str):
            lines = lines.splitlines()
        written = {}
        for k, part in self.route(lines).items():
            node = self.nodes[k]
            body = ("\n".join(part) + "\n").encode()
            url = "http://%s:%d/write?precision=%s" % (node.host, node.http_port, self.precision)
            req = urllib.request.Request(url, data=body, method="POST")
            try:
                with urllib.request.urlopen(req, timeout=60) as resp:
                    resp.read()
            except OSError as e:
                raise NodeError("%r: %s" % (node, e)) from None
            written[node] = len(part)
        return written


# --- reading from a node ----------------------------------------------------------------------

_TZ, _NAIVE, _DATE = 1184, 1114, 1082
_INTS, _FLOATS, _BOOL = {20, 21, 23, 26}, {700, 701, 1700}, 16


def _typed_frame(text, description):
    """A DataFrame from CSV text and the columns' type OIDs (the same dtypes for every part)."""
    names = [d.name for d in description]
    dtypes = {}
    for d in description:
        if d.type_code in _INTS:
            dtypes[d.name] = "Int64"
        elif d.type_code in _FLOATS:
            dtypes[d.name] = "float64"
        elif d.type_code == _BOOL:
            dtypes[d.name] = "boolean"
        elif d.type_code not in (_TZ, _NAIVE, _DATE):
            dtypes[d.name] = "object"
    df = pd.read_csv(io.StringIO(text), names=names, header=None, dtype={k: v for k, v in dtypes.items() if v != "boolean"},
                     keep_default_na=False, na_values=[""], true_values=["t"], false_values=["f"])
    for d in description:
        c = d.name
        if d.type_code == _TZ:
            df[c] = pd.to_datetime(df[c], utc=True)
        elif d.type_code in (_NAIVE, _DATE):
            df[c] = pd.to_datetime(df[c])
        elif d.type_code == _BOOL:
            df[c] = df[c].astype("boolean")
        elif dtypes.get(c) == "object":
            missing = df[c].isna()
            if missing.any():  # NULL as None, as yunhe's own frames have it (only where there are)
                col = df[c].astype(object)
                col[missing.to_numpy()] = None
                df[c] = col
    return df


def run_sql(node, sql):
    """sql's rows on one node as a typed pandas DataFrame (COPY ... TO STDOUT in CSV)."""
    node = Node.parse(node)
    import psycopg2
    con = node.connect()
    try:
        with con.cursor() as cur:
            cur.execute("SELECT * FROM (%s) yunhe_q LIMIT 0" % sql)
            description = cur.description
            buf = io.StringIO()
            cur.copy_expert("COPY (%s) TO STDOUT WITH (FORMAT csv)" % sql, buf)
    except psycopg2.OperationalError as e:
        raise NodeError("%r: %s" % (node, str(e).strip())) from None
    finally:
        con.close()
    return _typed_frame(buf.getvalue(), description)


def _literal(v):
    if isinstance(v, pd.Timestamp):
        return "'%s'" % v.isoformat()
    return repr(v) if isinstance(v, (int, float)) else "'%s'" % str(v).replace("'", "''")


def _ranges(lo, hi, k):
    """k half-open ranges covering [lo, hi] (the last one closed)."""
    if k <= 1 or lo == hi:
        return [(lo, hi, True)]
    step = (hi - lo) / k
    cuts = [lo + step * i for i in range(k)] + [hi]
    if isinstance(lo, int) and not isinstance(lo, bool):
        cuts = [int(c) for c in cuts]
    out = []
    for i in range(k):
        if cuts[i] < cuts[i + 1] or i == k - 1:
            out.append((cuts[i], cuts[i + 1], i == k - 1))
    return out


def _quote_ident(name):
    return '"%s"' % name.replace('"', '""')


class _RangeReader:
    """Reads one (node, range) part of read_sql: a DataFrameIOFunction, so Dask's optimizer
    pushes a column selection (ddf[["ts", "x"]]) into every node's SELECT list."""

    def __init__(self, base, partition_on, columns):
        self.base, self.partition_on, self._columns = base, partition_on, list(columns)

    @property
    def columns(self):
        return self._columns

    def project_columns(self, columns):
        return _RangeReader(self.base, self.partition_on, [c for c in self._columns if c in set(columns)])

    def sql(self, part):
        _, lo, hi, last = part
        col = _quote_ident(self.partition_on)
        return "SELECT %s FROM (%s) yunhe_p WHERE %s >= %s AND %s %s %s" % (
            ", ".join(_quote_ident(c) for c in self._columns), self.base, col, lo, col, "<=" if last else "<", hi)

    def __call__(self, part):
        return run_sql(part[0], self.sql(part))


def read_sql(nodes, sql, partition_on="ts", partitions_per_node=4, columns=None, filters=None):
    """A dask DataFrame of sql's rows over every node: one task per (node, range of
    `partition_on`). `filters` (SQL conditions) and `columns` go into each node's query, and so
    does a later column selection on the frame (Dask's column projection), so only the rows and
    columns asked for cross the network."""
    import dask.dataframe as dd
    nodes = _nodes(nodes)
    select = ", ".join(_quote_ident(c) for c in columns) if columns else "*"
    base = "SELECT %s FROM (%s) yunhe_src" % (select, sql)
    if filters:
        base += " WHERE " + " AND ".join("(%s)" % f for f in filters)
    col = _quote_ident(partition_on)
    parts, description = [], None
    for node in nodes:
        con = node.connect()
        try:
            with con.cursor() as cur:
                cur.execute("SELECT min(%s), max(%s) FROM (%s) yunhe_r" % (col, col, base))
                lo, hi = cur.fetchone()
                cur.execute("SELECT * FROM (%s) yunhe_q LIMIT 0" % base)
                description = cur.description
        finally:
            con.close()
        if lo is None:
            continue
        lo, hi = (pd.Timestamp(lo), pd.Timestamp(hi)) if hasattr(lo, "isoformat") else (lo, hi)
        for a, b, last in _ranges(lo, hi, partitions_per_node):
            parts.append(("%s:%d" % (node.host, node.pg_port), _literal(a), _literal(b), last))
    meta = _typed_frame("", description)
    if not parts:
        return dd.from_pandas(meta, npartitions=1)
    reader = _RangeReader(base, partition_on, list(meta.columns))
    return dd.from_map(reader, parts, meta=meta, label="yunhe-read", enforce_metadata=False)


# --- distributed aggregation ------------------------------------------------------------------

_AGGREGATES = {"sum", "count", "min", "max", "avg", "first", "last", "stddev", "stddev_samp", "stddev_pop",
               "variance", "var_samp", "var_pop"}
_PERCENTILES = {"percentile_cont", "percentile_disc"}
# Percentiles combine from a log-bucket sketch per group and node (DDSketch's idea, in SQL): a
# value x != 0 falls in bucket ceil(ln|x| / ln(GAMMA)) of its sign, whose midpoint is within
# ALPHA of every value in it, so a percentile found by counting buckets is within ALPHA
# (relative) of a value at that rank.
SKETCH_ALPHA = 0.005
SKETCH_GAMMA = (1 + SKETCH_ALPHA) / (1 - SKETCH_ALPHA)
_PERCENTILE_ITEM = re.compile(
    r"(?is)^\s*(percentile_cont|percentile_disc)\s*\(\s*([0-9.]+)\s*\)\s*within\s+group\s*\(\s*order\s+by\s+(.+?)\s*\)\s*$")


class Plan:
    """How one GROUP BY query runs spread over nodes (see sql())."""

    def __init__(self, query):
        c = sqlsplit.clauses(query)
        if "from" not in c:
            raise ValueError("a distributed query reads a table (FROM ...)")
        self.partials = []  # SQL expressions computed on every node, named p0, p1, ...
        self.sketches = []  # (output name, percentile, 'cont'/'disc', sketch query index)
        sketch_inputs = []  # the expressions percentiles are taken of
        items = [sqlsplit.split_alias(i) for i in sqlsplit.split_commas(c["select"])]
        group = sqlsplit.split_commas(c.get("group by", ""))
        if any(it[0].strip() == "*" for it in items):
            raise ValueError("SELECT * cannot be combined across nodes: name the columns")
        # Group keys: ordinals, output names or expressions of the select list, or other expressions.
        key_of_item = {}
        self.keys = []  # expressions, named k0, k1, ...
        for g in group:
            idx = None
            if g.isdigit():
                idx = int(g) - 1
            else:
                for k, (expr, alias) in enumerate(items):
                    if (alias and sqlsplit._unquote(g) == alias) or sqlsplit.normalize(g) == sqlsplit.normalize(expr):
                        idx = k
                        break
            if idx is not None:
                if not 0 <= idx < len(items):
                    raise ValueError("GROUP BY position %s is not in the select list" % g)
                key_of_item[idx] = len(self.keys)
                self.keys.append(items[idx][0])
            else:
                self.keys.append(g)
        final = []
        for k, (expr, alias) in enumerate(items):
            name = alias or sqlsplit.output_name(expr)
            quoted = '"%s"' % name.replace('"', '""')
            if k in key_of_item:
                final.append("k%d AS %s" % (key_of_item[k], quoted))
                continue
            m = _PERCENTILE_ITEM.match(expr)
            if m:
                frac = float(m.group(2))
                if not 0 <= frac <= 1:
                    raise ValueError("percentile %s is not between 0 and 1" % m.group(2))
                if m.group(3) not in sketch_inputs:
                    sketch_inputs.append(m.group(3))
                self.sketches.append((name, frac, m.group(1)[-4:], sketch_inputs.index(m.group(3))))
                final.append("NULL::float8 AS %s" % quoted)  # filled from the sketches
                continue
            if sqlsplit.calls(expr, _PERCENTILES):
                raise ValueError("a percentile is combined across nodes only as a select item of its own: "
                                 "percentile_cont(p) WITHIN GROUP (ORDER BY x) [AS name]")
            rebuilt = self._combine_expr(expr)
            if rebuilt == expr and self.keys:
                raise ValueError("%s is neither an aggregate nor a GROUP BY key" % expr)
            final.append("%s AS %s" % (rebuilt, quoted))
        if self.sketches and len(key_of_item) != len(self.keys):
            raise ValueError("with percentiles, every GROUP BY key must be in the select list")
        if not self.partials and not self.keys and not self.sketches:
            raise ValueError("sql() runs aggregates (GROUP BY or sum/count/...); use read_sql() for rows")
        if "having" in c and sqlsplit.calls(c["having"], _PERCENTILES):
            raise ValueError("HAVING a percentile is not combined across nodes")
        having = self._combine_expr(c["having"]) if "having" in c else None
        order = c.get("order by")
        if order and sqlsplit.calls(order, _AGGREGATES | _PERCENTILES):
            raise ValueError("ORDER BY an output name or position, not an aggregate call")
        key_items = ["%s AS k%d" % (e, i) for i, e in enumerate(self.keys)]
        node_items = key_items + ["%s AS p%d" % (e, i) for i, e in enumerate(self.partials)]
        where = " WHERE " + c["where"] if "where" in c else ""
        self.node_sql = "SELECT %s FROM %s%s%s" % (
            ", ".join(node_items or ["count(*) AS p0"]), c["from"], where,
            " GROUP BY " + ", ".join(str(i + 1) for i in range(len(self.keys))) if self.keys else "")
        # One sketch query per percentile input: (keys, sign, bucket, count) rows.
        self.sketch_sqls = []
        for x in sketch_inputs:
            v = "(%s)::float8" % x
            bucket = "CASE WHEN %s = 0 THEN 0 ELSE ceil(ln(abs(%s)) / ln(%r))::bigint END" % (v, v, SKETCH_GAMMA)
            n = len(self.keys)
            self.sketch_sqls.append("SELECT %s FROM %s%s %s %s IS NOT NULL GROUP BY %s" % (
                ", ".join(key_items + ["sign(%s)::bigint AS s" % v, "%s AS b" % bucket, "count(*) AS c"]), c["from"], where,
                "AND" if where else "WHERE", v, ", ".join(str(i + 1) for i in range(n + 2))))
        self.key_names = {key_of_item[k]: alias or sqlsplit.output_name(expr)
                          for k, (expr, alias) in enumerate(items) if k in key_of_item}
        self.combine_sql = "SELECT %s FROM %s%s%s" % (
            ", ".join(final), "partials" if self.keys or self.partials else "(SELECT 1) yunhe_one", " GROUP BY " + ", ".join("k%d" % i for i in range(len(self.keys))) if self.keys else "",
            " HAVING " + having if having else "")
        tail = ""
        if order:
            tail += " ORDER BY " + order
        if "limit" in c:
            tail += " LIMIT " + c["limit"]
        if "offset" in c:
            tail += " OFFSET " + c["offset"]
        self.final_sql = "SELECT * FROM combined" + tail if tail else None
        self.names = [alias or sqlsplit.output_name(expr) for expr, alias in items]

    def _partial(self, expr):
        self.partials.append(expr)
        return "p%d" % (len(self.partials) - 1)

    def _combine_expr(self, expr):
        """expr with every aggregate call replaced by its combination of partial columns."""
        out, last = [], 0
        for s, e, name, args in sqlsplit.calls(expr, _AGGREGATES):
            out.append(expr[last:s])
            out.append(self._combine_call(name, args))
            last = e
        out.append(expr[last:])
        return "".join(out)

    def _combine_call(self, name, args):
        if re.match(r"(?i)\s*distinct\b", args):
            raise ValueError("%s(DISTINCT ...) cannot be combined from partial results" % name)
        if re.search(r"(?i)\border\s+by\b|\bfilter\b", args):
            raise ValueError("ordered or filtered aggregates are not combined across nodes")
        if name == "count":
            return "sum(%s)::bigint" % self._partial("count(%s)" % args)
        if name in ("sum", "min", "max"):
            return "%s(%s)" % (name, self._partial("%s(%s)" % (name, args)))
        if name == "avg":
            s = self._partial("sum(%s)" % args)
            n = self._partial("count(%s)" % args)
            return "(sum(%s)::float8 / nullif(sum(%s), 0))" % (s, n)
        if name in ("first", "last"):
            parts = sqlsplit.split_commas(args)
            if len(parts) != 2:
                raise ValueError("%s(value, time) takes two arguments" % name)
            v = self._partial("%s(%s)" % (name, args))
            t = self._partial("%s(%s)" % ("min" if name == "first" else "max", parts[1]))
            return "%s(%s, %s)" % (name, v, t)
        # Variances from count, sum and sum of squares.
        n = self._partial("count(%s)" % args)
        s = self._partial("sum((%s)::float8)" % args)
        q = self._partial("sum((%s)::float8 * (%s)::float8)" % (args, args))
        pop = name in ("stddev_pop", "var_pop")
        var = "((sum(%s) - sum(%s) * sum(%s) / nullif(sum(%s), 0)) / nullif(sum(%s)%s, 0))" % (
            q, s, s, n, n, "" if pop else " - 1")
        return "sqrt(greatest(%s, 0))" % var if name.startswith("stddev") else var


def _split_by_key(df, nkeys, buckets):
    """A node's partial rows cut into `buckets` frames by the hash of their group key."""
    if buckets == 1 or nkeys == 0 or df.empty:
        return [df] + [df.iloc[0:0]] * (buckets - 1)
    h = pd.util.hash_pandas_object(df[["k%d" % i for i in range(nkeys)]], index=False) % buckets
    return [df[h.values == b] for b in range(buckets)]


def _node_partials(node, plan, buckets):
    """A node's partial aggregates and sketches, each cut into buckets: [(partials, [sketches])]."""
    nkeys = len(plan.keys)
    parts = _split_by_key(run_sql(node, plan.node_sql), nkeys, buckets)
    sketches = [_split_by_key(run_sql(node, q), nkeys, buckets) for q in plan.sketch_sqls]
    return [(parts[b], [sk[b] for sk in sketches]) for b in range(buckets)]


def _sketch_percentile(signs, bucket_ids, counts, frac):
    """The value at rank frac * (n - 1) of a sketch's (sign, bucket, count) rows."""
    import numpy as np
    values = np.where(signs == 0, 0.0, signs * 2 * SKETCH_GAMMA ** bucket_ids.astype(float) / (SKETCH_GAMMA + 1))
    order = np.argsort(values, kind="stable")
    values, counts = values[order], counts[order]
    cum = np.cumsum(counts)
    at = int(np.searchsorted(cum, frac * (cum[-1] - 1), side="right"))
    return float(values[min(at, len(values) - 1)])


def _fill_percentiles(df, sketch_frames, plan):
    """The percentile columns of a combined bucket from its sketches (all nodes' rows)."""
    if not plan.sketches:
        return df
    nkeys = len(plan.keys)
    key_cols = ["k%d" % i for i in range(nkeys)]
    out_keys = [plan.key_names[i] for i in range(nkeys)]
    for name, frac, _, j in plan.sketches:
        sk = pd.concat(sketch_frames[j], ignore_index=True)
        if sk.empty:
            continue
        sk = sk.groupby(key_cols + ["s", "b"], sort=False, dropna=False)["c"].sum().reset_index() if nkeys else \
            sk.groupby(["s", "b"])["c"].sum().reset_index()
        result = {}
        groups = sk.groupby(key_cols, sort=False, dropna=False) if nkeys else [((), sk)]
        for key, g in groups:
            key = key if isinstance(key, tuple) else (key,)
            result[tuple(str(v) for v in key)] = _sketch_percentile(
                g["s"].to_numpy(dtype="int64"), g["b"].to_numpy(dtype="int64"), g["c"].to_numpy(dtype="int64"), frac)
        if nkeys:
            keys = df[out_keys].astype(str).itertuples(index=False, name=None)
            df[name] = [result.get(tuple(k)) for k in keys]
        else:
            df[name] = [result.get(())] * len(df)
        df[name] = df[name].astype("float64")
    return df


_SQL_TYPES = [("datetime64[ns, UTC]", "timestamptz"), ("datetime64", "timestamp"), ("int", "bigint"),
              ("Int", "bigint"), ("float", "double precision"), ("bool", "boolean")]


def _embedded_query(frames, table, sql):
    """sql over the rows of `frames` as `table`, in an embedded in-memory yunhe."""
    import yunhe
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    con = yunhe.connect()
    cols = []
    for c in df.columns:
        dt = str(df[c].dtype)
        sql_type = next((t for prefix, t in _SQL_TYPES if dt.startswith(prefix)), "text")
        cols.append('"%s" %s' % (c.replace('"', '""'), sql_type))
    con.execute("CREATE TABLE %s (%s)" % (table, ", ".join(cols)))
    if len(df):
        con.append(table, df)
    out = con.execute(sql).df()
    con.close()
    return out


def _combine(parts, plan):
    df = _embedded_query([p[0] for p in parts], "partials", plan.combine_sql)
    return _fill_percentiles(df, [[p[1][j] for p in parts] for j in range(len(plan.sketch_sqls))], plan)


def _finish(frames, plan):
    if plan.final_sql is None:
        df = pd.concat(frames, ignore_index=True)
    else:
        df = _embedded_query(frames, "combined", plan.final_sql)
    df.columns = plan.names
    return df


def sql(nodes, query, client=None, buckets=None, retries=2):
    """Runs an aggregate query (SELECT keys, aggregates FROM ... [WHERE] GROUP BY ... [HAVING]
    [ORDER BY names/positions] [LIMIT]) over every node and returns a pandas DataFrame equal to
    the query's answer over all the data. Each node computes partial aggregates of its shard
    (sum, count, min, max, avg as sum and count, first/last with their times, variances from
    count, sum and sum of squares; percentile_cont/percentile_disc as a log-bucket sketch per
    group, approximate within SKETCH_ALPHA = 0.5 % of the value); they are split by key hash into `buckets` (default: one per
    node) and combined in Dask tasks, then ORDER BY / LIMIT in one last task. Runs on `client`
    (a dask.distributed Client; default: the current one, else Dask's local scheduler); a
    failing node's task is retried `retries` times, then the query fails with NodeError."""
    import dask
    nodes = _nodes(nodes)
    plan = Plan(query)
    buckets = (buckets or len(nodes)) if plan.keys else 1  # without GROUP BY: one combined row
    parts = [dask.delayed(_node_partials, nout=buckets)(n, plan, buckets) for n in nodes]
    combined = [dask.delayed(_combine)([p[b] for p in parts], plan) for b in range(buckets)]
    final = dask.delayed(_finish)(combined, plan)
    if client is None:
        try:
            from dask.distributed import default_client
            client = default_client()
        except (ImportError, ValueError):
            client = None
    if client is not None:
        return client.compute(final, retries=retries).result()
    return final.compute()


# --- joins across shards ----------------------------------------------------------------------

def asof_join(left, right, on, by, npartitions=None, direction="backward", tolerance=None):
    """Each left row with the last right row of the same `by` at or before its `on` (DuckDB's
    ASOF JOIN, pandas' merge_asof): both sides shuffled on `by` into the same partitions (Dask's
    shuffle), then joined partition by partition. left and right are dask DataFrames (read_sql)."""
    import dask.dataframe as dd
    n = npartitions or max(left.npartitions, right.npartitions)
    lft = left.shuffle(by, npartitions=n)
    rgt = right.shuffle(by, npartitions=n)

    # Left's columns, then right's others (pandas orders an empty result differently).
    columns = list(left.columns) + [c for c in right.columns if c not in (on, by)]

    def join(a, b):
        a = a.sort_values(on)
        b = b.sort_values(on)
        return pd.merge_asof(a, b, on=on, by=by, direction=direction, tolerance=tolerance)[columns]

    meta = join(left._meta, right._meta)
    return dd.map_partitions(join, lft, rgt, meta=meta, align_dataframes=False)


# --- nodes on this machine (tests, benchmarks) -----------------------------------------------

def start_local_nodes(yunhe_binary, count, base_dir, extra_args=()):
    """Starts `count` `yunhe serve` processes on 127.0.0.1 (ports chosen by the OS), data in
    base_dir/node<i>. Returns (node specs 'host:pg/http', processes); stop them with
    stop_local_nodes."""
    specs, procs = [], []
    try:
        for i in range(count):
            d = os.path.join(base_dir, "node%d" % i)
            log = open(os.path.join(base_dir, "node%d.log" % i), "w+")
            p = subprocess.Popen([yunhe_binary, "serve", d, "--pg-port", "0", "--http-port", "0", "--ilp-port", "-1",
                                  *extra_args], stdout=log, stderr=subprocess.STDOUT)
            procs.append(p)
            pg = http = None
            for _ in range(200):
                log.seek(0)
                text = log.read()
                m = re.search(r"PostgreSQL protocol on 127\.0\.0\.1:(\d+)", text)
                h = re.search(r"http://127\.0\.0\.1:(\d+)", text)
                if m and h:
                    pg, http = m.group(1), h.group(1)
                    break
                if p.poll() is not None:
                    break
                time.sleep(0.05)
            if not pg:
                raise RuntimeError("yunhe serve did not start: %s" % text)
            specs.append("127.0.0.1:%s/%s" % (pg, http))
    except BaseException:
        stop_local_nodes(procs)
        raise
    return specs, procs


def stop_local_nodes(procs):
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()


__all__ = ["Node", "NodeError", "ShardedWriter", "series_key", "shard_of", "run_sql", "read_sql", "sql", "Plan",
           "asof_join", "start_local_nodes", "stop_local_nodes"]
