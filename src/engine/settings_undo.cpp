#include "engine/settings_undo.h"

namespace yunhe {

namespace {

// Kept by the block itself (Session::StartBlock / EndBlock set them from the defaults).
bool BlockOwned(const std::string& key) { return key == "transaction_isolation" || key == "transaction_read_only"; }

std::optional<std::string> ValueOf(const std::map<std::string, std::string>& values, const std::string& key) {
  auto it = values.find(key);
  return it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
}

void Put(std::map<std::string, std::string>& values, const std::string& key, const std::optional<std::string>& v) {
  if (v) values[key] = *v;
  else values.erase(key);
}

}  // namespace

SettingsUndo::State SettingsUndo::Capture(const Settings& s) { return State{s.values, s.zone}; }

void SettingsUndo::Restore(Settings& s, const State& state) {
  std::map<std::string, std::string> values = state.values;
  for (const char* key : {"transaction_isolation", "transaction_read_only"}) Put(values, key, ValueOf(s.values, key));
  s.values = std::move(values);
  s.zone = state.zone;
}

void SettingsUndo::Start(const Settings& s) {
  tracking_ = true;
  start_ = Capture(s);
  locals_ = Locals();
  savepoints_.clear();
}

void SettingsUndo::Before(const Settings& s, bool in_block, const PgQuery__Node* node) {
  if (in_block && !tracking_) Start(s);  // an implicit block began before its first statement
  before_set_.reset();
  if (node && node->node_case == PG_QUERY__NODE__NODE_VARIABLE_SET_STMT) before_set_ = Capture(s);
}

void SettingsUndo::After(Settings& s, bool in_block, const PgQuery__Node* node, bool ok, bool committed, std::vector<std::string>* notices) {
  if (before_set_ && ok) {
    const State& before = *before_set_;
    if (node->variable_set_stmt->is_local && !tracking_) {
      // PostgreSQL: the setting would last until the end of a transaction that ends now.
      notices->push_back("WARNING:  SET LOCAL can only be used in transaction blocks");
      Restore(s, before);
    } else if (tracking_) {
      // Which keys this SET changed (SET ROLE and SESSION AUTHORIZATION touch two).
      std::vector<std::string> changed;
      for (auto& [k, v] : before.values)
        if (!BlockOwned(k) && ValueOf(s.values, k) != v) changed.push_back(k);
      for (auto& [k, v] : s.values)
        if (!BlockOwned(k) && !before.values.count(k)) changed.push_back(k);
      const bool zone_changed = before.zone != s.zone;
      if (node->variable_set_stmt->is_local) {
        // The first SET LOCAL of a key remembers what the block's end goes back to.
        for (const std::string& k : changed)
          if (!locals_.values.count(k)) locals_.values[k] = ValueOf(before.values, k);
        if (zone_changed && !locals_.zone) locals_.zone = before.zone;
      } else {
        // A plain SET outlasts the block if it commits, even over an earlier SET LOCAL.
        for (const std::string& k : changed) locals_.values.erase(k);
        if (zone_changed) locals_.zone.reset();
      }
    }
  }
  before_set_.reset();
  if (tracking_ && ok && node && node->node_case == PG_QUERY__NODE__NODE_TRANSACTION_STMT && in_block) {
    const PgQuery__TransactionStmt* t = node->transaction_stmt;
    const std::string name = t->savepoint_name ? t->savepoint_name : "";
    auto find = [&]() {
      for (size_t k = savepoints_.size(); k-- > 0;)
        if (savepoints_[k].name == name) return k;
      return savepoints_.size();
    };
    switch (t->kind) {
      case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT: savepoints_.push_back({name, Capture(s), locals_}); break;
      case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE:
        if (size_t k = find(); k < savepoints_.size()) savepoints_.resize(k);  // its SETs stay the block's
        break;
      case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO:
        if (size_t k = find(); k < savepoints_.size()) {
          Restore(s, savepoints_[k].state);
          locals_ = savepoints_[k].locals;
          savepoints_.resize(k + 1);  // the savepoint stays, as in PostgreSQL
        }
        break;
      default: break;
    }
  }
  if (!tracking_ && in_block) Start(s);  // BEGIN
  if (tracking_ && !in_block) BlockEnded(s, ok && committed);
}

void SettingsUndo::BlockEnded(Settings& s, bool committed) {
  if (!tracking_) return;
  tracking_ = false;
  if (!committed) {
    Restore(s, start_);
  } else {
    for (auto& [k, v] : locals_.values) Put(s.values, k, v);
    if (locals_.zone) s.zone = *locals_.zone;
  }
  locals_ = Locals();
  savepoints_.clear();
}

}  // namespace yunhe
