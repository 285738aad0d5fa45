#include "storage/outbox_store.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <utility>

#include "storage/notifier.h"
#include "storage/store_util.h"

namespace linli::storage {
namespace {

using nlohmann::json;

constexpr const char* kItemColumns =
    "id, channel, user_id, chat_id, chat_type, payload, status, attempts, created_at, "
    "next_attempt_at, last_error, platform_message_id, claimed_by, lease_until";

const char* KindName(OutboundKind kind) {
  return kind == OutboundKind::kCallbackAnswer ? "callback_answer" : "text";
}

StatusOr<std::string> EncodePayload(const OutboundMessage& m) {
  try {
    json choices = json::array();
    for (const Choice& c : m.choices) choices.push_back({{"label", c.label}, {"payload", c.payload}});
    json j = {
        {"kind", KindName(m.kind)},
        {"to",
         {{"channel", m.to.channel},
          {"user_id", m.to.user_id},
          {"chat_id", m.to.chat_id},
          {"chat_type", internal::ChatTypeName(m.to.chat_type)}}},
        {"text", m.text},
        {"choices", std::move(choices)},
        {"reply_to", m.reply_to},
        {"callback_id", m.callback_id},
        {"idempotency_key", m.idempotency_key},
        {"notice", m.notice},
        {"card_kind", m.card_kind},
        {"card_ref", m.card_ref},
        {"edit_of", m.edit_of},
        {"follow_up", m.follow_up},
        {"notice_fields", m.notice_fields},  // `window` is filled at send time, not stored
    };
    // Written only when set, so rows stay as they were for messages without them (and rows
    // written before these fields existed read back the same).
    if (!m.reply_card_kind.empty()) {
      j["reply_card_kind"] = m.reply_card_kind;
      j["reply_card_ref"] = m.reply_card_ref;
    }
    if (m.image) {
      j["image"] = {{"path", m.image->path},
                    {"content_type", m.image->content_type},
                    {"platform_ref", m.image->platform_ref},
                    {"ref_channel", m.image->ref_channel},
                    {"caption", m.image->caption}};
    }
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("outbox: cannot encode message: ") + e.what());
  }
}

std::string StringField(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The destination comes from the row's columns (what ordering and ReleaseDeferred use); the
// rest from the JSON payload.
Status DecodePayload(const std::string& text, OutboundMessage* m) {
  const json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return Status::Internal("outbox: unreadable payload");
  const std::string kind = StringField(j, "kind");
  if (kind == "text") {
    m->kind = OutboundKind::kText;
  } else if (kind == "callback_answer") {
    m->kind = OutboundKind::kCallbackAnswer;
  } else {
    return Status::Internal("outbox: unknown message kind in payload");
  }
  m->text = StringField(j, "text");
  m->reply_to = StringField(j, "reply_to");
  m->callback_id = StringField(j, "callback_id");
  m->idempotency_key = StringField(j, "idempotency_key");
  m->notice = StringField(j, "notice");
  m->card_kind = StringField(j, "card_kind");
  m->card_ref = StringField(j, "card_ref");
  m->edit_of = StringField(j, "edit_of");
  m->follow_up = StringField(j, "follow_up");
  m->reply_card_kind = StringField(j, "reply_card_kind");
  m->reply_card_ref = StringField(j, "reply_card_ref");
  m->image.reset();
  auto image = j.find("image");
  if (image != j.end() && image->is_object()) {
    m->image = OutboundImage{StringField(*image, "path"), StringField(*image, "content_type"),
                             StringField(*image, "platform_ref"), StringField(*image, "ref_channel"),
                             StringField(*image, "caption")};
  }
  m->notice_fields.clear();
  auto fields = j.find("notice_fields");
  if (fields != j.end() && fields->is_object()) {
    for (auto it = fields->begin(); it != fields->end(); ++it) {
      if (it->is_string()) m->notice_fields.emplace(it.key(), it->get<std::string>());
    }
  }
  m->choices.clear();
  auto choices = j.find("choices");
  if (choices != j.end() && choices->is_array()) {
    for (const json& c : *choices) {
      if (!c.is_object()) continue;
      m->choices.push_back({StringField(c, "label"), StringField(c, "payload")});
    }
  }
  return Status::Ok();
}

StatusOr<OutboxItem> ToItem(const Row& r) {
  OutboxItem item;
  item.id = r.Int(0);
  item.message.to.channel = r.Text(1);
  item.message.to.user_id = r.Text(2);
  item.message.to.chat_id = r.Text(3);
  item.message.to.chat_type = internal::ParseChatType(r.Text(4));
  LINLI_RETURN_IF_ERROR(DecodePayload(r.Text(5), &item.message));
  item.status = r.Text(6);
  item.attempts = static_cast<int>(r.Int(7));
  item.created_at_ms = r.Int(8);
  item.next_attempt_at_ms = r.Int(9);
  item.last_error = r.Text(10);
  item.platform_message_id = r.Text(11);
  item.claimed_by = r.Text(12);
  item.lease_until_ms = r.Int(13);
  return item;
}

bool IsPostgres(const Database& db) { return db.dialect() == "postgres"; }

// What an UPDATE of a claimed row adds to its WHERE: the row is still under that claim.
constexpr const char* kUnderClaim =
    " WHERE id = ? AND status = 'sending' AND claimed_by = ? AND lease_until = ?";

// Explains why an UPDATE ... kUnderClaim changed nothing.
Status NotUnderClaim(Database& db, const OutboxItem& claimed) {
  const int64_t id = claimed.id;
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query("SELECT status, claimed_by, lease_until FROM outbox "
                                             "WHERE id = ?",
                                             {id}));
  if (rows.empty()) return Status::NotFound("outbox: no message " + std::to_string(id));
  if (rows[0].Text(0) == "sending") {
    return Status::FailedPrecondition(
        "outbox: message " + std::to_string(id) +
        " was taken back after its claim's lease ran out and is claimed again (by " +
        (rows[0].Text(1) == claimed.claimed_by ? std::string("this instance")
                                               : "instance " + rows[0].Text(1)) +
        "); this outcome is not recorded");
  }
  return Status::FailedPrecondition("outbox: message " + std::to_string(id) + " is '" +
                                    rows[0].Text(0) + "', not 'sending'");
}

// `set` is "UPDATE outbox SET ..." without a WHERE; `params` its parameters.
Status UpdateClaimed(Database& db, const OutboxItem& claimed, std::string_view set,
                     std::vector<Value> params) {
  params.emplace_back(claimed.id);
  params.emplace_back(claimed.claimed_by);
  params.emplace_back(claimed.lease_until_ms);
  LINLI_RETURN_IF_ERROR(db.Exec(std::string(set) + kUnderClaim, params));
  if (db.changes() == 0) return NotUnderClaim(db, claimed);
  return Status::Ok();
}

// A destination's head: the oldest 'pending' row of its (channel, chat_id), with no row of
// that destination 'sending'. Both probes are equality lookups on outbox_destination.
constexpr const char* kIsHead =
    "NOT EXISTS (SELECT 1 FROM outbox s WHERE s.channel = o.channel AND s.chat_id = o.chat_id "
    "AND s.status = 'sending') "
    "AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.channel = o.channel AND p.chat_id = "
    "o.chat_id AND p.status = 'pending' AND p.id < o.id)";

}  // namespace

