#include "storage/identity_store.h"

#include <optional>
#include <string>
#include <vector>

#include "storage/store_util.h"

namespace linli::storage {
namespace {

constexpr const char* kPersonColumns = "id, role, tier, locale, created_at";
constexpr const char* kIdentityColumns =
    "channel, user_id, person_id, chat_id, chat_type, last_seen_at, message_window_at, "
    "message_window_sends, event_window_at, event_window_sends, unsubscribed_at";

Person ToPerson(const Row& r) {
  Person p;
  p.id = r.Int(0);
  p.role = r.Text(1);
  p.tier = r.Text(2);
  p.locale = r.Text(3);
  p.created_at_ms = r.Int(4);
  return p;
}

Identity ToIdentity(const Row& r) {
  Identity id;
  id.channel = r.Text(0);
  id.user_id = r.Text(1);
  id.person_id = r.Int(2);
  id.last_conversation.channel = id.channel;
  id.last_conversation.user_id = id.user_id;
  id.last_conversation.chat_id = r.Text(3);
  id.last_conversation.chat_type = internal::ParseChatType(r.Text(4));
  id.last_seen_ms = r.Int(5);
  id.window.last_message_ms = r.Int(6);
  id.window.message_sends = static_cast<int>(r.Int(7));
  id.window.last_event_ms = r.Int(8);
  id.window.event_sends = static_cast<int>(r.Int(9));
  id.window.unsubscribed = r.Int(10) != 0;
  return id;
}

bool ValidRole(const std::string& role) {
  return role == "resident" || role == "volunteer" || role == "staff" || role == "admin";
}

bool ValidTier(const std::string& tier) {
  return tier.empty() || tier == "grid" || tier == "property" || tier == "community" ||
         tier == "street";
}

// The chat an identity was last seen in: a private chat's id is the user's.
std::string ChatIdOf(const ConversationRef& ref) {
  return ref.chat_id.empty() ? ref.user_id : ref.chat_id;
}

// A known identity's last chat and time, in one statement: its person id, or none when the
// identity is new.
StatusOr<std::optional<int64_t>> TouchKnown(Database& db, const ConversationRef& ref,
                                            int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(
      Rows found, db.Query("UPDATE identities SET chat_id = ?, chat_type = ?, last_seen_at = ? "
                           "WHERE channel = ? AND user_id = ? RETURNING person_id",
                           {ChatIdOf(ref), internal::ChatTypeName(ref.chat_type), now_ms,
                            ref.channel, ref.user_id}));
  if (found.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(found[0].Int(0));
}

// The person an identity row points to (the foreign key makes a missing one an internal error).
StatusOr<Person> ExistingPerson(Database& db, int64_t person_id) {
  LINLI_ASSIGN_OR_RETURN(auto person, IdentityStore::FindPerson(db, person_id));
  if (!person) return Status::Internal("identity: person row missing");
  return *person;
}

// One attempt at Touch inside `scope`. Sets *raced when another writer created the identity
// between our lookup and insert.
StatusOr<Person> TouchOnce(Database& db, const ConversationRef& ref, int64_t now_ms, bool* raced) {
  LINLI_ASSIGN_OR_RETURN(std::optional<int64_t> known, TouchKnown(db, ref, now_ms));
  int64_t person_id = 0;
  if (known) {
    person_id = *known;
  } else {
    LINLI_ASSIGN_OR_RETURN(
        Rows created,
        db.Query("INSERT INTO persons (role, tier, locale, created_at) "
                 "VALUES ('resident', '', '', ?) RETURNING id",
                 {now_ms}));
    if (created.empty()) return Status::Internal("identity: INSERT RETURNING gave no row");
    person_id = created[0].Int(0);
    LINLI_RETURN_IF_ERROR(db.Exec(
        "INSERT INTO identities (channel, user_id, person_id, chat_id, chat_type, last_seen_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel, user_id) DO NOTHING",
        {ref.channel, ref.user_id, person_id, ChatIdOf(ref), internal::ChatTypeName(ref.chat_type),
         now_ms}));
    if (db.changes() == 0) {
      *raced = true;
      return Status::Unavailable("identity created concurrently");
    }
  }
  return ExistingPerson(db, person_id);
}

}  // namespace

StatusOr<Person> IdentityStore::Touch(Database& db, const ConversationRef& ref, int64_t now_ms) {
  if (ref.channel.empty() || ref.user_id.empty()) {
    return Status::InvalidArgument("identity: channel and user_id are required");
  }
  // The usual turn: a known identity, one UPDATE and the person's row, no savepoint (a single
  // statement is atomic). Only a new identity needs the scope around its three writes.
  LINLI_ASSIGN_OR_RETURN(std::optional<int64_t> known, TouchKnown(db, ref, now_ms));
  if (known) return ExistingPerson(db, *known);
  for (int attempt = 0;; ++attempt) {
    internal::TxScope scope(db, "identity_touch");
    LINLI_RETURN_IF_ERROR(scope.status());
    bool raced = false;
    auto person = TouchOnce(db, ref, now_ms, &raced);
    if (person.ok()) {
      LINLI_RETURN_IF_ERROR(scope.Commit());
      return person;
    }
    if (!raced || attempt > 0) return person.status();
    // The scope rolls back the orphan person; the retry finds the other writer's identity.
  }
}

StatusOr<std::optional<Person>> IdentityStore::FindPerson(Database& db, int64_t person_id) {
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query(std::string("SELECT ") + kPersonColumns +
                                                 " FROM persons WHERE id = ?",
                                             {person_id}));
  if (rows.empty()) return std::optional<Person>();
  return std::optional<Person>(ToPerson(rows[0]));
}

StatusOr<std::optional<Identity>> IdentityStore::FindIdentity(Database& db,
                                                              const std::string& channel,
                                                              const std::string& user_id) {
  LINLI_ASSIGN_OR_RETURN(Rows rows,
                         db.Query(std::string("SELECT ") + kIdentityColumns +
                                      " FROM identities WHERE channel = ? AND user_id = ?",
                                  {channel, user_id}));
  if (rows.empty()) return std::optional<Identity>();
  return std::optional<Identity>(ToIdentity(rows[0]));
}

StatusOr<std::optional<Identity>> IdentityStore::LastUsedIdentity(Database& db,
                                                                  int64_t person_id) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query(std::string("SELECT ") + kIdentityColumns +
                              " FROM identities WHERE person_id = ? "
                              "ORDER BY last_seen_at DESC LIMIT 1",
                          {person_id}));
  if (rows.empty()) return std::optional<Identity>();
  return std::optional<Identity>(ToIdentity(rows[0]));
}

