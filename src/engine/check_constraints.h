#pragma once
// CHECK constraints as PostgreSQL has them: named as PostgreSQL names them (t_col_check when the
// expression reads one column, t_check otherwise, then 1, 2, ... until unique), kept as the text
// of their expression in the table's schema (and so in the catalog file), and checked on every
// row a statement appends — INSERT, UPDATE's new row versions, COPY, line protocol, appenders —
// in name order; a row the expression makes false (not NULL) fails with 23514.
#include <set>
#include <string>
#include <vector>

#include "common/vector.h"
#include "exec/expr.h"
#include "sql/parser.h"
#include "storage/catalog.h"
#include "storage/table.h"

namespace yunhe {

class Planner;

struct Scope;

// "(1, null, x)": a row as PostgreSQL's "Failing row contains" shows it.
std::string FailingRowText(const DataChunk& chunk, size_t row);
// The table's columns as a planner scope, under `label`.
Scope ColumnsScope(const TableSchema& schema, const std::string& label);
// A boolean expression over one row of `schema` (a CHECK constraint's, a policy's), bound from
// its text; 42804 naming `what` when it is not boolean. current_user and the like bind as the
// statement's constants.
ExprPtr BindTableExpression(const Catalog& catalog, const TableSchema& schema, const std::string& expr, const char* what);

// A CHECK of a CREATE TABLE or ALTER TABLE, before it has a name.
struct PendingCheck {
  std::string name;             // "" = choose one
  std::string expr;             // the text between CHECK's parentheses
  PgQuery__Node* node = nullptr;  // its parse tree (for the columns it reads)
  int location = -1;
};

// The names a table's CHECK and FOREIGN KEY constraints have: a new one must differ from them.
std::set<std::string> ConstraintNames(const TableSchema& schema);
// `base`, or base1, base2, ...: the first not in `taken` (PostgreSQL's ChooseConstraintName).
std::string ChooseConstraintName(const std::string& base, const std::set<std::string>& taken);

// The text between the parentheses of the CHECK whose constraint starts at byte `location`.
std::string CheckExpressionText(const std::string& sql, int location);

// Names the checks that have none, binds each against the table's columns (42703 for an unknown
// column, 42804 when not boolean, 42710 for a name the table already has) and adds them.
void AddCheckConstraints(const Catalog& catalog, TableSchema& schema, const std::vector<PendingCheck>& checks,
                         const Planner& planner);

// The first row of `rows` (in the table's column order) that a check makes false: 23514 naming
// the constraint, with the failing row in DETAIL.
void EnforceCheckConstraints(const Catalog& catalog, const TableSchema& schema, const DataChunk& rows);

// Each row of `rows` that a check rejects, with the message EnforceCheckConstraints would give.
std::vector<std::pair<size_t, std::string>> CheckConstraintFailures(const Catalog& catalog, const TableSchema& schema, const DataChunk& rows);

// ALTER TABLE ... ADD CONSTRAINT ... CHECK on a table with rows: 23514 "check constraint ... is
// violated by some row" when one of `rows` fails `check`.
void ValidateCheckConstraint(const Catalog& catalog, const TableSchema& schema, const CheckConstraint& check,
                             const DataChunk& rows);

// A column rename carried into the checks' text; the checks a dropped column leaves unbindable go.
// (Also in the table's row-security policies' expressions.)
void RenameColumnInChecks(TableSchema& schema, const std::string& old_name, const std::string& new_name);
// The expression's text with a column name token renamed (not function names or fields).
std::string RenameColumnInExpression(const std::string& expr, const std::string& old_name, const std::string& new_name);
void DropChecksOfMissingColumns(const Catalog& catalog, TableSchema& schema);

}  // namespace yunhe
