#!/usr/bin/python3
"""TPC-H data as SQL: prints the statements that create the eight tables and fill them at scale
factor SF, computed inside the database by generate_series and integer arithmetic, so yunhe,
PostgreSQL and DuckDB build the very same rows from the same text (answers can be compared
across systems, and the expected answers in tests/sql/tpch come from PostgreSQL).

It follows the TPC-H specification (revision 3, clause 4.2): table sizes per SF; the sparse order
keys (8 of every 32); 1 to 7 lines per order; parts with four suppliers each by the spec's
formula; p_retailprice's formula; dates from 1992-01-01 to 1998-12-31 with ship, commit and
receipt dates as offsets of the order date; return flags and line status against 1995-06-17;
o_totalprice and o_orderstatus from the order's lines; 2/3 of customers with orders (custkey not
a multiple of 3); the word lists of p_name (92 colours), p_type, p_container, segments, priorities,
ship modes and instructions; phone numbers by nation. Comments are drawn from a small vocabulary
instead of the spec's grammar, with the words the queries look for ("special ... requests",
"Customer ... Complaints") at about the spec's rates. The random numbers are a hash of the row
number and a stream (x*x + x mod 2^31-1 over a per-stream affine map), not dbgen's generator: the
distributions are the spec's, the values are not dbgen's, so answers differ from the spec's
published ones.

usage: gen.py SF > tpch.sql
"""
import sys

SF = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
M = 2147483647

def R(g, stream):
    """A pseudo-random integer in [0, M) for row expression g and stream number."""
    a = (48271 * (stream + 3) ** 3 + 16807 * stream + 1) % M
    c = (2654435761 * (stream + 1)) % M
    x = f"(({g})::bigint * {a} + {c}) % {M}"
    return f"((({x}) * ({x}) + ({x})) % {M})"

def U(g, stream, lo, hi):
    return f"({lo} + {R(g, stream)} % {hi - lo + 1})"

def pick(g, stream, words):
    arr = "ARRAY[" + ", ".join("'" + w + "'" for w in words) + "]"
    return f"({arr})[1 + {R(g, stream)} % {len(words)}]"

def money(g, stream, lo_cents, hi_cents):
    return f"(({U(g, stream, lo_cents, hi_cents)})::numeric(15,2) / 100)::numeric(15,2)"

VOCAB = ["furiously", "quickly", "carefully", "blithely", "slyly", "fluffily", "ironic", "final", "regular", "express",
         "pending", "bold", "even", "silent", "unusual", "packages", "deposits", "accounts", "theodolites", "foxes",
         "pinto", "beans", "instructions", "dependencies", "excuses", "platelets", "asymptotes", "courts", "dolphins",
         "ideas", "across", "about", "after", "among", "along", "above", "sleep", "wake", "haggle", "nag", "use", "boost",
         "affix", "detect", "integrate", "cajole", "doze", "engage", "are", "were", "might", "could", "should", "will"]

def text(g, stream, words, width):
    return "left(" + " || ' ' || ".join(pick(g, stream * 10 + k, VOCAB) for k in range(words)) + f", {width})"

COLORS = ("almond antique aquamarine azure beige bisque black blanched blue blush brown burlywood burnished chartreuse "
          "chiffon chocolate coral cornflower cornsilk cream cyan dark deep dim dodger drab firebrick floral forest "
          "frosted gainsboro ghost goldenrod green grey honeydew hot indian ivory khaki lace lavender lawn lemon light "
          "lime linen magenta maroon medium metallic midnight mint misty moccasin navajo navy olive orange orchid pale "
          "papaya peach peru pink plum powder puff purple red rose rosy royal saddle salmon sandy seashell sienna sky "
          "slate smoke snow spring steel tan thistle tomato turquoise violet wheat white yellow").split()
assert len(COLORS) == 92, len(COLORS)
NATIONS = [("ALGERIA", 0), ("ARGENTINA", 1), ("BRAZIL", 1), ("CANADA", 1), ("EGYPT", 4), ("ETHIOPIA", 0), ("FRANCE", 3),
           ("GERMANY", 3), ("INDIA", 2), ("INDONESIA", 2), ("IRAN", 4), ("IRAQ", 4), ("JAPAN", 2), ("JORDAN", 4),
           ("KENYA", 0), ("MOROCCO", 0), ("MOZAMBIQUE", 0), ("PERU", 1), ("CHINA", 2), ("ROMANIA", 3),
           ("SAUDI ARABIA", 4), ("VIETNAM", 2), ("RUSSIA", 3), ("UNITED KINGDOM", 3), ("UNITED STATES", 1)]
REGIONS = ["AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"]

S = max(1, int(SF * 10000))      # suppliers
P = max(1, int(SF * 200000))     # parts
C = max(3, int(SF * 150000))     # customers
O = max(1, int(SF * 1500000))    # orders