StatusOr<int64_t> OutboxStore::Enqueue(Database& db, const OutboundMessage& message,
                                       int64_t now_ms) {
  if (message.to.channel.empty() || (message.to.chat_id.empty() && message.to.user_id.empty())) {
    return Status::InvalidArgument("outbox: destination channel and chat_id are required");
  }
  // message.h: chat_id equals user_id for private chats where a platform has no chat id.
  const std::string& chat_id = message.to.chat_id.empty() ? message.to.user_id : message.to.chat_id;
  LINLI_ASSIGN_OR_RETURN(std::string payload, EncodePayload(message));
  LINLI_ASSIGN_OR_RETURN(
      Rows rows,
      db.Query("INSERT INTO outbox (channel, user_id, chat_id, chat_type, payload, status, "
               "attempts, created_at, next_attempt_at, updated_at) "
               "VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?) RETURNING id",
               {message.to.channel, message.to.user_id, chat_id,
                std::string(internal::ChatTypeName(message.to.chat_type)), std::move(payload),
                now_ms, now_ms, now_ms}));
  if (rows.empty()) return Status::Internal("outbox: INSERT RETURNING gave no row");
  LINLI_RETURN_IF_ERROR(Signal(db, kWakeTopic));
  return rows[0].Int(0);
}

StatusOr<std::vector<OutboxItem>> OutboxStore::ClaimDue(Database& db, int64_t now_ms, int limit,
                                                        const std::string& owner,
                                                        int64_t lease_ms) {
  std::vector<OutboxItem> items;
  if (owner.empty()) return Status::InvalidArgument("outbox: a claim needs its owner's id");
  if (lease_ms <= 0) return Status::InvalidArgument("outbox: a claim's lease must be > 0 ms");
  if (limit <= 0) return items;
  // One statement, so the claim is atomic without a transaction. The candidate scan walks
  // outbox_due (status, next_attempt_at) in due order; each candidate costs two index probes.
  const std::string candidates =
      std::string("SELECT o.id FROM outbox o WHERE o.status = 'pending' AND o.next_attempt_at <= ? "
                  "AND ") +
      kIsHead + " ORDER BY o.next_attempt_at, o.id LIMIT ?";
  const std::string set =
      "UPDATE outbox SET status = 'sending', attempts = attempts + 1, updated_at = ?, "
      "claimed_by = ?, lease_until = ? ";
  const std::string returning = std::string(" RETURNING ") + kItemColumns;
  StatusOr<Rows> claimed = Status::Internal("not run");
  if (IsPostgres(db)) {
    // Several instances, READ COMMITTED: the candidates are locked as they are found, skipping
    // rows another transaction holds - a head being claimed elsewhere (its destination's later
    // rows are no heads: that one still reads 'pending' here). The outer UPDATE rechecks
    // 'pending' on the row's latest version, so a row another instance claimed after this
    // statement's snapshot is not claimed twice. The CTE runs once (MATERIALIZED): as an
    // IN-subquery the planner may run it again per row, and each run would skip the rows the
    // last one locked and claim past the limit.
    claimed = db.Query("WITH picked AS MATERIALIZED (" + candidates +
                           " FOR UPDATE OF o SKIP LOCKED) " + set +
                           "WHERE id IN (SELECT id FROM picked) AND status = 'pending'" + returning,
                       {now_ms, int64_t{limit}, now_ms, owner, now_ms + lease_ms});
  } else {
    // SQLite has one writer at a time.
    claimed = db.Query(set + "WHERE id IN (" + candidates + ")" + returning,
                       {now_ms, owner, now_ms + lease_ms, now_ms, int64_t{limit}});
  }
  LINLI_ASSIGN_OR_RETURN(Rows rows, std::move(claimed));
  std::vector<int64_t> unreadable;
  items.reserve(rows.size());
  for (const Row& r : rows) {
    auto item = ToItem(r);
    if (item.ok()) {
      items.push_back(std::move(item).value());
    } else {
      unreadable.push_back(r.Int(0));
    }
  }
  for (int64_t id : unreadable) {
    // Never deliverable: fail it rather than block its destination forever.
    internal::Logger()->error("outbox: message {} has an unreadable payload; marked failed", id);
    OutboxItem claimed;
    claimed.id = id;
    claimed.claimed_by = owner;
    claimed.lease_until_ms = now_ms + lease_ms;
    Status st = MarkFailed(db, claimed, "unreadable payload");
    if (!st.ok()) internal::Logger()->error("outbox: cannot fail message {}: {}", id, st.ToString());
  }
  // RETURNING order is unspecified: hand them out in due order.
  std::sort(items.begin(), items.end(), [](const OutboxItem& a, const OutboxItem& b) {
    return a.next_attempt_at_ms != b.next_attempt_at_ms
               ? a.next_attempt_at_ms < b.next_attempt_at_ms
               : a.id < b.id;
  });
  return items;
}

