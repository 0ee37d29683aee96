"""Just enough SQL structure for the distributed planner (yunhe.dask): top-level clauses of a
SELECT, its items, and aggregate calls inside them. Quotes, comments and parentheses are
respected; anything it does not understand is refused, never guessed."""
import re

from .params import quoted_span

_CLAUSES = ["select", "from", "where", "group by", "having", "order by", "limit", "offset"]
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def tokens(sql):
    """(start, end, kind) tokens: 'q' quoted text, 'w' word, '(' ')' ',' and 'o' other (comments skipped)."""
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c.isspace():
            i += 1
            continue
        span = quoted_span(sql, i)
        if span:
            if span[1] != "comment":
                yield i, span[0], "q"
            i = span[0]
        elif c in "(),":
            yield i, i + 1, c
            i += 1
        elif (m := _WORD.match(sql, i)):
            yield i, m.end(), "w"
            i = m.end()
        else:
            yield i, i + 1, "o"
            i += 1


def clauses(sql):
    """{clause: text} of a single SELECT at the top level ('select' holds the item list)."""
    toks = [t for t in tokens(sql)]
    depth, marks = 0, []
    k = 0
    while k < len(toks):
        s, e, kind = toks[k]
        if kind == "(":
            depth += 1
        elif kind == ")":
            depth -= 1
        elif kind == "w" and depth == 0:
            word = sql[s:e].lower()
            two = None
            if word in ("group", "order") and k + 1 < len(toks) and sql[toks[k + 1][0]:toks[k + 1][1]].lower() == "by":
                two = word + " by"
            if two:
                marks.append((two, s, toks[k + 1][1]))
                k += 2
                continue
            if word in ("select", "from", "where", "having", "limit", "offset"):
                marks.append((word, s, e))
            elif word in ("union", "intersect", "except", "window", "fetch", "for", "with"):
                raise ValueError("a distributed query is one SELECT ... [GROUP BY] (no %s)" % word.upper())
        k += 1
    if not marks or marks[0][0] != "select":
        raise ValueError("a distributed query starts with SELECT")
    out = {}
    for idx, (name, s, e) in enumerate(marks):
        if name in out:
            raise ValueError("%s appears twice at the top level" % name.upper())
        end = marks[idx + 1][1] if idx + 1 < len(marks) else len(sql)
        out[name] = sql[e:end].strip().rstrip(";").strip()
    order = [m[0] for m in marks]
    if order != sorted(order, key=_CLAUSES.index):
        raise ValueError("clauses out of order")
    return out


def split_commas(text):
    """Items of a comma-separated list at depth 0."""
    items, depth, start = [], 0, 0
    for s, e, kind in tokens(text):
        if kind == "(":
            depth += 1
        elif kind == ")":
            depth -= 1
        elif kind == "," and depth == 0:
            items.append(text[start:s].strip())
            start = e
    items.append(text[start:].strip())
    return [i for i in items if i]


def split_alias(item):
    """(expression, alias or None) of a select item: `expr AS name` or `expr name`."""
    toks = list(tokens(item))
    depth = 0
    for k, (s, e, kind) in enumerate(toks):
        if kind == "(":
            depth += 1
        elif kind == ")":
            depth -= 1
        elif kind == "w" and depth == 0 and item[s:e].lower() == "as" and k == len(toks) - 2:
            return item[:s].strip(), _unquote(item[toks[k + 1][0]:toks[k + 1][1]])
    if len(toks) >= 2 and toks[-1][2] in ("w", "q") and item[toks[-1][0]] != "'" and toks[-2][2] in ("w", ")", "q"):
        last = item[toks[-1][0]:toks[-1][1]]
        if last.lower() not in _KEYWORDS_NOT_ALIAS and depth == 0:
            return item[:toks[-1][0]].strip(), _unquote(last)
    return item.strip(), None


_KEYWORDS_NOT_ALIAS = {"desc", "asc", "nulls", "first", "last", "end", "null", "true", "false"}


def _unquote(name):
    if name.startswith('"') and name.endswith('"'):
        return name[1:-1].replace('""', '"')
    return name.lower()


def calls(expr, names):
    """[(start, end, name, args text)] of calls of functions in `names` (lower case) in expr,
    outermost first; nested aggregate calls are refused."""
    toks = list(tokens(expr))
    out = []
    k = 0
    while k < len(toks):
        s, e, kind = toks[k]
        if kind == "w" and expr[s:e].lower() in names and k + 1 < len(toks) and toks[k + 1][2] == "(":
            depth = 0
            for j in range(k + 1, len(toks)):
                if toks[j][2] == "(":
                    depth += 1
                elif toks[j][2] == ")":
                    depth -= 1
                    if depth == 0:
                        break
            args = expr[toks[k + 1][1]:toks[j][0]]
            if calls(args, names):
                raise ValueError("nested aggregate calls: %s" % expr[s:toks[j][1]])
            out.append((s, toks[j][1], expr[s:e].lower(), args.strip()))
            k = j + 1
            continue
        k += 1
    return out


def output_name(expr):
    """The column name PostgreSQL gives an unnamed select item."""
    toks = list(tokens(expr))
    if len(toks) >= 1 and toks[0][2] == "w":
        if len(toks) >= 2 and toks[1][2] == "(" and toks[-1][2] == ")":
            depth = 0
            for j, t in enumerate(toks[1:], 1):
                depth += t[2] == "("
                depth -= t[2] == ")"
                if depth == 0:
                    break
            if j == len(toks) - 1:
                return expr[toks[0][0]:toks[0][1]].lower()
        if all(t[2] == "w" or expr[t[0]:t[1]] == "." for t in toks):
            return _unquote(expr[toks[-1][0]:toks[-1][1]])
    if toks and all(t[2] == "w" or expr[t[0]:t[1]] == "." or expr[t[0]] == '"' for t in toks):
        return _unquote(expr[toks[-1][0]:toks[-1][1]])
    return "?column?"


def normalize(expr):
    """Whitespace- and case-insensitive form of an expression, for matching GROUP BY to SELECT."""
    return " ".join(expr[s:e] if kind == "q" else expr[s:e].lower() for s, e, kind in tokens(expr))
