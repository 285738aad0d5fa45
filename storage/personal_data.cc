#include "storage/personal_data.h"

#include <algorithm>

#include "storage/store_util.h"

namespace linli::storage {

namespace {

// The person's identities, for tables keyed by (channel, user_id).
constexpr const char* kIdentities = "SELECT channel, user_id FROM identities WHERE person_id = ?";

// conversations.key and pending_questions.conversation_key are "channel|chat_id|user_id".
std::string ByConversationKey(const std::string& table, const std::string& column) {
  return "DELETE FROM " + table + " WHERE EXISTS (SELECT 1 FROM identities i WHERE " +
         "i.person_id = ? AND substr(" + column + ", 1, length(i.channel) + 1) = i.channel || '|' " +
         "AND substr(" + column + ", length(" + column + ") - length(i.user_id)) = '|' || i.user_id)";
}

std::vector<PersonalTable> BuildMap() {
  const std::string by_identity = std::string("(channel, user_id) IN (") + kIdentities + ")";
  return {
      {"ticket_events", "actor_person_id", {"note", "photo_ref"},
       "SELECT e.at, e.kind, e.from_status, e.to_status, e.note FROM ticket_events e "
       "JOIN tickets t ON t.id = e.ticket_id WHERE t.reporter_person_id = ? AND e.is_public = 1 "
       "ORDER BY e.id",
       {"UPDATE ticket_events SET note = '', photo_ref = '' WHERE actor_person_id = ?",
        "UPDATE ticket_events SET actor_person_id = 0 WHERE actor_person_id = ?"},
       "the public history of the person's tickets is exported; what the person wrote (ratings' "
       "comments) is erased and the events lose their actor; staff notes stay. actor_name is no "
       "person column: it holds only staff display names, admin key names or \"system\", "
       "never a resident's name; rating (of a rating event) is kept like tickets.rating"},
      {"media", "tickets.reporter_person_id", {"platform_ref", "message_id", "local_path", "sha256"},
       "SELECT m.ticket_id, m.state, m.local_path, m.bytes, m.content_type, m.created_at, "
       "m.fetched_at FROM media m JOIN tickets t ON t.id = m.ticket_id WHERE "
       "t.reporter_person_id = ? ORDER BY m.id",
       {"UPDATE media SET state = 'erased', platform_ref = '', message_id = '' WHERE ticket_id "
        "IN (SELECT id FROM tickets WHERE reporter_person_id = ?)"},
       "the photos of the person's tickets (storage/media_store.h) are exported with the ticket "
       "(the file name in media.dir); erasure marks them erased and forgets the platform ids, "
       "and the retention job then deletes the files and the rows"},
      {"referrals", "reporter_person_id", {"note", "answer"},
       "SELECT r.department_id, r.referred_at, r.answered_at FROM referrals r JOIN tickets t ON "
       "t.id = r.ticket_id WHERE t.reporter_person_id = ? ORDER BY r.id",
       {"UPDATE referrals SET note = '', answer = '' WHERE ticket_id IN (SELECT id FROM tickets "
        "WHERE reporter_person_id = ?)"},
       "referrals of the person's tickets to departments are exported (department and times); "
       "erasure forgets the staff note and the department's answer"},
      {"tickets", "reporter_person_id",
       {"unit", "location_text", "description", "photo_ref", "rating_comment"},
       "SELECT number, created_at, category, building, unit, location_text, description, "
       "status, rating, rating_comment FROM tickets WHERE reporter_person_id = ? ORDER BY number",
       {"UPDATE tickets SET unit = '', location_text = '', description = '', photo_ref = '', "
        "rating_comment = '', reporter_person_id = 0 WHERE reporter_person_id = ?",
        "UPDATE tickets SET assignee_person_id = 0 WHERE assignee_person_id = ?"},
       "kept for statistics (category, building, status, dates, rating) without the reporter, "
       "the unit, the resident's words or photos"},
      {"wish_events", "actor_person_id", {"note", "actor_name"},
       "SELECT e.at, e.kind, e.wish_id FROM wish_events e JOIN wishes w ON w.id = e.wish_id "
       "WHERE w.requester_person_id = ? ORDER BY e.id",
       {"UPDATE wish_events SET note = '', actor_name = '', actor_person_id = 0 WHERE "
        "actor_person_id = ?"},
       "the history of the person's wishes is exported (kinds and times); events the person "
       "caused lose their actor, name and words"},
      {"wish_claims", "person_id", {"photo_ref"},
       "SELECT wish_id, status, hours_tenths, claimed_at, done_at FROM wish_claims WHERE "
       "person_id = ? ORDER BY id",
       {"UPDATE wish_claims SET person_id = 0, photo_ref = '' WHERE person_id = ?"},
       "the person's claims are exported; kept for the wish's statistics without the person "
       "or the photo"},
      {"wishes", "requester_person_id",
       {"text", "contact_name", "contact_phone", "contact_unit", "reject_reason"},
       "SELECT id, created_at, category, building, text, deadline, helpers_needed, status "
       "FROM wishes WHERE requester_person_id = ? ORDER BY id",
       {"UPDATE wishes SET text = '', contact_name = '', contact_phone = '', contact_unit = '', "
        "reject_reason = '', requester_person_id = 0, requester_household_id = 0 WHERE "
        "requester_person_id = ?",
        "UPDATE wishes SET posted_by_person_id = 0 WHERE posted_by_person_id = ?"},
       "kept for statistics (category, building, status, dates) without the requester, their "
       "words or their contact details"},
      {"volunteers", "person_id", {"display_name", "organisation", "skills", "buildings"},
       "SELECT display_name, organisation, skills, buildings, status, source, registered_at, "
       "confirmed_at FROM volunteers WHERE person_id = ?",
       {"DELETE FROM volunteers WHERE person_id = ?"},
       "the volunteer's registration (报到: display name, organisation, skills, buildings); "
       "exported and deleted. confirmed_by holds a staff name, never the volunteer's"},
      {"points_ledger", "person_id", {"person_id", "note", "idem_key"},
       "SELECT id, created_at, amount, reason, ref, note FROM points_ledger WHERE person_id = ? "
       "ORDER BY id",
       {"UPDATE points_ledger SET person_id = 0, note = '', idem_key = NULL WHERE person_id = ?"},
       "the person's points entries are exported; erasure keeps them for the totals without the "
       "person (person_id 0), the staff's note or the key naming the person - the one change "
       "ever made to this append-only ledger"},
      {"redemptions", "person_id", {"person_id"},
       "SELECT id, item_id, cost, status, requested_at, closed_at FROM redemptions "
       "WHERE person_id = ? ORDER BY id",
       {"UPDATE redemptions SET person_id = 0 WHERE person_id = ?"},
       "what the person exchanged points for; exported, and kept for the stock count without "
       "the person. closed_by holds a staff name"},
      {"catalogue_stock", "", {}, "", {}, "stock of the redemption catalogue; no personal data"},
      {"invite_codes", "used_by_person_id", {"used_by_person_id"}, "",
       {"UPDATE invite_codes SET used_by_person_id = NULL WHERE used_by_person_id = ?"},
       "codes the person used lose the link to the person"},
      {"person_households", "person_id", {"person_id", "bound_by_person_id"},
       "SELECT h.building, h.unit, h.room, b.bound_at FROM person_households b "
       "JOIN households h ON h.id = b.household_id WHERE b.person_id = ? ORDER BY b.bound_at",
       {"UPDATE person_households SET bound_by_person_id = 0 WHERE bound_by_person_id = ?",
        "DELETE FROM person_households WHERE person_id = ?"},
       "the person's household bindings are exported and deleted"},
      {"ballots", "person_id", {"person_id", "household_id", "answers", "collected_by_person_id"},
       "SELECT decision_id, via, cast_at FROM ballots WHERE person_id = ? ORDER BY decision_id",
       {"UPDATE ballots SET collected_by_person_id = 0 WHERE collected_by_person_id = ?",
        "UPDATE ballots SET person_id = 0 WHERE person_id = ?"},
       "the household's (or person's) current ballot: the export names the decisions the person "
       "voted in, never the choice (secret ballots); erasure unlinks the person, the ballot "
       "stays with its household so the count and the audit do not change"},
      {"ballot_history", "person_id",
       {"person_id", "household_id", "answers", "collected_by_person_id"}, "",
       {"UPDATE ballot_history SET collected_by_person_id = 0 WHERE collected_by_person_id = ?",
        "UPDATE ballot_history SET person_id = 0 WHERE person_id = ?"},
       "every ballot accepted (the audit); erasure unlinks the person as for ballots"},
      {"decision_comments", "person_id", {"text"},
       "SELECT decision_id, text, at FROM decision_comments WHERE person_id = ? ORDER BY id",
       {"DELETE FROM decision_comments WHERE person_id = ?"},
       "a representative's comments on a draft; exported and deleted"},
      {"decision_invites", "person_id", {"person_id"}, "",
       {"DELETE FROM decision_invites WHERE person_id = ?"},
       "invitations to comment on a draft; deleted"},
      {"decision_nominations", "by_person_id", {"nominee", "by_person_id"}, "",
       {"UPDATE decision_nominations SET by_person_id = 0 WHERE by_person_id = ?"},
       "nominations for an election: the nominee's name stays (the election is public), the "
       "nominator is unlinked"},
      {"decisions", "created_by_person_id", {}, "",
       {"UPDATE decisions SET created_by_person_id = 0 WHERE created_by_person_id = ?"},
       "decisions drafted by staff; created_by_name holds a staff or key name only"},
      {"web_sessions", "person_id", {"person_id"}, "",
       {"DELETE FROM web_sessions WHERE person_id = ?"},
       "web sign-in sessions (storage/web_session_store.h: a token hash, the person, times); "
       "not exported (nothing the person said), deleted on erasure, which also signs them out"},
      {"login_links", "person_id", {"person_id"}, "",
       {"DELETE FROM login_links WHERE person_id = ?"},
       "one-time console login links sent to staff in chat (a token hash and times); deleted"},
      {"report_drafts", "confirmed_by_person_id", {}, "",
       {"UPDATE report_drafts SET confirmed_by_person_id = 0 WHERE confirmed_by_person_id = ?"},
       "quarterly red/black lists of property companies (no resident in them); who confirmed "
       "is a staff member, unlinked on erasure (confirmed_by_name is a staff name)"},
      {"decision_results", "", {}, "", {},
       "computed totals of a closed decision; no person column (secret ballots never name a "
       "voter)"},
      {"households", "", {"owner_name", "phone", "owner_key"}, "", {},
       "the property company's roster (owner names and phones; owner_key, the phone or the "
       "file's owner id that groups one owner's units for the decision rule), kept by staff "
       "with `linli roster`; a person's export shows the bound households, erasure unbinds "
       "them"},
      {"roster_names_token", "", {}, "", {},
       "one number that changes with every roster import (the key under which the masking "
       "module keeps the owner names); no person in it"},
      {"link_codes", "person_id", {"code"}, "", {"DELETE FROM link_codes WHERE person_id = ?"},
       "one-time codes; deleted"},
      {"link_failures", "identity", {"user_id"}, "",
       {"DELETE FROM link_failures WHERE " + by_identity}, "wrong-code counters; deleted"},
      {"bind_failures", "identity", {"user_id"}, "",
       {"DELETE FROM bind_failures WHERE " + by_identity}, "wrong-code counters; deleted"},
      {"rate_counters", "identity", {"key"}, "",
       {"DELETE FROM rate_counters WHERE key IN (SELECT 'turns|' || channel || '|' || user_id "
        "FROM identities WHERE person_id = ?)"},
       "message-rate counters; deleted"},
      {"conversations", "identity", {"key", "slots_json"}, "",
       {ByConversationKey("conversations", "key")},
       "unfinished dialogs (what the person was typing); deleted"},
      {"pending_questions", "identity", {"conversation_key", "ref"}, "",
       {ByConversationKey("pending_questions", "conversation_key")},
       "questions pushed to the person awaiting an answer; deleted"},
      {"outbox", "identity", {"user_id", "chat_id", "payload"},
       "SELECT channel, status, created_at, sent_at FROM outbox WHERE " + by_identity +
           " ORDER BY id",
       {"DELETE FROM outbox WHERE " + by_identity},
       "messages to the person (pruned after the retention period); deleted"},
      {"identities", "person_id", {"channel", "user_id", "chat_id"},
       "SELECT channel, user_id, chat_type, last_seen_at FROM identities WHERE person_id = ? "
       "ORDER BY channel",
       {"DELETE FROM identities WHERE person_id = ?"},
       "the person's accounts on each platform; deleted, so the next message is a new person"},
      {"persons", "persons.id", {"locale"},
       "SELECT id, role, tier, locale, created_at FROM persons WHERE id = ?",
       {"DELETE FROM persons WHERE id = ?"}, "the person; deleted"},
      {"inbox", "", {"ack_body"}, "", {},
       "redelivery answers (may quote a reply), no person column; pruned after 7 days"},
      {"schema_migrations", "", {}, "", {}, "no personal data"},
      {"job_runs", "", {}, "", {}, "scheduled jobs' progress; no personal data"},
      {"ticket_tallies", "", {}, "", {},
       "ticket counts per status, category and building; no personal data"},
      {"seen_signatures", "", {}, "", {},
       "signed timestamps and body digests of DingTalk callbacks for their one-hour window; no "
       "personal data"},
      {"card_refs", "", {}, "", {},
       "which bot message in a chat shows what (cards carry no personal data); pruned after "
       "retention.card_refs_days"},
      {"platform_tokens", "", {}, "", {},
       "the channels' platform access tokens (secrets of the service, valid about two hours); "
       "no personal data"},
  };
}

std::vector<Value> PersonParams(const std::string& sql, int64_t person_id) {
  return std::vector<Value>(static_cast<size_t>(std::count(sql.begin(), sql.end(), '?')),
                            Value{person_id});
}

StatusOr<bool> PersonExists(Database& db, int64_t person_id) {
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query("SELECT 1 FROM persons WHERE id = ?", {person_id}));
  return !rows.empty();
}

// The column names of a SELECT's list, for the export's headings.
std::vector<std::string> SelectColumns(const std::string& sql) {
  std::vector<std::string> out;
  const size_t from = sql.find(" FROM ");
  std::string list = sql.substr(7, from - 7);
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string col = list.substr(start, comma - start);
    col.erase(0, col.find_first_not_of(' '));
    col.erase(col.find_last_not_of(' ') + 1);
    if (const size_t dot = col.find('.'); dot != std::string::npos) col = col.substr(dot + 1);
    out.push_back(col);
    start = comma + 1;
  }
  return out;
}

}  // namespace

