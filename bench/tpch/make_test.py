#!/usr/bin/python3
"""Writes a sqllogictest draft for TPC-H at scale factor SF: the data (gen.py's statements) and
the 22 queries (queries/qNN.sql), each `query` record typed from PostgreSQL's result columns
(numeric and float: R, integers: I, the rest: T). Fill in the answers with PostgreSQL:

  bench/tpch/make_test.py 0.01 > /tmp/draft.test
  PGHOST=127.0.0.1 PGPORT=... scripts/slt_from_pg.py /tmp/draft.test > tests/sql/tpch/tpch_sf0.01.test

usage: make_test.py SF   (env PG*: a PostgreSQL to take the column types from)
"""
import os
import subprocess
import sys

import psycopg2

HERE = os.path.dirname(os.path.abspath(__file__))
SF = sys.argv[1]
sql = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "gen.py"), SF], capture_output=True, text=True, check=True).stdout
statements = [s.strip() for s in sql.split(";\n") if s.strip()]
queries = []
for k in range(1, 23):
    with open(os.path.join(HERE, "queries", f"q{k:02d}.sql")) as f:
        queries.append(f.read().strip())

con = psycopg2.connect("")
con.autocommit = True
cur = con.cursor()
cur.execute("DROP SCHEMA IF EXISTS tpch_types CASCADE")
cur.execute("CREATE SCHEMA tpch_types")
cur.execute("SET search_path = tpch_types")
for s in statements:
    if s.startswith("CREATE TABLE") and "AS SELECT" not in s:
        cur.execute(s)
kinds = []
for q in queries:
    cur.execute(q)
    kind = ""
    for d in cur.description:
        if d.type_code in (1700, 700, 701):
            kind += "R"
        elif d.type_code in (20, 21, 23):
            kind += "I"
        else:
            kind += "T"
    kinds.append(kind)
cur.execute("DROP SCHEMA tpch_types CASCADE")

print(f"""# TPC-H at scale factor {SF}: data from bench/tpch/gen.py (the specification's sizes and
# distributions, computed in SQL), the 22 queries of bench/tpch/queries with the specification's
# validation parameters. Expected answers from PostgreSQL 15 on the same generated data
# (bench/tpch/make_test.py, scripts/slt_from_pg.py). Rows are in each query's ORDER BY order.
""")
for s in statements:
    print("statement ok\n" + s + "\n")
# PostgreSQL runs Q17 and Q20's correlated subqueries once per outer row: an index makes its
# reference answers take seconds instead of hours. yunhe gets the same data without it.
print("# reference: CREATE INDEX tpch_lineitem_part_supp ON lineitem (l_partkey, l_suppkey)")
print("statement ok\nANALYZE lineitem\n")
for k, (q, kind) in enumerate(zip(queries, kinds), 1):
    print(f"# Q{k}\nquery {kind}\n{q}\n----\n")
