"""Results as NumPy arrays, pandas and GeoPandas frames; DataFrames appended to tables."""
import datetime
import decimal

import numpy as np
import pandas as pd
import pytest

import yunhe


@pytest.fixture
def ticks(con):
    con.execute("""CREATE TABLE ticks (ts timestamptz NOT NULL, sym text, px double precision, qty bigint,
                   ok boolean, d date, n numeric(10,2))""")
    con.execute("""INSERT INTO ticks SELECT timestamptz '2024-03-01 09:30:00+00' + g * interval '1 second',
                   CASE WHEN g % 2 = 0 THEN 'AAPL' ELSE 'MSFT' END, 100 + g * 0.5,
                   CASE WHEN g % 3 = 0 THEN NULL ELSE g END, g % 2 = 0, date '2024-03-01' + g, g * 1.25
                   FROM generate_series(0, 9999) g""")
    return con


def test_fetchnumpy_types_and_nulls(ticks):
    a = ticks.execute("SELECT ts, sym, px, qty, ok, d, n FROM ticks ORDER BY ts").fetchnumpy()
    assert list(a) == ["ts", "sym", "px", "qty", "ok", "d", "n"]
    assert a["ts"].dtype == np.dtype("datetime64[ns]")
    assert a["ts"][1] == np.datetime64("2024-03-01T09:30:01", "ns")
    assert a["px"].dtype == np.float64 and a["px"][2] == 101.0
    assert a["sym"].dtype == object and a["sym"][0] == "AAPL"
    assert isinstance(a["qty"], np.ma.MaskedArray) and a["qty"].dtype == np.int64
    assert a["qty"].mask[0] and not a["qty"].mask[1] and a["qty"][1] == 1
    assert a["qty"].count() == 10000 - 3334
    assert a["ok"].dtype == np.bool_ and a["ok"][0]
    assert a["d"].dtype == np.dtype("datetime64[D]") and a["d"][3] == np.datetime64("2024-03-04")
    assert a["n"].dtype == np.float64 and a["n"][4] == 5.0
    assert len(a["ts"]) == 10000


def test_df_dtypes(ticks):
    df = ticks.execute("SELECT ts, sym, px, qty, ok, n FROM ticks ORDER BY ts LIMIT 4").df()
    assert str(df["ts"].dtype) == "datetime64[ns, UTC]"
    assert df["ts"][0] == pd.Timestamp("2024-03-01 09:30:00", tz="UTC")
    assert str(df["qty"].dtype) == "Int64" and pd.isna(df["qty"][0]) and df["qty"][1] == 1
    assert df["px"].tolist() == [100.0, 100.5, 101.0, 101.5]
    d = ticks.execute("SELECT n FROM ticks ORDER BY ts LIMIT 2").df(numeric_as_decimal=True)
    assert d["n"].tolist() == [decimal.Decimal("0.00"), decimal.Decimal("1.25")]


def test_df_after_fetchone_keeps_the_rest(ticks):
    cur = ticks.execute("SELECT px FROM ticks ORDER BY ts")
    assert cur.fetchone() == (100.0,)
    df = cur.df()
    assert len(df) == 9999 and df["px"][0] == 100.5


def test_fetchnumpy_matches_rows(ticks):
    rows = ticks.execute("SELECT px, qty FROM ticks ORDER BY ts").fetchall()
    a = ticks.execute("SELECT px, qty FROM ticks ORDER BY ts").fetchnumpy()
    assert [r[0] for r in rows] == a["px"].tolist()
    assert [r[1] for r in rows] == [None if m else int(v) for v, m in zip(a["qty"].data, a["qty"].mask)]


