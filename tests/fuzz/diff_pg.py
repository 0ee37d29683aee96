#!/usr/bin/python3
"""Differential fuzzing of yunhe against PostgreSQL over the wire (psycopg2 to both).

usage: diff_pg.py YUNHE_PORT PG_PORT [ROUNDS] [SEED]
Random data and random queries from families yunhe claims PostgreSQL semantics for: window
frames, time zone arithmetic and truncation, date_bin, aggregates with FILTER, DISTINCT ON,
joins. ASOF joins are compared with their LATERAL form run on PostgreSQL. Prints each mismatch
with the query and both answers; exit status 1 if any.
"""
import random
import sys

import psycopg2


def connect(port, user):
    c = psycopg2.connect(host="127.0.0.1", port=port, user=user, dbname="postgres" if user == "postgres" else "yunhe")
    c.autocommit = True
    return c


def run(conn, sql):
    with conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall() if cur.description else None


def norm(rows):
    out = []
    for r in rows or []:
        vals = []
        for v in r:
            if isinstance(v, float):
                v = round(v, 6)
            elif hasattr(v, "is_finite"):  # Decimal
                v = round(float(v), 6)
            vals.append(v)
        out.append(tuple(vals))
    return sorted(out, key=repr)


def main():
    yport, pport = int(sys.argv[1]), int(sys.argv[2])
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    rnd = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    y, p = connect(yport, "yunhe"), connect(pport, "postgres")
    for conn in (y, p):
        run(conn, "DROP TABLE IF EXISTS f")
        run(conn, "DROP TABLE IF EXISTS q")
        run(conn, "CREATE TABLE f (id int, k int, ts timestamptz, v double precision, i int, t text)")
        run(conn, "CREATE TABLE q (id int, k int, ts timestamptz, w int)")
    rows = []
    for n in range(300):
        ts = "2024-03-%02d %02d:%02d:%02d+00" % (rnd.randint(28, 31), rnd.randint(0, 23), rnd.randint(0, 59), rnd.randint(0, 59))
        v = "NULL" if rnd.random() < 0.1 else "%.3f" % rnd.uniform(-100, 100)
        i = "NULL" if rnd.random() < 0.1 else str(rnd.randint(-50, 50))
        t = "NULL" if rnd.random() < 0.1 else "'%s'" % rnd.choice(["a", "b", "c", "dd"])
        rows.append("(%d, %d, '%s', %s, %s, %s)" % (n, rnd.randint(0, 4), ts, v, i, t))
    qrows = []
    for n in range(500):
        ts = "2024-03-%02d %02d:%02d:%02d+00" % (rnd.randint(28, 31), rnd.randint(0, 23), rnd.randint(0, 59), rnd.randint(0, 59))
        qrows.append("(%d, %d, '%s', %d)" % (n, rnd.randint(0, 5), ts, rnd.randint(0, 1000)))
    for conn in (y, p):
        run(conn, "INSERT INTO f VALUES " + ",".join(rows))
        run(conn, "INSERT INTO q VALUES " + ",".join(qrows))
    zones = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "America/Sao_Paulo"]
    aggs = ["count(i)", "sum(i)", "avg(i)", "min(v)", "max(v)", "sum(v)", "count(*)", "min(ts)", "max(i)"]
    mismatches = 0
    errors = 0

    def compare(sql, ysql=None):
        nonlocal mismatches, errors
        try:
            a = norm(run(y, ysql or sql))
        except psycopg2.Error as e:
            a = "ERROR " + (e.pgcode or "")
            y.rollback() if not y.autocommit else None
        try:
            b = norm(run(p, sql))
        except psycopg2.Error as e:
            b = "ERROR " + (e.pgcode or "")
        if isinstance(b, str):
            errors += 1
        if a != b:
            mismatches += 1
            print("MISMATCH:", ysql or sql)
            if ysql:
                print("  reference:", sql)
            print("  yunhe:", str(a)[:600])
            print("  postgres:", str(b)[:600])

    for _ in range(rounds):
        kind = rnd.randint(0, 9)
        if kind == 0:
            agg = rnd.choice(aggs)
            frame = rnd.choice([
                "ROWS BETWEEN %d PRECEDING AND %d FOLLOWING" % (rnd.randint(0, 5), rnd.randint(0, 5)),
                "ROWS BETWEEN %d PRECEDING AND CURRENT ROW" % rnd.randint(1, 9),
                "RANGE BETWEEN INTERVAL '%d minutes' PRECEDING AND CURRENT ROW" % rnd.randint(1, 300),
                "RANGE BETWEEN CURRENT ROW AND INTERVAL '%d hours' FOLLOWING" % rnd.randint(1, 6),
                "GROUPS BETWEEN %d PRECEDING AND %d FOLLOWING" % (rnd.randint(0, 3), rnd.randint(0, 3)),
                "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"])
            filt = rnd.choice(["", " FILTER (WHERE i > 0)"]) if not agg.startswith("min(ts)") else ""
            order = rnd.choice(["ts", "ts DESC"]) if "RANGE" in frame else rnd.choice(["ts, id", "ts DESC, id", "i, id"])
            if "RANGE" in frame and "DESC" in order:
                frame = frame.replace("PRECEDING", "XX").replace("FOLLOWING", "PRECEDING").replace("XX", "FOLLOWING")
                frame = "RANGE BETWEEN CURRENT ROW AND INTERVAL '%d minutes' FOLLOWING" % rnd.randint(1, 300)
            compare("SELECT id, %s%s OVER (PARTITION BY k ORDER BY %s %s) FROM f" % (agg, filt, order, frame))
        elif kind == 1:
            z = rnd.choice(zones)
            unit = rnd.choice(["hour", "day", "week", "month", "minute"])
            sql = ("SELECT id, date_trunc('%s', ts)::text, (ts + interval '%d days %d hours')::text, ts::date::text, "
                   "extract(hour from ts), to_char(ts, 'YYYY-MM-DD HH24:MI') FROM f" % (unit, rnd.randint(-3, 3), rnd.randint(-30, 30)))
            run(y, "SET TIME ZONE '%s'" % z)
            run(p, "SET TIME ZONE '%s'" % z)
            compare(sql)
            run(y, "SET TIME ZONE 'UTC'")
            run(p, "SET TIME ZONE 'UTC'")
        elif kind == 2:
            stride = rnd.choice(["15 minutes", "1 hour", "7 minutes", "2 hours", "1 day", "90 seconds"])
            origin = rnd.choice(["2000-01-01 00:00+00", "2024-03-30 00:10+00", "1999-12-31 23:59:59+00"])
            compare("SELECT date_bin('%s', ts, timestamptz '%s') AS b, count(*), sum(i) FROM f GROUP BY b" % (stride, origin))
        elif kind == 3:
            keys = rnd.choice(["k", "k, t", "t"])
            compare("SELECT DISTINCT ON (%s) %s, id, ts FROM f ORDER BY %s, ts DESC, id" % (keys, keys, keys))
        elif kind == 4:
            op = rnd.choice([">=", ">", "<=", "<"])
            left_outer = rnd.random() < 0.5
            tol = rnd.choice([None, "30 minutes", "2 hours"])
            order = "q.ts DESC, q.id DESC" if op in (">=", ">") else "q.ts, q.id"
            cond = "f.ts %s q.ts" % op
            tolcond = ""
            if tol:
                tolcond = (" AND q.ts >= f.ts - interval '%s'" % tol) if op in (">=", ">") else (" AND q.ts <= f.ts + interval '%s'" % tol)
            ysql = "SELECT f.id, q.id FROM f ASOF %sJOIN q ON f.k = q.k AND %s%s" % ("LEFT " if left_outer else "", cond,
                                                                                  " TOLERANCE INTERVAL '%s'" % tol if tol else "")
            if tol:
                # the nearest row must be within tolerance: no fallback to an older one
                ref = ("SELECT f.id, n.id FROM f %s JOIN LATERAL (SELECT * FROM (SELECT * FROM q WHERE q.k = f.k AND %s ORDER BY %s LIMIT 1) x "
                       "WHERE %s) n ON true" % ("LEFT" if left_outer else "INNER", cond, order,
                                              ("x.ts >= f.ts - interval '%s'" % tol) if op in (">=", ">") else ("x.ts <= f.ts + interval '%s'" % tol)))
            else:
                ref = ("SELECT f.id, n.id FROM f %s JOIN LATERAL (SELECT * FROM q WHERE q.k = f.k AND %s ORDER BY %s LIMIT 1) n ON true"
                       % ("LEFT" if left_outer else "INNER", cond, order))
            compare(ref, ysql)
        elif kind == 5:
            agg = rnd.choice(aggs)
            compare("SELECT k, t, %s, count(DISTINCT i) FROM f WHERE v > %d GROUP BY k, t HAVING count(*) > %d" %
                    (agg, rnd.randint(-100, 50), rnd.randint(0, 3)))
        elif kind == 6:
            op = rnd.choice(["UNION", "UNION ALL", "INTERSECT", "INTERSECT ALL", "EXCEPT", "EXCEPT ALL"])
            compare("SELECT k, i %% 5 FROM f WHERE v > %d %s SELECT k, w %% 5 FROM q WHERE w > %d" %
                    (rnd.randint(-100, 100), op, rnd.randint(0, 1000)))
        elif kind == 7:
            jt = rnd.choice(["INNER", "LEFT", "RIGHT", "FULL"])
            compare("SELECT f.id, q.id FROM f %s JOIN q ON f.k = q.k AND f.i > q.w %% 50 - %d WHERE f.id < 60 OR q.id < 40" %
                    (jt, rnd.randint(0, 50)))
        elif kind == 9:
            neg = rnd.choice(["", "NOT "])
            extra = rnd.choice(["", " AND q.w > %d" % rnd.randint(0, 1000), " AND q.ts < f.ts", " AND q.id % 3 = 0"])
            compare("SELECT id FROM f WHERE %sEXISTS (SELECT 1 FROM q WHERE q.k = f.k%s) AND f.id %% 2 = %d" %
                    (neg, extra, rnd.randint(0, 1)))
        else:
            compare("SELECT id, round(v::numeric, %d), i %% 7, i / 3, coalesce(t, 'z') || i, greatest(i, k), nullif(i, 0), "
                    "abs(v), sign(i), v * i, i::numeric / nullif(k, 0), length(t), upper(t), "
                    "CASE WHEN i > 0 THEN 'pos' WHEN i < 0 THEN 'neg' END FROM f" % rnd.randint(0, 3))
    print("%d rounds, %d mismatches (%d queries failed on both sides alike)" % (rounds, mismatches, errors))
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
