"""Vectorized Python functions inside SQL."""
import numpy as np
import pytest

import yunhe


def test_udf_over_chunks(con):
    calls = []

    def fair_value(bid, ask):
        calls.append(len(bid))
        assert isinstance(bid, np.ndarray) and bid.dtype == np.float64
        return (bid + ask) / 2

    con.create_function("fair_value", fair_value, ["DOUBLE", "DOUBLE"], "DOUBLE")
    con.execute("CREATE TABLE q AS SELECT g::double precision AS bid, g + 1.0 AS ask FROM generate_series(1, 10000) g")
    assert con.execute("SELECT sum(fair_value(bid, ask)) FROM q").fetchone()[0] == sum(g + 0.5 for g in range(1, 10001))
    assert sum(calls) == 10000 and max(calls) <= 2048 and len(calls) >= 5


def test_udf_nulls_strict_and_types(con):
    con.create_function("twice", lambda x: x * 2, ["bigint"], "bigint")
    con.create_function("shout", lambda s: np.array([v.upper() + "!" for v in s], dtype=object), ["text"], "text")
    assert con.execute("SELECT twice(x) FROM (VALUES (1), (NULL), (21)) v(x)").fetchall() == [(2,), (None,), (42,)]
    assert con.execute("SELECT shout('hi'), shout(NULL)").fetchone() == ("HI!", None)
    # A non-strict function sees every row and may return None for NULL.
    con.create_function("nz", lambda x: np.array([None if v == 0 else v for v in x], dtype=object), ["integer"], "integer",
                        strict=False)
    assert con.execute("SELECT nz(0), nz(5)").fetchone() == (None, 5)


def test_udf_errors_are_sql_errors(con):
    def bad(x):
        raise ValueError("model not calibrated")

    con.create_function("bad", bad, ["double precision"], "double precision")
    with pytest.raises(yunhe.InternalError) as e:
        con.execute("SELECT bad(x) FROM (VALUES (1.0::float8)) v(x)")
    assert e.value.sqlstate == "38000" and "model not calibrated" in str(e.value)
    con.create_function("short", lambda x: x[:1], ["double precision"], "double precision")
    with pytest.raises(yunhe.Error) as e:
        con.execute("SELECT short(g::float8) FROM generate_series(1, 3) g").fetchall()
    assert "returned 1 values for 3 rows" in str(e.value)
    # The connection goes on.
    assert con.execute("SELECT 1").fetchone() == (1,)


def test_udf_names(con):
    with pytest.raises(yunhe.ProgrammingError) as e:
        con.create_function("abs", lambda x: x, ["bigint"], "bigint")
    assert e.value.sqlstate == "42723"
    con.create_function("f1", lambda x: x, ["bigint"], "bigint")
    with pytest.raises(yunhe.ProgrammingError):
        con.create_function("F1", lambda x: x, ["bigint"], "bigint")
    con.remove_function("f1")
    with pytest.raises(yunhe.ProgrammingError) as e:
        con.execute("SELECT f1(1)")
    assert e.value.sqlstate == "42883"
    with pytest.raises(yunhe.ProgrammingError):
        con.create_function("g", lambda x: x, ["nosuchtype"], "bigint")


def test_udf_in_asof_join(con):
    con.execute("CREATE TABLE trades (ts timestamptz, sym text, px double precision)")
    con.execute("CREATE TABLE quotes (ts timestamptz, sym text, bid double precision, ask double precision)")
    con.execute("""INSERT INTO quotes VALUES ('2024-03-01 09:30:00+00', 'A', 10, 11), ('2024-03-01 09:30:05+00', 'A', 12, 13)""")
    con.execute("""INSERT INTO trades VALUES ('2024-03-01 09:30:03+00', 'A', 10.6), ('2024-03-01 09:30:06+00', 'A', 12.4)""")
    con.create_function("fair_value", lambda b, a: (b + a) / 2, ["DOUBLE", "DOUBLE"], "DOUBLE")
    df = con.execute("""SELECT t.ts, t.px - fair_value(q.bid, q.ask) AS edge FROM trades t
                        ASOF JOIN quotes q ON t.sym = q.sym AND t.ts >= q.ts ORDER BY t.ts""").df()
    assert df["edge"].round(6).tolist() == [0.1, -0.1]


def test_udf_on_parallel_scan(con):
    # Enough rows for the engine's worker threads: the function takes the GIL on each of them.
    con.create_function("inc", lambda x: x + 1, ["bigint"], "bigint")
    con.execute("CREATE TABLE big AS SELECT g AS x FROM generate_series(1, 300000) g")
    assert con.execute("SELECT sum(inc(x)) FROM big").fetchone() == (sum(range(2, 300002)),)


def test_non_strict_udf_sees_nulls_masked(con):
    seen = []

    def fill(x):
        seen.append(x)
        return np.ma.filled(x.astype(float), -1.0) if isinstance(x, np.ma.MaskedArray) else x.astype(float)

    con.create_function("fill_null", fill, ["bigint"], "double precision", strict=False)
    assert con.execute("SELECT fill_null(x) FROM (VALUES (1), (NULL), (3)) v(x)").fetchall() == [(1.0,), (-1.0,), (3.0,)]
    assert isinstance(seen[0], np.ma.MaskedArray) and seen[0].mask.tolist() == [False, True, False]
