"""Results as NumPy / pandas / GeoPandas, and DataFrames appended to tables."""
import struct

import numpy as np

_INT_TYPES = {"smallint", "integer", "bigint"}
_PANDAS_INT = {"smallint": "Int16", "integer": "Int32", "bigint": "Int64"}


def _unique(names):
    seen, out = {}, []
    for n in names:
        if n in seen:
            seen[n] += 1
            out.append("%s_%d" % (n, seen[n]))
        else:
            seen[n] = 0
            out.append(n)
    return out


def columns_to_numpy(names, types, columns):
    out = {}
    for name, (data, mask) in zip(_unique(names), columns):
        out[name] = np.ma.MaskedArray(data, mask=mask) if mask is not None and data.dtype != object else data
    return out


def _series(pd, data, mask, type_name):
    if mask is None:
        s = pd.Series(data, copy=False)
    elif type_name in _INT_TYPES:
        s = pd.Series(pd.arrays.IntegerArray(data.astype(_PANDAS_INT[type_name].lower()), mask))
    elif type_name == "boolean":
        s = pd.Series(pd.arrays.BooleanArray(data, mask))
    elif data.dtype.kind == "f":
        data = data.copy()
        data[mask] = np.nan
        s = pd.Series(data, copy=False)
    elif data.dtype.kind in "mM":
        data = data.copy()
        data[mask] = np.datetime64("NaT") if data.dtype.kind == "M" else np.timedelta64("NaT")
        s = pd.Series(data, copy=False)
    else:
        s = pd.Series(data, copy=False)
    if type_name == "timestamp with time zone":
        # The values are UTC already: the same buffer under a UTC dtype (tz_localize would convert).
        s = pd.Series(pd.arrays.DatetimeArray(s.to_numpy(dtype="datetime64[ns]", copy=False),
                                              dtype=pd.DatetimeTZDtype(tz="UTC")), copy=False)
    return s


def numpy_to_frame(names, types, columns):
    import pandas as pd
    names = _unique(names)
    series = {n: _series(pd, d, m, t) for n, t, (d, m) in zip(names, types, columns)}
    if not series:
        return pd.DataFrame()
    # (pd.DataFrame(dict, columns=...) would go through object arrays: slow for timestamps.)
    return pd.DataFrame(series, copy=False)


def _srid(ewkb):
    """The SRID of an EWKB geometry (0 = none)."""
    if len(ewkb) < 9:
        return 0
    order = "<" if ewkb[0] == 1 else ">"
    (kind,) = struct.unpack(order + "I", ewkb[1:5])
    if kind & 0x20000000:
        return struct.unpack(order + "I", ewkb[5:9])[0]
    return 0


def numpy_to_geoframe(names, types, columns, geometry=None):
    import geopandas
    from shapely import wkb
    frame = numpy_to_frame(names, types, columns)
    names = list(frame.columns)
    geo = [n for n, t in zip(names, types) if t == "geometry"]
    if not geo:
        raise ValueError("the result has no geometry column")
    crs = None
    for n in geo:
        values = frame[n].to_numpy()
        shapes, srid = [], 0
        for v in values:
            if v is None:
                shapes.append(None)
                continue
            srid = srid or _srid(v)
            shapes.append(wkb.loads(bytes(v)))
        frame[n] = geopandas.GeoSeries(shapes, crs="EPSG:%d" % srid if srid else None)
        if n == (geometry or geo[0]):
            crs = "EPSG:%d" % srid if srid else None
    return geopandas.GeoDataFrame(frame, geometry=geometry or geo[0], crs=crs)


# --- appends -----------------------------------------------------------------------------------

_I64_KINDS = {"smallint", "integer", "bigint", "boolean"}
_TIME_UNITS = {"timestamp with time zone": "ns", "timestamp without time zone": "ns", "date": "D"}
_F64_KINDS = {"real", "double precision", "numeric"}


def _mask_of(values):
    import pandas as pd
    mask = pd.isna(values)
    mask = np.asarray(mask, dtype=bool)
    return mask if mask.any() else None


