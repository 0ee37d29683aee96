"""yunhe embedded in Python: the engine in this process, DB-API 2.0 (PEP 249), results as NumPy
arrays and pandas/GeoPandas frames, bulk appends and vectorized Python functions in SQL.

    import yunhe
    con = yunhe.connect("var/demo")          # a data directory; ":memory:" or nothing = in memory
    df = con.execute("SELECT * FROM trades WHERE sym = %s", ["AAPL"]).df()

docs/python.md has the whole story.
"""
from .connection import Connection, Cursor, connect
from .exceptions import (DatabaseError, DataError, Error, IntegrityError, InterfaceError, InternalError,
                         NotSupportedError, OperationalError, ProgrammingError, Warning)
from .types import (BINARY, DATETIME, NUMBER, ROWID, STRING, Binary, Date, DateFromTicks, Time, TimeFromTicks,
                    Timestamp, TimestampFromTicks)

apilevel = "2.0"
threadsafety = 1  # threads may share the module and a database, not a connection
paramstyle = "pyformat"

__all__ = [
    "connect", "Connection", "Cursor", "apilevel", "threadsafety", "paramstyle",
    "Warning", "Error", "InterfaceError", "DatabaseError", "DataError", "OperationalError", "IntegrityError",
    "InternalError", "ProgrammingError", "NotSupportedError",
    "STRING", "BINARY", "NUMBER", "DATETIME", "ROWID", "Date", "Time", "Timestamp", "Binary",
    "DateFromTicks", "TimeFromTicks", "TimestampFromTicks",
]
