// System information and formatting functions clients and tests expect: version(),
// pg_typeof(any), format(fmt, ...), and AT TIME ZONE for UTC and fixed offsets.
#include <charconv>

#include <fmt/format.h>
#include <unistd.h>

#include <unordered_map>

#include <chrono>
#include <thread>

#include "common/cancel.h"
#include "common/decimal.h"
#include "functions/uuid.h"
#include "common/sql_text.h"
#include "common/statement_context.h"
#include "common/pg_type_ids.h"
#include "common/time_util.h"
#include "common/timezone.h"
#include "functions/function.h"
#include "functions/kernel_util.h"

namespace yunhe {
namespace {

using Args = const std::vector<const Vector*>&;
const TypeId T = TypeId::kText, TS = TypeId::kTimestamp, TZ = TypeId::kTimestampTz;

// The "key\tvalue\n" lines of a catalog map (the planner's constant, the same in every row).
template <class Key, class Parse>
std::unordered_map<Key, std::string> CatalogMapLines(const Vector* map_arg, size_t n, Parse parse) {
  std::unordered_map<Key, std::string> map;
  if (n == 0 || map_arg->IsNull(0)) return map;
  const std::string& text = map_arg->str()[0];
  for (size_t pos = 0; pos < text.size();) {
    size_t tab = text.find('\t', pos), nl = text.find('\n', pos);
    if (tab == std::string::npos || nl == std::string::npos) break;
    map.emplace(parse(text.substr(pos, tab - pos)), text.substr(tab + 1, nl - tab - 1));
    pos = nl + 1;
  }
  return map;
}

const TimeZone& ZoneOrThrow(const std::string& name) {
  auto z = TimeZone::Find(name);
  if (!z) throw Error(SqlState::kInvalidParameterValue, fmt::format("time zone \"{}\" not recognized", name));
  return *z;
}

}  // namespace

namespace {

// format()'s template (PostgreSQL 9.4.1): %[position$][-][width]type, type s (the value's text,
// NULL as empty), I (a quoted identifier) or L (a quoted literal, NULL as NULL); the width may be
// * or *position$ (taken from an argument, negative for left-justified).
std::string FormatText(const std::vector<const Vector*>& a, size_t row) {
  const std::string& spec = a[0]->str()[row];
  std::string out;
  size_t next_arg = 1;
  auto fail = [](const std::string& message) { throw Error(SqlState::kInvalidParameterValue, message); };
  auto unterminated = [] {
    throw Error(Status::Error(SqlState::kInvalidParameterValue, "unterminated format() type specifier").WithHint("For a single \"%\" use \"%%\"."));
  };
  // Digits at i as a number (0 when there are none), i moved past them.
  auto number = [&](size_t& i) {
    int64_t v = 0;
    while (i < spec.size() && isdigit(static_cast<unsigned char>(spec[i]))) {
      v = v * 10 + (spec[i++] - '0');
      if (v > INT32_MAX) fail("number is out of range");
    }
    return v;
  };
  auto argument = [&](int64_t position) -> const Vector& {
    if (position == 0) fail("format specifies argument 0, but arguments are numbered from 1");
    if (size_t(position) >= a.size()) fail("too few arguments for format()");
    return *a[size_t(position)];
  };
  for (size_t i = 0; i < spec.size(); ++i) {
    if (spec[i] != '%') {
      out += spec[i];
      continue;
    }
    if (++i >= spec.size()) unterminated();
    if (spec[i] == '%') {
      out += '%';
      continue;
    }
    // An argument position: digits followed by $.
    int64_t position = -1;
    if (isdigit(static_cast<unsigned char>(spec[i]))) {
      size_t j = i;
      const int64_t v = number(j);
      if (j < spec.size() && spec[j] == '$') position = v, i = j + 1;
    }
    bool left = false;
    while (i < spec.size() && spec[i] == '-') left = true, ++i;
    int64_t width = 0;
    if (i < spec.size() && spec[i] == '*') {
      ++i;
      int64_t from = -1;
      if (i < spec.size() && isdigit(static_cast<unsigned char>(spec[i]))) {
        from = number(i);
        if (i >= spec.size() || spec[i] != '$') unterminated();
        ++i;
      }
      // The value then comes from the argument after the width's (unless its position is given).
      if (from >= 0) next_arg = size_t(from);
      const Vector& w = argument(int64_t(next_arg++));
      if (!w.IsNull(row)) {
        const Value wv = w.GetValue(row);
        // An integer, or text of one (format('%*s', '3', 'x')); anything else is 22P02 as PostgreSQL.
        const std::string text = wv.ToString();
        const bool integer = wv.type.id == TypeId::kInt16 || wv.type.id == TypeId::kInt32 || wv.type.id == TypeId::kInt64;
        const auto [end, ec] = integer ? std::from_chars_result{nullptr, std::errc()} : std::from_chars(text.data(), text.data() + text.size(), width);
        if (integer) width = wv.i;
        else if (ec != std::errc() || end != text.data() + text.size())
          throw Error(SqlState::kInvalidTextRepresentation, fmt::format("invalid input syntax for type integer: \"{}\"", text));
      }
      if (width < 0) left = true, width = -width;
    } else {
      width = number(i);
    }
    if (i >= spec.size()) unterminated();
    const char type = spec[i];
    if (type != 's' && type != 'I' && type != 'L')
      throw Error(Status::Error(SqlState::kInvalidParameterValue, fmt::format("unrecognized format() type specifier \"{}\"", type))
                      .WithHint("For a single \"%\" use \"%%\"."));
    const Vector& arg = argument(position >= 0 ? position : int64_t(next_arg));
    next_arg = size_t(position >= 0 ? position : int64_t(next_arg)) + 1;
    const Value v = arg.GetValue(row);
    std::string text;
    if (type == 's') {
      text = v.is_null ? "" : v.ToString();
    } else if (type == 'I') {
      if (v.is_null) throw Error(SqlState::kNullValueNotAllowed, "null values cannot be formatted as an SQL identifier");
      text = QuoteIdent(v.ToString());
    } else {
      text = v.is_null ? "NULL" : QuoteLiteral(v.ToString());
    }
    size_t chars = 0;
    for (unsigned char c : text) chars += (c & 0xC0) != 0x80;
    const std::string pad = size_t(width) > chars ? std::string(size_t(width) - chars, ' ') : "";
    out += left ? text + pad : pad + text;
  }
  return out;
}

}  // namespace

void RegisterSystemFunctions(FunctionRegistry& r) {
  {
    // PostgreSQL's pg_sleep(seconds): once per row it is evaluated for, stoppable by a cancel
    // request or statement_timeout. PostgreSQL returns void; here an empty (NULL) text.
    ScalarFunction f;
    f.name = "pg_sleep";
    f.arg_types = {TypeId::kFloat64};
    f.return_type = T;
    f.volatile_ = true;
    f.kernel = [](Args a, size_t n, Vector& o) {
      for (size_t r = 0; r < n; ++r) {
        o.SetNull(r, true);
        if (a[0]->IsNull(r)) continue;
        const auto until = std::chrono::steady_clock::now() +
                           std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(std::max(0.0, a[0]->f64()[r])));
        while (std::chrono::steady_clock::now() < until) {
          CheckCancel();
          std::this_thread::sleep_until(std::min(until, std::chrono::steady_clock::now() + std::chrono::milliseconds(10)));
        }
      }
    };
    f.description = "sleeps for the given number of seconds (per row)";
    f.example = "pg_sleep(0.5)";
    r.AddScalar(f);
  }
  AddScalar(r, "version", {}, T, [](Args, size_t n, Vector& o) {
    for (size_t k = 0; k < n; ++k) o.SetValue(k, Value::Text("PostgreSQL 15.0 (yunhe 0.1, the data canal) on x86_64-pc-linux-gnu"));
  }, "server version string", "version()");
  {
    ScalarFunction f;
    f.name = "pg_typeof";
    f.arg_types = {TypeId::kNull};
    f.return_type = T;
    f.strict = false;
    f.kernel = [](Args a, size_t n, Vector& o) {
      // Like regtype output: the type without its modifier (numeric, geometry), except that
      // varchar stays character varying.
      const LogicalType& t = a[0]->type();
      const bool named_by_modifier = t.id == TypeId::kArray || (t.id == TypeId::kText && t.scale) || OidAliasOf(t) != OidAlias::kNone;
      const std::string name = t.id == TypeId::kText && t.precision ? "character varying"
                               : named_by_modifier                   ? t.ToString()  // int2vector, json, jsonb, regclass
                                                                     : LogicalType(t.id).ToString();
      for (size_t k = 0; k < n; ++k) o.SetValue(k, Value::Text(name));
    };
    f.description = "the data type of the argument";
    f.example = "pg_typeof(1.5) → numeric";
    r.AddScalar(f);
  }
  {
    // format(fmt, args...): %[n$][-][width]s / I / L and %% (FormatText).
    ScalarFunction f;
    f.name = "format";
    f.arg_types = {T, TypeId::kNull};
    f.variadic = true;
    f.strict = false;
    f.return_type = T;
    f.kernel = [](Args a, size_t n, Vector& o) {
      for (size_t row = 0; row < n; ++row) {
        if (a[0]->IsNull(row)) { o.SetNull(row, true); continue; }
        o.SetValue(row, Value::Text(FormatText(a, row)));
      }
    };
    f.description = "format a string, printf-style (%s, %I, %L with argument positions n$, widths and -)";
    f.example = "format('%s has %s rows', 'r', 10) → r has 10 rows";
    r.AddScalar(f);
  }
  // Catalog helpers that psql, drivers and dashboards call (see sql/system_catalog.h).
  for (TypeId t : {TypeId::kInt64, TypeId::kInt32}) {
    AddScalar(r, "pg_get_userbyid", {t}, T, [](Args, size_t n, Vector& o) {
      ForEachValid(o, n, [&](size_t k) { o.str()[k] = "yunhe"; });
    }, "name of the role with this OID (the planner answers from the catalog's roles)", "pg_get_userbyid(10) → yunhe");
    AddScalar(r, "pg_indexes_size", {t}, TypeId::kInt64, [](Args, size_t n, Vector& o) {
      ForEachValid(o, n, [&](size_t k) { o.i64()[k] = 0; });
    }, "bytes of a table's indexes (0: they live in memory, and key maps in the parts)", "pg_indexes_size('t'::regclass) → 0");
    // pg_table_is_visible is the planner's (search_path and the catalog: sql/planner_functions.cpp);
    // this kernel answers where it is not rewritten. Types and functions all live in pg_catalog.
    for (const char* what : {"pg_table_is_visible", "pg_type_is_visible", "pg_function_is_visible"}) {
      const bool table = std::string(what) == "pg_table_is_visible";
      AddScalar(r, what, {t}, TypeId::kBool, [](Args, size_t n, Vector& o) {
        ForEachValid(o, n, [&](size_t k) { o.i64()[k] = 1; });
      }, table ? "whether search_path finds a relation (type, function) by its bare name" : "",
         table ? "pg_table_is_visible('t'::regclass) → t" : "");
    }
    AddScalar(r, "pg_encoding_to_char", {t}, T, [](Args, size_t n, Vector& o) {
      ForEachValid(o, n, [&](size_t k) { o.str()[k] = "UTF8"; });
    }, "name of an encoding id", "pg_encoding_to_char(6) → UTF8");
    AddScalar(r, "obj_description", {t, T}, T, [](Args, size_t n, Vector& o) {
      for (size_t k = 0; k < n; ++k) o.SetNull(k, true);
    }, "comment of a relation (COMMENT ON), NULL if none", "obj_description(16385, 'pg_class') → NULL", false);
    AddScalar(r, "pg_get_function_sqlbody", {t}, T, [](Args, size_t n, Vector& o) {
      for (size_t k = 0; k < n; ++k) o.SetNull(k, true);
    }, "body of a SQL-standard function (yunhe's are built in: NULL)", "pg_get_function_sqlbody(100000) → NULL", false);
    AddScalar(r, "shobj_description", {t, T}, T, [](Args, size_t n, Vector& o) {
      for (size_t k = 0; k < n; ++k) o.SetNull(k, true);
    }, "comment of a shared object (none are stored)", "shobj_description(16383, 'pg_database') → NULL", false);
    AddScalar(r, "format_type", {t, TypeId::kInt32}, T, [](Args a, size_t n, Vector& o) {
      ForEachValid(o, n, [&](size_t k) {
        const int64_t oid = a[0]->i64()[k];
        const int32_t typmod = a[1]->IsNull(k) ? -1 : int32_t(a[1]->i64()[k]);
        static const std::pair<int64_t, const char*> kOthers[] = {{26, "oid"}, {19, "name"}, {18, "\"char\""}, {1043, "character varying"}};
        LogicalType type;
        std::string name = "???";
        if (LogicalTypeFromPg(oid, typmod, &type) && !(oid == 1043 && type.precision == 0)) name = type.ToString();
        else
          for (auto& [o2, tn] : kOthers)
            if (o2 == oid) name = tn;
        o.str()[k] = name;
      });
    }, "SQL name of a type OID with its modifier", "format_type(1700, 655366) → numeric(10,2)", false);
  }
  // Privilege checks: the planner answers has_table_privilege and its kin from the catalog's
  // grants (sql/planner_privileges.cpp); these kernels answer the rest (functions, tablespaces:
  // EXECUTE and the default tablespace are PUBLIC's in PostgreSQL too).
  for (const char* what : {"has_database_privilege", "has_table_privilege", "has_schema_privilege", "has_sequence_privilege",
                           "has_column_privilege", "has_function_privilege", "has_tablespace_privilege"}) {
    const bool first = std::string(what) == "has_table_privilege";
    for (size_t arity : {2, 3, 4}) {
      if (arity == 4 && std::string(what) != "has_column_privilege") continue;
      std::vector<LogicalType> args(arity, LogicalType(TypeId::kNull));
      AddScalar(r, what, args, TypeId::kBool, [](Args, size_t n, Vector& o) {
        ForEachValid(o, n, [&](size_t k) { o.i64()[k] = 1; });
      }, first && arity == 2 ? "whether a role holds a privilege on a table (GRANT/REVOKE, ownership, memberships)" : "",
         first && arity == 2 ? "has_table_privilege('t', 'SELECT') → t" : "");
    }
  }
  // postgis_typmod_dims / _srid / _type: a geometry typmod (common/pg_type_ids.cpp) read back.
  AddScalar(r, "postgis_typmod_dims", {TypeId::kInt32}, TypeId::kInt32, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      const int64_t m = a[0]->i64()[k];
      if (m < 0) o.SetNull(k, true);
      else o.i64()[k] = 2 + ((m & 2) ? 1 : 0) + (m & 1);
    });
  }, "coordinate dimension of a geometry typmod (NULL: none)", "postgis_typmod_dims(atttypmod)");
  AddScalar(r, "postgis_typmod_srid", {TypeId::kInt32}, TypeId::kInt32, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.i64()[k] = a[0]->i64()[k] < 0 ? 0 : a[0]->i64()[k] >> 8; });
  }, "SRID of a geometry typmod (0: none)", "postgis_typmod_srid(atttypmod)");
  AddScalar(r, "postgis_typmod_type", {TypeId::kInt32}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      const int64_t m = a[0]->i64()[k];
      o.str()[k] = m < 0 ? "Geometry" : GeometryTypmodName(int16_t(((m >> 2) & 7) | ((m & 2) ? 16 : 0) | ((m & 1) ? 32 : 0)));
    });
  }, "geometry type of a geometry typmod", "postgis_typmod_type(atttypmod)");
  for (const char* name : {"gen_random_uuid", "uuid_generate_v4"}) {
    const bool first = std::string(name) == "gen_random_uuid";
    AddScalar(r, name, {}, UuidType(), [](Args, size_t n, Vector& o) {
      for (size_t k = 0; k < n; ++k) o.SetValue(k, Value::Text(RandomUuid()));
    }, first ? "a random (version 4) uuid" : "", first ? "gen_random_uuid() → 5b3c1e9a-0f6d-4c2e-9a1b-2f3e4d5c6b7a" : "", true,
       /*is_volatile=*/true);
  }
  // pg_size_pretty: PostgreSQL 15's units and rounding (below 10240 of a unit stays in it).
  for (TypeId t : {TypeId::kInt64, TypeId::kNumeric}) {
    AddScalar(r, "pg_size_pretty", {t}, T, [](Args a, size_t n, Vector& o) {
      ForEachValid(o, n, [&](size_t k) {
        int64_t size = 0;
        if (a[0]->type().id != TypeId::kNumeric) size = a[0]->i64()[k];
        else if (!DecimalToInt64(a[0]->GetValue(k).d, &size, true))
          throw Error(SqlState::kNumericValueOutOfRange, "bigint out of range");  // sizes past 8 EiB
        const int64_t limit = 10 * 1024, limit2 = limit * 2 - 1;
        auto half = [](int64_t x) { return (x + (x < 0 ? -1 : 1)) / 2; };
        if (std::llabs(size) < limit) {
          o.str()[k] = fmt::format("{} bytes", size);
          return;
        }
        size >>= 9;  // one extra bit for rounding
        for (const char* unit : {"kB", "MB", "GB", "TB"}) {
          if (std::llabs(size) < limit2 || std::string(unit) == "TB") {
            o.str()[k] = fmt::format("{} {}", half(size), unit);
            return;
          }
          size >>= 10;
        }
      });
    }, t == TypeId::kInt64 ? "a byte count in kB, MB, GB or TB, as PostgreSQL rounds it" : "", t == TypeId::kInt64 ? "pg_size_pretty(123456789::bigint) → 118 MB" : "");
  }
  // __catalog_lookup(oid, map): map is "key\tvalue\n" lines the planner took from the catalog
  // (pg_get_indexdef, pg_get_constraintdef, ::regclass and the other OID aliases); NULL if absent.
  AddScalar(r, "__catalog_lookup", {TypeId::kInt64, T}, T, [](Args a, size_t n, Vector& o) {
    const auto map = CatalogMapLines<int64_t>(a[1], n, [](const std::string& k) { return std::stoll(k); });
    ForEachValid(o, n, [&](size_t k) {
      auto it = map.find(a[0]->i64()[k]);
      if (it == map.end()) o.SetNull(k, true);
      else o.str()[k] = it->second;
    });
  }, "", "");
  // pg_partition_ancestors(rel): the relation and the partitioned tables above it; yunhe's
  // tables are never partitions of another, so the relation alone (one row: a scalar here).
  AddScalar(r, "pg_partition_ancestors", {TypeId::kInt64}, OidAliasType(OidAlias::kRegclass), [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.i64()[k] = a[0]->i64()[k]; });
  }, "the relation and its partition ancestors (tables here are never partitions: the relation itself)", "pg_partition_ancestors('t'::regclass) → t");
  // __oid_alias_out(oid, map): what an OID alias prints: the name the map (as __catalog_lookup's)
  // has for the OID, else its digits ('-' for 0), as PostgreSQL prints an OID it does not know.
  AddScalar(r, "__oid_alias_out", {TypeId::kInt64, T}, T, [](Args a, size_t n, Vector& o) {
    const auto map = CatalogMapLines<int64_t>(a[1], n, [](const std::string& k) { return std::stoll(k); });
    ForEachValid(o, n, [&](size_t k) {
      const int64_t oid = a[0]->i64()[k];
      auto it = map.find(oid);
      o.str()[k] = it != map.end() ? it->second : oid == 0 ? std::string("-") : std::to_string(oid);
    });
  }, "", "");
  // __catalog_lookup_text(key, map): the same keyed by text ('name'::regclass of a column,
  // pg_get_serial_sequence of a column).
  AddScalar(r, "__catalog_lookup_text", {T, T}, T, [](Args a, size_t n, Vector& o) {
    const auto map = CatalogMapLines<std::string>(a[1], n, [](const std::string& k) { return k; });
    ForEachValid(o, n, [&](size_t k) {
      auto it = map.find(a[0]->str()[k]);
      if (it == map.end()) o.SetNull(k, true);
      else o.str()[k] = it->second;
    });
  }, "", "");
  // Defaults and other expressions are kept as their text, which is what pg_get_expr returns.
  AddScalar(r, "pg_get_expr", {T, TypeId::kInt64}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.str()[k] = a[0]->str()[k]; });
  }, "text of a stored expression (a column default)", "pg_get_expr(adbin, adrelid)");
  AddScalar(r, "pg_get_expr", {T, TypeId::kInt64, TypeId::kBool}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.str()[k] = a[0]->str()[k]; });
  }, "text of a stored expression (a column default)", "pg_get_expr(adbin, adrelid, true)");
  AddScalar(r, "col_description", {TypeId::kInt64, TypeId::kInt32}, T, [](Args, size_t n, Vector& o) {
    for (size_t k = 0; k < n; ++k) o.SetNull(k, true);
  }, "comment of a table column (COMMENT ON COLUMN), NULL if none", "col_description(attrelid, attnum)");
  for (const bool pretty : {false, true}) {
    std::vector<LogicalType> args = {TypeId::kInt64};
    if (pretty) args.push_back(TypeId::kBool);
    AddScalar(r, "pg_get_triggerdef", args, T, [](Args, size_t n, Vector& o) {
      for (size_t k = 0; k < n; ++k) o.SetNull(k, true);
    }, pretty ? "" : "CREATE TRIGGER statement of a trigger (there are none: NULL)", pretty ? "" : "pg_get_triggerdef(oid)");
  }
  AddScalar(r, "pg_get_statisticsobjdef_columns", {TypeId::kInt64}, T, [](Args, size_t n, Vector& o) {
    for (size_t k = 0; k < n; ++k) o.SetNull(k, true);
  }, "columns of an extended statistics object (there are none)", "pg_get_statisticsobjdef_columns(oid)");
  AddScalar(r, "pg_relation_is_publishable", {TypeId::kInt64}, TypeId::kBool, [](Args, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.i64()[k] = 1; });
  }, "whether a relation could be published (tables: yes; there are no publications)", "pg_relation_is_publishable(oid)");
  AddScalar(r, "current_database", {}, T, [](Args, size_t n, Vector& o) {
    for (size_t k = 0; k < n; ++k) o.SetValue(k, Value::Text("yunhe"));
  }, "name of the current database", "current_database() → yunhe");
  AddScalar(r, "current_schema", {}, T, [](Args, size_t n, Vector& o) {
    for (size_t k = 0; k < n; ++k) o.SetValue(k, Value::Text("public"));
  }, "the first existing schema of search_path, where CREATE puts unqualified names (the planner's answer)", "current_schema() → public");
  AddScalar(r, "quote_ident", {T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.str()[k] = QuoteIdent(a[0]->str()[k]); });
  }, "the text quoted as an SQL identifier when it needs to be", "quote_ident('Foo bar') → \"Foo bar\"");
  AddScalar(r, "quote_literal", {T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.str()[k] = QuoteLiteral(a[0]->str()[k]); });
  }, "the text quoted as an SQL string literal", "quote_literal('O''Reilly') → 'O''Reilly'");
  {
    ScalarFunction f;  // NULL in, 'NULL' out: not strict
    f.name = "quote_nullable";
    f.arg_types = {T};
    f.return_type = T;
    f.strict = false;
    f.kernel = [](Args a, size_t n, Vector& o) {
      for (size_t k = 0; k < n; ++k) o.SetValue(k, Value::Text(a[0]->IsNull(k) ? std::string("NULL") : QuoteLiteral(a[0]->str()[k])));
    };
    f.description = "the text quoted as an SQL string literal, or NULL unquoted";
    f.example = "quote_nullable(NULL) → NULL";
    r.AddScalar(f);
  }
  AddScalar(r, "pg_backend_pid", {}, TypeId::kInt32, [](Args, size_t n, Vector& o) {
    // The session's id as its client knows it (BackendKeyData, notifications' sender).
    const NotificationSink* session = CurrentStatement().notifications.load();
    const int64_t pid = session && session->backend_pid() ? session->backend_pid() : int64_t(getpid());
    for (size_t k = 0; k < n; ++k) o.SetValue(k, Value::Int(pid, TypeId::kInt32));
  }, "id of the session's server process (what its notifications carry)", "pg_backend_pid()");
  {
    ScalarFunction f;
    f.name = "pg_notify";
    f.arg_types = {T, T};
    f.return_type = T;  // void in PostgreSQL: prints as empty
    f.strict = false;
    f.volatile_ = true;
    f.kernel = [](Args a, size_t n, Vector& o) {
      NotificationSink* session = CurrentStatement().notifications.load();
      for (size_t k = 0; k < n; ++k) {
        if (a[0]->IsNull(k)) throw Error(SqlState::kInvalidParameterValue, "channel name cannot be empty");
        if (!session) throw Error(SqlState::kFeatureNotSupported, "pg_notify() needs a session (the server or the shell)");
        session->Notify(a[0]->str()[k], a[1]->IsNull(k) ? std::string() : a[1]->str()[k]);
        o.SetValue(k, Value::Text(""));
      }
    };
    f.description = "sends a notification to the sessions listening on the channel when the transaction commits (as NOTIFY)";
    f.example = "pg_notify('fleet', 'truck 7 stopped')";
    r.AddScalar(f);
  }
  // x AT TIME ZONE z  ==  timezone(z, x)
  AddScalar(r, "timezone", {T, TZ}, TS, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.i64()[k] = ZoneOrThrow(a[0]->str()[k]).UtcToLocal(a[1]->i64()[k]); });
  }, "timestamp with time zone as local time in a zone (tz database name, POSIX string or offset)", "timestamptz '2024-07-01 12:00+00' AT TIME ZONE 'Asia/Shanghai' → 2024-07-01 20:00:00");
  AddScalar(r, "timezone", {T, TS}, TZ, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.i64()[k] = ZoneOrThrow(a[0]->str()[k]).LocalToUtc(a[1]->i64()[k]); });
  }, "local time in a zone as timestamp with time zone", "timestamp '2024-07-01 20:00' AT TIME ZONE 'Asia/Shanghai' → 2024-07-01 12:00:00+00");
}

}  // namespace yunhe
