"""DB-API 2.0 connections and cursors over the embedded engine (_yunhe)."""
import os
import re
import threading
import weakref

from . import _yunhe
from .exceptions import InterfaceError, ProgrammingError
from .frames import append_frame, columns_to_numpy, numpy_to_frame, numpy_to_geoframe, register_frame
from .params import bind, insert_values_template, renumber, value

_APPENDABLE = re.compile(r"(?is)^\s*insert\s+into\s+([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)?)\s+values\s*\(\s*%s(?:\s*,\s*%s)*\s*\)\s*;?\s*$")

# One engine per data directory in this process: every connect() to it shares the Database
# (the directory is opened once); ":memory:" is a new database each time.
_open_lock = threading.Lock()
_open_databases = weakref.WeakValueDictionary()


class _DatabaseRef:
    """A weak-referenceable holder of the engine's Database (pybind11 objects are not)."""

    def __init__(self, db):
        self.db = db


def _database(path, memory_limit):
    if path in (None, "", ":memory:"):
        return _DatabaseRef(_yunhe.Database(":memory:", memory_limit or ""))
    key = os.path.realpath(path)
    with _open_lock:
        ref = _open_databases.get(key)
        if ref is None:
            ref = _DatabaseRef(_yunhe.Database(path, memory_limit or ""))
            _open_databases[key] = ref
        return ref


def connect(database=":memory:", *, autocommit=True, memory_limit=None):
    """A connection to a data directory (made when missing), or to a new in-memory database.

    autocommit=True (the default, as DuckDB's module): every statement commits unless a BEGIN
    opened a block. autocommit=False: PEP 249's way, a block opens before the first statement and
    lasts until commit() or rollback(). A postgresql:// URL gives a psycopg2 connection instead.
    """
    if isinstance(database, str) and database.startswith(("postgresql://", "postgres://")):
        import psycopg2
        return psycopg2.connect(database)
    return Connection(_database(database, memory_limit), autocommit)


class Connection:
    def __init__(self, dbref, autocommit=True):
        self._dbref = dbref
        self._con = _yunhe.Connection(dbref.db)
        self.autocommit = autocommit
        self._active = None  # the cursor whose rows are still streaming

    # --- PEP 249 ---
    def cursor(self):
        self._check()
        return Cursor(self)

    def commit(self):
        self._check()
        if self._con.in_transaction:
            self._run(None, "COMMIT")

    def rollback(self):
        self._check()
        if self._con.in_transaction:
            self._run(None, "ROLLBACK")

    def close(self):
        if self._con is None:
            return
        if self._active is not None:
            self._active._drop()
        con, self._con = self._con, None
        con.close()  # an open block rolls back as the session ends
        self._dbref = None

    @property
    def closed(self):
        return self._con is None

    # --- conveniences (sqlite3 / DuckDB style) ---
    def execute(self, sql, params=None):
        """A new cursor that ran `sql`: con.execute(...).fetchall() / .df() / .fetchnumpy()."""
        return self.cursor().execute(sql, params)

    def executemany(self, sql, seq_of_params):
        return self.cursor().executemany(sql, seq_of_params)

    def sql(self, sql, params=None):
        return self.execute(sql, params)

    def begin(self):
        self._run(None, "BEGIN")

    def checkpoint(self):
        self._run(None, "CHECKPOINT")

    def create_function(self, name, fn, args, returns, *, strict=True, volatile=False):
        """A SQL function calling fn with one NumPy array per argument for up to 2,048 rows at
        a time; fn returns an array (or sequence) of as many results. args and returns are SQL
        type names ("DOUBLE", "bigint", "timestamptz", "text", ...). strict: NULL in, NULL out (fn
        sees only the rows without a NULL argument). An exception in fn fails the statement
        (SQLSTATE 38000, the traceback as DETAIL)."""
        self._check()
        self._finish_active(None)
        self._con.create_function(name, fn, list(args), returns, strict, volatile)

    def remove_function(self, name):
        self._check()
        self._finish_active(None)
        self._con.remove_function(name)

    def append(self, table, data):
        """Appends a pandas DataFrame (or a dict of equal-length columns) to a table, matching
        columns by name (table columns it lacks get NULL); one statement, durable on return.
        Returns the number of rows."""
        self._check()
        self._finish_active(None)
        return append_frame(self._con, table, data)

    def register(self, name, data):
        """Makes a pandas DataFrame (or a dict of columns) queryable by `name` as a read-only
        relation, without copying its numeric and time columns in (queries read the frame's
        arrays; text columns are copied once). Visible to every connection of the database
        until unregister(name); the frame must not change meanwhile."""
        self._check()
        self._finish_active(None)
        register_frame(self._con, name, data)
        return self

    def unregister(self, name):
        self._check()
        self._finish_active(None)
        self._con.unregister(name)
        return self

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if self._con is not None:
            if exc_type is None:
                self.commit()
            else:
                self.rollback()
        self.close()

    # --- internals ---
    def _check(self):
        if self._con is None:
            raise InterfaceError("connection already closed")

    def _finish_active(self, cursor):
        """Before the session runs a statement: the streaming rows of another cursor are read
        into it (as psycopg2's client-side cursors hold theirs), this cursor's are dropped."""
        active, self._active = self._active, None
        if active is not None and active is not cursor:
            active._buffer_rest()
        elif active is not None:
            active._drop()

    def _run(self, cursor, sql, params=None):
        self._check()
        self._finish_active(cursor)
        if not self.autocommit and not self._con.in_transaction and not _is_transaction_control(sql):
            self._con.query("BEGIN")
        result = self._con.query(sql, params)
        if cursor is not None and not result.exhausted:
            self._active = cursor
        return result


