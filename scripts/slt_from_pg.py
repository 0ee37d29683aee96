#!/usr/bin/python3
"""Fills in the expected results of a sqllogictest draft by running it on PostgreSQL.

usage: PGPORT=55432 PGHOST=127.0.0.1 scripts/slt_from_pg.py draft.test > tests/sql/topic/x.test

Each file runs in a fresh scratch database. `query` records get their results from PostgreSQL
(tab-separated rows, NULL as NULL, '' as (empty), R columns with 3 decimals, I columns as
integers, booleans as t/f); `statement ok|error` records are checked against PostgreSQL and a
mismatch is reported on stderr. This keeps tests/sql honest: expected values come from the
reference engine, not from yunhe.

For syntax PostgreSQL lacks (ASOF JOIN, TOLERANCE ...), put the plain-SQL equivalent in a
comment line `# reference: <sql>` right before the record: PostgreSQL runs that text instead,
and the comment stays in the test as the definition of what the yunhe query must return.
"""
import os
import sys

import psycopg2
import psycopg2.extensions as ext


def fmt(value, kind):
    if value is None:
        return "NULL"
    if kind == "I":
        if value in ("t", "f"):
            return "1" if value == "t" else "0"
        try:
            return str(int(float(value))) if "." in value or "e" in value.lower() else value
        except ValueError:
            return value
    if kind == "R":
        try:
            return "%.3f" % float(value)
        except ValueError:
            return value
    if value == "":
        return "(empty)"
    return "".join("@" if (ord(c) < 32 and c != "\t") else c for c in value)


def main():
    path = sys.argv[1]
    admin = psycopg2.connect(dbname="postgres", user=os.environ.get("PGUSER", "postgres"))
    admin.autocommit = True
    with admin.cursor() as c:
        c.execute("DROP DATABASE IF EXISTS slt_scratch")
        c.execute("CREATE DATABASE slt_scratch")
    conn = psycopg2.connect(dbname="slt_scratch", user=os.environ.get("PGUSER", "postgres"))
    conn.autocommit = True
    with conn.cursor() as c:
        c.execute("SELECT oid FROM pg_type")
        oids = tuple(r[0] for r in c.fetchall())
    ext.register_type(ext.new_type(oids, "RAW", lambda v, cur: v), conn)
    lines = open(path).read().split("\n")
    out = []
    i = 0
    reference = None
    while i < len(lines):
        line = lines[i]
        words = line.split()
        if line.startswith("# reference:"):
            reference = line[len("# reference:"):].strip()
        if not words or words[0] not in ("statement", "query"):
            out.append(line)
            i += 1
            continue
        header = line
        i += 1
        sql_lines = []
        while i < len(lines) and lines[i] != "" and lines[i] != "----":
            sql_lines.append(lines[i])
            i += 1
        expected_block = []
        if i < len(lines) and lines[i] == "----":
            i += 1
            while i < len(lines) and lines[i] != "":
                expected_block.append(lines[i])
                i += 1
        sql = reference if reference else "\n".join(sql_lines)
        reference = None
        err = None
        rows = []
        try:
            with conn.cursor() as c:
                c.execute(sql)
                if c.description is not None:
                    rows = c.fetchall()
        except psycopg2.Error as e:
            err = e.pgerror.strip() if e.pgerror else str(e)
        out.append(header)
        out.extend(sql_lines)
        if words[0] == "statement":
            want_error = len(words) > 1 and words[1] == "error"
            if want_error != (err is not None):
                sys.stderr.write("%s: PostgreSQL %s: %s\n" % (path, "succeeded" if err is None else "failed: " + err, sql))
            if expected_block:
                out.append("----")
                out.extend(expected_block)
        else:
            if err is not None:
                sys.stderr.write("%s: PostgreSQL failed a query: %s\n%s\n" % (path, sql, err))
            types = words[1] if len(words) > 1 else ""
            out.append("----")
            for row in rows:
                out.append("\t".join(fmt(v, types[k] if k < len(types) else "T") for k, v in enumerate(row)))
        out.append("")
        while i < len(lines) and lines[i] == "":
            i += 1
    text = "\n".join(out).rstrip("\n") + "\n"
    sys.stdout.write(text)
    conn.close()
    with admin.cursor() as c:
        c.execute("DROP DATABASE IF EXISTS slt_scratch")


if __name__ == "__main__":
    main()
