"""SQLAlchemy 1.4 (Debian 12's) and pandas 1.5 against a server: create_all with SERIAL and
IDENTITY keys, inserts returning keys, reflection of columns, keys and indexes, the ORM, and
pandas' to_sql (replace, append) / read_sql / read_sql_table. Every expected value is what the
same script gets from PostgreSQL 15 (run it with PG_PORT USER DBNAME to compare).
Usage: sqlalchemy_pandas.py PG_PORT [USER DBNAME]"""
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session, declarative_base

from client_check import check, report, sqlalchemy_url

eng = sa.create_engine(sqlalchemy_url)
md = sa.MetaData()
items = sa.Table(
    "sa_items", md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(50), nullable=False),
    sa.Column("price", sa.Numeric(10, 2)),
    sa.Column("ts", sa.DateTime(timezone=True)),
    sa.Column("flag", sa.Boolean, server_default=sa.text("false")))
sa.Index("sa_items_name", items.c.name)
md.drop_all(eng)
md.create_all(eng)
with eng.begin() as c:
    r = c.execute(items.insert().values(name="a", price=1.5))
    check("inserted_primary_key", tuple(r.inserted_primary_key), (1,))
    c.execute(items.insert(), [{"name": "b", "price": 2}, {"name": "c", "price": None}])
with eng.connect() as c:
    rows = c.execute(sa.select(items.c.id, items.c.name, items.c.price, items.c.flag).order_by(items.c.id)).fetchall()
    check("select", [tuple(r) for r in rows], [(1, "a", 1.5, False), (2, "b", 2, False), (3, "c", None, False)])

insp = sa.inspect(eng)
check("table names", sorted(t for t in insp.get_table_names() if t.startswith("sa_")), ["sa_items"])
check("has_table", insp.has_table("sa_items"), True)
cols = [(c["name"], str(c["type"]), c["nullable"], c["default"], c.get("autoincrement")) for c in insp.get_columns("sa_items")]
check("columns", cols, [
    ("id", "INTEGER", False, "nextval('sa_items_id_seq'::regclass)", True),
    ("name", "VARCHAR(50)", False, None, False),
    ("price", "NUMERIC(10, 2)", True, None, False),
    ("ts", "TIMESTAMP", True, None, False),
    ("flag", "BOOLEAN", True, "false", False)])
check("primary key", insp.get_pk_constraint("sa_items"), {"constrained_columns": ["id"], "name": "sa_items_pkey"})
check("indexes", [(i["name"], i["column_names"], i["unique"]) for i in insp.get_indexes("sa_items")],
      [("sa_items_name", ["name"], False)])
check("foreign keys", insp.get_foreign_keys("sa_items"), [])
check("sequences", [s for s in insp.get_sequence_names() if s.startswith("sa_")], ["sa_items_id_seq"])
reflected = sa.Table("sa_items", sa.MetaData(), autoload_with=eng)
check("reflected autoincrement", reflected.c.id.autoincrement, True)

Base = declarative_base()


class Thing(Base):
    __tablename__ = "sa_things"
    id = sa.Column(sa.BigInteger, sa.Identity(always=True), primary_key=True)
    label = sa.Column(sa.Text)


Base.metadata.drop_all(eng)
Base.metadata.create_all(eng)
with Session(eng) as s:
    s.add_all([Thing(label="x"), Thing(label="y")])
    s.commit()
    check("orm identity", [(t.id, t.label) for t in s.query(Thing).order_by(Thing.id)], [(1, "x"), (2, "y")])
ident = [c.get("identity") for c in sa.inspect(eng).get_columns("sa_things")][0] or {}
check("identity reflected", (ident.get("always"), ident.get("start"), ident.get("increment")), (True, 1, 1))

df = pd.DataFrame({"k": [1, 2, 3], "v": [0.5, None, 2.5], "s": ["x", "y", None],
                   "t": pd.to_datetime(["2024-01-01", "2024-01-02", None], utc=True)})
check("to_sql replace", df.to_sql("sa_df", eng, if_exists="replace", index=False), 3)
check("to_sql append", df.to_sql("sa_df", eng, if_exists="append", index=False), 3)
back = pd.read_sql("SELECT k, v, s, t FROM sa_df ORDER BY k, v NULLS FIRST", eng)
check("read_sql rows", len(back), 6)
check("read_sql k", back["k"].tolist(), [1, 1, 2, 2, 3, 3])
check("read_sql s", back["s"].tolist(), ["x", "x", "y", "y", None, None])
check("read_sql t", str(back["t"].dtype), "datetime64[ns, UTC]")
table = pd.read_sql_table("sa_df", eng)
check("read_sql_table", (table.shape, list(table.columns)), ((6, 4), ["k", "v", "s", "t"]))
check("to_sql index", df.to_sql("sa_df2", eng, if_exists="replace", index=True), 3)
check("index reflected", [i["name"] for i in sa.inspect(eng).get_indexes("sa_df2")], ["ix_sa_df2_index"])

# A schema of one's own: to_sql/read_sql_table, create_all and reflection with schema=.
with eng.begin() as c:
    c.execute(sa.text("CREATE SCHEMA IF NOT EXISTS sa_fleet"))
check("to_sql schema replace", df.to_sql("vehicle", eng, schema="sa_fleet", if_exists="replace", index=False), 3)
check("to_sql schema append", df.to_sql("vehicle", eng, schema="sa_fleet", if_exists="append", index=False), 3)
check("read_sql_table schema", pd.read_sql_table("vehicle", eng, schema="sa_fleet").shape, (6, 4))
fleet = sa.MetaData()
trip = sa.Table("trip", fleet, sa.Column("id", sa.Integer, primary_key=True), sa.Column("km", sa.Float), schema="sa_fleet")
fleet.create_all(eng)
with eng.begin() as c:
    c.execute(trip.insert().values(km=3.5))
    check("serial in a schema", c.execute(sa.text("SELECT id, km FROM sa_fleet.trip")).fetchall(), [(1, 3.5)])
finsp = sa.inspect(eng)
check("schema names", "sa_fleet" in finsp.get_schema_names(), True)
check("tables of a schema", sorted(finsp.get_table_names(schema="sa_fleet")), ["trip", "vehicle"])
check("public does not see them", "trip" in finsp.get_table_names(), False)
check("pk in a schema", finsp.get_pk_constraint("trip", schema="sa_fleet")["constrained_columns"], ["id"])
with eng.begin() as c:
    c.execute(sa.text("DROP SCHEMA sa_fleet CASCADE"))

with eng.begin() as c:
    c.execute(sa.text("DROP TABLE sa_df, sa_df2"))
md.drop_all(eng)
Base.metadata.drop_all(eng)
report("sqlalchemy_pandas")