Status OutboxStore::MarkSent(Database& db, const OutboxItem& claimed,
                             const std::string& platform_message_id, int64_t now_ms) {
  return UpdateClaimed(db, claimed,
                       "UPDATE outbox SET status = 'sent', platform_message_id = ?, sent_at = ?, "
                       "updated_at = ?, last_error = ''",
                       {platform_message_id, now_ms, now_ms});
}

Status OutboxStore::MarkRetry(Database& db, const OutboxItem& claimed, int64_t next_attempt_at_ms,
                              const std::string& error, bool backoff) {
  return UpdateClaimed(db, claimed,
                       "UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ?, "
                       "backoff = ?",
                       {next_attempt_at_ms, error, int64_t{backoff ? 1 : 0}});
}

StatusOr<int64_t> OutboxStore::RetryBackoffNow(Database& db, const std::string& channel,
                                               int64_t claimed_before_ms, int64_t now_ms) {
  LINLI_RETURN_IF_ERROR(
      db.Exec("UPDATE outbox SET next_attempt_at = ?, backoff = 0 "
              "WHERE status = 'pending' AND next_attempt_at > ? AND backoff = 1 AND channel = ? "
              "AND updated_at < ?",
              {now_ms, now_ms, channel, claimed_before_ms}));
  return db.changes();
}

