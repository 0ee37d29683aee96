"""psycopg2 with json and jsonb columns: dicts in (psycopg2.extras.Json) and dicts out (the
driver parses type OIDs 114 and 3802), operators in WHERE, jsonb's canonical form, and an
invalid document refused with 22P02. Expected values are PostgreSQL 15's.
Usage: json_client.py PG_PORT [USER DBNAME]"""
import psycopg2
from psycopg2.extras import Json

from client_check import check, db, failures, port, report, user

conn = psycopg2.connect(host="127.0.0.1", port=port, user=user, dbname=db)
conn.autocommit = True
cur = conn.cursor()
cur.execute("DROP TABLE IF EXISTS jc")
cur.execute("CREATE TABLE jc (id serial PRIMARY KEY, doc jsonb, raw json)")
cur.execute("INSERT INTO jc (doc, raw) VALUES (%s, %s), (%s, %s) RETURNING id",
            (Json({"dev": "r1", "t": 20.5, "tags": ["a", "b"]}), Json([1, 2]), Json({"dev": "r2", "t": None}), Json({})))
check("returning ids", cur.fetchall(), [(1,), (2,)])
cur.execute("SELECT doc, raw FROM jc ORDER BY id")
check("dicts back", cur.fetchall(), [({"dev": "r1", "t": 20.5, "tags": ["a", "b"]}, [1, 2]), ({"dev": "r2", "t": None}, {})])
cur.execute("SELECT id, doc->>'dev', (doc->>'t')::float8 FROM jc WHERE doc @> %s", (Json({"tags": ["b"]}),))
check("containment", cur.fetchall(), [(1, "r1", 20.5)])
cur.execute("SELECT doc::text FROM jc WHERE doc ? 'tags'")
check("canonical text", cur.fetchall(), [('{"t": 20.5, "dev": "r1", "tags": ["a", "b"]}',)])
cur.execute("SELECT jsonb_agg(doc->'dev' ORDER BY id), json_build_object('n', count(*)) FROM jc")
check("aggregate and builder", cur.fetchall(), [(["r1", "r2"], {"n": 2})])
try:
    cur.execute("INSERT INTO jc (doc) VALUES ('{\"a\": }')")
    failures.append("invalid json accepted")
except psycopg2.Error as e:
    check("invalid json", (e.pgcode, e.diag.message_primary), ("22P02", "invalid input syntax for type json"))
cur.execute("DROP TABLE jc")
report("json_client")
