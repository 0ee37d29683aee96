// Function and operator calls: overload resolution (PostgreSQL 10.2/10.3, simplified to "exact
// match, else cheapest implicit coercion"), constant folding, aggregate calls.
#include <fmt/format.h>

#include "common/sql_text.h"
#include "common/status.h"
#include "common/time_util.h"
#include "exec/expression_eval.h"
#include "functions/cast.h"
#include "functions/function.h"
#include "functions/user_functions.h"
#include "sql/named_arguments.h"
#include "sql/planner.h"
#include "functions/array_value.h"
#include "sql/relation_names.h"
#include "sql/settings_view.h"
#include "sql/system_catalog.h"

namespace yunhe {
namespace {

// `date op ts` as `date op' bound` with a date bound: a date d compares with ts as its
// midnight d*D does, so d < ts is d < ceil(ts/D), d <= ts is d <= floor(ts/D) and so on.
// = and <> only when ts is a midnight. False when the comparison is left as it is.
bool DateBoundOfTimestamp(int64_t ts, std::string* op, int64_t* bound) {
  const int64_t floor_days = FloorDiv(ts, kNsPerDay);
  const bool midnight = floor_days * kNsPerDay == ts;
  const int64_t ceil_days = midnight ? floor_days : floor_days + 1;
  if (*op == "<" || *op == ">=") *bound = ceil_days;
  else if (*op == "<=" || *op == ">") *bound = floor_days;
  else if ((*op == "=" || *op == "<>") && midnight) *bound = floor_days;
  else return false;
  return true;
}

std::string TypeList(const std::vector<ExprPtr>& args) {
  std::string s;
  for (size_t k = 0; k < args.size(); ++k) s += (k ? ", " : "") + (args[k]->unknown_literal ? std::string("unknown") : args[k]->type.ToString());
  return s;
}

bool AllUnknown(const std::vector<ExprPtr>& args) {
  if (args.empty()) return false;
  for (auto& a : args)
    if (!a->unknown_literal) return false;
  return true;
}

// Returns the cost of calling a function with these argument types, -1 when impossible.
int CallCost(const std::vector<LogicalType>& params, bool variadic, const std::vector<ExprPtr>& args) {
  if (!variadic && params.size() != args.size()) return -1;
  if (variadic && args.size() + 1 < params.size()) return -1;
  int cost = 0;
  for (size_t k = 0; k < args.size(); ++k) {
    const LogicalType& p = k < params.size() ? params[k] : params.back();
    int c = ImplicitCastCost(args[k]->type, p, args[k]->unknown_literal);
    if (c < 0) return -1;
    cost += c;
  }
  return cost;
}

}  // namespace

LogicalType Planner::UnifyTypes(std::vector<ExprPtr>& exprs, const char* context, int location) {
  LogicalType common(TypeId::kNull);
  bool any_typed = false;
  for (auto& e : exprs) {
    if (e->unknown_literal || e->type.id == TypeId::kNull) continue;
    if (!any_typed) {
      common = e->type;
      any_typed = true;
      continue;
    }
    LogicalType next;
    if (!CommonType(common, e->type, &next))
      throw Error(SqlState::kDatatypeMismatch,
                  fmt::format("{} types {} and {} cannot be matched", context, common.ToString(), e->type.ToString()),
                  CharPos(e->location >= 0 ? e->location : location));
    common = next;
  }
  if (!any_typed) common = TypeId::kText;
  for (auto& e : exprs) e = CoerceTo(e, common);
  return common;
}

ExprPtr Planner::ResolveCall(const std::string& name, std::vector<ExprPtr> args, int location, bool is_operator) {
  const auto* candidates = FunctionRegistry::Get().Scalars(name);
  if (!candidates && catalog_.user_functions) candidates = catalog_.user_functions->Scalars(name);
  // All arguments untyped literals: they are text, unless exactly one signature takes this many
  // arguments, which then types them (PostgreSQL's rule: pg_relation_is_publishable('16385')).
  if (AllUnknown(args)) {
    size_t fitting = 0;
    if (candidates)
      for (const auto& f : *candidates) fitting += f.arg_types.size() == args.size() || (f.variadic && args.size() >= f.arg_types.size());
    if (fitting != 1)
      for (auto& a : args) a = CoerceTo(a, TypeId::kText);
  }
  const ScalarFunction* best = nullptr;
  int best_cost = -1;
  if (candidates) {
    for (const auto& f : *candidates) {
      int c = CallCost(f.arg_types, f.variadic, args);
      if (c >= 0 && (best_cost < 0 || c < best_cost)) {
        best = &f;
        best_cost = c;
      }
    }
  }
  if (!best) {
    if (is_operator) {
      std::string sig = args.size() == 1 ? fmt::format("{} {}", name, args[0]->type.ToString())
                                         : fmt::format("{} {} {}", args[0]->type.ToString(), name, args[1]->type.ToString());
      throw Error(Status::Error(SqlState::kUndefinedFunction, "operator does not exist: " + sig, CharPos(location))
                      .WithHint("No operator matches the given name and argument types. You might need to add explicit type casts."));
    }
    throw Error(Status::Error(SqlState::kUndefinedFunction, fmt::format("function {}({}) does not exist", name, TypeList(args)),
                              CharPos(location))
                    .WithHint("No function matches the given name and argument types. You might need to add explicit type casts."));
  }
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kFunction;
  e->function = best;
  e->name = name;
  e->location = location;
  std::vector<LogicalType> arg_types;
  for (size_t k = 0; k < args.size(); ++k) {
    const LogicalType& p = k < best->arg_types.size() ? best->arg_types[k] : best->arg_types.back();
    ExprPtr a = args[k];
    if (p.id != TypeId::kNull) a = CoerceTo(a, p);
    else if (a->unknown_literal) a = CoerceTo(a, TypeId::kText);
    else if (OidAliasOf(a->type) != OidAlias::kNone && name != "pg_typeof") a = OidAliasText(a, a->location);  // prints as its name
    arg_types.push_back(a->type);
    e->args.push_back(a);
  }
  e->type = best->infer_return ? best->infer_return(arg_types) : best->return_type;
  if (e->type.id == TypeId::kNull && !arg_types.empty()) e->type = arg_types[0];
  // Constant folding: errors such as division by zero surface here with the call's position.
  bool all_const = !best->volatile_ && name != "now";
  for (auto& a : e->args) all_const = all_const && a->kind == ExprKind::kConstant;
  if (all_const) {
    ExecContext ctx;
    Value v = EvaluateConstant(*e, ctx);
    v.type = e->type;
    return MakeConstant(v, location);
  }
  return e;
}

ExprPtr Planner::MakeComparison(const std::string& op, ExprPtr l, ExprPtr r, int location) {
  // A typed side decides the type of an unknown literal on the other side.
  if (l->unknown_literal && !r->unknown_literal && r->type.id != TypeId::kNull) l = CoerceTo(l, r->type);
  if (r->unknown_literal && !l->unknown_literal && l->type.id != TypeId::kNull) r = CoerceTo(r, l->type);
  // A date compared with a timestamp constant compares with a date constant instead, so the
  // scan filters and prunes on the date column itself rather than casting every row.
  std::string date_op = op;
  int64_t date_bound;
  if (r->type.id == TypeId::kDate && l->kind == ExprKind::kConstant && l->type.id == TypeId::kTimestamp) {
    std::swap(l, r);
    date_op = FlipComparison(op);
  }
  if (l->type.id == TypeId::kDate && r->kind == ExprKind::kConstant && r->type.id == TypeId::kTimestamp && !r->value.is_null &&
      DateBoundOfTimestamp(r->value.i, &date_op, &date_bound)) {
    Value bound = Value::Time(date_bound, TypeId::kDate);
    return ResolveCall(date_op, {l, MakeConstant(bound, r->location)}, location, true);
  }
  ExprPtr cmp = ResolveCall(op, {l, r}, location, true);
  // Casts that only relabel (numeric(15,2) compared as numeric, varchar as text) are dropped:
  // the comparison reads the same values, and a bare column meets the scan's typed filters.
  if (cmp->kind == ExprKind::kFunction)
    for (auto& a : cmp->args)
      if (a->kind == ExprKind::kCast && IsRelabelCast(a->args[0]->type, a->type)) a = a->args[0];
  return cmp;
}

// The call's arguments in parameter order: named ones (name => value) put in their places and
// left-out parameters given their defaults, for the functions sql/named_arguments.h knows.
std::vector<ExprPtr> Planner::BindCallArguments(PgQuery__FuncCall* f, const std::string& name, BindContext& bc) {
  const ParameterList* params = BuiltinParameters(name);
  std::vector<ExprPtr> args;
  std::vector<std::string> arg_names;  // "" for a positional argument
  for (size_t k = 0; k < f->n_args; ++k) {
    PgQuery__Node* a = f->args[k];
    if (a->node_case == PG_QUERY__NODE__NODE_NAMED_ARG_EXPR) {
      arg_names.push_back(a->named_arg_expr->name);
      a = reinterpret_cast<PgQuery__Node*>(a->named_arg_expr->arg);
    } else {
      arg_names.push_back("");
    }
    args.push_back(Bind(a, bc));
  }
  const bool named = std::any_of(arg_names.begin(), arg_names.end(), [](const std::string& n) { return !n.empty(); });
  if (!named && (!params || args.size() >= params->names.size() - params->defaults.size())) {
    if (params) for (size_t k = args.size(); k < params->names.size(); ++k) args.push_back(MakeConstant(params->defaults[k - (params->names.size() - params->defaults.size())], f->location));
    return args;
  }
  auto no_such_function = [&] {
    std::string signature;
    for (size_t k = 0; k < args.size(); ++k)
      signature += fmt::format("{}{}{}", k ? ", " : "", arg_names[k].empty() ? "" : arg_names[k] + " => ",
                               args[k]->unknown_literal ? "unknown" : args[k]->type.ToString());
    throw Error(Status::Error(SqlState::kUndefinedFunction, fmt::format("function {}({}) does not exist", name, signature), CharPos(f->location))
                    .WithHint("No function matches the given name and argument types. You might need to add explicit type casts."));
  };
  if (!params || args.size() > params->names.size()) no_such_function();
  std::vector<ExprPtr> placed(params->names.size());
  for (size_t k = 0; k < args.size(); ++k) {
    size_t at = k;
    if (!arg_names[k].empty()) {
      at = size_t(std::find(params->names.begin(), params->names.end(), arg_names[k]) - params->names.begin());
      if (at == params->names.size()) no_such_function();
    }
    if (placed[at])
      throw Error(SqlState::kSyntaxError, fmt::format("argument name \"{}\" used more than once", params->names[at]), CharPos(f->location));
    placed[at] = args[k];
  }
  // Missing parameters take their defaults; trailing ones without one are left to the overloads
  // that do not have them (make_timestamptz without the time zone).
  const size_t first_default = params->names.size() - params->defaults.size();
  size_t used = placed.size();
  while (used > 0 && !placed[used - 1] && used - 1 < first_default) --used;
  placed.resize(used);
  for (size_t k = 0; k < placed.size(); ++k) {
    if (placed[k]) continue;
    if (k < first_default) no_such_function();
    placed[k] = MakeConstant(params->defaults[k - first_default], f->location);
  }
  return placed;
}

ExprPtr Planner::BindFuncCall(PgQuery__FuncCall* f, BindContext& bc) {
  std::string name = StrVal(f->funcname[f->n_funcname - 1]);
  if (f->over) return BindWindowCall(f, name, bc);
  if (FunctionRegistry::Get().IsAggregate(name)) {
    // A name can be both (ST_Union(a, b) and ST_Union(geom) in PostGIS): the scalar wins when
    // one takes this many arguments and the call has no aggregate-only syntax.
    bool scalar_fits = false;
    if (const auto* scalars = FunctionRegistry::Get().Scalars(name))
      for (const auto& s : *scalars) scalar_fits |= s.arg_types.size() == f->n_args || (s.variadic && f->n_args >= s.arg_types.size());
    if (!scalar_fits || f->n_agg_order > 0 || f->agg_distinct || f->agg_filter || f->agg_star) return BindAggregateCall(f, name, bc);
  }
  if (f->agg_star)
    throw Error(SqlState::kWrongObjectType, fmt::format("{}(*) specified, but {} is not an aggregate function", name, name),
                CharPos(f->location));
  if (name == "position") name = "strpos";
  std::vector<ExprPtr> args = BindCallArguments(f, name, bc);
  if (name == "extract" || name == "date_part") {
    // The field is an identifier or string; PostgreSQL folds it to lower case.
    if (!args.empty() && args[0]->kind == ExprKind::kConstant && !args[0]->value.is_null) {
      std::string field = args[0]->value.ToString();
      for (auto& c : field) c = char(tolower((unsigned char)c));
      args[0] = MakeConstant(Value::Text(field), args[0]->location);
    }
  }
  if (name == "current_setting" || name == "set_config") return BindSettingCall(name, args, f->location);
  if ((name == "nextval" || name == "currval" || name == "setval") && !args.empty()) args[0] = BindSequenceName(args[0], f->location);
  if (name == "pg_get_serial_sequence" && args.size() == 2) return BindSerialSequence(args, f->location);
  // Names through search_path (sql/relation_names.h), known when the statement is planned.
  if (name == "current_schema" && args.empty()) {
    const std::string schema = CurrentSchema(catalog_);
    return MakeConstant(schema.empty() ? Value::Null(TypeId::kText) : Value::Text(schema), f->location);
  }
  if (name == "current_schemas" && args.size() == 1) {
    // With true also the implicit ones: pg_catalog first (and the temporary schema, listed first
    // by LookupSchemas when the session has one), as PostgreSQL.
    ExprPtr implicit = CoerceTo(args[0], TypeId::kBool);
    if (implicit->kind != ExprKind::kConstant)
      throw Error(SqlState::kFeatureNotSupported, "current_schemas() takes a constant argument here", CharPos(f->location));
    const bool all = !implicit->value.is_null && implicit->value.i != 0;
    std::vector<Value> schemas;
    if (all) schemas.push_back(Value::Text("pg_catalog"));
    for (const std::string& s : LookupSchemas(catalog_)) {
      const bool temp = IsTempSchema(s);
      if (temp && !all) continue;
      if (temp && std::none_of(catalog_.tables.begin(), catalog_.tables.end(), [&](const auto& e) { return e.first.rfind(s + ".", 0) == 0; }))
        continue;  // PostgreSQL lists a temporary schema once the session made one
      schemas.push_back(Value::Text(s));
    }
    if (implicit->value.is_null) return MakeConstant(Value::Null(ArrayOf(TypeId::kText)), f->location);
    return MakeConstant(MakeArray(schemas, ArrayOf(TypeId::kText)), f->location);
  }
  if (name == "has_table_privilege" || name == "has_sequence_privilege" || name == "has_column_privilege" ||
      name == "has_any_column_privilege" || name == "has_schema_privilege" || name == "has_database_privilege" || name == "pg_has_role")
    return BindPrivilegeFunction(name, args, f->location);
  if (name == "pg_get_userbyid" && args.size() == 1) return CatalogLookup("regrole", args[0], f->location);
  if (name == "pg_table_is_visible" && args.size() == 1) return CoerceTo(CatalogLookup("visible", args[0], f->location), TypeId::kBool);
  if ((name == "pg_table_size" || name == "pg_total_relation_size" || name == "pg_relation_size") && !args.empty() && args.size() <= 2)
    return CoerceTo(CatalogLookup("table_size", args[0], f->location), TypeId::kInt64);
  if ((name == "pg_get_function_result" || name == "pg_get_function_arguments" || name == "pg_get_function_identity_arguments") &&
      args.size() == 1) {
    ExprPtr oid = args[0]->unknown_literal ? CoerceTo(args[0], TypeId::kInt64) : args[0];
    return ResolveCall("__catalog_lookup", {CoerceTo(oid, TypeId::kInt64),
                                            MakeConstant(Value::Text(FunctionCatalogMap(name == "pg_get_function_result" ? "function_result" : "function_arguments")))},
                       f->location, false);
  }
  if ((name == "find_srid" && args.size() == 3) || (name == "st_estimatedextent" && (args.size() == 2 || args.size() == 3 || args.size() == 4))) {
    // Answered from the catalog (and the zone maps) with constant names, as PostGIS answers them.
    std::vector<std::string> parts;
    for (size_t k = 0; k < args.size(); ++k) {
      if (args[k]->kind != ExprKind::kConstant || args[k]->value.is_null)
        throw Error(SqlState::kFeatureNotSupported, fmt::format("{}() takes constant arguments here", name), CharPos(f->location));
      parts.push_back(args[k]->value.ToString());
    }
    if (name == "find_srid") return MakeConstant(Value::Int(FindSrid(catalog_, parts[0], parts[1], parts[2]), TypeId::kInt32), f->location);
    if (parts.size() == 2) parts.insert(parts.begin(), "");  // (table, column): through search_path
    return MakeConstant(EstimatedExtent(catalog_, parts[0], parts[1], parts[2]), f->location);  // (.., parent_only) ignored
  }
  if (name == "obj_description" && (args.size() == 1 || args.size() == 2))
    return CatalogLookup("comment", args[0], f->location);
  if (name == "col_description" && args.size() == 2) {
    ExprPtr key = ResolveCall("concat", {CoerceTo(CoerceTo(args[0], TypeId::kInt64), TypeId::kText), MakeConstant(Value::Text(":")), CoerceTo(args[1], TypeId::kText)},
                              f->location, false);
    return ResolveCall("__catalog_lookup_text", {key, MakeConstant(Value::Text(CatalogMap(catalog_, "column_comment")))}, f->location, false);
  }
  if (name == "pg_database_size" && args.size() == 1) {
    int64_t total = 0;
    for (auto& [n, t] : catalog_.tables) total += int64_t(TableBytes(t->data));
    return MakeConstant(Value::Int(total), f->location);
  }
  // Answered from the catalog: the planner hands the kernel the catalog's text as a constant.
  if ((name == "pg_get_indexdef" || name == "pg_get_constraintdef") && !args.empty()) {
    args.resize(1);
    return CatalogLookup(name == "pg_get_indexdef" ? "indexdef" : "constraintdef", args[0], f->location);
  }
  return ResolveCall(name, std::move(args), f->location, false);
}

ExprPtr Planner::BindSettingCall(const std::string& name, std::vector<ExprPtr>& args, int location) {
  // current_setting(name [, missing_ok]) and set_config(name, value, is_local), answered from the
  // session's settings while binding (sql/settings_view.h): their arguments must be constants.
  const bool set = name == "set_config";
  if (args.size() != (set ? 3u : 1u) && !(!set && args.size() == 2))
    throw Error(SqlState::kUndefinedFunction, fmt::format("function {} with {} arguments does not exist", name, args.size()),
                CharPos(location));
  if (!set && args[0]->kind != ExprKind::kConstant)  // current_setting(s.name): looked up per row
    return ResolveCall("__catalog_lookup_text",
                       {ResolveCall("lower", {CoerceTo(args[0], TypeId::kText)}, location, false), MakeConstant(Value::Text(SettingValuesMap()))},
                       location, false);
  for (auto& a : args)
    if (a->kind != ExprKind::kConstant)
      throw Error(SqlState::kFeatureNotSupported, fmt::format("{}() takes constant arguments here", name), CharPos(location));
  if (args[0]->value.is_null) return MakeConstant(Value::Null(TypeId::kText), location);
  std::string setting = args[0]->value.ToString();
  for (auto& c : setting) c = char(tolower((unsigned char)c));
  SettingsMap* settings = PlanningSettings();
  if (set) {
    // is_local (for the transaction only) is taken as for the session: a simplification.
    const std::string value = args[1]->value.is_null ? "" : args[1]->value.ToString();
    if (settings) (*settings)[setting] = value;
    return MakeConstant(Value::Text(value), location);
  }
  std::string value;
  if (LookupSetting(settings, setting, &value)) return MakeConstant(Value::Text(value), location);
  const bool missing_ok = args.size() == 2 && !args[1]->value.is_null && args[1]->value.i != 0;
  if (missing_ok) return MakeConstant(Value::Null(TypeId::kText), location);
  throw Error(SqlState::kUndefinedObject, fmt::format("unrecognized configuration parameter \"{}\"", setting));
}

ExprPtr Planner::BindSequenceName(ExprPtr arg, int location) {
  // nextval('name') and nextval('name'::regclass): resolved now, as PostgreSQL resolves the
  // regclass, so a missing sequence is reported at the call; the kernel gets the plain name.
  if (arg->kind == ExprKind::kConstant && !arg->value.is_null) {
    std::string name;
    if (arg->type.IsInteger()) {
      for (const RelationEntry& e : CatalogRelations(catalog_))
        if (e.oid == arg->value.i) name = e.key;
      if (name.empty()) throw Error(SqlState::kUndefinedTable, fmt::format("could not open relation with OID {}", arg->value.i), CharPos(location));
    } else {
      name = RelationKeyFromText(catalog_, arg->value.ToString());
      if (!catalog_.FindSequence(name) && !catalog_.NameTaken(name))
        throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", name),
                    CharPos(arg->location >= 0 ? arg->location : location));
    }
    if (!catalog_.FindSequence(name)) throw Error(SqlState::kWrongObjectType, fmt::format("\"{}\" is not a sequence", name));
    return MakeConstant(Value::Text(name), location);
  }
  if (arg->type.IsInteger()) return CatalogLookup("regclass", arg, location);
  return arg;
}