Status OutboxStore::MarkPaced(Database& db, const OutboxItem& claimed, int64_t next_attempt_at_ms,
                              const std::string& error) {
  return UpdateClaimed(
      db, claimed,
      "UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ?, "
      "backoff = 0, attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END",
      {next_attempt_at_ms, error});
}

Status OutboxStore::MarkFailed(Database& db, const OutboxItem& claimed, const std::string& error) {
  return UpdateClaimed(db, claimed, "UPDATE outbox SET status = 'failed', last_error = ?", {error});
}

Status OutboxStore::MarkDeferred(Database& db, const OutboxItem& claimed,
                                 const std::string& error) {
  return UpdateClaimed(db, claimed, "UPDATE outbox SET status = 'deferred', last_error = ?",
                       {error});
}

StatusOr<bool> OutboxStore::HasUnsent(Database& db, const std::string& channel,
                                      const std::string& chat_id) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query("SELECT 1 FROM outbox WHERE channel = ? AND chat_id = ? AND status IN "
                          "('pending', 'sending', 'deferred') LIMIT 1",
                          {channel, chat_id}));
  return !rows.empty();
}

StatusOr<int64_t> OutboxStore::ReleaseDeferred(Database& db, const std::string& channel,
                                               const std::string& user_id, int64_t now_ms) {
  LINLI_RETURN_IF_ERROR(
      db.Exec("UPDATE outbox SET status = 'pending', next_attempt_at = ?, backoff = 0, updated_at = ? "
              "WHERE channel = ? AND user_id = ? AND status = 'deferred'",
              {now_ms, now_ms, channel, user_id}));
  return db.changes();
}

StatusOr<int64_t> OutboxStore::RecoverInFlight(Database& db, int64_t now_ms) {
  if (IsPostgres(db)) {
    // Shared by instances: only claims nobody holds any more. This process has claimed
    // nothing yet, so no owner is spared.
    LINLI_ASSIGN_OR_RETURN(std::vector<int64_t> ids, RecoverExpired(db, now_ms, ""));
    return static_cast<int64_t>(ids.size());
  }
  LINLI_RETURN_IF_ERROR(
      db.Exec("UPDATE outbox SET status = 'pending', next_attempt_at = ?, backoff = 0, updated_at = ? "
              "WHERE status = 'sending'",
              {now_ms, now_ms}));
  return db.changes();
}

