#include "storage/store_util.h"

#include <algorithm>

namespace linli::storage::internal {

std::string AbbrevSql(std::string_view sql) {
  constexpr size_t kMax = 120;
  std::string s(sql.substr(0, kMax));
  std::replace_if(s.begin(), s.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  if (sql.size() > kMax) s += "...";
  return s;
}

std::shared_ptr<spdlog::logger> Logger() {
  if (auto existing = spdlog::get("storage")) return existing;
  auto logger = spdlog::default_logger()->clone("storage");
  try {
    spdlog::register_logger(logger);
  } catch (const spdlog::spdlog_ex&) {
    // Registered concurrently by another thread: use that one.
    if (auto existing = spdlog::get("storage")) return existing;
  }
  return logger;
}

TxScope::TxScope(Database& db, std::string_view savepoint_name)
    : db_(db), name_(savepoint_name), nested_(db.in_transaction()) {
  status_ = nested_ ? db_.Savepoint(name_) : db_.Begin();
  open_ = status_.ok();
}

TxScope::~TxScope() {
  if (open_) Abort();
}

Status TxScope::Commit() {
  if (!open_) return status_.ok() ? Status::Internal("transaction scope already closed") : status_;
  Status st = nested_ ? db_.ReleaseSavepoint(name_) : db_.Commit();
  if (!st.ok()) {
    Abort();
    return st;
  }
  open_ = false;
  return st;
}

void TxScope::Abort() {
  open_ = false;
  if (nested_) {
    Status st = db_.RollbackToSavepoint(name_);
    if (st.ok()) st = db_.ReleaseSavepoint(name_);
    if (!st.ok()) Logger()->error("rollback to savepoint {} failed: {}", name_, st.ToString());
  } else {
    Status st = db_.Rollback();
    if (!st.ok()) Logger()->error("rollback failed: {}", st.ToString());
  }
}

StatusOr<int64_t> PersonForIdentity(Database& db, const std::string& channel,
                                    const std::string& user_id, int64_t now_ms, bool* created) {
  LINLI_ASSIGN_OR_RETURN(
      Rows found, db.Query("SELECT person_id FROM identities WHERE channel = ? AND user_id = ?",
                           {channel, user_id}));
  if (!found.empty()) return found[0].Int(0);
  LINLI_ASSIGN_OR_RETURN(Rows person, db.Query("INSERT INTO persons (role, tier, locale, created_at) "
                                               "VALUES ('resident', '', '', ?) RETURNING id",
                                               {now_ms}));
  if (person.empty()) return Status::Internal("persons: INSERT RETURNING gave no row");
  const int64_t id = person[0].Int(0);
  LINLI_RETURN_IF_ERROR(db.Exec(
      "INSERT INTO identities (channel, user_id, person_id, chat_id, chat_type, last_seen_at) "
      "VALUES (?, ?, ?, ?, 'private', 0)",
      {channel, user_id, id, user_id}));
  *created = true;
  return id;
}

const char* ChatTypeName(ChatType type) {
  return type == ChatType::kGroup ? "group" : "private";
}

ChatType ParseChatType(std::string_view name) {
  return name == "group" ? ChatType::kGroup : ChatType::kPrivate;
}

}  // namespace linli::storage::internal
