"""Query parameters: %s / %(name)s / $n placeholders, and Python values as the module takes them."""
import datetime
import decimal
import json
import re

_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$")

_EPOCH = datetime.datetime(1970, 1, 1)
_EPOCH_UTC = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
_EPOCH_DATE = datetime.date(1970, 1, 1)


def _ns(delta):
    return (delta.days * 86400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000


def value(v):
    """One Python value as (kind, payload[, type name]) for _yunhe."""
    if v is None:
        return ("n", None)
    if isinstance(v, bool):
        return ("b", v)
    if isinstance(v, int):
        if -(1 << 63) <= v < (1 << 63):
            return ("i", v)
        return ("x", str(v), "numeric")
    if isinstance(v, float):
        return ("f", v)
    if isinstance(v, str):
        return ("s", v)
    if isinstance(v, (bytes, bytearray, memoryview)):
        return ("y", bytes(v))
    if isinstance(v, datetime.datetime):
        if v.tzinfo is not None and v.utcoffset() is not None:
            return ("T", _ns(v - _EPOCH_UTC))
        return ("t", _ns(v - _EPOCH))
    if isinstance(v, datetime.date):
        return ("d", (v - _EPOCH_DATE).days)
    if isinstance(v, datetime.time):
        return ("x", v.isoformat(), "time")
    if isinstance(v, datetime.timedelta):
        return ("x", "%d microseconds" % (_ns(v) // 1000), "interval")
    if isinstance(v, decimal.Decimal):
        return ("x", str(v), "numeric")
    if isinstance(v, dict):
        return ("s", json.dumps(v))
    if isinstance(v, (list, tuple)):
        return ("s", _array_text(v))
    if hasattr(v, "wkb_hex"):  # a shapely geometry
        return ("x", v.wkb_hex, "geometry")
    item = getattr(v, "item", None)  # a NumPy scalar
    if item is not None:
        return value(item())
    if type(v).__name__ in ("Timestamp",) and hasattr(v, "to_pydatetime"):  # pandas
        return value(v.to_pydatetime())
    raise TypeError("can't adapt type '%s'" % type(v).__name__)


def _array_text(items):
    out = []
    for x in items:
        if x is None:
            out.append("NULL")
        elif isinstance(x, (list, tuple)):
            out.append(_array_text(x))
        elif isinstance(x, bool):
            out.append("t" if x else "f")
        elif isinstance(x, (int, float, decimal.Decimal)):
            out.append(str(x))
        else:
            s = str(x).replace("\\", "\\\\").replace('"', '\\"')
            out.append('"%s"' % s)
    return "{" + ",".join(out) + "}"


def quoted_span(sql, i):
    """(end, kind) of the string ('...'), quoted identifier ("..."), dollar-quoted text or
    comment that starts at sql[i] (kind 'string' or 'comment'); None when none starts there."""
    c, n = sql[i], len(sql)
    if c == "'" or c == '"':
        j = i + 1
        while j < n:
            if sql[j] == c:
                if j + 1 < n and sql[j + 1] == c:
                    j += 2
                    continue
                break
            j += 1
        return j + 1, "string"
    if sql.startswith("--", i):
        j = sql.find("\n", i)
        return (n if j < 0 else j), "comment"
    if sql.startswith("/*", i):
        j = sql.find("*/", i + 2)
        return (n if j < 0 else j + 2), "comment"
    if c == "$":
        m = _DOLLAR_TAG.match(sql, i)  # $tag$ ... $tag$ (not $1)
        if m:
            end = sql.find(m.group(0), m.end())
            return (n if end < 0 else end + len(m.group(0))), "string"
    return None


def _scan(sql):
    """Yields (start, end, kind) spans: 'code', or 'quoted' (strings, identifiers, comments)."""
    i, n, start = 0, len(sql), 0
    while i < n:
        span = quoted_span(sql, i)
        if span:
            yield start, i, "code"
            yield i, span[0], "quoted"
            i = start = span[0]
            continue
        i += 1
    yield start, n, "code"


def bind(sql, params):
    """(sql with $n placeholders, [values]) for psycopg2-style %s / %(name)s or $n parameters."""
    if params is None:
        return sql, None
    if isinstance(params, dict):
        names, out = {}, []
        pieces = []
        for s, e, kind in _scan(sql):
            part = sql[s:e]
            if kind == "code":
                part = _replace_named(part, params, names, out)
            pieces.append(part)
        return "".join(pieces), [value(v) for v in out]
    params = list(params)
    counter = [0]
    pieces = []
    uses_percent = False
    for s, e, kind in _scan(sql):
        part = sql[s:e]
        if kind == "code" and "%" in part:
            uses_percent = True
            part = _replace_positional(part, counter)
        pieces.append(part)
    if uses_percent and counter[0] != len(params):
        from .exceptions import ProgrammingError
        raise ProgrammingError("the query has %d placeholders but %d parameters were given" % (counter[0], len(params)))
    return "".join(pieces), [value(v) for v in params]


def _replace_positional(part, counter):
    out, i = [], 0
    while i < len(part):
        c = part[i]
        if c == "%" and i + 1 < len(part):
            nxt = part[i + 1]
            if nxt == "%":
                out.append("%")
                i += 2
                continue
            if nxt == "s":
                counter[0] += 1
                out.append("$%d" % counter[0])
                i += 2
                continue
        out.append(c)
        i += 1
    return "".join(out)


def _replace_named(part, params, names, values):
    out, i = [], 0
    while i < len(part):
        if part.startswith("%%", i):
            out.append("%")
            i += 2
            continue
        if part.startswith("%(", i):
            close = part.find(")s", i)
            if close > 0:
                name = part[i + 2:close]
                if name not in params:
                    raise KeyError(name)
                if name not in names:
                    values.append(params[name])
                    names[name] = len(values)
                out.append("$%d" % names[name])
                i = close + 2
                continue
        out.append(part[i])
        i += 1
    return "".join(out)


_INSERT_VALUES = re.compile(r"(?is)^\s*(insert\s+into\s+.+?\s+values)\s*(\(.*\))\s*;?\s*$")
_DOLLAR_PARAM = re.compile(r"\$(\d+)")


def insert_values_template(sql):
    """(head, tuple) of a plain `INSERT INTO ... VALUES (...)` with one row of placeholders, or
    None (anything after the tuple, such as ON CONFLICT or RETURNING, or several tuples)."""
    m = _INSERT_VALUES.match(sql)
    if not m:
        return None
    tup = m.group(2)
    depth = 0
    for start, end, kind in _scan(tup):
        if kind != "code":
            continue
        for k in range(start, end):
            depth += tup[k] == "("
            depth -= tup[k] == ")"
            if depth == 0 and k != len(tup) - 1:
                return None  # the first tuple ends before the text does
    return m.group(1), tup


def renumber(bound, offset):
    """A bound text with every $n (outside quotes) moved up by offset."""
    if offset == 0:
        return bound
    out = []
    for start, end, kind in _scan(bound):
        part = bound[start:end]
        if kind == "code":
            part = _DOLLAR_PARAM.sub(lambda m: "$%d" % (int(m.group(1)) + offset), part)
        out.append(part)
    return "".join(out)