Status IdentityStore::SetRole(Database& db, int64_t person_id, const std::string& role,
                              const std::string& tier) {
  if (!ValidRole(role)) return Status::InvalidArgument("identity: unknown role '" + role + "'");
  if (!ValidTier(tier)) return Status::InvalidArgument("identity: unknown tier '" + tier + "'");
  LINLI_RETURN_IF_ERROR(
      db.Exec("UPDATE persons SET role = ?, tier = ? WHERE id = ?", {role, tier, person_id}));
  if (db.changes() == 0) return Status::NotFound("identity: no person " + std::to_string(person_id));
  return Status::Ok();
}

Status IdentityStore::SetLocale(Database& db, int64_t person_id, const std::string& locale) {
  LINLI_RETURN_IF_ERROR(
      db.Exec("UPDATE persons SET locale = ? WHERE id = ?", {locale, person_id}));
  if (db.changes() == 0) return Status::NotFound("identity: no person " + std::to_string(person_id));
  return Status::Ok();
}



Status IdentityStore::RecordContact(Database& db, const std::string& channel,
                                    const std::string& user_id, int64_t now_ms, bool by_event) {
  // Any contact means the user follows the account (again).
  return db.Exec(by_event ? "UPDATE identities SET event_window_at = ?, event_window_sends = 0, "
                            "unsubscribed_at = 0 WHERE channel = ? AND user_id = ?"
                          : "UPDATE identities SET message_window_at = ?, message_window_sends = 0, "
                            "unsubscribed_at = 0 WHERE channel = ? AND user_id = ?",
                 {now_ms, channel, user_id});
}

Status IdentityStore::CountWindowSend(Database& db, const std::string& channel,
                                      const std::string& user_id, WindowUse use) {
  if (use == WindowUse::kNone) return Status::Ok();
  return db.Exec(use == WindowUse::kMessage
                     ? "UPDATE identities SET message_window_sends = message_window_sends + 1 "
                       "WHERE channel = ? AND user_id = ?"
                     : "UPDATE identities SET event_window_sends = event_window_sends + 1 "
                       "WHERE channel = ? AND user_id = ?",
                 {channel, user_id});
}

Status IdentityStore::RecordUnsubscribe(Database& db, const std::string& channel,
                                        const std::string& user_id, int64_t now_ms) {
  return db.Exec(
      "UPDATE identities SET unsubscribed_at = ?, message_window_at = 0, event_window_at = 0 "
      "WHERE channel = ? AND user_id = ?",
      {now_ms, channel, user_id});
}