def _is_transaction_control(sql):
    head = sql.lstrip().split(None, 1)
    return bool(head) and head[0].rstrip(";").upper() in ("BEGIN", "START", "COMMIT", "ROLLBACK", "END", "ABORT")


class Cursor:
    arraysize = 1

    def __init__(self, connection):
        self.connection = connection
        self._result = None
        self._rows = []  # rows read ahead (another cursor ran a statement meanwhile)
        self.description = None
        self.rowcount = -1
        self._closed = False

    def execute(self, sql, params=None):
        self._check()
        text, values = bind(sql, params)
        self._drop()
        result = self.connection._run(self, text, values)
        self._result = result
        self._rows = []
        if result.returns_rows:
            self.description = [(n, t, None, None, None, None, None) for n, t in zip(result.names, result.type_names)]
            self.rowcount = -1
        else:
            self.description = None
            self.rowcount = result.rows_affected
        return self

    def executemany(self, sql, seq_of_params):
        """Runs sql once per parameter set. A plain INSERT ... VALUES (placeholders) goes in
        batches of up to 1,000 rows as one multi-row INSERT each (each batch one statement: a bad
        row fails its batch; earlier batches stay, as earlier rows would)."""
        total = 0
        seq_of_params = list(seq_of_params)
        fast = self._append_instead(sql, seq_of_params)
        if fast is not None:
            self.rowcount = fast
            return self
        template = insert_values_template(sql)
        if template is None:
            for params in seq_of_params:
                self.execute(sql, params)
                if self.rowcount > 0:
                    total += self.rowcount
            self.rowcount = total
            return self
        head, tup = template
        batch, values, texts = 0, [], []
        for params in seq_of_params:
            bound, vals = bind(tup, params)
            texts.append(renumber(bound, len(values)))
            values.extend(vals or [])
            batch += 1
            if batch == 1000:
                total += self._run_batch(head, texts, values)
                batch, values, texts = 0, [], []
        if batch:
            total += self._run_batch(head, texts, values)
        self.rowcount = total
        return self

    def _append_instead(self, sql, rows):
        """`INSERT INTO table VALUES (%s, ..., one per column)` outside a transaction block goes
        through the Appender (one statement per 131,072 rows: NOT NULL and keys checked, values
        converted as an INSERT converts them); None when the statement is not of that shape."""
        m = _APPENDABLE.match(sql)
        con = self.connection
        if not m or not rows or con._con.in_transaction or not con.autocommit:
            return None
        n = sql.count("%s")
        if any(isinstance(r, dict) or len(r) != n for r in rows):
            return None
        self._check()
        self._drop()
        con._finish_active(None)
        try:
            columns = con._con.table_columns(m.group(1).lower())
        except ProgrammingError:
            return None  # not a table the appender reaches (a view, a temporary table): SQL does it
        if len(columns) != n:
            return None
        self._result, self._rows, self.description = None, [], None
        return con._con.append_rows(m.group(1).lower(), [[value(v) for v in r] for r in rows])

    def _run_batch(self, head, texts, values):
        self._check()
        self._drop()
        result = self.connection._run(self, head + " " + ", ".join(texts), values)
        self._result, self._rows, self.description = result, [], None
        return max(result.rows_affected, 0)

    def fetchone(self):
        rows = self.fetchmany(1)
        return rows[0] if rows else None

    def fetchmany(self, size=None):
        size = self.arraysize if size is None else size
        out = self._take_buffered(size)
        if len(out) < size and self._result is not None and not self._result.exhausted:
            out.extend(self._fetch(size - len(out)))
        return out

    def fetchall(self):
        out = self._take_buffered(None)
        if self._result is not None and not self._result.exhausted:
            out.extend(self._fetch(-1))
        return out

    def __iter__(self):
        while True:
            rows = self.fetchmany(2048)
            if not rows:
                return
            yield from rows

    def fetchnumpy(self, *, numeric_as_decimal=False):
        """The remaining rows as {column: NumPy array} (masked arrays where a column has NULLs)."""
        return columns_to_numpy(self._names(), self._types(), self._fetch_columns(numeric_as_decimal))

    def df(self, *, numeric_as_decimal=False):
        """The remaining rows as a pandas DataFrame (timestamptz as datetime64[ns, UTC], NULLs as
        NA/NaN/NaT/None, NUMERIC as float unless numeric_as_decimal)."""
        return numpy_to_frame(self._names(), self._types(), self._fetch_columns(numeric_as_decimal))

    fetchdf = df
    fetch_df = df

    def gdf(self, geometry=None):
        """The remaining rows as a GeoPandas GeoDataFrame: geometry columns as shapely objects,
        the CRS from their SRID (EPSG)."""
        return numpy_to_geoframe(self._names(), self._types(), self._fetch_columns(False), geometry)

    def close(self):
        self._drop()
        self._closed = True

    def setinputsizes(self, sizes):
        pass

    def setoutputsize(self, size, column=None):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- internals ---
    def _check(self):
        if self._closed:
            raise InterfaceError("cursor already closed")
        self.connection._check()

    def _names(self):
        if self.description is None:
            raise ProgrammingError("no results to fetch")
        return [d[0] for d in self.description]

    def _types(self):
        return [d[1] for d in self.description]

    def _fetch(self, n):
        rows = self._result.fetch_rows(n)
        self._note_end()
        return rows

    def _fetch_columns(self, numeric_as_decimal):
        self._names()
        if self._rows:
            # Rows read ahead as tuples: put them in front, column by column.
            import numpy as np
            ahead = self._rows
            self._rows = []
            rest = self._result.fetch_columns(numeric_as_decimal) if self._result is not None else None
            cols = []
            for k in range(len(self.description)):
                vals = [r[k] for r in ahead]
                if rest is not None:
                    data, mask = rest[k]
                    vals += [None if (mask is not None and mask[i]) else data[i] for i in range(len(data))]
                arr = np.array(vals, dtype=object)
                m = np.array([v is None for v in vals], dtype=bool)
                cols.append((arr, m if m.any() else None))
            self._note_end()
            return cols
        cols = self._result.fetch_columns(numeric_as_decimal)
        self._note_end()
        return cols

    def _note_end(self):
        r = self._result
        if r is not None and r.exhausted:
            if self.connection._active is self:
                self.connection._active = None
            if r.rows_affected >= 0:
                self.rowcount = r.rows_affected

    def _take_buffered(self, n):
        if n is None:
            out, self._rows = self._rows, []
        else:
            out, self._rows = self._rows[:n], self._rows[n:]
        return out

    def _buffer_rest(self):
        if self._result is not None and not self._result.exhausted:
            self._rows.extend(self._result.fetch_rows(-1))
            self._note_end()

    def _drop(self):
        if self._result is not None and not self._result.exhausted:
            self._result.close()
        if self.connection._active is self:
            self.connection._active = None