const std::vector<PersonalTable>& PersonalDataMap() {
  static const auto* const kMap = new std::vector<PersonalTable>(BuildMap());
  return *kMap;
}

StatusOr<std::vector<ExportSection>> PersonalData::Export(Database& db, int64_t person_id) {
  LINLI_ASSIGN_OR_RETURN(bool exists, PersonExists(db, person_id));
  if (!exists) return Status::NotFound("privacy: no person " + std::to_string(person_id));
  std::vector<ExportSection> out;
  for (const auto& t : PersonalDataMap()) {
    if (t.export_sql.empty()) continue;
    ExportSection section;
    section.table = t.table;
    section.columns = SelectColumns(t.export_sql);
    LINLI_ASSIGN_OR_RETURN(section.rows, db.Query(t.export_sql, PersonParams(t.export_sql, person_id)));
    out.push_back(std::move(section));
  }
  return out;
}

Status PersonalData::Erase(Database& db, int64_t person_id) {
  LINLI_ASSIGN_OR_RETURN(bool exists, PersonExists(db, person_id));
  if (!exists) return Status::NotFound("privacy: no person " + std::to_string(person_id));
  internal::TxScope scope(db, "personal_erase");
  LINLI_RETURN_IF_ERROR(scope.status());
  for (const auto& t : PersonalDataMap()) {
    for (const auto& sql : t.erase_sql) {
      LINLI_RETURN_IF_ERROR(db.Exec(sql, PersonParams(sql, person_id)));
    }
  }
  return scope.Commit();
}

}  // namespace linli::storage