StatusOr<std::vector<int64_t>> OutboxStore::RecoverExpired(Database& db, int64_t now_ms,
                                                           const std::string& except_owner) {
  // The 'sending' rows are few and found through outbox_due (status, ...). On PostgreSQL the
  // rows are locked SKIP LOCKED first (once: the CTE is MATERIALIZED, as in ClaimDue), so
  // instances recovering at once neither wait for each other nor deadlock, and the outer
  // recheck leaves a row another instance took back meanwhile.
  // "" spares nobody (rows claimed before leases existed have no owner).
  const bool spare = !except_owner.empty();
  const std::string expired = std::string("status = 'sending' AND lease_until <= ?") +
                              (spare ? " AND claimed_by <> ?" : "");
  std::vector<Value> test = {now_ms};
  if (spare) test.emplace_back(except_owner);
  const std::string set =
      "UPDATE outbox SET status = 'pending', next_attempt_at = ?, backoff = 0, updated_at = ? ";
  std::vector<Value> params;
  StatusOr<Rows> taken = Status::Internal("not run");
  if (IsPostgres(db)) {
    params = test;
    params.insert(params.end(), {now_ms, now_ms});
    params.insert(params.end(), test.begin(), test.end());
    taken = db.Query("WITH expired AS MATERIALIZED (SELECT id FROM outbox WHERE " + expired +
                         " FOR UPDATE SKIP LOCKED) " + set +
                         "WHERE id IN (SELECT id FROM expired) AND " + expired + " RETURNING id",
                     params);
  } else {
    params = {now_ms, now_ms};
    params.insert(params.end(), test.begin(), test.end());
    taken = db.Query(set + "WHERE " + expired + " RETURNING id", params);
  }
  LINLI_ASSIGN_OR_RETURN(Rows rows, std::move(taken));
  std::vector<int64_t> ids;
  ids.reserve(rows.size());
  for (const Row& r : rows) ids.push_back(r.Int(0));
  std::sort(ids.begin(), ids.end());
  return ids;
}

StatusOr<std::optional<int64_t>> OutboxStore::NextDueAt(Database& db) {
  // Walks outbox_due in due order and stops at the first head.
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query(std::string("SELECT o.next_attempt_at FROM outbox o "
                                      "WHERE o.status = 'pending' AND ") +
                          kIsHead + " ORDER BY o.next_attempt_at LIMIT 1"));
  if (rows.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(rows[0].Int(0));
}

StatusOr<std::optional<OutboxItem>> OutboxStore::Find(Database& db, int64_t id) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows,
      db.Query(std::string("SELECT ") + kItemColumns + " FROM outbox WHERE id = ?", {id}));
  if (rows.empty()) return std::optional<OutboxItem>();
  LINLI_ASSIGN_OR_RETURN(OutboxItem item, ToItem(rows[0]));
  return std::optional<OutboxItem>(std::move(item));
}

StatusOr<int64_t> OutboxStore::CountByStatus(Database& db, const std::string& status) {
  LINLI_ASSIGN_OR_RETURN(Rows rows,
                         db.Query("SELECT COUNT(*) FROM outbox WHERE status = ?", {status}));
  return rows.empty() ? int64_t{0} : rows[0].Int(0);
}

StatusOr<std::vector<OutboxItem>> OutboxStore::ListByStatus(Database& db, const std::string& status,
                                                            int limit) {
  const std::string where = status.empty() ? "status <> 'sent'" : "status = ?";
  std::vector<Value> params;
  if (!status.empty()) params.emplace_back(status);
  params.emplace_back(static_cast<int64_t>(std::max(0, limit)));
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query(std::string("SELECT ") + kItemColumns + " FROM outbox WHERE " + where +
                              " ORDER BY id LIMIT ?",
                          params));
  std::vector<OutboxItem> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    LINLI_ASSIGN_OR_RETURN(OutboxItem item, ToItem(r));
    out.push_back(std::move(item));
  }
  return out;
}

StatusOr<int64_t> OutboxStore::PruneSent(Database& db, int64_t before_ms) {
  LINLI_RETURN_IF_ERROR(
      db.Exec("DELETE FROM outbox WHERE status = 'sent' AND sent_at < ?", {before_ms}));
  return db.changes();
}

}  // namespace linli::storage
