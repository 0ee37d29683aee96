"""DB-API 2.0 (PEP 249) behaviour of the embedded module."""
import datetime
import decimal

import pytest

import yunhe


def test_module_globals():
    assert yunhe.apilevel == "2.0"
    assert yunhe.paramstyle == "pyformat"
    assert yunhe.threadsafety == 1
    assert issubclass(yunhe.IntegrityError, yunhe.DatabaseError)
    assert issubclass(yunhe.DatabaseError, yunhe.Error)


def test_cursor_fetch_and_description(con):
    cur = con.cursor()
    cur.execute("CREATE TABLE t (id integer PRIMARY KEY, name text, x double precision)")
    assert cur.description is None
    cur.execute("INSERT INTO t VALUES (1, 'a', 1.5), (2, 'b', NULL), (3, NULL, 3.25)")
    assert cur.rowcount == 3
    cur.execute("SELECT id, name, x FROM t ORDER BY id")
    assert [d[0] for d in cur.description] == ["id", "name", "x"]
    assert cur.description[0][1] == yunhe.NUMBER
    assert cur.description[1][1] == yunhe.STRING
    assert cur.fetchone() == (1, "a", 1.5)
    assert cur.fetchmany(1) == [(2, "b", None)]
    assert cur.fetchall() == [(3, None, 3.25)]
    assert cur.fetchone() is None
    assert cur.rowcount == 3


def test_parameters_pyformat_named_and_dollar(con):
    con.execute("CREATE TABLE p (k text, v bigint)")
    con.executemany("INSERT INTO p VALUES (%s, %s)", [("a", 1), ("b", 2), ("it's", 3)])
    assert con.execute("SELECT v FROM p WHERE k = %s", ["it's"]).fetchall() == [(3,)]
    assert con.execute("SELECT v FROM p WHERE k = %(k)s OR v = %(v)s ORDER BY v", {"k": "a", "v": 2}).fetchall() == [(1,), (2,)]
    assert con.execute("SELECT v FROM p WHERE k = $1", ["b"]).fetchall() == [(2,)]
    # % inside quotes and %% outside are not placeholders.
    assert con.execute("SELECT '%s' || %s, 10 %% 3", ["x"]).fetchone() == ("%sx", 1)
    # Parameters are values, never SQL: injection-shaped text stays text.
    assert con.execute("SELECT count(*) FROM p WHERE k = %s", ["a' OR '1'='1"]).fetchone() == (0,)


def test_parameter_types_round_trip(con):
    ts = datetime.datetime(2024, 3, 1, 9, 30, 0, 123456, tzinfo=datetime.timezone.utc)
    naive = datetime.datetime(2024, 3, 1, 9, 30, 0, 5)
    row = con.execute(
        "SELECT %s::timestamptz, %s::timestamp, %s::date, %s::numeric, %s::bytea, %s::boolean, %s::bigint, %s::interval, %s IS NULL",
        [ts, naive, datetime.date(2023, 12, 31), decimal.Decimal("12.345"), b"\x00\xff", True, 2**62,
         datetime.timedelta(hours=1, seconds=1), None]).fetchone()
    assert row[0] == ts
    assert row[1] == naive
    assert row[2] == datetime.date(2023, 12, 31)
    assert row[3] == decimal.Decimal("12.345")
    assert row[4] == b"\x00\xff"
    assert row[5] is True
    assert row[6] == 2**62
    assert row[7] == datetime.timedelta(hours=1, seconds=1)
    assert row[8] is True


def test_errors_map_sqlstate(con):
    con.execute("CREATE TABLE u (id integer PRIMARY KEY)")
    con.execute("INSERT INTO u VALUES (1)")
    with pytest.raises(yunhe.IntegrityError) as e:
        con.execute("INSERT INTO u VALUES (1)")
    assert e.value.sqlstate == "23505" and e.value.pgcode == "23505"
    with pytest.raises(yunhe.ProgrammingError) as e:
        con.execute("SELEC 1")
    assert e.value.sqlstate == "42601" and e.value.position == 1
    with pytest.raises(yunhe.ProgrammingError) as e:
        con.execute("SELECT nosuch FROM u")
    assert e.value.sqlstate == "42703" and e.value.position == 8
    with pytest.raises(yunhe.DataError) as e:
        con.execute("SELECT 1 / 0")
    assert e.value.sqlstate == "22012"
    # The connection works after errors.
    assert con.execute("SELECT count(*) FROM u").fetchone() == (1,)


def test_transactions_autocommit_off(tmp_path):
    path = str(tmp_path / "db")
    a = yunhe.connect(path, autocommit=False)
    a.execute("CREATE TABLE t (x integer)")
    a.commit()
    a.execute("INSERT INTO t VALUES (1)")
    b = yunhe.connect(path)
    assert b.execute("SELECT count(*) FROM t").fetchone() == (0,)  # not committed yet
    a.commit()
    assert b.execute("SELECT count(*) FROM t").fetchone() == (1,)
    a.execute("INSERT INTO t VALUES (2)")
    a.rollback()
    assert b.execute("SELECT count(*) FROM t").fetchone() == (1,)
    a.close()
    b.close()


