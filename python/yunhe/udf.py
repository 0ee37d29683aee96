"""Vectorized Python UDFs: what a function returned, as arrays the engine takes."""
import numpy as np

_INTS = {"smallint", "integer", "bigint", "boolean"}
_FLOATS = {"real", "double precision", "numeric"}
_TIMES = {"timestamp with time zone": "datetime64[ns]", "timestamp without time zone": "datetime64[ns]",
          "date": "datetime64[D]", "time without time zone": "timedelta64[ns]"}


def _nulls_of(arr):
    if isinstance(arr, np.ma.MaskedArray):
        return np.ma.getmaskarray(arr).astype(np.uint8), arr.filled(0 if arr.dtype.kind in "iub" else np.nan)
    return None, arr


def result_values(result, count, type_name):
    """(kind, values, nulls as uint8) for a result of `count` rows of SQL type `type_name`."""
    if np.isscalar(result) or result is None:
        result = [result] * count
    nulls, arr = _nulls_of(result if isinstance(result, np.ndarray) else np.asarray(result, dtype=object)
                           if any(x is None for x in result) else np.asarray(result))
    if len(arr) != count:
        raise ValueError("the function returned %d values for %d rows" % (len(arr), count))
    if arr.dtype == object:
        none = np.fromiter((x is None for x in arr), dtype=np.uint8, count=count)
        nulls = none if nulls is None else (nulls | none)
        if type_name in _INTS or type_name in _FLOATS:
            arr = np.where(none.astype(bool), 0, arr)
    if nulls is None:
        nulls = np.zeros(count, dtype=np.uint8)
    if type_name in _INTS:
        return "i", np.ascontiguousarray(arr.astype(np.int64)), nulls
    if type_name in _FLOATS:
        return "f", np.ascontiguousarray(arr.astype(np.float64)), nulls
    if type_name in _TIMES:
        t = arr.astype(_TIMES[type_name])
        nulls = nulls | np.isnat(t).astype(np.uint8)
        return "i", np.ascontiguousarray(t.view(np.int64)), nulls
    return "s", [None if (n or x is None) else str(x) for x, n in zip(arr.tolist(), nulls)], nulls
