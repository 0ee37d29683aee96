// pg_proc and pg_operator from the function registry (and pg_language), so that psql's \df, sqlsmith and GDAL see the functions
// yunhe has: one row per signature (OIDs from 100000 in registry order, stable for a build),
// PostGIS's ST_* in schema public as PostGIS installs them, the rest in pg_catalog. Also what
// pg_get_function_result / pg_get_function_arguments answer for those OIDs.
#include <fmt/format.h>

#include "common/pg_type_ids.h"
#include "functions/array_value.h"
#include "functions/function.h"
#include "sql/system_catalog_builder.h"

namespace yunhe {
namespace {

struct ProcEntry {
  int64_t oid;
  std::string name;
  char kind;  // 'f' function, 'a' aggregate
  std::vector<LogicalType> args;
  LogicalType ret;
  bool strict, is_volatile, variadic, internal;
};

// A parameter as PostgreSQL's polymorphic names spell it: "any" slots are anyelement.
std::string ParamName(const LogicalType& t) {
  if (t.id == TypeId::kNull) return "anyelement";
  if (t.id == TypeId::kArray && t.precision == 0) return "anyarray";
  return t.ToString();
}
int64_t ParamOid(const LogicalType& t) {
  if (t.id == TypeId::kNull) return 2283;                              // anyelement
  if (t.id == TypeId::kArray && t.precision == 0) return 2277;         // anyarray
  return PgTypeOid(t);
}

std::vector<ProcEntry> Procs() {
  std::vector<ProcEntry> out;
  const FunctionRegistry& reg = FunctionRegistry::Get();
  int64_t oid = 100000;
  for (const std::string& name : reg.ScalarNames())
    for (const ScalarFunction& f : *reg.Scalars(name))
      out.push_back({oid++, name, 'f', f.arg_types, f.return_type, f.strict, f.volatile_, f.variadic, name.rfind("__", 0) == 0});
  for (const std::string& name : reg.AggregateNames())
    for (const AggregateFunction& f : *reg.Aggregates(name))
      out.push_back({oid++, name, 'a', f.arg_types, f.return_type, false, false, false, false});
  return out;
}

bool IsOperatorName(const std::string& name) { return !name.empty() && !isalnum((unsigned char)name[0]) && name[0] != '_'; }

std::string Arguments(const ProcEntry& p) {
  std::string out;
  for (size_t k = 0; k < p.args.size(); ++k) {
    const bool last_variadic = p.variadic && k + 1 == p.args.size();
    out += (k ? ", " : "") + std::string(last_variadic ? "VARIADIC " : "") + ParamName(p.args[k]) + (last_variadic ? "[]" : "");
  }
  return out;
}

std::string Result(const ProcEntry& p) { return p.ret.id == TypeId::kNull ? "anyelement" : p.ret.ToString(); }

}  // namespace

namespace catalog_rows {

bool BuildFunctionRelation(const std::string& name, SystemRelation* out) {
  if (name == "pg_language") {
    Builder b(out, {{"oid", I}, {"lanname", T}, {"lanowner", I}, {"lanispl", B}, {"lanpltrusted", B}, {"lanacl", TA}});
    b.Row({Int(12), Text("internal"), Int(kOwnerOid), Bool(false), Bool(false), Null()});
    b.Row({Int(13), Text("c"), Int(kOwnerOid), Bool(false), Bool(false), Null()});
    b.Row({Int(14), Text("sql"), Int(kOwnerOid), Bool(false), Bool(true), Null()});
    b.Finish();
    return true;
  }
  if (name == "pg_operator") {
    // The registry's functions named by symbols (+, ->, @>, &&, ...) with one or two arguments.
    Builder b(out, {{"oid", I}, {"oprname", T}, {"oprnamespace", I}, {"oprowner", I}, {"oprkind", T}, {"oprcanmerge", B},
                    {"oprcanhash", B}, {"oprleft", I}, {"oprright", I}, {"oprresult", I}, {"oprcom", I}, {"oprnegate", I},
                    {"oprcode", I}, {"oprrest", I}, {"oprjoin", I}});
    for (const ProcEntry& p : Procs()) {
      if (p.kind != 'f' || !IsOperatorName(p.name) || p.args.empty() || p.args.size() > 2) continue;
      const bool prefix = p.args.size() == 1;
      b.Row({Int(p.oid + 500000), Text(p.name), Int(kPgCatalogOid), Int(kOwnerOid), Text(prefix ? "l" : "b"), Bool(false), Bool(false),
             Int(prefix ? 0 : ParamOid(p.args[0])), Int(ParamOid(p.args.back())), Int(p.ret.id == TypeId::kNull ? 2283 : PgTypeOid(p.ret)),
             Int(0), Int(0), Int(p.oid), Int(0), Int(0)});
    }
    b.Finish();
    return true;
  }
  if (name != "pg_proc") return false;
  Builder b(out, {{"oid", I}, {"proname", T}, {"pronamespace", I}, {"proowner", I}, {"prolang", I}, {"procost", TypeId::kFloat32},
                  {"prorows", TypeId::kFloat32}, {"provariadic", I}, {"prosupport", I}, {"prokind", T}, {"prosecdef", B},
                  {"proleakproof", B}, {"proisstrict", B}, {"proretset", B}, {"provolatile", T}, {"proparallel", T},
                  {"pronargs", I2}, {"pronargdefaults", I2}, {"prorettype", I}, {"proargtypes", OidVector()},
                  {"proallargtypes", ArrayOf(TypeId::kInt64)}, {"proargmodes", TA}, {"proargnames", TA}, {"prosrc", T},
                  {"probin", T}, {"proconfig", TA}, {"proacl", TA}});
  for (const ProcEntry& p : Procs()) {
    // The planner's helpers (__catalog_lookup ...) are not callable names; operators are in
    // pg_operator (PostgreSQL names their functions int4pl ..., never +).
    if (p.internal || IsOperatorName(p.name)) continue;
    std::vector<Value> types;
    for (const LogicalType& t : p.args) types.push_back(Value::Int(ParamOid(t)));
    const bool st = p.name.rfind("st_", 0) == 0;
    b.Row({Int(p.oid), Text(p.name), Int(st ? kPublicOid : kPgCatalogOid), Int(kOwnerOid), Int(12), Value::Float(1, TypeId::kFloat32),
           Value::Float(0, TypeId::kFloat32), Int(p.variadic ? ParamOid(p.args.back()) : 0), Int(0), Text(std::string(1, p.kind)),
           Bool(false), Bool(false), Bool(p.strict), Bool(false), Text(p.is_volatile ? "v" : "i"), Text("s"),
           Value::Int(int64_t(p.args.size()), TypeId::kInt16), Value::Int(0, TypeId::kInt16),
           Int(p.ret.id == TypeId::kNull ? 2283 : PgTypeOid(p.ret)), MakeArray(types, OidVector()), Null(), Null(), Null(), Text(p.name),
           Null(), Null(), Null()});
  }
  b.Finish();
  return true;
}

}  // namespace catalog_rows

std::string FunctionCatalogMap(const std::string& what) {
  std::string out;
  for (const ProcEntry& p : Procs()) {
    if (what == "function_result") out += fmt::format("{}\t{}\n", p.oid, Result(p));
    else if (what == "function_arguments") out += fmt::format("{}\t{}\n", p.oid, Arguments(p));
  }
  return out;
}

}  // namespace yunhe
