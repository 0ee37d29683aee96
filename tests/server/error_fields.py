"""Integrity errors carry PostgreSQL's object fields (schema, table, column, constraint), which
drivers expose (psycopg2's e.diag) and ORMs read to tell which constraint failed. The expected
values are PostgreSQL 15's for the same statements. Usage: error_fields.py PG_PORT [USER DBNAME]"""
import sys

import psycopg2

port = int(sys.argv[1])
user, db = (sys.argv[2], sys.argv[3]) if len(sys.argv) > 3 else ("yunhe", "yunhe")
conn = psycopg2.connect(host="127.0.0.1", port=port, user=user, dbname=db)
conn.autocommit = True
cur = conn.cursor()
cur.execute("DROP TABLE IF EXISTS ef")
cur.execute("CREATE TABLE ef (k int PRIMARY KEY, v text NOT NULL)")
cur.execute("INSERT INTO ef VALUES (1, 'a')")
cur.execute("DROP SCHEMA IF EXISTS efs CASCADE")
cur.execute("CREATE SCHEMA efs")
cur.execute("CREATE TABLE efs.t (k int PRIMARY KEY, v text NOT NULL)")
cur.execute("INSERT INTO efs.t VALUES (1, 'a')")
failures = []
cases = [
    ("INSERT INTO ef VALUES (1, 'b')", ("23505", "public", "ef", None, "ef_pkey")),
    ("INSERT INTO ef VALUES (2, NULL)", ("23502", "public", "ef", "v", None)),
    # in a schema of its own: the fields name the schema, the table and constraint bare
    ("INSERT INTO efs.t VALUES (1, 'b')", ("23505", "efs", "t", None, "t_pkey")),
    ("INSERT INTO efs.t VALUES (2, NULL)", ("23502", "efs", "t", "v", None)),
]
for sql, want in cases:
    try:
        cur.execute(sql)
        failures.append(f"{sql}: no error")
    except psycopg2.Error as e:
        d = e.diag
        got = (e.pgcode, d.schema_name, d.table_name, d.column_name, d.constraint_name)
        if got != want:
            failures.append(f"{sql}: {got}, want {want}")
cur.execute("DROP TABLE ef")
cur.execute("ALTER TABLE efs.t DROP CONSTRAINT t_pkey")  # by the name pg_constraint shows
cur.execute("DROP SCHEMA efs CASCADE")
print("error_fields: " + ("ok" if not failures else "FAIL " + "; ".join(failures)))