ExprPtr Planner::BindSerialSequence(const std::vector<ExprPtr>& args, int location) {
  // pg_get_serial_sequence('table', 'column'): the sequence a SERIAL or identity column owns,
  // schema-qualified, or NULL. The table name is read as regclass input; the column literally.
  bool constant = true;
  for (auto& a : args) constant = constant && a->kind == ExprKind::kConstant;
  if (!constant) {  // looked up per row (unknown tables and columns give NULL here)
    ExprPtr key = ResolveCall("concat", {CoerceTo(args[0], TypeId::kText), MakeConstant(Value::Text("\x1f")), CoerceTo(args[1], TypeId::kText)},
                              location, false);
    return ResolveCall("__catalog_lookup_text", {key, MakeConstant(Value::Text(CatalogMap(catalog_, "serial_sequence")))}, location, false);
  }
  if (args[0]->value.is_null || args[1]->value.is_null) return MakeConstant(Value::Null(TypeId::kText), location);
  const std::string table = RelationKeyFromText(catalog_, args[0]->value.ToString()), column = args[1]->value.ToString();
  auto t = catalog_.FindTable(table);
  if (!t) throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", table));
  if (t->schema.ColumnIndex(column) < 0)
    throw Error(SqlState::kUndefinedColumn, fmt::format("column \"{}\" of relation \"{}\" does not exist", column, table));
  for (auto& [seq_name, seq] : catalog_.sequences)
    if (seq.owned_table == table && seq.owned_column == column) {
      const QualifiedName q = catalog_.Split(seq_name);
      return MakeConstant(Value::Text(QuoteIdent(q.schema) + "." + QuoteIdent(q.name)), location);
    }
  return MakeConstant(Value::Null(TypeId::kText), location);
}

