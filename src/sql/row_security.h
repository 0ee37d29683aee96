// Row-level security as PostgreSQL has it (CREATE POLICY, ALTER TABLE ... ENABLE / FORCE ROW
// LEVEL SECURITY): which rows of a table a role's statements see and may write. It applies
// while the table has it enabled, to everyone but superusers and (unless forced) the table's
// owner. The policies for the command and the role combine as PostgreSQL combines them: any
// permissive one (OR), and every restrictive one (AND); with no permissive policy no row
// qualifies. Reads (SELECT, and the rows UPDATE and DELETE touch) are filtered by USING; written
// rows (INSERT, UPDATE's new rows) must pass WITH CHECK (USING where a policy has none), else
// 42501 "new row violates row-level security policy for table t".
#pragma once
#include <string>

#include "storage/catalog.h"

namespace yunhe {

bool RowSecurityApplies(const Catalog& cat, const TableSchema& schema, const std::string& role);
// The combined expression's SQL text for `command` ('r', 'a', 'w', 'd'): of USING (check false)
// or of WITH CHECK (check true). "false" when no permissive policy applies.
std::string RowSecurityExpression(const Catalog& cat, const TableSchema& schema, const std::string& role, char command, bool check);
// "ALL", "SELECT" ... for a policy's command.
const char* PolicyCommandSql(char command);

}  // namespace yunhe
