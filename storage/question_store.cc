#include "storage/question_store.h"

#include <nlohmann/json.hpp>

#include <exception>
#include <string>
#include <utility>

namespace linli::storage {
namespace {

using nlohmann::json;

StatusOr<std::string> EncodeOptions(const std::vector<QuestionOption>& options) {
  try {
    json a = json::array();
    for (const auto& o : options) {
      a.push_back({{"value", o.value}, {"label", o.label}, {"payload", o.payload}});
    }
    return a.dump(-1, ' ', false, json::error_handler_t::replace);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("question: cannot encode options: ") + e.what());
  }
}

std::string Field(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<QuestionOption> DecodeOptions(const std::string& text) {
  std::vector<QuestionOption> out;
  const json a = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!a.is_array()) return out;
  for (const json& o : a) {
    if (o.is_object()) out.push_back({Field(o, "value"), Field(o, "label"), Field(o, "payload")});
  }
  return out;
}

}  // namespace

Status QuestionStore::Ask(Database& db, const PendingQuestion& q) {
  if (q.conversation_key.empty() || q.kind.empty() || q.options.empty()) {
    return Status::InvalidArgument("question: conversation key, kind and options are required");
  }
  LINLI_ASSIGN_OR_RETURN(std::string options, EncodeOptions(q.options));
  return db.Exec(
      "INSERT INTO pending_questions (conversation_key, kind, ref, options, asked_at, expires_at) "
      "VALUES (?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (conversation_key) DO UPDATE SET kind = excluded.kind, ref = excluded.ref, "
      "options = excluded.options, asked_at = excluded.asked_at, "
      "expires_at = excluded.expires_at",
      {q.conversation_key, q.kind, q.ref, std::move(options), q.asked_at_ms, q.expires_at_ms});
}

StatusOr<std::optional<PendingQuestion>> QuestionStore::Pending(
    Database& db, const std::string& conversation_key, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query("SELECT kind, ref, options, asked_at, expires_at FROM pending_questions "
                          "WHERE conversation_key = ? AND expires_at > ?",
                          {conversation_key, now_ms}));
  if (rows.empty()) return std::optional<PendingQuestion>();
  PendingQuestion q;
  q.conversation_key = conversation_key;
  q.kind = rows[0].Text(0);
  q.ref = rows[0].Text(1);
  q.options = DecodeOptions(rows[0].Text(2));
  q.asked_at_ms = rows[0].Int(3);
  q.expires_at_ms = rows[0].Int(4);
  return std::optional<PendingQuestion>(std::move(q));
}

Status QuestionStore::Drop(Database& db, const std::string& conversation_key,
                           int64_t asked_before_ms) {
  return db.Exec("DELETE FROM pending_questions WHERE conversation_key = ? AND asked_at < ?",
                 {conversation_key, asked_before_ms});
}

StatusOr<int64_t> QuestionStore::PruneExpired(Database& db, int64_t now_ms) {
  LINLI_RETURN_IF_ERROR(db.Exec("DELETE FROM pending_questions WHERE expires_at <= ?", {now_ms}));
  return db.changes();
}

}  // namespace linli::storage
