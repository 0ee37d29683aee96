// What a transaction does to a session's settings, as PostgreSQL's GUC stack: a SET inside a
// block that rolls back (or a savepoint rolled back to) is undone; SET LOCAL lasts until the
// block ends, whichever way; SET LOCAL outside a block warns and changes nothing. SET ROLE,
// SET SESSION AUTHORIZATION, search_path, TimeZone, statement_timeout ... all alike. The
// process-wide memory_limit and temp_directory are not session settings and stay as set.
// Session calls Before/After around every statement and BlockEnded when an implicit block
// (a multi-statement message) ends outside a statement.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/database.h"
#include "sql/parser.h"

namespace yunhe {

class SettingsUndo {
 public:
  using Settings = Database::SessionSettings;
  void Before(const Settings& s, bool in_block, const PgQuery__Node* node);
  // `committed`: the statement ended its block (if it did) by committing.
  void After(Settings& s, bool in_block, const PgQuery__Node* node, bool ok, bool committed, std::vector<std::string>* notices);
  void BlockEnded(Settings& s, bool committed);

 private:
  // The settings a transaction may change: the values and the time zone.
  struct State {
    std::map<std::string, std::string> values;
    std::shared_ptr<const class TimeZone> zone;
  };
  static State Capture(const Settings& s);
  static void Restore(Settings& s, const State& state);
  // Keys SET LOCAL changed in the open block, with the value (nullopt: unset) they return to
  // at its end; the zone likewise.
  struct Locals {
    std::map<std::string, std::optional<std::string>> values;
    std::optional<std::shared_ptr<const class TimeZone>> zone;
  };
  struct Savepoint {
    std::string name;
    State state;
    Locals locals;
  };
  void Start(const Settings& s);

  bool tracking_ = false;  // a block is open and start_ is what it began with
  State start_;
  Locals locals_;
  std::vector<Savepoint> savepoints_;
  std::optional<State> before_set_;  // the settings before the SET statement now running
};

}  // namespace yunhe
