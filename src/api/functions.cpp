// What a program registers: scalar functions (a ScalarFunctionBody behind an engine ScalarFunction)
// and relations over its memory (a RelationSource behind an ExternalRelation).
#include <algorithm>

#include "api/api_internal.h"

namespace yunhe::api {

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

}  // namespace

void Connection::CreateFunction(const std::string& name, const std::vector<Type>& args, Type returns, ScalarFunctionBody body,
                                FunctionOptions options) {
  if (!body) throw Error(SqlState::kInvalidParameterValue, "a function needs a body");
  ScalarFunction f;
  f.name = Lower(name);  // as an unquoted name in SQL is folded
  for (Type t : args) f.arg_types.push_back(ToEngineType(t));
  f.return_type = ToEngineType(returns);
  f.strict = options.strict;
  f.volatile_ = options.is_volatile;
  const bool strict = options.strict;
  f.body = [body = std::move(body), strict](const std::vector<const yunhe::Vector*>& in, size_t count, yunhe::Vector& out) {
    std::vector<Column> columns;
    columns.reserve(in.size());
    for (const yunhe::Vector* v : in) columns.push_back(Internal::MakeColumn(v, count));
    MutableColumn result = Internal::MakeMutable(&out, count);
    // Whatever the body throws fails the statement as an engine error (with its SQLSTATE when
    // it is one of ours, 38000 external_routine_exception otherwise).
    try {
      body(columns, count, result);
    } catch (const Error& e) {
      throw yunhe::Error(Status::Error(e.sqlstate(), e.what()).WithDetail(e.fields().detail).WithHint(e.fields().hint));
    } catch (const yunhe::Error&) {
      throw;
    } catch (const std::exception& e) {
      throw yunhe::Error(SqlState::kExternalRoutineException, e.what());
    }
    if (out.size() != count) throw yunhe::Error(SqlState::kExternalRoutineException, "a function body changed its result's size");
    // A strict function is NULL wherever an argument is, whatever the body wrote there.
    if (strict) {
      uint8_t* nulls = out.nulls();
      for (const yunhe::Vector* v : in) {
        const uint8_t* n = v->nulls();
        for (size_t r = 0; r < count; ++r) nulls[r] |= n[r];
      }
    }
  };
  impl_->Locked([&](yunhe::Database& db) {
    db.AssertHeld();
    db.AddUserFunction(std::move(f));
  });
}

void Connection::RemoveFunction(const std::string& name) {
  impl_->Locked([&](yunhe::Database& db) {
    db.AssertHeld();
    db.RemoveUserFunction(Lower(name));
  });
}

void Connection::RegisterRelation(const std::string& name, RelationSource source) {
  const size_t ncols = source.names.size();
  if (source.types.size() != ncols || source.columns.size() != ncols || ncols == 0)
    throw Error(SqlState::kInvalidParameterValue, "a relation needs names, types and columns, one of each per column");
  auto r = std::make_shared<ExternalRelation>();
  r->name = Lower(name);
  r->names = source.names;
  for (Type t : source.types) r->types.push_back(ToEngineType(t));
  r->rows = source.rows;
  auto src = std::make_shared<RelationSource>(std::move(source));
  r->fill = [src, types = r->types](size_t begin, size_t count, DataChunk& out) {
    for (size_t k = 0; k < types.size(); ++k) out.columns[k] = ConvertColumnData(src->columns[k], begin, count, types[k]);
  };
  impl_->Locked([&](yunhe::Database& db) {
    db.AssertHeld();
    db.AddExternalRelation(std::move(r));
  });
}

void Connection::UnregisterRelation(const std::string& name) {
  impl_->Locked([&](yunhe::Database& db) {
    db.AssertHeld();
    db.RemoveExternalRelation(Lower(name));
  });
}

}  // namespace yunhe::api