def test_append_dataframe(con):
    con.execute("CREATE TABLE q (ts timestamptz NOT NULL, sym text, bid double precision, size integer, note text)")
    n = 50000
    df = pd.DataFrame({
        "ts": pd.date_range("2024-03-01", periods=n, freq="s", tz="UTC"),
        "sym": np.where(np.arange(n) % 2 == 0, "AAPL", "MSFT"),
        "bid": np.arange(n) * 0.25,
        "size": pd.array([None if i % 10 == 0 else i for i in range(n)], dtype="Int64"),
    })
    assert con.append("q", df) == n
    assert con.execute("SELECT count(*), count(size), count(note), min(ts), max(bid) FROM q").fetchone() == (
        n, n - n // 10, 0, datetime.datetime(2024, 3, 1, tzinfo=datetime.timezone.utc), (n - 1) * 0.25)
    assert con.execute("SELECT sym, size FROM q ORDER BY ts LIMIT 2").fetchall() == [("AAPL", None), ("MSFT", 1)]
    # A dict of columns; an int overflowing the column's type is an error naming it, nothing written.
    with pytest.raises(yunhe.DataError) as e:
        con.append("q", {"ts": pd.to_datetime(["2024-01-01"], utc=True), "size": [2**40]})
    assert "integer out of range" in str(e.value)
    assert con.execute("SELECT count(*) FROM q").fetchone() == (n,)
    with pytest.raises(yunhe.IntegrityError):
        con.append("q", {"ts": [None], "sym": ["x"]})
    with pytest.raises(yunhe.ProgrammingError):
        con.append("q", {"nosuch": [1]})
    with pytest.raises(yunhe.ProgrammingError):
        con.append("nosuch", {"x": [1]})


def test_append_round_trip_through_df(con):
    con.execute("CREATE TABLE r (ts timestamp, x double precision, s text, d date)")
    src = pd.DataFrame({"ts": pd.to_datetime(["2024-01-01 00:00:01", None]), "x": [1.5, np.nan],
                        "s": ["a", None], "d": [datetime.date(2024, 1, 2), None]})
    con.append("r", src)
    out = con.execute("SELECT * FROM r ORDER BY x NULLS LAST").df()
    assert out["ts"][0] == pd.Timestamp("2024-01-01 00:00:01") and pd.isna(out["ts"][1])
    assert out["x"][0] == 1.5 and np.isnan(out["x"][1])
    assert out["s"].tolist() == ["a", None]


def test_gdf(con):
    geopandas = pytest.importorskip("geopandas")
    con.execute("CREATE TABLE zones (name text, geom geometry)")
    con.execute("""INSERT INTO zones VALUES ('a', ST_SetSRID(ST_MakePoint(116.39, 39.91), 4326)),
                   ('b', ST_GeomFromText('POLYGON((0 0, 1 0, 1 1, 0 0))', 4326)), ('c', NULL)""")
    g = con.execute("SELECT name, geom FROM zones ORDER BY name").gdf()
    assert isinstance(g, geopandas.GeoDataFrame)
    assert g.crs.to_epsg() == 4326
    assert g.geometry[0].x == pytest.approx(116.39) and g.geometry[1].geom_type == "Polygon"
    assert g.geometry[2] is None


def test_intervals_and_times(con):
    row = con.execute("SELECT interval '1 mon 2 days 00:00:03.5', time '12:34:56.789'").fetchone()
    assert row[0] == datetime.timedelta(days=32, seconds=3.5)
    assert row[1] == datetime.time(12, 34, 56, 789000)
    a = con.execute("SELECT interval '90 minutes' AS d, time '01:00' AS t").fetchnumpy()
    assert a["d"][0] == np.timedelta64(90 * 60 * 10**9, "ns")
    assert a["t"][0] == np.timedelta64(3600 * 10**9, "ns")


def test_register_dataframe(con):
    n = 100_000
    df = pd.DataFrame({
        "ts": pd.date_range("2024-03-01", periods=n, freq="s", tz="UTC"),
        "sym": np.where(np.arange(n) % 3 == 0, "AAPL", "MSFT"),
        "px": np.arange(n) * 0.01,
        "qty": pd.array([None if i % 7 == 0 else i for i in range(n)], dtype="Int64"),
        "ok": np.arange(n) % 2 == 0,
    })
    con.register("quotes_df", df)
    assert con.execute("SELECT count(*), count(qty), sum(px), min(ts), max(ts) FROM quotes_df").fetchone() == (
        n, n - (n + 6) // 7, pytest.approx(df.px.sum()), df.ts.min().to_pydatetime(), df.ts.max().to_pydatetime())
    got = con.execute("SELECT sym, count(*) FROM quotes_df WHERE ok GROUP BY sym ORDER BY sym").fetchall()
    assert got == [tuple(x) for x in df[df.ok].groupby("sym").size().reset_index().itertuples(index=False)]
    # Joined with a table, and in EXPLAIN.
    con.execute("CREATE TABLE syms (sym text, name text)")
    con.execute("INSERT INTO syms VALUES ('AAPL', 'Apple'), ('MSFT', 'Microsoft')")
    assert con.execute("SELECT s.name, count(*) FROM quotes_df q JOIN syms s USING (sym) GROUP BY 1 ORDER BY 1").fetchall() == [
        ("Apple", (n + 2) // 3), ("Microsoft", n - (n + 2) // 3)]
    plan = "\n".join(r[0] for r in con.execute("EXPLAIN SELECT * FROM quotes_df").fetchall())
    assert "External Scan" in plan
    # Another connection of the database sees it; a name that is taken is refused.
    other = yunhe.Connection(con._dbref)
    assert other.execute("SELECT count(*) FROM quotes_df").fetchone() == (n,)
    with pytest.raises(yunhe.ProgrammingError) as e:
        con.register("syms", df)
    assert e.value.sqlstate == "42P07"
    con.unregister("quotes_df")
    with pytest.raises(yunhe.ProgrammingError):
        con.execute("SELECT 1 FROM quotes_df")