def _column(values, type_name, n):
    """(kind, array, nulls) for one table column from a pandas Series / array / list."""
    import pandas as pd
    if values is None:
        return ("s", [None] * n, np.ones(n, dtype=np.uint8))
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    mask = _mask_of(s)
    nulls = None if mask is None else mask.astype(np.uint8)
    if type_name in _TIME_UNITS:
        if pd.api.types.is_datetime64tz_dtype(s.dtype):
            s = s.dt.tz_convert("UTC").dt.tz_localize(None)
        t = pd.to_datetime(s)
        arr = t.to_numpy(dtype="datetime64[ns]")
        if type_name == "date":
            arr = arr.astype("datetime64[D]")
        ints = arr.view(np.int64).copy()
        if mask is not None:
            ints[mask] = 0
        return ("i", ints, nulls)
    if type_name in _I64_KINDS:
        if mask is not None:
            s = s.where(~mask, 0)
        arr = s.to_numpy()
        if arr.dtype.kind == "f":
            if not np.all(np.floor(arr) == arr):
                from .exceptions import DataError
                raise DataError("values with fractions cannot go into a column of type %s" % type_name)
        return ("i", np.ascontiguousarray(arr.astype(np.int64, copy=False)), nulls)
    if type_name in _F64_KINDS and s.dtype.kind in "biuf":
        arr = s.to_numpy(dtype=np.float64, na_value=np.nan)
        return ("f", np.ascontiguousarray(arr), nulls)
    if type_name == "time without time zone" and s.dtype.kind == "m":
        ints = s.to_numpy(dtype="timedelta64[ns]").view(np.int64).copy()
        return ("i", ints, nulls)
    items = []
    for v, null in zip(s.tolist(), mask if mask is not None else [False] * n):
        if null:
            items.append(None)
        elif hasattr(v, "wkb_hex"):
            items.append(v.wkb_hex)
        elif isinstance(v, (bytes, bytearray, memoryview)):
            items.append(bytes(v))
        else:
            items.append(str(v))
    return ("s", items, nulls)


def append_frame(con, table, data):
    import pandas as pd
    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    columns = con.table_columns(table)
    known = {name for name, _ in columns}
    extra = [c for c in frame.columns if c not in known]
    if extra:
        from .exceptions import ProgrammingError
        raise ProgrammingError('column "%s" of relation "%s" does not exist' % (extra[0], table))
    n = len(frame)
    cols = [_column(frame[name] if name in frame.columns else None, type_name, n) for name, type_name in columns]
    return con.append_columns(table, cols, n)


def _sql_type(s):
    """The SQL type a registered DataFrame column is seen as."""
    import pandas as pd
    dt = s.dtype
    if pd.api.types.is_datetime64tz_dtype(dt):
        return "timestamp with time zone"
    if dt.kind == "M":
        return "timestamp without time zone"
    if pd.api.types.is_bool_dtype(dt):
        return "boolean"
    if pd.api.types.is_integer_dtype(dt):
        return "bigint"
    if pd.api.types.is_float_dtype(dt):
        return "double precision"
    if dt.kind == "m":
        return "interval"
    first = next((v for v in s if v is not None and not (isinstance(v, float) and np.isnan(v))), None)
    if hasattr(first, "wkb_hex"):
        return "geometry"
    if isinstance(first, (bytes, bytearray, memoryview)):
        return "bytea"
    return "text"


def register_frame(con, name, data):
    """Registers a DataFrame (or dict of columns) as a read-only relation: numeric and time
    columns are read from the frame's own arrays while queries run."""
    import pandas as pd
    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    names = [str(c) for c in frame.columns]
    types, cols = [], []
    n = len(frame)
    for c in frame.columns:
        s = frame[c]
        t = _sql_type(s)
        if t == "interval":
            cols.append(("s", [None if pd.isna(v) else "%d microseconds" % (v.value // 1000) for v in s], None))
        else:
            cols.append(_column(s, t, n))
        types.append(t)
    con.register_columns(name, names, types, cols, n)
