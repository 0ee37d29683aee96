"""Type objects of PEP 249 and value conversions the module shares with Python code."""
import datetime


class DBAPITypeObject:
    """Compares equal to every type name of its group (cursor.description's type_code)."""

    def __init__(self, *names):
        self.names = frozenset(names)

    def __eq__(self, other):
        return other in self.names

    def __ne__(self, other):
        return other not in self.names

    def __hash__(self):
        return hash(self.names)


STRING = DBAPITypeObject("text", "character varying", "character", "name", "json", "jsonb", "uuid")
BINARY = DBAPITypeObject("bytea", "geometry")
NUMBER = DBAPITypeObject("boolean", "smallint", "integer", "bigint", "real", "double precision", "numeric")
DATETIME = DBAPITypeObject("date", "timestamp without time zone", "timestamp with time zone",
                           "time without time zone", "interval")
ROWID = DBAPITypeObject("oid")

Date = datetime.date
Time = datetime.time
Timestamp = datetime.datetime
Binary = bytes


def DateFromTicks(ticks):
    return datetime.date.fromtimestamp(ticks)


def TimeFromTicks(ticks):
    return datetime.datetime.fromtimestamp(ticks).time()


def TimestampFromTicks(ticks):
    return datetime.datetime.fromtimestamp(ticks)
