#include "storage/inbox_store.h"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>

#include "storage/store_util.h"

namespace linli::storage {
namespace {

using nlohmann::json;

// Headers as a JSON array of [name, value] pairs (order and duplicates kept).
std::string EncodeHeaders(const std::vector<std::pair<std::string, std::string>>& headers) {
  try {
    json arr = json::array();
    for (const auto& [name, value] : headers) arr.push_back(json::array({name, value}));
    return arr.dump(-1, ' ', false, json::error_handler_t::replace);
  } catch (const std::exception& e) {
    internal::Logger()->error("inbox: cannot encode ack headers: {}", e.what());
    return "[]";
  }
}

std::vector<std::pair<std::string, std::string>> DecodeHeaders(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  json arr = json::parse(text, nullptr, false);
  if (!arr.is_array()) return out;
  for (const json& h : arr) {
    if (h.is_array() && h.size() == 2 && h[0].is_string() && h[1].is_string()) {
      out.emplace_back(h[0].get<std::string>(), h[1].get<std::string>());
    }
  }
  return out;
}

}  // namespace

StatusOr<std::optional<HttpResponse>> InboxStore::Find(Database& db, const std::string& channel,
                                                       const std::string& platform_message_id) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query("SELECT ack_status, ack_content_type, ack_body, ack_headers FROM inbox "
                          "WHERE channel = ? AND platform_message_id = ?",
                          {channel, platform_message_id}));
  if (rows.empty()) return std::optional<HttpResponse>();
  HttpResponse r;
  r.status = static_cast<int>(rows[0].Int(0));
  r.content_type = rows[0].Text(1);
  r.body = rows[0].Text(2);
  r.headers = DecodeHeaders(rows[0].Text(3));
  return std::optional<HttpResponse>(std::move(r));
}

Status InboxStore::Record(Database& db, const std::string& channel,
                          const std::string& platform_message_id, int64_t now_ms,
                          const HttpResponse& ack) {
  // DO NOTHING rather than a constraint error: on PostgreSQL an error would abort the
  // surrounding transaction.
  LINLI_RETURN_IF_ERROR(db.Exec(
      "INSERT INTO inbox (channel, platform_message_id, received_at, ack_status, "
      "ack_content_type, ack_body, ack_headers) VALUES (?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (channel, platform_message_id) DO NOTHING",
      {channel, platform_message_id, now_ms, int64_t{ack.status}, ack.content_type, ack.body,
       EncodeHeaders(ack.headers)}));
  if (db.changes() == 0) return Status::AlreadyExists("inbox: message already recorded");
  return Status::Ok();
}

StatusOr<int64_t> InboxStore::Prune(Database& db, int64_t before_ms) {
  LINLI_RETURN_IF_ERROR(db.Exec("DELETE FROM inbox WHERE received_at < ?", {before_ms}));
  return db.changes();
}

StatusOr<int64_t> InboxStore::Count(Database& db) {
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query("SELECT COUNT(*) FROM inbox"));
  return rows.empty() ? int64_t{0} : rows[0].Int(0);
}

}  // namespace linli::storage