out = []
out.append("""CREATE TABLE region (r_regionkey int NOT NULL, r_name varchar(25) NOT NULL, r_comment varchar(152));
CREATE TABLE nation (n_nationkey int NOT NULL, n_name varchar(25) NOT NULL, n_regionkey int NOT NULL, n_comment varchar(152));
CREATE TABLE supplier (s_suppkey int NOT NULL, s_name varchar(25) NOT NULL, s_address varchar(40) NOT NULL, s_nationkey int NOT NULL,
  s_phone varchar(15) NOT NULL, s_acctbal numeric(15,2) NOT NULL, s_comment varchar(101) NOT NULL);
CREATE TABLE part (p_partkey int NOT NULL, p_name varchar(55) NOT NULL, p_mfgr varchar(25) NOT NULL, p_brand varchar(10) NOT NULL,
  p_type varchar(25) NOT NULL, p_size int NOT NULL, p_container varchar(10) NOT NULL, p_retailprice numeric(15,2) NOT NULL,
  p_comment varchar(23) NOT NULL);
CREATE TABLE partsupp (ps_partkey int NOT NULL, ps_suppkey int NOT NULL, ps_availqty int NOT NULL, ps_supplycost numeric(15,2) NOT NULL,
  ps_comment varchar(199) NOT NULL);
CREATE TABLE customer (c_custkey int NOT NULL, c_name varchar(25) NOT NULL, c_address varchar(40) NOT NULL, c_nationkey int NOT NULL,
  c_phone varchar(15) NOT NULL, c_acctbal numeric(15,2) NOT NULL, c_mktsegment varchar(10) NOT NULL, c_comment varchar(117) NOT NULL);
CREATE TABLE orders (o_orderkey bigint NOT NULL, o_custkey int NOT NULL, o_orderstatus varchar(1) NOT NULL, o_totalprice numeric(15,2) NOT NULL,
  o_orderdate date NOT NULL, o_orderpriority varchar(15) NOT NULL, o_clerk varchar(15) NOT NULL, o_shippriority int NOT NULL,
  o_comment varchar(79) NOT NULL);
CREATE TABLE lineitem (l_orderkey bigint NOT NULL, l_partkey int NOT NULL, l_suppkey int NOT NULL, l_linenumber int NOT NULL,
  l_quantity numeric(15,2) NOT NULL, l_extendedprice numeric(15,2) NOT NULL, l_discount numeric(15,2) NOT NULL, l_tax numeric(15,2) NOT NULL,
  l_returnflag varchar(1) NOT NULL, l_linestatus varchar(1) NOT NULL, l_shipdate date NOT NULL, l_commitdate date NOT NULL,
  l_receiptdate date NOT NULL, l_shipinstruct varchar(25) NOT NULL, l_shipmode varchar(10) NOT NULL, l_comment varchar(44) NOT NULL);""")

out.append("INSERT INTO region VALUES " + ", ".join(f"({k}, '{n}', 'region {n.lower()}')" for k, n in enumerate(REGIONS)) + ";")
out.append("INSERT INTO nation VALUES " + ", ".join(f"({k}, '{n}', {r}, 'nation {n.lower()}')" for k, (n, r) in enumerate(NATIONS)) + ";")

def phone(g, nation, s):
    return (f"({nation} + 10)::text || '-' || {U(g, s, 100, 999)}::text || '-' || {U(g, s + 1, 100, 999)}::text || '-' || "
            f"{U(g, s + 2, 1000, 9999)}::text")

# Suppliers: 5 per 10,000 have "Customer ... Complaints" in their comment, 5 "Customer ... Recommends" (clause 4.2.3).
s_nation = U("g", 11, 0, 24)
out.append(f"""INSERT INTO supplier SELECT g, 'Supplier#' || lpad(g::text, 9, '0'), {text('g', 12, 3, 40)}, {s_nation},
  {phone('g', s_nation, 13)}, {money('g', 16, -99999, 999999)},
  CASE WHEN {R('g', 17)} % 2000 = 0 THEN {pick('g', 18, VOCAB)} || ' Customer ' || {pick('g', 19, VOCAB)} || ' Complaints'
       WHEN {R('g', 17)} % 2000 = 1 THEN {pick('g', 18, VOCAB)} || ' Customer ' || {pick('g', 19, VOCAB)} || ' Recommends'
       ELSE {text('g', 20, 5, 101)} END
  FROM generate_series(1, {S}) g;""")

ptype = f"{pick('g', 24, ['STANDARD', 'SMALL', 'MEDIUM', 'LARGE', 'ECONOMY', 'PROMO'])} || ' ' || {pick('g', 25, ['ANODIZED', 'BURNISHED', 'PLATED', 'POLISHED', 'BRUSHED'])} || ' ' || {pick('g', 26, ['TIN', 'NICKEL', 'BRASS', 'STEEL', 'COPPER'])}"
container = f"{pick('g', 28, ['SM', 'LG', 'MED', 'JUMBO', 'WRAP'])} || ' ' || {pick('g', 29, ['CASE', 'BOX', 'BAG', 'JAR', 'PKG', 'PACK', 'CAN', 'DRUM'])}"
mfgr = U("g", 22, 1, 5)
def retail(key):
    return f"((90000 + (({key}) / 10) % 20001 + 100 * (({key}) % 1000))::numeric(15,2) / 100)::numeric(15,2)"
