#pragma once
// Views that a DDL statement would break. A view is kept as the text of its query, so dropping,
// renaming or changing what it reads would leave a view that no longer plans — and a catalog
// file whose replay fails at the next open. PostgreSQL tracks the dependency (pg_depend) and
// refuses (2BP01) or, with CASCADE, drops the view too; this finds the same views by planning
// each view before and after the change.
#include <set>
#include <string>
#include <vector>

#include "engine/database.h"
#include "engine/result.h"

namespace yunhe {

// The views that plan against the catalog as it is now (taken before a change).
std::set<std::string> PlannableViews(const Catalog& cat);

// The views of `before` that no longer plan in `cat`, in name order.
std::vector<std::string> BrokenViews(const Catalog& cat, const std::set<std::string>& before);

// A rename carried into the views of `before` that it broke, as PostgreSQL's views follow a
// rename: each place of a view's text that named the relation `old_key` (or, with `old_column`,
// that column of it) gets `new_name`; a renamed column keeps its output name (AS). A view that
// still does not plan is left as it was (the caller refuses the rename).
void RenameInViews(Catalog& cat, const std::set<std::string>& before, const std::string& old_key, const std::string& old_column,
                   const std::string& new_name);

// After the change: the views of `before` that no longer plan. Without cascade, 2BP01 as
// PostgreSQL words it ("cannot drop table t because other objects depend on it", a DETAIL line
// per view, `object` being e.g. "table t" or "column a of table t"); with cascade they are
// dropped (logged to the WAL before the statement's own record, which the caller writes after
// this) with PostgreSQL's "drop cascades to" notice. Does nothing during WAL replay.
void DropDependentViews(Database& db, const std::set<std::string>& before, const std::string& verb, const std::string& object,
                        bool cascade, QueryResult& result) REQUIRES(db.mutex());

}  // namespace yunhe