ExprPtr Planner::CatalogLookup(const std::string& what, ExprPtr oid, int location) {
  if (oid->unknown_literal) oid = CoerceTo(oid, TypeId::kInt64);
  if (!oid->type.IsInteger())
    throw Error(SqlState::kUndefinedFunction, fmt::format("cannot look up {} by a value of type {}", what, oid->type.ToString()),
                CharPos(location));
  return ResolveCall("__catalog_lookup", {oid, MakeConstant(Value::Text(CatalogMap(catalog_, what)))}, location, false);
}

ExprPtr Planner::BindAggregateCall(PgQuery__FuncCall* f, const std::string& name, BindContext& bc,
                                   BindContext* args_bc) {
  if (!bc.allow_aggregates) {
    if (bc.aggregates == nullptr && std::string(bc.clause) == "aggregate")
      throw Error(SqlState::kGroupingError, "aggregate function calls cannot be nested", CharPos(f->location));
    throw Error(SqlState::kGroupingError, fmt::format("aggregate functions are not allowed in {}", bc.clause),
                CharPos(f->location));
  }
  BindContext nested;
  nested.scope = bc.scope;
  nested.clause = "aggregate";
  BindContext& inner = args_bc ? *args_bc : nested;
  const auto* candidates = FunctionRegistry::Get().Aggregates(name);
  BoundAggregate agg;
  agg.distinct = f->agg_distinct;
  std::vector<ExprPtr> args;
  for (size_t k = 0; k < f->n_args; ++k) args.push_back(Bind(f->args[k], inner));
  if (name == "json_object_agg" || name == "jsonb_object_agg") {
    // Two inputs collected as one (key, value) pair (functions/json_functions.cpp).
    if (args.size() != 2)
      throw Error(SqlState::kUndefinedFunction, fmt::format("function {}({}) does not exist", name, TypeList(args)), CharPos(f->location));
    args = {ResolveCall("__json_pair", {args[0], args[1]}, f->location, false)};
  }
  std::vector<ExprPtr> order;
  for (size_t k = 0; k < f->n_agg_order; ++k) {
    auto* sb = f->agg_order[k]->sort_by;
    order.push_back(Bind(sb->node, inner));
    bool desc = sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
    agg.order_desc.push_back(desc);
    // PostgreSQL default: NULLS LAST ascending, NULLS FIRST descending.
    agg.order_nulls_first.push_back(sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST ||
                                    (desc && sb->sortby_nulls != PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_LAST));
  }
  bool within_group = f->agg_within_group;
  const AggregateFunction* best = nullptr;
  int best_cost = -1;
  for (const auto& cand : *candidates) {
    if (cand.ordered_set != within_group) continue;
    if (f->agg_star != (cand.kind == AggKind::kCountStar)) continue;
    int c = CallCost(cand.arg_types, false, args);
    if (cand.kind == AggKind::kPercentileCont && !order.empty()) {
      // percentile_cont over intervals returns an interval; over numbers a double.
      bool iv = order[0]->type.id == TypeId::kInterval;
      if (iv != (cand.return_type.id == TypeId::kInterval)) continue;
    }
    if (c >= 0 && (best_cost < 0 || c < best_cost)) {
      best = &cand;
      best_cost = c;
    }
  }
  if (!best) {
    std::string sig = f->agg_star ? "*" : TypeList(args);
    throw Error(Status::Error(SqlState::kUndefinedFunction, fmt::format("function {}({}) does not exist", name, sig),
                              CharPos(f->location))
                    .WithHint("No function matches the given name and argument types. You might need to add explicit type casts."));
  }
  agg.function = best;
  for (size_t k = 0; k < args.size(); ++k) {
    const LogicalType& p = best->arg_types[k];
    ExprPtr a = args[k];
    if (p.id != TypeId::kNull) a = CoerceTo(a, p);
    else if (a->unknown_literal) a = CoerceTo(a, TypeId::kText);
    args[k] = a;
  }
  if (best->ordered_set) {
    if (order.size() != 1)
      throw Error(SqlState::kSyntaxError, "ordered-set aggregates take exactly one ORDER BY column", CharPos(f->location));
    if (best->kind == AggKind::kPercentileCont && order[0]->type.id != TypeId::kInterval)
      order[0] = CoerceTo(order[0], TypeId::kFloat64);
    if (!args.empty()) agg.direct_arg = args[0];
    agg.order_by = order;
    agg.arg_type = order[0]->type;
    agg.type = best->return_type.id == TypeId::kNull ? order[0]->type : best->return_type;
  } else {
    agg.args = args;
    agg.order_by = order;
    agg.arg_type = args.empty() ? LogicalType(TypeId::kNull) : args[0]->type;
    if (best->infer_return) {
      std::vector<LogicalType> ts;
      for (auto& a : args) ts.push_back(a->type);
      agg.type = best->infer_return(ts);
    } else {
      agg.type = best->return_type;
    }
  }
  if (f->agg_filter) {
    agg.filter = CoerceTo(Bind(f->agg_filter, inner), TypeId::kBool);
  }
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kAggregate;
  e->type = agg.type;
  e->name = name;
  e->location = f->location;
  e->args = agg.args;
  // Identical calls share one aggregate state.
  int index = -1;
  if (!agg.filter && agg.order_by.empty() && !agg.direct_arg) {
    for (size_t k = 0; k < bc.aggregates->size(); ++k) {
      const BoundAggregate& o = (*bc.aggregates)[k];
      if (o.function != agg.function || o.distinct != agg.distinct || o.filter || !o.order_by.empty() ||
          o.args.size() != agg.args.size())
        continue;
      bool same = true;
      for (size_t a = 0; a < o.args.size(); ++a) same = same && o.args[a]->Equals(*agg.args[a]);
      if (same) {
        index = int(k);
        break;
      }
    }
  }
  if (index < 0) {
    index = int(bc.aggregates->size());
    bc.aggregates->push_back(agg);
  }
  e->column = index;
  return e;
}

}  // namespace yunhe
