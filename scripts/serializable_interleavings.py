#!/usr/bin/python3
"""Interleavings of SERIALIZABLE (and REPEATABLE READ) transactions from several connections,
printing each statement's outcome (rows, tag or "ERROR <sqlstate>"), to compare yunhe's
serializable check (engine/serializable.h) with PostgreSQL's on the same steps:

  serializable_interleavings.py PORT DBNAME > out.txt     (once against each server, then diff)

tests/unit/engine/serializable_test.cpp holds the same cases with the outcomes PostgreSQL 15
gave. Needs psycopg2; connects as user yunhe to 127.0.0.1 only.
"""
import sys

import psycopg2

port, db = int(sys.argv[1]), sys.argv[2]


def conn():
    c = psycopg2.connect(host="127.0.0.1", port=port, user="yunhe", dbname=db)
    c.autocommit = True  # the steps say BEGIN / COMMIT themselves
    return c


def run(c, sql):
    cur = c.cursor()
    try:
        cur.execute(sql)
        return str(cur.fetchall() if cur.description else cur.statusmessage)
    except psycopg2.Error as e:
        return "ERROR " + e.pgcode


def scenario(name, setup, steps):
    """Runs `setup` on a connection of its own, then each (who, sql) step on `who`'s connection."""
    s = conn()
    for q in setup:
        run(s, q)
    cs = {}
    print("--", name)
    for who, sql in steps:
        if who not in cs:
            cs[who] = conn()
        print(f"  {who}: {sql:70s} -> {run(cs[who], sql)}")
    for c in cs.values():
        c.close()
    s.close()


S = "BEGIN ISOLATION LEVEL SERIALIZABLE"
scenario("write skew", ["DROP TABLE IF EXISTS doctors", "CREATE TABLE doctors (name text PRIMARY KEY, on_call bool)", "INSERT INTO doctors VALUES ('alice', true), ('bob', true)"],
 [("a", S), ("a", "SELECT count(*) FROM doctors WHERE on_call"), ("b", S), ("b", "SELECT count(*) FROM doctors WHERE on_call"),
  ("a", "UPDATE doctors SET on_call = false WHERE name = 'alice'"), ("b", "UPDATE doctors SET on_call = false WHERE name = 'bob'"),
  ("a", "COMMIT"), ("b", "COMMIT"), ("c", "SELECT count(*) FROM doctors WHERE on_call")])
scenario("disjoint keys", ["DROP TABLE IF EXISTS acc", "CREATE TABLE acc (k int PRIMARY KEY, v int)", "INSERT INTO acc SELECT g, 100 FROM generate_series(1, 1000) g"],
 [("a", S), ("a", "SELECT v FROM acc WHERE k = 1"), ("b", S), ("b", "SELECT v FROM acc WHERE k = 2"),
  ("a", "UPDATE acc SET v = v - 10 WHERE k = 1"), ("b", "UPDATE acc SET v = v + 10 WHERE k = 2"), ("a", "COMMIT"), ("b", "COMMIT")])
scenario("read-only anomaly", ["DROP TABLE IF EXISTS bal", "CREATE TABLE bal (k text PRIMARY KEY, v int)", "INSERT INTO bal VALUES ('x', 0), ('y', 0)"],
 [("t2", S), ("t2", "SELECT sum(v) FROM bal WHERE k IN ('x', 'y')"), ("t1", S), ("t1", "UPDATE bal SET v = v + 20 WHERE k = 'x'"), ("t1", "COMMIT"),
  ("t3", S), ("t3", "SELECT sum(v) FROM bal WHERE k IN ('x', 'y')"), ("t3", "COMMIT"),
  ("t2", "UPDATE bal SET v = v - 11 WHERE k = 'y'"), ("t2", "COMMIT"), ("c", "SELECT k, v FROM bal ORDER BY k")])
scenario("phantom cycle", ["DROP TABLE IF EXISTS p", "DROP TABLE IF EXISTS q", "CREATE TABLE p (v int)", "CREATE TABLE q (v int)"],
 [("a", S), ("a", "SELECT count(*) FROM p"), ("b", S), ("b", "SELECT count(*) FROM q"), ("a", "INSERT INTO q VALUES (1)"), ("b", "INSERT INTO p VALUES (1)"),
  ("a", "COMMIT"), ("b", "COMMIT"), ("c", "SELECT (SELECT count(*) FROM p), (SELECT count(*) FROM q)")])
scenario("repeatable read allows write skew", ["UPDATE doctors SET on_call = true"],
 [("a", "BEGIN ISOLATION LEVEL REPEATABLE READ"), ("a", "SELECT count(*) FROM doctors WHERE on_call"), ("b", "BEGIN ISOLATION LEVEL REPEATABLE READ"), ("b", "SELECT count(*) FROM doctors WHERE on_call"),
  ("a", "UPDATE doctors SET on_call = false WHERE name = 'alice'"), ("b", "UPDATE doctors SET on_call = false WHERE name = 'bob'"),
  ("a", "COMMIT"), ("b", "COMMIT"), ("c", "SELECT count(*) FROM doctors WHERE on_call")])
scenario("one side rolls back", ["UPDATE doctors SET on_call = true"],
 [("a", S), ("a", "SELECT count(*) FROM doctors WHERE on_call"), ("b", S), ("b", "SELECT count(*) FROM doctors WHERE on_call"),
  ("a", "UPDATE doctors SET on_call = false WHERE name = 'alice'"), ("b", "UPDATE doctors SET on_call = false WHERE name = 'bob'"),
  ("a", "ROLLBACK"), ("b", "COMMIT"), ("c", "SELECT count(*) FROM doctors WHERE on_call")])
scenario("insert of a key read by a point lookup", ["DROP TABLE IF EXISTS u", "CREATE TABLE u (k int PRIMARY KEY, v int)", "DROP TABLE IF EXISTS w", "CREATE TABLE w (k int PRIMARY KEY, v int)"],
 [("a", S), ("a", "SELECT count(*) FROM u WHERE k = 5"), ("b", S), ("b", "SELECT count(*) FROM w WHERE k = 5"), ("a", "INSERT INTO w VALUES (5, 1)"), ("b", "INSERT INTO u VALUES (5, 1)"),
  ("a", "COMMIT"), ("b", "COMMIT")])
scenario("write skew against an autocommitted statement", ["UPDATE doctors SET on_call = true"],
 [("b", "SET default_transaction_isolation = serializable"), ("a", S), ("a", "SELECT count(*) FROM doctors WHERE on_call"),
  ("b", "UPDATE doctors SET on_call = false WHERE name = 'bob' AND (SELECT count(*) FROM doctors WHERE on_call) > 1"),
  ("a", "UPDATE doctors SET on_call = false WHERE name = 'alice'"), ("a", "COMMIT"), ("c", "SELECT count(*) FROM doctors WHERE on_call")])
scenario("read-only anomaly, autocommitted reader", ["UPDATE bal SET v = 0"],
 [("t3", "SET default_transaction_isolation = serializable"), ("t2", S), ("t2", "SELECT sum(v) FROM bal WHERE k IN ('x', 'y')"), ("t1", S), ("t1", "UPDATE bal SET v = v + 20 WHERE k = 'x'"), ("t1", "COMMIT"),
  ("t3", "SELECT sum(v) FROM bal WHERE k IN ('x', 'y')"),
  ("t2", "UPDATE bal SET v = v - 11 WHERE k = 'y'"), ("t2", "COMMIT"), ("c", "SELECT k, v FROM bal ORDER BY k")])