Status IdentityStore::MergeInto(Database& db, int64_t from_person, int64_t into_person) {
  if (from_person == into_person) return Status::Ok();
  LINLI_ASSIGN_OR_RETURN(auto from, FindPerson(db, from_person));
  LINLI_ASSIGN_OR_RETURN(auto into, FindPerson(db, into_person));
  if (!from || !into) return Status::NotFound("identity: merge of an unknown person");
  internal::TxScope scope(db, "identity_merge");
  LINLI_RETURN_IF_ERROR(scope.status());
  // Every table that references a person. Add new ones here.
  static constexpr const char* kMoves[] = {
      "UPDATE identities SET person_id = ? WHERE person_id = ?",
      "UPDATE tickets SET reporter_person_id = ? WHERE reporter_person_id = ?",
      "UPDATE tickets SET assignee_person_id = ? WHERE assignee_person_id = ?",
      "UPDATE ticket_events SET actor_person_id = ? WHERE actor_person_id = ?",
      "UPDATE person_households SET bound_by_person_id = ? WHERE bound_by_person_id = ?",
      "UPDATE invite_codes SET used_by_person_id = ? WHERE used_by_person_id = ?",
      "UPDATE wishes SET requester_person_id = ? WHERE requester_person_id = ?",
      "UPDATE wishes SET posted_by_person_id = ? WHERE posted_by_person_id = ?",
      "UPDATE wish_events SET actor_person_id = ? WHERE actor_person_id = ?",
      "UPDATE decisions SET created_by_person_id = ? WHERE created_by_person_id = ?",
      "UPDATE ballots SET person_id = ? WHERE person_id = ?",
      "UPDATE ballots SET collected_by_person_id = ? WHERE collected_by_person_id = ?",
      "UPDATE ballot_history SET person_id = ? WHERE person_id = ?",
      "UPDATE ballot_history SET collected_by_person_id = ? WHERE collected_by_person_id = ?",
      "UPDATE decision_comments SET person_id = ? WHERE person_id = ?",
      "UPDATE decision_nominations SET by_person_id = ? WHERE by_person_id = ?",
      // The points ledger is append-only in its amounts; a merge only says whose they are.
      "UPDATE points_ledger SET person_id = ? WHERE person_id = ?",
      "UPDATE redemptions SET person_id = ? WHERE person_id = ?",
  };
  for (const char* sql : kMoves) LINLI_RETURN_IF_ERROR(db.Exec(sql, {into_person, from_person}));
  // Household bindings: keep each once (both persons may be bound to the same household).
  LINLI_RETURN_IF_ERROR(db.Exec(
      "INSERT INTO person_households (person_id, household_id, bound_at, bound_by_person_id) "
      "SELECT ?, household_id, bound_at, bound_by_person_id FROM person_households "
      "WHERE person_id = ? ON CONFLICT DO NOTHING",
      {into_person, from_person}));
  LINLI_RETURN_IF_ERROR(db.Exec("DELETE FROM person_households WHERE person_id = ?", {from_person}));
  // Wish claims: one per (wish, person); where both claimed the same wish the kept one is
  // `into_person`'s.
  LINLI_RETURN_IF_ERROR(db.Exec(
      "UPDATE wish_claims SET person_id = ? WHERE person_id = ? AND wish_id NOT IN "
      "(SELECT wish_id FROM wish_claims WHERE person_id = ?)",
      {into_person, from_person, into_person}));
  LINLI_RETURN_IF_ERROR(db.Exec("DELETE FROM wish_claims WHERE person_id = ?", {from_person}));
  // Invitations to comment on a decision: likewise once each.
  LINLI_RETURN_IF_ERROR(db.Exec(
      "INSERT INTO decision_invites (decision_id, person_id, invited_at) "
      "SELECT decision_id, ?, invited_at FROM decision_invites WHERE person_id = ? "
      "ON CONFLICT DO NOTHING",
      {into_person, from_person}));
  LINLI_RETURN_IF_ERROR(db.Exec("DELETE FROM decision_invites WHERE person_id = ?", {from_person}));
  // The volunteer record (报到): `into_person`'s own if it has one, else `from_person`'s (the
  // same human proved both accounts with a link code); the other goes with `from_person`.
  LINLI_RETURN_IF_ERROR(db.Exec(
      "UPDATE volunteers SET person_id = ? WHERE person_id = ? AND NOT EXISTS "
      "(SELECT 1 FROM volunteers WHERE person_id = ?)",
      {into_person, from_person, into_person}));
  // Roles are not merged: `into_person` keeps its own role and its source, so a merge can
  // never raise anyone's rights (domain/people/linking.h refuses links involving staff).
  LINLI_RETURN_IF_ERROR(db.Exec("DELETE FROM link_codes WHERE person_id = ?", {from_person}));
  LINLI_RETURN_IF_ERROR(db.Exec("DELETE FROM persons WHERE id = ?", {from_person}));
  return scope.Commit();
}

StatusOr<int64_t> IdentityStore::CountIdentities(Database& db, int64_t person_id) {
  LINLI_ASSIGN_OR_RETURN(Rows rows,
                         db.Query("SELECT COUNT(*) FROM identities WHERE person_id = ?", {person_id}));
  return rows.empty() ? int64_t{0} : rows[0].Int(0);
}

}  // namespace linli::storage
