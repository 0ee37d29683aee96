#include "sql/statement_name.h"

#include <pg_query/pg_query.pb-c.h>

#include <cctype>
#include <map>

namespace yunhe {

std::string StatementName(const PgQuery__Node* node) {
  // The node's field name in libpg_query's protobuf ("create_schema_stmt"), spelled as the
  // command, with the few whose names are abbreviated there written out.
  static const std::map<std::string, std::string> kSpelled = {
      {"create_seq", "CREATE SEQUENCE"}, {"alter_seq", "ALTER SEQUENCE"}, {"createdb", "CREATE DATABASE"},
      {"dropdb", "DROP DATABASE"}, {"create_trig", "CREATE TRIGGER"}, {"create_plang", "CREATE LANGUAGE"},
      {"composite_type", "CREATE TYPE"}, {"create_enum", "CREATE TYPE"}, {"create_range", "CREATE TYPE"},
      {"rule", "CREATE RULE"}, {"grant", "GRANT / REVOKE"}, {"grant_role", "GRANT / REVOKE role"},
      {"create_fdw", "CREATE FOREIGN DATA WRAPPER"}, {"define", "CREATE AGGREGATE / OPERATOR / TYPE"},
      {"create_table_space", "CREATE TABLESPACE"}, {"drop_table_space", "DROP TABLESPACE"}, {"variable_set", "SET"},
      {"variable_show", "SHOW"}, {"create_op_class", "CREATE OPERATOR CLASS"}, {"create_am", "CREATE ACCESS METHOD"},
      {"create_stats", "CREATE STATISTICS"}, {"sec_label", "SECURITY LABEL"}};
  if (!node) return "this statement";
  const ProtobufCFieldDescriptor* field = protobuf_c_message_descriptor_get_field(&pg_query__node__descriptor, unsigned(node->node_case));
  if (!field) return "this statement";
  std::string name = field->name;
  if (name.size() > 5 && name.compare(name.size() - 5, 5, "_stmt") == 0) name.resize(name.size() - 5);
  auto it = kSpelled.find(name);
  if (it != kSpelled.end()) return it->second;
  for (auto& c : name) c = c == '_' ? ' ' : char(std::toupper((unsigned char)c));
  return name;
}

}  // namespace yunhe