def test_explicit_block_and_failed_block(con):
    con.execute("CREATE TABLE t (x integer)")
    con.execute("BEGIN")
    con.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(yunhe.DataError):
        con.execute("SELECT 1 / 0")
    with pytest.raises(yunhe.InternalError) as e:  # 25P02 until ROLLBACK
        con.execute("SELECT 1")
    assert e.value.sqlstate == "25P02"
    con.rollback()
    assert con.execute("SELECT count(*) FROM t").fetchone() == (0,)


def test_multi_statement_text_is_one_transaction(con):
    con.execute("CREATE TABLE t (x integer PRIMARY KEY)")
    with pytest.raises(yunhe.IntegrityError):
        con.execute("INSERT INTO t VALUES (1); INSERT INTO t VALUES (1)")
    assert con.execute("SELECT count(*) FROM t").fetchone() == (0,)
    assert con.execute("INSERT INTO t VALUES (2); SELECT x FROM t").fetchall() == [(2,)]


def test_two_cursors_interleave(con):
    con.execute("CREATE TABLE t AS SELECT g AS x FROM generate_series(1, 5000) g")
    a = con.cursor().execute("SELECT x FROM t ORDER BY x")
    assert a.fetchone() == (1,)
    b = con.cursor().execute("SELECT count(*) FROM t")  # a's stream is read ahead, not lost
    assert b.fetchone() == (5000,)
    rest = a.fetchall()
    assert len(rest) == 4999 and rest[0] == (2,) and rest[-1] == (5000,)


def test_iteration_and_context_manager(tmp_path):
    path = str(tmp_path / "ctx")
    with yunhe.connect(path) as c:
        c.execute("CREATE TABLE t AS SELECT g AS x FROM generate_series(1, 3) g")
        assert [r[0] for r in c.execute("SELECT x FROM t ORDER BY x")] == [1, 2, 3]
    assert c.closed
    with pytest.raises(yunhe.InterfaceError):
        c.cursor()
    # Reopened: the data is on disk.
    with yunhe.connect(path) as c2:
        assert c2.execute("SELECT sum(x) FROM t").fetchone() == (6,)


def test_same_directory_shares_one_engine(tmp_path):
    path = str(tmp_path / "shared")
    a = yunhe.connect(path)
    b = yunhe.connect(path)
    a.execute("CREATE TABLE t (x integer)")
    a.execute("INSERT INTO t VALUES (7)")
    assert b.execute("SELECT x FROM t").fetchall() == [(7,)]


def test_postgres_url_hands_back_psycopg2():
    psycopg2 = pytest.importorskip("psycopg2")
    with pytest.raises(psycopg2.OperationalError):
        # Port 1 on loopback: nothing listens; the point is that psycopg2 made the attempt.
        yunhe.connect("postgresql://nobody@127.0.0.1:1/none?connect_timeout=1")


def test_executemany_batches_plain_inserts(con):
    con.execute("CREATE TABLE m (k integer PRIMARY KEY, s text, x double precision)")
    cur = con.cursor()
    cur.executemany("INSERT INTO m VALUES (%s, %s, %s)", [(i, "it's $1 %d" % i, i / 2) for i in range(2500)])
    assert cur.rowcount == 2500
    assert con.execute("SELECT count(*), sum(k), max(s) FROM m").fetchone() == (2500, sum(range(2500)), "it's $1 999")
    assert con.execute("SELECT x FROM m WHERE k = 7").fetchone() == (3.5,)
    # Named parameters, a column list, and the statement shapes that run row by row.
    cur.executemany("INSERT INTO m (k, s) VALUES (%(k)s, %(s)s)", [{"k": 5000 + i, "s": "n"} for i in range(3)])
    assert cur.rowcount == 3
    cur.executemany("INSERT INTO m VALUES (%s, 'c', 0) ON CONFLICT (k) DO UPDATE SET s = 'dup'", [(1,), (1,), (9999,)])
    assert con.execute("SELECT s FROM m WHERE k = 1").fetchone() == ("dup",)
    assert cur.rowcount == 3
    with pytest.raises(yunhe.IntegrityError):
        cur.executemany("INSERT INTO m VALUES (%s, 'x', 0)", [(10000,), (10001,), (1,)])
    assert con.execute("SELECT count(*) FROM m WHERE k >= 10000").fetchone() == (0,)  # its batch failed whole


def test_executemany_append_path_is_all_or_nothing(con):
    con.execute("CREATE TABLE w (a integer, b text)")
    with pytest.raises(yunhe.DataError):
        con.executemany("INSERT INTO w VALUES (%s, %s)", [(1, "x"), (2, "y"), ("three", "z")])
    assert con.execute("SELECT count(*) FROM w").fetchone() == (0,)
