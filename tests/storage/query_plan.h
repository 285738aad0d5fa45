// Query-plan checks (issue 13 point 2): a Database decorator that records every statement the
// code under test runs, and a check that EXPLAIN QUERY PLAN of each recorded statement (with
// the parameters it ran with) reads no table in full. The SQL is the stores' own, captured
// while a test drives the real functions, so the check cannot drift from the code.
//
//   auto recording = std::make_unique<RecordingDatabase>(std::move(sqlite));
//   ... drive stores / the router / jobs with *recording ...
//   EXPECT_THAT(FullScans(recording->inner(), recording->Statements(), {}), IsEmpty());
//
// SQLite only (EXPLAIN QUERY PLAN is its syntax); the plans are what the planner picks on a
// database without ANALYZE statistics, as the server runs it.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/database.h"

namespace linli::storage {

struct RecordedStatement {
  std::string sql;
  std::vector<Value> params;
};

// Forwards everything to `inner` and records each Exec/Query (once per distinct SQL text, with
// the parameters of its first run). Thread-safe recording (the write queue runs it on its own
// thread); the forwarding has the inner database's thread rules.
class RecordingDatabase : public Database {
 public:
  explicit RecordingDatabase(std::unique_ptr<Database> inner) : inner_(std::move(inner)) {}

  Status Exec(std::string_view sql, const std::vector<Value>& params = {}) override {
    Record(sql, params);
    return inner_->Exec(sql, params);
  }
  StatusOr<Rows> Query(std::string_view sql, const std::vector<Value>& params = {}) override {
    Record(sql, params);
    return inner_->Query(sql, params);
  }
  Status ExecScript(std::string_view sql) override { return inner_->ExecScript(sql); }
  int64_t changes() const override { return inner_->changes(); }
  Status Begin() override { return inner_->Begin(); }
  Status Commit() override { return inner_->Commit(); }
  Status Rollback() override { return inner_->Rollback(); }
  Status Savepoint(std::string_view name) override { return inner_->Savepoint(name); }
  Status ReleaseSavepoint(std::string_view name) override { return inner_->ReleaseSavepoint(name); }
  Status RollbackToSavepoint(std::string_view name) override {
    return inner_->RollbackToSavepoint(name);
  }
  bool in_transaction() const override { return inner_->in_transaction(); }
  Status LockKey(std::string_view key) override { return inner_->LockKey(key); }
  StatusOr<bool> TryLockSession(std::string_view key) override {
    return inner_->TryLockSession(key);
  }
  Status UnlockSession(std::string_view key) override { return inner_->UnlockSession(key); }
  uint64_t conflicts() const override { return inner_->conflicts(); }
  std::string dialect() const override { return inner_->dialect(); }

  // The database without recording (to run EXPLAIN on, or to seed without recording).
  Database& inner() { return *inner_; }
  std::vector<RecordedStatement> Statements() const {
    std::lock_guard<std::mutex> lock(mu_);
    return statements_;
  }
  // Forgets what was recorded so far (e.g. the fixture's own seeding).
  void Clear() {
    std::lock_guard<std::mutex> lock(mu_);
    statements_.clear();
    seen_.clear();
  }

 private:
  void Record(std::string_view sql, const std::vector<Value>& params) {
    std::lock_guard<std::mutex> lock(mu_);
    if (seen_.insert(std::string(sql)).second) statements_.push_back({std::string(sql), params});
  }

  std::unique_ptr<Database> inner_;
  mutable std::mutex mu_;
  std::set<std::string> seen_;
  std::vector<RecordedStatement> statements_;
};

// The table a plan line reads in full, or "" when the line is not a full scan. SQLite writes a
// full read as "SCAN <table or alias>" (optionally "USING [COVERING] INDEX <i>": the whole
// index in its order); a "SCAN CONSTANT ROW" or a scan of a subquery's result is no table read.
inline std::string ScannedTable(std::string_view detail) {
  constexpr std::string_view kScan = "SCAN ";
  if (detail.substr(0, kScan.size()) != kScan) return "";
  std::string_view rest = detail.substr(kScan.size());
  const size_t end = rest.find(' ');
  std::string_view name = rest.substr(0, end);
  if (name == "CONSTANT" || name.rfind("(subquery", 0) == 0) return "";
  return std::string(name);
}

// Each recorded statement whose plan reads a table in full, as "<sql>\n  plan: <lines>" -
// empty when every statement searches by an index or the primary key. `allowed` names tables
// (as the plan prints them) whose full scan is accepted, each with its reason (a tiny config
// table; a table a job reads whole on purpose). A statement EXPLAIN cannot plan (a DDL
// statement) is reported too.
inline std::vector<std::string> FullScans(Database& db,
                                          const std::vector<RecordedStatement>& statements,
                                          const std::map<std::string, std::string>& allowed) {
  std::vector<std::string> out;
  for (const RecordedStatement& s : statements) {
    auto plan = db.Query("EXPLAIN QUERY PLAN " + s.sql, s.params);
    if (!plan.ok()) {
      out.push_back(s.sql + "\n  EXPLAIN failed: " + plan.status().ToString());
      continue;
    }
    std::string lines;
    // Subqueries and views the plan computes first ("CO-ROUTINE t", "MATERIALIZE t"): a scan
    // of their result reads no table.
    std::set<std::string> computed;
    for (const Row& row : *plan) {
      const std::string detail = row.Text(row.size() - 1);
      for (std::string_view kind : {"CO-ROUTINE ", "MATERIALIZE "}) {
        if (detail.rfind(kind, 0) == 0) computed.insert(detail.substr(kind.size()));
      }
    }
    bool bad = false;
    for (const Row& row : *plan) {
      const std::string detail = row.Text(row.size() - 1);
      lines += "\n    " + detail;
      const std::string table = ScannedTable(detail);
      if (!table.empty() && allowed.count(table) == 0 && computed.count(table) == 0) bad = true;
    }
    if (bad) out.push_back(s.sql + "\n  plan:" + lines);
  }
  return out;
}

// Every plan line of every recorded statement, for a test's failure message or a look by hand.
inline std::string Plans(Database& db, const std::vector<RecordedStatement>& statements) {
  std::string out;
  for (const RecordedStatement& s : statements) {
    out += s.sql + "\n";
    auto plan = db.Query("EXPLAIN QUERY PLAN " + s.sql, s.params);
    if (!plan.ok()) continue;
    for (const Row& row : *plan) out += "    " + row.Text(row.size() - 1) + "\n";
  }
  return out;
}

// True if some recorded statement's SQL contains `fragment` (a test's guard that it drove the
// query it means to check).
inline bool Ran(const std::vector<RecordedStatement>& statements, std::string_view fragment) {
  for (const RecordedStatement& s : statements) {
    if (s.sql.find(fragment) != std::string::npos) return true;
  }
  return false;
}

}  // namespace linli::storage