pname = " || ' ' || ".join(pick("g", 30 + k, COLORS) for k in range(5))
out.append(f"""INSERT INTO part SELECT g, {pname},
  'Manufacturer#' || {mfgr}::text, 'Brand#' || {mfgr}::text || {U('g', 23, 1, 5)}::text, {ptype}, {U('g', 27, 1, 50)}, {container},
  {retail('g')}, {text('g', 36, 2, 23)}
  FROM generate_series(1, {P}) g;""")

def supp_of(partkey, i):
    return f"((({partkey}) + ({i}) * ({S // 4 if S >= 4 else 1} + (({partkey}) - 1) / {S})) % {S} + 1)"
out.append(f"""INSERT INTO partsupp SELECT p, {supp_of('p', 'i')}, {U('p * 4 + i', 40, 1, 9999)}, {money('p * 4 + i', 41, 100, 100000)},
  {text('p * 4 + i', 42, 6, 199)}
  FROM generate_series(1, {P}) p, generate_series(0, 3) i;""")

c_nation = U("g", 51, 0, 24)
out.append(f"""INSERT INTO customer SELECT g, 'Customer#' || lpad(g::text, 9, '0'), {text('g', 50, 3, 40)}, {c_nation},
  {phone('g', c_nation, 52)}, {money('g', 55, -99999, 999999)},
  {pick('g', 56, ['AUTOMOBILE', 'BUILDING', 'FURNITURE', 'MACHINERY', 'HOUSEHOLD'])}, {text('g', 57, 6, 117)}
  FROM generate_series(1, {C}) g;""")

# Orders: g = 1 .. O, key 8 of every 32; dates up to 1998-12-31 - 151 days.
okey = "((g - 1) / 8 * 32 + (g - 1) % 8 + 1)"
odate = f"(date '1992-01-01' + {U('g', 61, 0, 2405 - 151)}::int)"
nlines = U("g", 62, 1, 7)
# Line l of order g: part, supplier (one of the part's four), quantity, dates.
lg = "(g * 8 + l)"
lpart = U(lg, 70, 1, P)
ship = f"({odate} + {U(lg, 74, 1, 121)}::int)"
receipt = f"({ship} + {U(lg, 76, 1, 30)}::int)"
out.append(f"""CREATE TABLE tpch_order_lines AS SELECT g, l, {lpart} AS partkey, {U(lg, 71, 0, 3)} AS supp_i, {U(lg, 72, 1, 50)} AS qty,
  {ship} AS shipdate, {receipt} AS receiptdate FROM generate_series(1, {O}) g, generate_series(1, 7) l WHERE l <= {nlines};""")
out.append(f"""INSERT INTO lineitem SELECT {okey}, partkey, {supp_of('partkey', 'supp_i')}, l, qty::numeric(15,2),
  (qty * {retail('partkey')})::numeric(15,2), ({U(lg, 73, 0, 10)}::numeric(15,2) / 100)::numeric(15,2),
  ({U(lg, 75, 0, 8)}::numeric(15,2) / 100)::numeric(15,2),
  CASE WHEN receiptdate <= date '1995-06-17' THEN {pick(lg, 77, ['R', 'A'])} ELSE 'N' END,
  CASE WHEN shipdate > date '1995-06-17' THEN 'O' ELSE 'F' END,
  shipdate, {odate} + {U(lg, 78, 30, 90)}::int, receiptdate,
  {pick(lg, 79, ['DELIVER IN PERSON', 'COLLECT COD', 'NONE', 'TAKE BACK RETURN'])},
  {pick(lg, 80, ['REG AIR', 'AIR', 'RAIL', 'SHIP', 'TRUCK', 'MAIL', 'FOB'])}, {text(lg, 81, 3, 44)}
  FROM tpch_order_lines;""")
ocust = U("g", 63, 1, C)
out.append(f"""INSERT INTO orders SELECT {okey}, CASE WHEN {ocust} % 3 = 0 THEN {ocust} - 1 ELSE {ocust} END,
  CASE WHEN t.open = 0 THEN 'F' WHEN t.open = t.n THEN 'O' ELSE 'P' END, t.total, {odate},
  {pick('g', 64, ['1-URGENT', '2-HIGH', '3-MEDIUM', '4-NOT SPECIFIED', '5-LOW'])}, 'Clerk#' || lpad({U('g', 65, 1, max(1, int(SF * 1000)))}::text, 9, '0'), 0,
  CASE WHEN {R('g', 66)} % 100 = 0 THEN {pick('g', 67, VOCAB)} || ' special ' || {pick('g', 68, VOCAB)} || ' requests ' || {pick('g', 69, VOCAB)}
       ELSE {text('g', 59, 4, 79)} END
  FROM generate_series(1, {O}) g JOIN (SELECT l_orderkey AS k, count(*) AS n, sum(CASE WHEN l_linestatus = 'O' THEN 1 ELSE 0 END) AS open,
    sum((l_extendedprice * (1 + l_tax) * (1 - l_discount))::numeric(15,2)) AS total FROM lineitem GROUP BY l_orderkey) t ON t.k = {okey};""")
out.append("DROP TABLE tpch_order_lines;")
print("\n".join(out))
