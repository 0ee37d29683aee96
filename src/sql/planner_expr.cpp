// Expression binding: pg_query expression nodes -> Expr.
#include <fmt/format.h>

#include <cmath>

#include "common/statement_context.h"
#include "common/decimal.h"
#include "common/status.h"
#include "exec/expression_eval.h"
#include "functions/array_value.h"
#include "functions/cast.h"
#include "functions/function.h"
#include "sql/parse_tree_walk.h"
#include "sql/planner.h"
#include "sql/relation_names.h"
#include "sql/system_catalog.h"

namespace yunhe {

std::string StrVal(PgQuery__Node* node) {
  if (node && node->node_case == PG_QUERY__NODE__NODE_STRING) return node->string->sval;
  return "";
}

void SplitConjuncts(PgQuery__Node* node, std::vector<PgQuery__Node*>* out) {
  if (!node) return;
  if (node->node_case == PG_QUERY__NODE__NODE_BOOL_EXPR && node->bool_expr->boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR) {
    for (size_t k = 0; k < node->bool_expr->n_args; ++k) SplitConjuncts(node->bool_expr->args[k], out);
    return;
  }
  out->push_back(node);
}

ExprPtr BindColumnDefault(const std::string& default_sql, const LogicalType& type, const Catalog& catalog) {
  if (default_sql.empty()) return MakeConstant(Value::Null(type));
  std::string sql = "SELECT " + default_sql;
  auto parsed = ParsedSql::Parse(sql);
  Planner planner(catalog, sql);
  Scope no_columns;
  return planner.BindAndCoerce(parsed->statements()[0].node->select_stmt->target_list[0]->res_target->val, no_columns, type);
}

int Planner::CharPos(int byte_location) const {
  return byte_location < 0 ? 0 : BytePosToCharPos(sql_, byte_location);
}

LogicalType Planner::ResolveTypeName(PgQuery__TypeName* tn, int char_pos) {
  std::string name = tn->n_names ? StrVal(tn->names[tn->n_names - 1]) : "";
  LogicalType t;
  if (!LookupTypeName(name, &t))
    throw Error(SqlState::kUndefinedObject, fmt::format("type \"{}\" does not exist", name), char_pos);
  auto typmod = [&](size_t k) -> int {
    PgQuery__Node* n = tn->typmods[k];
    if (n->node_case == PG_QUERY__NODE__NODE_A_CONST && n->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL)
      return n->a_const->ival->ival;
    throw Error(SqlState::kSyntaxError, "type modifiers must be simple constants", char_pos);
  };
  if (t.id == TypeId::kNumeric && tn->n_typmods > 0) {
    int p = typmod(0);
    int s = tn->n_typmods > 1 ? typmod(1) : 0;
    if (p < 1 || p > 38)
      throw Error(SqlState::kInvalidParameterValue, fmt::format("NUMERIC precision {} must be between 1 and 38", p), char_pos);
    if (s < 0 || s > p)
      throw Error(SqlState::kInvalidParameterValue, fmt::format("NUMERIC scale {} must be between 0 and precision {}", s, p), char_pos);
    t = LogicalType(TypeId::kNumeric, int16_t(p), int16_t(s));
  } else if (t.id == TypeId::kGeometry && tn->n_typmods > 0) {
    // PostGIS typmods: geometry(Point[Z|M|ZM] [, srid]).
    PgQuery__Node* n = tn->typmods[0];
    std::string sub;
    if (n->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && n->column_ref->n_fields == 1) sub = StrVal(n->column_ref->fields[0]);
    else if (n->node_case == PG_QUERY__NODE__NODE_A_CONST && n->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL) sub = n->a_const->sval->sval;
    int16_t code;
    if (!GeometryTypmodFromName(sub, &code))
      throw Error(SqlState::kInvalidParameterValue, fmt::format("Invalid geometry type modifier: {}", sub), char_pos);
    int srid = tn->n_typmods > 1 ? std::max(typmod(1), 0) : 0;  // PostGIS maps negative SRIDs to 0
    if (srid > 32767)
      throw Error(SqlState::kInvalidParameterValue,
                  fmt::format("SRID {} in a column type: yunhe keeps column SRIDs in 0..32767 (use plain geometry)", srid), char_pos);
    t = LogicalType(TypeId::kGeometry, int16_t(code | kGeometryTypmodPresent), int16_t(srid));
  } else if (t.id == TypeId::kText && (name == "varchar" || name == "bpchar") && tn->n_typmods > 0) {
    t = LogicalType(TypeId::kText, int16_t(std::min(typmod(0), 32767)), 0);
  }
  // int[], int[3], text[][]: one-dimensional arrays (PostgreSQL does not enforce sizes either).
  if (tn->n_array_bounds > 1)
    throw Error(SqlState::kFeatureNotSupported, "multidimensional arrays are not supported", char_pos);
  if (tn->n_array_bounds == 1 && t.id != TypeId::kArray) t = ArrayOf(t);
  return t;
}

// PostgreSQL's FigureColname: the output name of a select-list item without an alias.
std::string Planner::ColumnNameOf(PgQuery__Node* node) {
  if (!node) return "?column?";
  switch (node->node_case) {
    case PG_QUERY__NODE__NODE_COLUMN_REF: {
      auto* ref = node->column_ref;
      PgQuery__Node* last = ref->fields[ref->n_fields - 1];
      if (last->node_case == PG_QUERY__NODE__NODE_STRING) return last->string->sval;
      return "?column?";
    }
    case PG_QUERY__NODE__NODE_FUNC_CALL: return StrVal(node->func_call->funcname[node->func_call->n_funcname - 1]);
    case PG_QUERY__NODE__NODE_TYPE_CAST: {
      // PostgreSQL's FigureColname: a name from the argument wins unless it is itself only a
      // cast's type name ('10:00'::time::interval is "interval").
      std::string inner = ColumnNameOf(node->type_cast->arg);
      if (inner != "?column?" && node->type_cast->arg->node_case != PG_QUERY__NODE__NODE_TYPE_CAST) return inner;
      auto* tn = node->type_cast->type_name;
      std::string t = StrVal(tn->names[tn->n_names - 1]);
      return t;
    }
    case PG_QUERY__NODE__NODE_A_ARRAY_EXPR: return "array";
    case PG_QUERY__NODE__NODE_A_INDIRECTION: return ColumnNameOf(node->a_indirection->arg);
    case PG_QUERY__NODE__NODE_CASE_EXPR: return "case";
    case PG_QUERY__NODE__NODE_COALESCE_EXPR: return "coalesce";
    case PG_QUERY__NODE__NODE_MIN_MAX_EXPR:
      return node->min_max_expr->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST ? "greatest" : "least";
    case PG_QUERY__NODE__NODE_NULL_IF_EXPR: return "nullif";
    case PG_QUERY__NODE__NODE_A_EXPR:
      if (node->a_expr->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF) return "nullif";
      return "?column?";
    case PG_QUERY__NODE__NODE_SUB_LINK: {
      auto* s = node->sub_link;
      if (s->sub_link_type == PG_QUERY__SUB_LINK_TYPE__EXISTS_SUBLINK) return "exists";
      if (s->sub_link_type == PG_QUERY__SUB_LINK_TYPE__ARRAY_SUBLINK) return "array";
      if (s->sub_link_type == PG_QUERY__SUB_LINK_TYPE__EXPR_SUBLINK) {
        auto* sel = s->subselect->select_stmt;
        if (sel && sel->n_target_list == 1) {
          auto* rt = sel->target_list[0]->res_target;
          if (rt->name && rt->name[0]) return rt->name;
          return ColumnNameOf(rt->val);
        }
      }
      return "?column?";
    }
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION:
      switch (node->sqlvalue_function->op) {
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_DATE: return "current_date";
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP:
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP_N: return "current_timestamp";
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP:
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP_N: return "localtimestamp";
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME:
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME_N: return "localtime";
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_USER: return "current_user";
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_SESSION_USER: return "session_user";
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_USER: return "user";
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_SCHEMA: return "current_schema";
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_CATALOG: return "current_catalog";
        default: return "?column?";
      }
    case PG_QUERY__NODE__NODE_BOOLEAN_TEST: return "?column?";
    default: return "?column?";
  }
}

ExprPtr Planner::BindExpression(PgQuery__Node* node, const Scope& scope) {
  BindContext bc;
  bc.scope = &scope;
  bc.clause = "this context";
  return Bind(node, bc);
}

ExprPtr Planner::BindAndCoerce(PgQuery__Node* node, const Scope& scope, const LogicalType& type) {
  return CoerceTo(BindExpression(node, scope), type);
}

// Inserts a cast (folding it on constants, so bad literals fail at bind time with a position).
ExprPtr Planner::CoerceTo(ExprPtr e, const LogicalType& type, bool explicit_cast) {
  if (e->type == type && !(e->unknown_literal && type.id != TypeId::kText)) {
    if (e->unknown_literal) {
      auto c = std::make_shared<Expr>(*e);
      c->unknown_literal = false;
      return c;
    }
    return e;
  }
  if (type.id == TypeId::kNull) return e;
  if (type.id == TypeId::kText && OidAliasOf(e->type) != OidAlias::kNone) return CoerceTo(OidAliasText(e, e->location), type, explicit_cast);
  if (OidAliasOf(type) != OidAlias::kNone && (e->unknown_literal || e->type.id == TypeId::kText))
    return BindRegCast(OidAliasOf(type), e, e->location);  // a name: looked up
  if (type.id == TypeId::kArray && type.precision == 0 && e->type.id == TypeId::kArray) return e;  // anyarray
  if (!explicit_cast && !e->unknown_literal && e->type.id != TypeId::kNull && !CastExists(e->type, type))
    throw Error(SqlState::kDatatypeMismatch,
                fmt::format("cannot cast type {} to {}", e->type.ToString(), type.ToString()), CharPos(e->location));
  if (explicit_cast && !CastExists(e->type, type))
    throw Error(SqlState::kCannotCoerce, fmt::format("cannot cast type {} to {}", e->type.ToString(), type.ToString()),
                CharPos(e->location));
  if (explicit_cast && type.id == TypeId::kText && type.precision > 0) {
    // An explicit cast to varchar(n) truncates (SQL standard); only assignment raises an error.
    ExprPtr text = CoerceTo(e, TypeId::kText, true);
    ExprPtr cut = ResolveCall("left", {text, MakeConstant(Value::Int(type.precision, TypeId::kInt32))}, e->location, false);
    cut->type = type;
    if (cut->kind == ExprKind::kConstant) cut->value.type = type;
    return cut;
  }
  if (e->kind == ExprKind::kConstant) {
    try {
      auto c = MakeConstant(CastValue(e->value, type), e->location);
      c->type = type;
      c->value.type = type;
      return c;
    } catch (Error& err) {
      if (err.status().position() == 0) err.status().WithPosition(CharPos(e->location));
      throw;
    }
  }
  auto c = std::make_shared<Expr>();
  c->kind = ExprKind::kCast;
  c->type = type;
  c->location = e->location;
  c->args.push_back(std::move(e));
  return c;
}

ExprPtr Planner::BindConst(PgQuery__AConst* c) {
  int loc = c->location;
  if (c->isnull) {
    auto e = MakeConstant(Value::Null(), loc);
    e->unknown_literal = true;
    return e;
  }
  switch (c->val_case) {
    case PG_QUERY__A__CONST__VAL_IVAL: return MakeConstant(Value::Int(c->ival->ival, TypeId::kInt32), loc);
    case PG_QUERY__A__CONST__VAL_FVAL: {
      // Integer literals too large for int4 arrive as "float" text; PostgreSQL types them
      // bigint when they fit, numeric otherwise.
      std::string text = c->fval->fval;
      bool integral = text.find_first_of(".eE") == std::string::npos;
      if (integral) {
        errno = 0;
        char* end;
        long long v = strtoll(text.c_str(), &end, 10);
        // A negated int4 minimum arrives here too ("-2147483648"): it is an integer literal.
        if (errno == 0 && *end == '\0')
          return MakeConstant(Value::Int(v, v >= INT32_MIN && v <= INT32_MAX ? TypeId::kInt32 : TypeId::kInt64), loc);
      }
      Decimal d;
      if (!ParseDecimal(text, &d)) {
        // Beyond NUMERIC's 38 digits here: keep the value as double precision rather than fail.
        char* end = nullptr;
        double f = strtod(text.c_str(), &end);
        if (*end != '\0' || !std::isfinite(f))
          throw Error(SqlState::kNumericValueOutOfRange, "value overflows numeric format", CharPos(loc));
        return MakeConstant(Value::Float(f), loc);
      }
      return MakeConstant(Value::Numeric(d), loc);
    }
    case PG_QUERY__A__CONST__VAL_BOOLVAL: return MakeConstant(Value::Bool(c->boolval->boolval), loc);
    case PG_QUERY__A__CONST__VAL_SVAL: {
      auto e = MakeConstant(Value::Text(c->sval->sval), loc);
      e->unknown_literal = true;
      return e;
    }
    default: throw Error(SqlState::kFeatureNotSupported, "bit string literals are not supported", CharPos(loc));
  }
}

namespace {

// The (table, column) a ColumnRef names; false for `t.*`.
bool ColumnRefName(const PgQuery__ColumnRef* ref, std::string* table, std::string* column) {
  if (ref->n_fields == 1) {
    if (ref->fields[0]->node_case == PG_QUERY__NODE__NODE_A_STAR) return false;
    *column = StrVal(ref->fields[0]);
  } else if (ref->n_fields == 2) {
    *table = StrVal(ref->fields[0]);
    if (ref->fields[1]->node_case == PG_QUERY__NODE__NODE_A_STAR) return false;
    *column = StrVal(ref->fields[1]);
  } else {
    // schema.table.column: only the default schema exists.
    *table = StrVal(ref->fields[ref->n_fields - 2]);
    *column = StrVal(ref->fields[ref->n_fields - 1]);
  }
  return true;
}

}  // namespace

ScopeMatch FindInScope(const Scope& s, const std::string& table, const std::string& column) {
  ScopeMatch m;
  for (size_t c = 0; c < s.columns.size(); ++c) {
    const ScopeColumn& col = s.columns[c];
    if (!table.empty() && col.table != table) continue;
    if (!table.empty()) m.table_seen = true;
    if (col.name != column) continue;
    if (m.index >= 0) {
      // The same column through USING (hidden duplicate) is not ambiguous.
      if (col.hidden || s.columns[size_t(m.index)].hidden) {
        if (s.columns[size_t(m.index)].hidden) m.index = int(c);
        continue;
      }
      m.ambiguous = true;
      return m;
    }
    m.index = int(c);
  }
  return m;
}

bool ColumnsResolveIn(PgQuery__Node* node, const Scope& scope) {
  bool ok = true;
  WalkParseTree(&node->base, [&](const ProtobufCMessage* m) {
    if (!ok) return false;
    // A subquery's columns resolve in its own FROM first: too much to decide here.
    if (m->descriptor == &pg_query__sub_link__descriptor) ok = false;
    if (m->descriptor != &pg_query__column_ref__descriptor) return ok;
    std::string table, column;
    const auto* ref = reinterpret_cast<const PgQuery__ColumnRef*>(m);
    if (!ColumnRefName(ref, &table, &column)) {
      ok = false;
    } else {
      ScopeMatch found = FindInScope(scope, table, column);
      ok = found.index >= 0 && !found.ambiguous;
    }
    return false;
  });
  return ok;
}

ExprPtr Planner::BindColumnRef(PgQuery__ColumnRef* ref, BindContext& bc) {
  std::string table, column;
  if (!ColumnRefName(ref, &table, &column))
    throw Error(SqlState::kFeatureNotSupported, "row expansion via \"*\" is not supported here", CharPos(ref->location));
  int depth = 0;
  bool table_seen = false;
  for (const Scope* s = bc.scope; s; s = s->parent, ++depth) {
    const ScopeMatch match = FindInScope(*s, table, column);
    table_seen = table_seen || match.table_seen;
    if (match.ambiguous)
      throw Error(SqlState::kAmbiguousColumn, fmt::format("column reference \"{}\" is ambiguous", column),
                  CharPos(ref->location));
    const int found = match.index;
    if (found >= 0) {
      if (s->used) (*s->used)[found] = true;
      const ScopeColumn& col = s->columns[found];
      CheckColumnRead(col);
      if (depth == 0) {
        ExprPtr e = MakeColumn(found, col.type, column);
        // Qualified for display when the scope holds several tables (PostgreSQL's EXPLAIN does so
        // when the query reads more than one relation).
        for (const ScopeColumn& other : s->columns)
          if (other.table != col.table) {
            e->table = col.table;
            break;
          }
        return e;
      }
      // A reference into an enclosing query makes every subquery in between correlated.
      for (int k = 0; k < depth && k < (int)correlation_flags_.size(); ++k)
        *correlation_flags_[correlation_flags_.size() - 1 - k] = true;
      auto e = MakeColumn(found, col.type, column);
      e->kind = ExprKind::kOuterColumn;
      e->table = col.table;
      e->depth = depth;
      return e;
    }
  }
  if (!table.empty() && !table_seen)
    throw Error(SqlState::kUndefinedTable, fmt::format("missing FROM-clause entry for table \"{}\"", table),
                CharPos(ref->location));
  if (!table.empty())
    throw Error(SqlState::kUndefinedColumn, fmt::format("column {}.{} does not exist", table, column), CharPos(ref->location));
  throw Error(SqlState::kUndefinedColumn, fmt::format("column \"{}\" does not exist", column), CharPos(ref->location));
}

ExprPtr Planner::BindBoolExpr(PgQuery__BoolExpr* b, BindContext& bc) {
  auto e = std::make_shared<Expr>();
  e->type = TypeId::kBool;
  e->location = b->location;
  e->kind = b->boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR ? ExprKind::kAnd
          : b->boolop == PG_QUERY__BOOL_EXPR_TYPE__OR_EXPR  ? ExprKind::kOr
                                                            : ExprKind::kNot;
  const char* op = e->kind == ExprKind::kAnd ? "AND" : e->kind == ExprKind::kOr ? "OR" : "NOT";
  for (size_t k = 0; k < b->n_args; ++k) {
    ExprPtr a = Bind(b->args[k], bc);
    if (a->type.id != TypeId::kBool) {
      if (a->unknown_literal || a->type.id == TypeId::kNull) a = CoerceTo(a, TypeId::kBool);
      else
        throw Error(SqlState::kDatatypeMismatch,
                    fmt::format("argument of {} must be type boolean, not type {}", op, a->type.ToString()),
                    CharPos(a->location));
    }
    e->args.push_back(a);
  }
  return e;
}

// The OID alias types (common/types.h): 'name'::regclass looks the name up now (an unknown one
// is an error, as in PostgreSQL), oid::regclass is the same integer under the alias's type.
ExprPtr Planner::BindRegCast(OidAlias alias, ExprPtr arg, int location) {
  const std::string what = OidAliasName(alias);
  const LogicalType type = OidAliasType(alias);
  if (arg->unknown_literal || (arg->kind == ExprKind::kConstant && arg->type.id == TypeId::kText)) {
    if (arg->value.is_null) return MakeConstant(Value::Null(type), location);
    int64_t oid = 0;
    const std::string name = arg->value.ToString();
    // Digits are an OID as they are, as PostgreSQL's input functions of these types read them.
    const bool digits = !name.empty() && name.size() < 11 && std::all_of(name.begin(), name.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    if (digits) oid = std::stoll(name);
    else if (!CatalogOid(catalog_, what, name, &oid)) {
      if (alias == OidAlias::kRegclass) throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", name), CharPos(location));
      if (alias == OidAlias::kRegnamespace) throw Error(SqlState::kInvalidSchemaName, fmt::format("schema \"{}\" does not exist", name), CharPos(location));
      throw Error(SqlState::kUndefinedObject, fmt::format("{} \"{}\" does not exist", alias == OidAlias::kRegtype ? "type" : "role", name),
                  CharPos(location));
    }
    Value v = Value::Int(oid);
    v.type = type;
    return MakeConstant(v, location);
  }
  if (arg->type.id == TypeId::kText) {  // a name known only at run time
    if (alias != OidAlias::kRegclass)
      throw Error(SqlState::kFeatureNotSupported, fmt::format("casting a text column to {} is not supported", what), CharPos(location));
    return CoerceTo(CoerceTo(ResolveCall("__catalog_lookup_text", {arg, MakeConstant(Value::Text(CatalogMap(catalog_, "regclass_in")))}, location, false),
                             TypeId::kInt64),
                    type);
  }
  if (!arg->type.IsInteger())
    throw Error(SqlState::kCannotCoerce, fmt::format("cannot cast type {} to {}", arg->type.ToString(), what), CharPos(location));
  return CoerceTo(arg, type, true);
}

// A cast to a polymorphic pseudo-type (what generated SQL such as sqlsmith's writes for columns
// typed anyarray): the value as it is, as PostgreSQL's binary-coercible cast; a bare NULL becomes
// a NULL of an array of anything (anyarray) or stays untyped.
ExprPtr Planner::BindPseudoTypeCast(const std::string& type_name, ExprPtr arg, int location) {
  const bool array = type_name == "anyarray";
  if (arg->unknown_literal && arg->kind == ExprKind::kConstant && arg->value.is_null)
    return array ? MakeConstant(Value::Null(LogicalType(TypeId::kArray)), location) : arg;
  if (arg->unknown_literal) arg = CoerceTo(arg, TypeId::kText);
  if (array != (arg->type.id == TypeId::kArray) && type_name != "anyelement" && type_name != "anycompatible")
    throw Error(SqlState::kCannotCoerce, fmt::format("cannot cast type {} to {}", arg->type.ToString(), type_name), CharPos(location));
  return arg;
}

// What an OID alias prints: its name in the catalog this statement is planned with.
ExprPtr Planner::OidAliasText(ExprPtr oid, int location) {
  const std::string map = CatalogMap(catalog_, OidAliasName(OidAliasOf(oid->type)));
  return ResolveCall("__oid_alias_out", {CoerceTo(oid, TypeId::kInt64), MakeConstant(Value::Text(map))}, location, false);
}

// ARRAY[a, b, ...]: the elements in their common type. `target` (from ARRAY[]::int[]) types an
// empty constructor, which PostgreSQL cannot type otherwise.
ExprPtr Planner::BindArrayConstructor(PgQuery__AArrayExpr* a, const LogicalType* target, BindContext& bc) {
  std::vector<ExprPtr> elements;
  for (size_t k = 0; k < a->n_elements; ++k) {
    if (a->elements[k]->node_case == PG_QUERY__NODE__NODE_A_ARRAY_EXPR)
      throw Error(SqlState::kFeatureNotSupported, "multidimensional arrays are not supported", CharPos(a->location));
    elements.push_back(Bind(a->elements[k], bc));
  }
  if (elements.empty()) {
    if (!target || target->id != TypeId::kArray)
      throw Error(SqlState::kIndeterminateDatatype, "cannot determine type of empty array", CharPos(a->location));
    return MakeConstant(MakeArray({}, *target), a->location);
  }
  LogicalType element = UnifyTypes(elements, "ARRAY", a->location);
  if (element.id == TypeId::kNull) element = TypeId::kText;
  for (auto& e : elements) e = CoerceTo(e, element);
  ExprPtr e = ResolveCall("__array_construct", elements, a->location, false);
  e->type = ArrayOf(element);
  if (e->kind == ExprKind::kConstant) e->value.type = e->type;
  return e;
}

ExprPtr Planner::BindTypeCast(PgQuery__TypeCast* c, BindContext& bc) {
  const std::string type_name = c->type_name->n_names ? StrVal(c->type_name->names[c->type_name->n_names - 1]) : "";
  if (OidAlias alias = OidAliasFromName(type_name); alias != OidAlias::kNone) return BindRegCast(alias, Bind(c->arg, bc), c->location);
  if (type_name == "anyelement" || type_name == "anyarray" || type_name == "anynonarray" || type_name == "anycompatible")
    return BindPseudoTypeCast(type_name, Bind(c->arg, bc), c->location);
  LogicalType t = ResolveTypeName(c->type_name, CharPos(c->location));
  if (c->arg->node_case == PG_QUERY__NODE__NODE_A_ARRAY_EXPR && c->arg->a_array_expr->n_elements == 0)
    return BindArrayConstructor(c->arg->a_array_expr, &t, bc);
  ExprPtr arg = Bind(c->arg, bc);
  if (arg->location < 0) arg->location = c->location;
  return CoerceTo(arg, t, true);
}

ExprPtr Planner::BindSqlValueFunction(PgQuery__SQLValueFunction* f) {
  switch (f->op) {
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_DATE:
      return CoerceTo(ResolveCall("now", {}, f->location, false), TypeId::kDate, true);
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP:
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP_N:
      return ResolveCall("now", {}, f->location, false);
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP:
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP_N:
      return CoerceTo(ResolveCall("now", {}, f->location, false), TypeId::kTimestamp, true);
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME:
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME_N:
      return CoerceTo(ResolveCall("now", {}, f->location, false), TypeId::kTime, true);
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_SESSION_USER: return MakeConstant(Value::Text(CurrentStatement().session_user), f->location);
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_USER:
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_USER:
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_ROLE: return MakeConstant(Value::Text(CurrentStatement().current_user), f->location);
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_SCHEMA: {
      const std::string schema = CurrentSchema(catalog_);
      return MakeConstant(schema.empty() ? Value::Null(TypeId::kText) : Value::Text(schema), f->location);
    }
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_CATALOG: return MakeConstant(Value::Text("yunhe"), f->location);
    default: throw Error(SqlState::kFeatureNotSupported, "time-of-day types are not supported", CharPos(f->location));
  }
}

ExprPtr Planner::BindVariadicCommon(ExprKind kind, PgQuery__Node** args, size_t n, int location, BindContext& bc,
                                    const char* what) {
  auto e = std::make_shared<Expr>();
  e->kind = kind;
  e->location = location;
  for (size_t k = 0; k < n; ++k) e->args.push_back(Bind(args[k], bc));
  e->type = UnifyTypes(e->args, what, location);
  return e;
}

ExprPtr Planner::BindCase(PgQuery__CaseExpr* c, BindContext& bc) {
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kCase;
  e->location = c->location;
  ExprPtr subject = c->arg ? Bind(c->arg, bc) : nullptr;
  std::vector<ExprPtr> results;
  for (size_t k = 0; k < c->n_args; ++k) {
    auto* w = c->args[k]->case_when;
    ExprPtr cond;
    if (subject) {
      cond = MakeComparison("=", subject, Bind(w->expr, bc), w->location);
    } else {
      cond = Bind(w->expr, bc);
      if (cond->type.id != TypeId::kBool) {
        if (cond->unknown_literal || cond->type.id == TypeId::kNull) cond = CoerceTo(cond, TypeId::kBool);
        else
          throw Error(SqlState::kDatatypeMismatch,
                      fmt::format("argument of CASE/WHEN must be type boolean, not type {}", cond->type.ToString()),
                      CharPos(w->location));
      }
    }
    e->args.push_back(cond);
    results.push_back(Bind(w->result, bc));
  }
  results.push_back(c->defresult ? Bind(c->defresult, bc) : MakeConstant(Value::Null(), c->location));
  e->type = UnifyTypes(results, "CASE", c->location);
  std::vector<ExprPtr> args;
  for (size_t k = 0; k + 1 < results.size(); ++k) {
    args.push_back(e->args[k]);
    args.push_back(results[k]);
  }
  args.push_back(results.back());
  e->args = std::move(args);
  return e;
}

PlannedQuery Planner::PlanSubquery(PgQuery__Node* node, BindContext& bc, bool* correlated) {
  correlation_flags_.push_back(correlated);
  PlannedQuery q;
  try {
    q = PlanSelect(node, bc.scope);
  } catch (...) {
    correlation_flags_.pop_back();
    throw;
  }
  correlation_flags_.pop_back();
  return q;
}

ExprPtr Planner::BindSubLink(PgQuery__SubLink* s, BindContext& bc) {
  auto e = std::make_shared<Expr>();
  e->location = s->location;
  e->subquery = std::make_shared<SubqueryRef>();
  bool correlated = false;
  PlannedQuery q = PlanSubquery(s->subselect, bc, &correlated);
  e->subquery->plan = q.plan;
  e->subquery->correlated = correlated;
  switch (s->sub_link_type) {
    case PG_QUERY__SUB_LINK_TYPE__EXISTS_SUBLINK:
      e->kind = ExprKind::kExists;
      e->type = TypeId::kBool;
      return e;
    case PG_QUERY__SUB_LINK_TYPE__EXPR_SUBLINK:
      if (q.types.size() != 1)
        throw Error(SqlState::kSyntaxError, "subquery must return only one column", CharPos(s->location));
      e->kind = ExprKind::kSubquery;
      e->type = q.types[0];
      return e;
    case PG_QUERY__SUB_LINK_TYPE__ARRAY_SUBLINK:  // ARRAY(SELECT x ...): every row's x, NULLs too
      if (q.types.size() != 1)
        throw Error(SqlState::kSyntaxError, "subquery must return only one column", CharPos(s->location));
      e->kind = ExprKind::kArraySubquery;
      e->type = ArrayOf(q.types[0].id == TypeId::kNull ? LogicalType(TypeId::kText) : q.types[0]);
      return e;
    case PG_QUERY__SUB_LINK_TYPE__ANY_SUBLINK:
    case PG_QUERY__SUB_LINK_TYPE__ALL_SUBLINK: {
      if (q.types.size() != 1)
        throw Error(SqlState::kSyntaxError, "subquery has too many columns", CharPos(s->location));
      std::string op = s->n_oper_name ? StrVal(s->oper_name[s->n_oper_name - 1]) : "=";
      ExprPtr lhs = Bind(s->testexpr, bc);
      // Compare in the common type of both sides.
      LogicalType common;
      LogicalType lt = lhs->unknown_literal ? q.types[0] : lhs->type;
      if (!CommonType(lt, q.types[0], &common))
        throw Error(SqlState::kUndefinedFunction,
                    fmt::format("operator does not exist: {} {} {}", lhs->type.ToString(), op, q.types[0].ToString()),
                    CharPos(s->location));
      lhs = CoerceTo(lhs, common);
      if (common != q.types[0]) {
        auto cast = MakeColumn(0, q.types[0], "");
        std::vector<ExprPtr> proj{CoerceTo(cast, common)};
        e->subquery->plan = std::make_shared<ProjectionOperator>(q.plan, proj, std::vector<std::string>{q.names[0]});
      }
      e->args.push_back(lhs);
      e->type = TypeId::kBool;
      if (s->sub_link_type == PG_QUERY__SUB_LINK_TYPE__ANY_SUBLINK && op == "=") {
        e->kind = ExprKind::kInSubquery;
      } else {
        e->kind = ExprKind::kAnySubquery;
        e->any_op = op;
        e->negated = s->sub_link_type == PG_QUERY__SUB_LINK_TYPE__ALL_SUBLINK;
      }
      return e;
    }
    default: throw Error(SqlState::kFeatureNotSupported, "this kind of subquery is not supported", CharPos(s->location));
  }
}

ExprPtr Planner::BindAExpr(PgQuery__AExpr* a, BindContext& bc) {
  std::string op = a->n_name ? StrVal(a->name[a->n_name - 1]) : "";
  int loc = a->location;
  switch (a->kind) {
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP: {
      if (!a->lexpr) {
        ExprPtr operand = Bind(a->rexpr, bc);
        // Unary plus is the identity on numbers and intervals (PostgreSQL's numeric_uplus etc.).
        if (op == "+") {
          if (operand->unknown_literal) operand = CoerceTo(operand, TypeId::kFloat64);
          if (operand->type.IsNumeric() || operand->type.id == TypeId::kInterval || operand->type.id == TypeId::kNull)
            return operand;
          throw Error(Status::Error(SqlState::kUndefinedFunction, "operator does not exist: + " + operand->type.ToString(), CharPos(loc))
                          .WithHint("No operator matches the given name and argument types. You might need to add explicit type casts."));
        }
        return ResolveCall(op, {operand}, loc, true);
      }
      ExprPtr l = Bind(a->lexpr, bc);
      ExprPtr r = Bind(a->rexpr, bc);
      if (op == "=" || op == "<>" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=")
        return MakeComparison(op == "!=" ? "<>" : op, l, r, loc);
      return ResolveCall(op, {l, r}, loc, true);
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ANY:
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ALL: {
      // x op ANY (array) / x op ALL (array); the subquery forms are SubLinks.
      ExprPtr x = Bind(a->lexpr, bc);
      ExprPtr array = Bind(a->rexpr, bc);
      if (array->unknown_literal || array->type.id == TypeId::kNull)
        array = CoerceTo(array, ArrayOf(x->unknown_literal || x->type.id == TypeId::kNull ? LogicalType(TypeId::kText) : x->type));
      if (array->type.id != TypeId::kArray)
        throw Error(SqlState::kWrongObjectType, "op ANY/ALL (array) requires array on right side", CharPos(loc));
      const std::string cmp = op == "!=" ? "<>" : op;
      if (cmp != "=" && cmp != "<>" && cmp != "<" && cmp != "<=" && cmp != ">" && cmp != ">=")
        throw Error(SqlState::kFeatureNotSupported, fmt::format("operator {} is not supported with ANY/ALL", op), CharPos(loc));
      // Compare in the common type of x and the elements.
      LogicalType element = ArrayElementType(array->type), common;
      if (x->unknown_literal) x = CoerceTo(x, element.id == TypeId::kNull ? LogicalType(TypeId::kText) : element);
      if (element.id != TypeId::kNull) {
        if (!CommonType(x->type, element, &common))
          throw Error(SqlState::kUndefinedFunction,
                      fmt::format("operator does not exist: {} {} {}", x->type.ToString(), cmp, element.ToString()), CharPos(loc));
        x = CoerceTo(x, common);
      }
      const bool all = a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_OP_ALL;
      return ResolveCall("__array_any", {x, array, MakeConstant(Value::Text(cmp)), MakeConstant(Value::Bool(all))}, loc, false);
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_LIKE:
    case PG_QUERY__A__EXPR__KIND__AEXPR_ILIKE:
    case PG_QUERY__A__EXPR__KIND__AEXPR_SIMILAR:  // x ~ similar_to_escape(pattern [, escape])
      return ResolveCall(op, {Bind(a->lexpr, bc), Bind(a->rexpr, bc)}, loc, true);
    case PG_QUERY__A__EXPR__KIND__AEXPR_DISTINCT:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_DISTINCT: {
      // a IS DISTINCT FROM b  ==  CASE WHEN both null THEN false WHEN one null THEN true ELSE a <> b
      ExprPtr l = Bind(a->lexpr, bc), r = Bind(a->rexpr, bc);
      bool distinct = a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_DISTINCT;
      ExprPtr cmp = MakeComparison(distinct ? "<>" : "=", l, r, loc);
      auto isnull = [](ExprPtr x) {
        auto e = std::make_shared<Expr>();
        e->kind = ExprKind::kIsNull;
        e->type = TypeId::kBool;
        e->args.push_back(x);
        return e;
      };
      auto both = std::make_shared<Expr>();
      both->kind = ExprKind::kAnd;
      both->type = TypeId::kBool;
      both->args = {isnull(l), isnull(r)};
      auto either = std::make_shared<Expr>();
      either->kind = ExprKind::kOr;
      either->type = TypeId::kBool;
      either->args = {isnull(l), isnull(r)};
      auto c = std::make_shared<Expr>();
      c->kind = ExprKind::kCase;
      c->type = TypeId::kBool;
      c->location = loc;
      c->args = {both, MakeConstant(Value::Bool(!distinct)), either, MakeConstant(Value::Bool(distinct)), cmp};
      return c;
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF: {
      auto e = std::make_shared<Expr>();
      e->kind = ExprKind::kNullIf;
      e->location = loc;
      e->args = {Bind(a->lexpr, bc), Bind(a->rexpr, bc)};
      // The comparison must exist; the result has the first argument's type.
      MakeComparison("=", e->args[0], e->args[1], loc);
      LogicalType t;
      std::vector<ExprPtr> both = e->args;
      t = UnifyTypes(both, "NULLIF", loc);
      e->args = both;
      e->type = t;
      return e;
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_IN: {
      auto e = std::make_shared<Expr>();
      e->kind = ExprKind::kInList;
      e->location = loc;
      e->type = TypeId::kBool;
      e->negated = op == "<>";
      e->args.push_back(Bind(a->lexpr, bc));
      auto* list = a->rexpr->list;
      for (size_t k = 0; k < list->n_items; ++k) e->args.push_back(Bind(list->items[k], bc));
      UnifyTypes(e->args, "IN", loc);
      return e;
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN:
    case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN_SYM:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN_SYM: {
      ExprPtr x = Bind(a->lexpr, bc);
      ExprPtr lo = Bind(a->rexpr->list->items[0], bc);
      ExprPtr hi = Bind(a->rexpr->list->items[1], bc);
      bool sym = a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN_SYM || a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN_SYM;
      bool neg = a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN || a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN_SYM;
      auto range = [&](ExprPtr l, ExprPtr h) {
        auto e = std::make_shared<Expr>();
        e->kind = ExprKind::kAnd;
        e->type = TypeId::kBool;
        e->args = {MakeComparison(">=", x, l, loc), MakeComparison("<=", x, h, loc)};
        return e;
      };
      ExprPtr result = range(lo, hi);
      if (sym) {
        auto either = std::make_shared<Expr>();
        either->kind = ExprKind::kOr;
        either->type = TypeId::kBool;
        either->args = {result, range(hi, lo)};
        result = either;
      }
      if (neg) {
        auto n = std::make_shared<Expr>();
        n->kind = ExprKind::kNot;
        n->type = TypeId::kBool;
        n->args = {result};
        result = n;
      }
      return result;
    }
    default:
      throw Error(SqlState::kFeatureNotSupported, "this operator form is not supported", CharPos(loc));
  }
}

ExprPtr Planner::Bind(PgQuery__Node* node, BindContext& bc) {
  switch (node->node_case) {
    case PG_QUERY__NODE__NODE_A_CONST: return BindConst(node->a_const);
    case PG_QUERY__NODE__NODE_COLUMN_REF: return BindColumnRef(node->column_ref, bc);
    case PG_QUERY__NODE__NODE_A_EXPR: return BindAExpr(node->a_expr, bc);
    case PG_QUERY__NODE__NODE_BOOL_EXPR: return BindBoolExpr(node->bool_expr, bc);
    case PG_QUERY__NODE__NODE_FUNC_CALL: return BindFuncCall(node->func_call, bc);
    case PG_QUERY__NODE__NODE_TYPE_CAST: return BindTypeCast(node->type_cast, bc);
    case PG_QUERY__NODE__NODE_SUB_LINK: return BindSubLink(node->sub_link, bc);
    case PG_QUERY__NODE__NODE_CASE_EXPR: return BindCase(node->case_expr, bc);
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION: return BindSqlValueFunction(node->sqlvalue_function);
    case PG_QUERY__NODE__NODE_COALESCE_EXPR:
      return BindVariadicCommon(ExprKind::kCoalesce, node->coalesce_expr->args, node->coalesce_expr->n_args,
                                node->coalesce_expr->location, bc, "COALESCE");
    case PG_QUERY__NODE__NODE_MIN_MAX_EXPR: {
      auto* m = node->min_max_expr;
      bool greatest = m->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST;
      return BindVariadicCommon(greatest ? ExprKind::kGreatest : ExprKind::kLeast, m->args, m->n_args, m->location, bc,
                                greatest ? "GREATEST" : "LEAST");
    }
    case PG_QUERY__NODE__NODE_NULL_TEST: {
      auto e = std::make_shared<Expr>();
      e->kind = node->null_test->nulltesttype == PG_QUERY__NULL_TEST_TYPE__IS_NULL ? ExprKind::kIsNull : ExprKind::kIsNotNull;
      e->type = TypeId::kBool;
      e->location = node->null_test->location;
      e->args.push_back(Bind(node->null_test->arg, bc));
      return e;
    }
    case PG_QUERY__NODE__NODE_BOOLEAN_TEST: {
      auto* t = node->boolean_test;
      ExprPtr arg = CoerceTo(Bind(t->arg, bc), TypeId::kBool);
      // IS [NOT] TRUE/FALSE/UNKNOWN never yield NULL.
      auto isnull = std::make_shared<Expr>();
      isnull->kind = ExprKind::kIsNull;
      isnull->type = TypeId::kBool;
      isnull->args = {arg};
      ExprPtr result;
      switch (t->booltesttype) {
        case PG_QUERY__BOOL_TEST_TYPE__IS_UNKNOWN: return isnull;
        case PG_QUERY__BOOL_TEST_TYPE__IS_NOT_UNKNOWN: {
          auto e = std::make_shared<Expr>(*isnull);
          e->kind = ExprKind::kIsNotNull;
          return e;
        }
        default: break;
      }
      bool want = t->booltesttype == PG_QUERY__BOOL_TEST_TYPE__IS_TRUE || t->booltesttype == PG_QUERY__BOOL_TEST_TYPE__IS_NOT_TRUE;
      bool negate = t->booltesttype == PG_QUERY__BOOL_TEST_TYPE__IS_NOT_TRUE || t->booltesttype == PG_QUERY__BOOL_TEST_TYPE__IS_NOT_FALSE;
      auto c = std::make_shared<Expr>();
      c->kind = ExprKind::kCase;
      c->type = TypeId::kBool;
      // CASE WHEN arg IS NULL THEN negate ELSE (arg = want) != negate END
      ExprPtr eq = want ? arg : [&] { auto n = std::make_shared<Expr>(); n->kind = ExprKind::kNot; n->type = TypeId::kBool; n->args = {arg}; return ExprPtr(n); }();
      if (negate) {
        auto n = std::make_shared<Expr>();
        n->kind = ExprKind::kNot;
        n->type = TypeId::kBool;
        n->args = {eq};
        eq = n;
      }
      c->args = {isnull, MakeConstant(Value::Bool(negate)), eq};
      return c;
    }
    case PG_QUERY__NODE__NODE_PARAM_REF: {
      auto e = std::make_shared<Expr>();
      e->kind = ExprKind::kParam;
      e->column = node->param_ref->number - 1;
      e->type = TypeId::kText;
      e->unknown_literal = true;
      e->location = node->param_ref->location;
      return e;
    }
    case PG_QUERY__NODE__NODE_COLLATE_CLAUSE: {
      // Text always compares byte-wise (C collation); accept the collations that mean exactly that.
      auto* cc = node->collate_clause;
      std::string coll = cc->n_collname ? StrVal(cc->collname[cc->n_collname - 1]) : "";
      if (coll != "C" && coll != "POSIX" && coll != "default" && coll != "ucs_basic")
        throw Error(SqlState::kUndefinedObject, fmt::format("collation \"{}\" for encoding \"UTF8\" does not exist", coll),
                    CharPos(cc->location));
      return Bind(cc->arg, bc);
    }
    case PG_QUERY__NODE__NODE_A_ARRAY_EXPR: return BindArrayConstructor(node->a_array_expr, nullptr, bc);
    case PG_QUERY__NODE__NODE_A_INDIRECTION: {
      // a[i] on an array; slices and field selection are not supported.
      auto* ind = node->a_indirection;
      ExprPtr e = Bind(ind->arg, bc);
      for (size_t k = 0; k < ind->n_indirection; ++k) {
        PgQuery__Node* step = ind->indirection[k];
        if (step->node_case != PG_QUERY__NODE__NODE_A_INDICES || step->a_indices->is_slice || !step->a_indices->uidx)
          throw Error(SqlState::kFeatureNotSupported, "only array subscripts a[i] are supported here", CharPos(e->location));
        if (e->unknown_literal) e = CoerceTo(e, ArrayOf(TypeId::kText));
        if (e->type.id != TypeId::kArray)
          throw Error(SqlState::kDatatypeMismatch,
                      fmt::format("cannot subscript type {} because it does not support subscripting", e->type.ToString()),
                      CharPos(e->location));
        ExprPtr index = CoerceTo(Bind(step->a_indices->uidx, bc), TypeId::kInt32);
        e = ResolveCall("__array_subscript", {e, index}, e->location, false);
      }
      return e;
    }
    case PG_QUERY__NODE__NODE_A_STAR:
      throw Error(SqlState::kSyntaxError, "\"*\" is not allowed here");
    case PG_QUERY__NODE__NODE_ROW_EXPR:
      throw Error(SqlState::kFeatureNotSupported, "row constructors are not supported", CharPos(node->row_expr->location));
    default:
      throw Error(SqlState::kFeatureNotSupported,
                  fmt::format("expression type {} is not supported", int(node->node_case)));
  }
}

}  // namespace yunhe
