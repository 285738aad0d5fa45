#include "storage/migrations.h"

#include <chrono>
#include <string>
#include <string_view>

#include "storage/store_util.h"

namespace linli::storage {
namespace {

struct Migration {
  int version;
  // Placeholders for what the dialects spell differently (DialectTypes below): "{ID}" the
  // auto-increment primary key column, "{REAL}" an 8-byte float column, "{DECIMAL:expr}"
  // `expr` as an exact decimal where rounding must be the same on both (PostgreSQL rounds a
  // double half to even, SQLite half away from zero; both round a NUMERIC half away).
  const char* sql;
};

// Append only: never edit or reorder a migration that has shipped; add a new one instead.
// Portable SQL (SQLite 3.40 and PostgreSQL 15). Times are epoch milliseconds (BIGINT),
// booleans 0/1 (INTEGER). A placeholder renders on SQLite exactly as the text it replaced.
constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE persons (
  id {ID},
  role TEXT NOT NULL DEFAULT 'resident',
  tier TEXT NOT NULL DEFAULT '',
  locale TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE TABLE identities (
  channel TEXT NOT NULL,
  user_id TEXT NOT NULL,
  person_id BIGINT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
  chat_id TEXT NOT NULL,
  chat_type TEXT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  PRIMARY KEY (channel, user_id)
);
CREATE INDEX identities_person_seen ON identities (person_id, last_seen_at);
)sql"},
    {2, R"sql(
CREATE TABLE tickets (
  id {ID},
  number BIGINT NOT NULL,
  reporter_person_id BIGINT NOT NULL,
  channel TEXT NOT NULL,
  category TEXT NOT NULL,
  building TEXT NOT NULL,
  unit TEXT NOT NULL,
  location_text TEXT NOT NULL,
  description TEXT NOT NULL,
  photo_ref TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX tickets_number ON tickets (number);
CREATE INDEX tickets_reporter ON tickets (reporter_person_id, id);
CREATE TABLE ticket_events (
  id {ID},
  ticket_id BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
  at BIGINT NOT NULL,
  actor_person_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  from_status TEXT NOT NULL,
  to_status TEXT NOT NULL,
  note TEXT NOT NULL,
  is_public INTEGER NOT NULL
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);
)sql"},
    {3, R"sql(
CREATE TABLE conversations (
  key TEXT PRIMARY KEY,
  flow TEXT NOT NULL,
  step TEXT NOT NULL,
  slots_json TEXT NOT NULL,
  locale TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
)sql"},
    {4, R"sql(
CREATE TABLE inbox (
  channel TEXT NOT NULL,
  platform_message_id TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  ack_status INTEGER NOT NULL,
  ack_content_type TEXT NOT NULL,
  ack_body TEXT NOT NULL,
  ack_headers TEXT NOT NULL,
  PRIMARY KEY (channel, platform_message_id)
);
CREATE INDEX inbox_received ON inbox (received_at);
)sql"},
    {5, R"sql(
CREATE TABLE outbox (
  id {ID},
  channel TEXT NOT NULL,
  user_id TEXT NOT NULL,
  chat_id TEXT NOT NULL,
  chat_type TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  platform_message_id TEXT NOT NULL DEFAULT '',
  sent_at BIGINT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_destination ON outbox (channel, chat_id, status, id);
CREATE INDEX outbox_user ON outbox (channel, user_id, status);
)sql"},
    {6, R"sql(
ALTER TABLE identities ADD COLUMN message_window_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE identities ADD COLUMN message_window_sends INTEGER NOT NULL DEFAULT 0;
ALTER TABLE identities ADD COLUMN event_window_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE identities ADD COLUMN event_window_sends INTEGER NOT NULL DEFAULT 0;
ALTER TABLE identities ADD COLUMN unsubscribed_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN notify_channel TEXT NOT NULL DEFAULT '';
CREATE TABLE link_codes (
  code TEXT PRIMARY KEY,
  person_id BIGINT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX link_codes_person ON link_codes (person_id);
CREATE TABLE link_failures (
  channel TEXT NOT NULL,
  user_id TEXT NOT NULL,
  window_start BIGINT NOT NULL,
  failures INTEGER NOT NULL,
  PRIMARY KEY (channel, user_id)
);
)sql"},
    {7, R"sql(
ALTER TABLE tickets ADD COLUMN tier TEXT NOT NULL DEFAULT 'compound';
ALTER TABLE tickets ADD COLUMN assignee_person_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN public_summary TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN deferred_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN deferred_plan TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN deferred_until TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN accept_due_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN resolve_due_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN resolved_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN rating TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN rating_comment TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN rated_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN merged_into BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN escalations INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN overdue_flagged_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ticket_events ADD COLUMN photo_ref TEXT NOT NULL DEFAULT '';
CREATE INDEX tickets_accept_due ON tickets (status, accept_due_at);
CREATE INDEX tickets_resolve_due ON tickets (status, resolve_due_at);
CREATE INDEX tickets_resolved_at ON tickets (status, resolved_at);
CREATE INDEX tickets_created_at ON tickets (created_at);
CREATE INDEX ticket_events_at ON ticket_events (at);
)sql"},
    {8, R"sql(
CREATE TABLE households (
  id {ID},
  building TEXT NOT NULL,
  unit TEXT NOT NULL,
  room TEXT NOT NULL,
  area_m2 {REAL} NOT NULL,
  owner_name TEXT NOT NULL,
  phone TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (building, unit, room)
);
CREATE TABLE invite_codes (
  code TEXT PRIMARY KEY,
  household_id BIGINT NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  used_at BIGINT,
  used_by_person_id BIGINT
);
CREATE INDEX invite_codes_household ON invite_codes (household_id, used_at);
CREATE TABLE person_households (
  person_id BIGINT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
  household_id BIGINT NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  bound_at BIGINT NOT NULL,
  bound_by_person_id BIGINT NOT NULL,
  PRIMARY KEY (person_id, household_id)
);
CREATE INDEX person_households_household ON person_households (household_id);
CREATE TABLE bind_failures (
  channel TEXT NOT NULL,
  user_id TEXT NOT NULL,
  window_start BIGINT NOT NULL,
  failures INTEGER NOT NULL,
  PRIMARY KEY (channel, user_id)
);
ALTER TABLE persons ADD COLUMN role_source TEXT NOT NULL DEFAULT '';
)sql"},
    {9, R"sql(
CREATE TABLE job_runs (
  name TEXT PRIMARY KEY,
  last_period_start BIGINT NOT NULL,
  last_run_at BIGINT NOT NULL,
  runs BIGINT NOT NULL
);
)sql"},
    // Card references: which bot message (platform id, per channel and chat) shows what, so a
    // reply to it reaches the flow that handles that kind of card.
    {10, R"sql(
CREATE TABLE card_refs (
  channel TEXT NOT NULL,
  chat_id TEXT NOT NULL,
  platform_message_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  ref TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (channel, chat_id, platform_message_id)
);
CREATE INDEX card_refs_created_at ON card_refs (created_at);
)sql"},
    // Pushed questions: at most one pending per private conversation (ConversationRef::Key()).
    {11, R"sql(
CREATE TABLE pending_questions (
  conversation_key TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  ref TEXT NOT NULL,
  options TEXT NOT NULL,
  asked_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX pending_questions_expires_at ON pending_questions (expires_at);
)sql"},
    // Signed header pairs seen on platforms whose signature does not cover the body
    // (DingTalk), kept until their window closes so a replay with another body is refused
    // after a restart too (storage/seen_signature_store.h). No personal data: the key is a
    // timestamp and an HMAC, the digest a SHA-256 of the body.
    {12, R"sql(
CREATE TABLE seen_signatures (
  channel TEXT NOT NULL,
  signature_key TEXT NOT NULL,
  body_digest TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (channel, signature_key)
);
CREATE INDEX seen_signatures_expires ON seen_signatures (expires_at);
)sql"},
    {13, R"sql(
CREATE TABLE rate_counters (
  key TEXT PRIMARY KEY,
  window_start BIGINT NOT NULL,
  window_end BIGINT NOT NULL,
  hits BIGINT NOT NULL
);
CREATE INDEX rate_counters_end ON rate_counters (window_end);
)sql"},
    // Who acted, by name (issue 8): a staff member's display name, an admin API key's name,
    // "system" for the scheduler; '' for residents and for events written before. A rating
    // event carries its rating, so every rating counts (not only a ticket's last one).
    {14, R"sql(
ALTER TABLE ticket_events ADD COLUMN actor_name TEXT NOT NULL DEFAULT '';
ALTER TABLE ticket_events ADD COLUMN rating TEXT NOT NULL DEFAULT '';
)sql"},
    // Volunteers (issue 9, 报到) and the points ledger. The ledger is append-only: a correction
    // is a new compensating entry; the only UPDATE ever run on it is the privacy erasure
    // (storage/personal_data.cc). idem_key is NULL for "no key", so the plain UNIQUE index
    // allows any number of keyless entries on SQLite and on PostgreSQL (NULLS DISTINCT) alike.
    // hours_centi: hours of service x 100 carried by a "hours" (or "wish") entry, exact.
    {15, R"sql(
CREATE TABLE volunteers (
  person_id BIGINT PRIMARY KEY REFERENCES persons(id) ON DELETE CASCADE,
  display_name TEXT NOT NULL DEFAULT '',
  organisation TEXT NOT NULL DEFAULT '',
  skills TEXT NOT NULL DEFAULT '',
  buildings TEXT NOT NULL DEFAULT '[]',
  status TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT '',
  registered_at BIGINT NOT NULL,
  confirmed_at BIGINT NOT NULL DEFAULT 0,
  confirmed_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX volunteers_status ON volunteers (status);
CREATE INDEX volunteers_organisation ON volunteers (organisation);
CREATE TABLE points_ledger (
  id {ID},
  person_id BIGINT NOT NULL,
  amount BIGINT NOT NULL,
  reason TEXT NOT NULL,
  ref TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  actor TEXT NOT NULL DEFAULT '',
  idem_key TEXT,
  hours_centi BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX points_ledger_idem_key ON points_ledger (idem_key);
CREATE INDEX points_ledger_person ON points_ledger (person_id, id);
CREATE INDEX points_ledger_created ON points_ledger (created_at);
)sql"},
    // Micro-wishes (issue 9): the wish, its claims (one row per helper; UNIQUE (wish, person)
    // and the conditional insert in WishStore::Claim decide a race) and its history.
    // requester_* is whom it is for: a person, or a roster household (代许愿); posted_by is who
    // typed it (the requester or staff acting for them). contact_* is what the wish recorded
    // for the helper (given privately only).
    {16, R"sql(
CREATE TABLE wishes (
  id {ID},
  requester_person_id BIGINT NOT NULL DEFAULT 0,
  requester_household_id BIGINT NOT NULL DEFAULT 0,
  posted_by_person_id BIGINT NOT NULL DEFAULT 0,
  channel TEXT NOT NULL,
  category TEXT NOT NULL,
  text TEXT NOT NULL,
  building TEXT NOT NULL DEFAULT '',
  contact_name TEXT NOT NULL DEFAULT '',
  contact_phone TEXT NOT NULL DEFAULT '',
  contact_unit TEXT NOT NULL DEFAULT '',
  deadline TEXT NOT NULL DEFAULT '',
  helpers_needed BIGINT NOT NULL DEFAULT 1,
  status TEXT NOT NULL,
  reject_reason TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  done_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX wishes_status ON wishes (status, id);
CREATE INDEX wishes_requester ON wishes (requester_person_id, id);
CREATE TABLE wish_claims (
  id {ID},
  wish_id BIGINT NOT NULL REFERENCES wishes(id) ON DELETE CASCADE,
  person_id BIGINT NOT NULL,
  status TEXT NOT NULL,
  hours_tenths BIGINT NOT NULL DEFAULT 0,
  photo_ref TEXT NOT NULL DEFAULT '',
  claimed_at BIGINT NOT NULL,
  progress_at BIGINT NOT NULL,
  reminded_at BIGINT NOT NULL DEFAULT 0,
  done_at BIGINT NOT NULL DEFAULT 0,
  ended_at BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX wish_claims_person ON wish_claims (wish_id, person_id);
CREATE INDEX wish_claims_status ON wish_claims (status, progress_at);
CREATE TABLE wish_events (
  id {ID},
  wish_id BIGINT NOT NULL REFERENCES wishes(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  actor_person_id BIGINT NOT NULL DEFAULT 0,
  actor_name TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  at BIGINT NOT NULL
);
CREATE INDEX wish_events_wish ON wish_events (wish_id, id);
CREATE INDEX card_refs_kind_ref ON card_refs (kind, ref);
)sql"},
    // The roster for the decision rule (issue 10): exact areas in hundredths of a m² (area_m2
    // REAL stays, written from area_centi, for older readers), the owner key that makes one
    // owner's several units one head (the phone by default, or the import's owner_id), and the
    // flag for unsold developer-held units. Existing rows: area rounded to 0.01 m², owner_key =
    // the phone or, when there is none, "household:<id>".
    {17, R"sql(
ALTER TABLE households ADD COLUMN area_centi BIGINT NOT NULL DEFAULT 0;
ALTER TABLE households ADD COLUMN owner_key TEXT NOT NULL DEFAULT '';
ALTER TABLE households ADD COLUMN developer INTEGER NOT NULL DEFAULT 0;
UPDATE households SET area_centi = CAST(ROUND({DECIMAL:area_m2 * 100}) AS BIGINT),
  owner_key = CASE WHEN phone <> '' THEN phone ELSE 'household:' || CAST(id AS TEXT) END;
)sql"},
    // Decisions (issue 10): covenants, polls, appraisals, elections; one ballot per
    // (decision, voter) - the last counts - with every accepted ballot in the history; one
    // result row per decision, never updated (storage/decision_store.h).
    {18, R"sql(
CREATE TABLE decisions (
  id {ID},
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  matter TEXT NOT NULL,
  buildings TEXT NOT NULL,
  questions TEXT NOT NULL,
  per_person INTEGER NOT NULL,
  secret INTEGER NOT NULL,
  on_board INTEGER NOT NULL,
  min_turnout_percent INTEGER NOT NULL,
  opens_at BIGINT NOT NULL,
  closes_at BIGINT NOT NULL,
  status TEXT NOT NULL,
  text_sha256 TEXT NOT NULL DEFAULT '',
  salt TEXT NOT NULL DEFAULT '',
  period TEXT NOT NULL DEFAULT '',
  created_by_person_id BIGINT NOT NULL,
  created_by_name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  opened_at BIGINT NOT NULL DEFAULT 0,
  closed_at BIGINT NOT NULL DEFAULT 0,
  reminded INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX decisions_status ON decisions (status, opens_at, closes_at);
CREATE TABLE ballots (
  decision_id BIGINT NOT NULL REFERENCES decisions(id),
  voter_key TEXT NOT NULL,
  household_id BIGINT NOT NULL,
  person_id BIGINT NOT NULL,
  answers TEXT NOT NULL,
  via TEXT NOT NULL,
  collected_by_person_id BIGINT NOT NULL,
  collected_by_name TEXT NOT NULL,
  cast_at BIGINT NOT NULL,
  PRIMARY KEY (decision_id, voter_key)
);
CREATE TABLE ballot_history (
  id {ID},
  decision_id BIGINT NOT NULL REFERENCES decisions(id),
  voter_key TEXT NOT NULL,
  household_id BIGINT NOT NULL,
  person_id BIGINT NOT NULL,
  answers TEXT NOT NULL,
  via TEXT NOT NULL,
  collected_by_person_id BIGINT NOT NULL,
  collected_by_name TEXT NOT NULL,
  cast_at BIGINT NOT NULL
);
CREATE INDEX ballot_history_decision ON ballot_history (decision_id, id);
CREATE TABLE decision_comments (
  id {ID},
  decision_id BIGINT NOT NULL REFERENCES decisions(id),
  person_id BIGINT NOT NULL,
  text TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE TABLE decision_invites (
  decision_id BIGINT NOT NULL REFERENCES decisions(id),
  person_id BIGINT NOT NULL,
  invited_at BIGINT NOT NULL,
  PRIMARY KEY (decision_id, person_id)
);
CREATE TABLE decision_nominations (
  decision_id BIGINT NOT NULL REFERENCES decisions(id),
  nominee TEXT NOT NULL,
  by_person_id BIGINT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (decision_id, nominee)
);
CREATE TABLE decision_results (
  decision_id BIGINT PRIMARY KEY REFERENCES decisions(id),
  result_json TEXT NOT NULL,
  adopted INTEGER NOT NULL,
  computed_at BIGINT NOT NULL
);
)sql"},
    // Redemptions (兑换, issue 9): a request holds the points (a "redeem_hold" ledger entry) and
    // one unit of the item's stock; staff mark it given or cancel it (a "redeem_release" entry,
    // the stock back). catalogue_stock.configured is the config's stock when last synced, so
    // raising the config's stock adds the difference; stock -1 = unlimited.
    {19, R"sql(
CREATE TABLE redemptions (
  id {ID},
  person_id BIGINT NOT NULL,
  item_id TEXT NOT NULL,
  cost BIGINT NOT NULL,
  status TEXT NOT NULL,
  hold_entry_id BIGINT NOT NULL DEFAULT 0,
  release_entry_id BIGINT NOT NULL DEFAULT 0,
  requested_at BIGINT NOT NULL,
  closed_at BIGINT NOT NULL DEFAULT 0,
  closed_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX redemptions_status ON redemptions (status, id);
CREATE INDEX redemptions_person ON redemptions (person_id, id);
CREATE TABLE catalogue_stock (
  item_id TEXT PRIMARY KEY,
  stock BIGINT NOT NULL,
  configured BIGINT NOT NULL
);
)sql"},
    // Secret ballots (issue 10, domain/decisions/audit.h): each ballot's commitment to its
    // choice and its receipt, both hashes of a nonce only the voter is given; never the nonce.
    {20, R"sql(
ALTER TABLE ballots ADD COLUMN commitment TEXT NOT NULL DEFAULT '';
ALTER TABLE ballots ADD COLUMN receipt TEXT NOT NULL DEFAULT '';
ALTER TABLE ballot_history ADD COLUMN commitment TEXT NOT NULL DEFAULT '';
ALTER TABLE ballot_history ADD COLUMN receipt TEXT NOT NULL DEFAULT '';
)sql"},
    // The requester's rating of a confirmed wish (issue 9: the service record's mean rating):
    // 1..5 on each confirmed claim of the wish, 0 = not rated; rated_at when it was given.
    {21, R"sql(
ALTER TABLE wish_claims ADD COLUMN rating INTEGER NOT NULL DEFAULT 0;
ALTER TABLE wish_claims ADD COLUMN rated_at BIGINT NOT NULL DEFAULT 0;
)sql"},
    // Issue 11 point 7: the quarterly red/black list (红黑榜), drafted at quarter end and
    // confirmed (结果认定) once by community or street staff before it is published.
    {22, R"sql(
CREATE TABLE report_drafts (
  kind TEXT NOT NULL,
  period TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'draft',
  created_at BIGINT NOT NULL,
  confirmed_by_person_id BIGINT NOT NULL DEFAULT 0,
  confirmed_by_name TEXT NOT NULL DEFAULT '',
  confirmed_at BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, period)
);
)sql"},
    // Photos fetched at intake (issue 11 point 4, storage/media_store.h): one row per ticket
    // photo, written in the intake transaction as the media worker's durable queue.
    {23, R"sql(
CREATE TABLE media (
  id {ID},
  ticket_id BIGINT NOT NULL,
  channel TEXT NOT NULL,
  platform_ref TEXT NOT NULL,
  message_id TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  local_path TEXT NOT NULL DEFAULT '',
  bytes BIGINT NOT NULL DEFAULT 0,
  sha256 TEXT NOT NULL DEFAULT '',
  content_type TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  fetched_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX media_due ON media (state, next_attempt_at);
CREATE INDEX media_ticket ON media (ticket_id);
)sql"},
    // Referrals to outside departments (联动处置, issue 11 point 8, storage/referral_store.h):
    // one row per 转交; remind_at is when the reminder is due, reminded_at/answered_at 0 = not yet.
    {24, R"sql(
CREATE TABLE referrals (
  id {ID},
  ticket_id BIGINT NOT NULL,
  department_id TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  referred_at BIGINT NOT NULL,
  remind_at BIGINT NOT NULL,
  reminded_at BIGINT NOT NULL DEFAULT 0,
  answered_at BIGINT NOT NULL DEFAULT 0,
  answer TEXT NOT NULL DEFAULT ''
);
CREATE INDEX referrals_due ON referrals (answered_at, reminded_at, remind_at);
CREATE INDEX referrals_ticket ON referrals (ticket_id);
)sql"},
    // Web sign-in (issue 12, storage/web_session_store.h): sessions of the staff console and
    // the resident's page (only a SHA-256 of each token is stored), and one-time login links.
    {25, R"sql(
CREATE TABLE web_sessions (
  id {ID},
  token_hash TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  person_id BIGINT NOT NULL,
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX web_sessions_person ON web_sessions (person_id);
CREATE INDEX web_sessions_expiry ON web_sessions (expires_at);
CREATE TABLE login_links (
  id {ID},
  token_hash TEXT NOT NULL UNIQUE,
  person_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX login_links_person ON login_links (person_id);
)sql"},
    // Scale with data (issue 13 point 2; every hot query's plan is checked in
    // tests/*/query_plan_test.cc): the ticket lists of the board, the console and the admin API
    // filter by status, category or building and page in creation order, so each filter has
    // an index in that order; dialogs idle past the timeout are pruned by their time; start-up
    // finds the persons whose role came from the config without reading every resident; the
    // reports read a period's ratings by their time, the retention job old photos by theirs;
    // the masking module's roster names come in order from an index. The board's
    // count ("共 N 件" and its pages) reads ticket_tallies, one row per (status, category,
    // building) kept by TicketStore with every write of those columns, instead of counting a
    // million rows per page.
    {26, R"sql(
CREATE TABLE ticket_tallies (
  status TEXT NOT NULL,
  category TEXT NOT NULL,
  building TEXT NOT NULL,
  tickets BIGINT NOT NULL,
  PRIMARY KEY (status, category, building)
);
INSERT INTO ticket_tallies (status, category, building, tickets)
  SELECT status, category, building, COUNT(*) FROM tickets GROUP BY status, category, building;
CREATE INDEX tickets_status_created ON tickets (status, created_at);
CREATE INDEX tickets_category_created ON tickets (category, created_at);
CREATE INDEX tickets_building_created ON tickets (building, created_at);
CREATE INDEX conversations_updated_at ON conversations (updated_at);
CREATE INDEX persons_role_source ON persons (role_source);
CREATE INDEX tickets_rated_at ON tickets (rated_at);
CREATE INDEX media_created_at ON media (created_at);
CREATE INDEX households_owner_name ON households (owner_name);
)sql"},
    // The masking module's roster names are read once per roster change instead of once per
    // board page (issue 13: 100k owners made a page 40 ms): RosterStore::Import draws a new
    // token here with every change; domain::KnownNames keeps the names under it.
    {27, R"sql(
CREATE TABLE roster_names_token (
  id INTEGER PRIMARY KEY,
  token BIGINT NOT NULL
);
INSERT INTO roster_names_token (id, token) SELECT 1, COUNT(*) FROM households;
)sql"},
    // Which pending messages wait out a backoff of ours (1) rather than a time the platform or
    // the pacer set (0): when a channel answers again after failures, OutboxStore::
    // RetryBackoffNow makes those due at once instead of each waiting up to max_backoff
    // (issue 13: after a minute's outage the last message went 32 s after recovery).
    {28, R"sql(
ALTER TABLE outbox ADD COLUMN backoff INTEGER NOT NULL DEFAULT 0;
)sql"},
    // Failed job runs (issue 15 points 4 and 7): how many, when the last one failed and why,
    // beside the completed periods, for `linli status` and the daily backup's record. A row
    // may now exist for a job that never completed a period (runs 0).
    {29, R"sql(
ALTER TABLE job_runs ADD COLUMN failures BIGINT NOT NULL DEFAULT 0;
ALTER TABLE job_runs ADD COLUMN last_failed_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE job_runs ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
)sql"},
    // Several instances on one database (issue 14 point 3): a claimed ('sending') outbox row
    // names its claim's owner (the instance id of the OutboxWorker that claimed it) and when
    // the claim's lease runs out; after that another instance takes it back and sends it
    // (OutboxStore::RecoverExpired), and the first owner's outcome no longer applies. Rows
    // 'sending' from before this migration have no lease (0): taken back at once.
    {30, R"sql(
ALTER TABLE outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
)sql"},
    // Platform access tokens shared by the instances on one database (issue 14): the token a
    // channel's adapter fetched (WeChat/WeCom access_token, Feishu tenant token, DingTalk
    // accessToken) with its expiry, and who is fetching the next one (fetch_claimed_until),
    // so instances neither fetch one each nor invalidate each other's
    // (storage/platform_token_store.h).
    {31, R"sql(
CREATE TABLE platform_tokens (
  channel TEXT NOT NULL,
  kind TEXT NOT NULL,
  token TEXT NOT NULL DEFAULT '',
  expires_at BIGINT NOT NULL DEFAULT 0,
  fetch_claimed_until BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (channel, kind)
);
)sql"},
};

constexpr bool StrictlyIncreasing() {
  int last = 0;
  for (const Migration& m : kMigrations) {
    if (m.version <= last) return false;
    last = m.version;
  }
  return true;
}
static_assert(StrictlyIncreasing(), "migration versions must start at 1 and increase");

// The dialect's spelling of each placeholder.
struct DialectTypes {
  std::string id;              // {ID}
  std::string real;            // {REAL}
  bool decimal_cast = false;   // {DECIMAL:expr}: CAST(expr AS NUMERIC), or expr as it is
};

StatusOr<DialectTypes> TypesOf(const std::string& dialect) {
  // SQLite: an alias of the rowid (ids grow; a deleted maximum may be reused, which keeps
  // id order = insertion order among live rows); REAL is 8 bytes. PostgreSQL: an identity
  // column; its REAL is 4 bytes (float4), so DOUBLE PRECISION.
  if (dialect == "sqlite") return DialectTypes{"INTEGER PRIMARY KEY", "REAL", false};
  if (dialect == "postgres") {
    return DialectTypes{"BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "DOUBLE PRECISION",
                        true};
  }
  return Status::InvalidArgument("migrations: unknown SQL dialect '" + dialect + "'");
}

std::string Replace(std::string_view sql, std::string_view placeholder, const std::string& with) {
  std::string out;
  out.reserve(sql.size() + 64);
  size_t pos = 0;
  for (size_t hit; (hit = sql.find(placeholder, pos)) != std::string_view::npos;
       pos = hit + placeholder.size()) {
    out.append(sql.substr(pos, hit - pos));
    out.append(with);
  }
  out.append(sql.substr(pos));
  return out;
}

// "{DECIMAL:expr}" (expr holds no braces) -> "CAST(expr AS NUMERIC)" or "expr".
std::string RenderDecimal(std::string_view sql, bool cast) {
  constexpr std::string_view kOpen = "{DECIMAL:";
  std::string out;
  size_t pos = 0;
  for (size_t hit; (hit = sql.find(kOpen, pos)) != std::string_view::npos;) {
    const size_t close = sql.find('}', hit);
    if (close == std::string_view::npos) break;  // not a placeholder: the server rejects it
    out.append(sql.substr(pos, hit - pos));
    const std::string_view expr = sql.substr(hit + kOpen.size(), close - hit - kOpen.size());
    if (cast) {
      out.append("CAST(").append(expr).append(" AS NUMERIC)");
    } else {
      out.append(expr);
    }
    pos = close + 1;
  }
  out.append(sql.substr(pos));
  return out;
}

std::string Render(std::string_view sql, const DialectTypes& types) {
  return RenderDecimal(Replace(Replace(sql, "{ID}", types.id), "{REAL}", types.real),
                       types.decimal_cast);
}

StatusOr<int> CurrentVersion(Database& db) {
  LINLI_ASSIGN_OR_RETURN(Rows rows,
                         db.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  return rows.empty() ? 0 : static_cast<int>(rows[0].Int(0));
}

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status Apply(Database& db, const Migration& m, const DialectTypes& types) {
  LINLI_RETURN_IF_ERROR(db.Begin());
  auto fail = [&](const Status& st) {
    Status rb = db.Rollback();
    if (!rb.ok()) internal::Logger()->error("migration {}: rollback failed: {}", m.version, rb.ToString());
    return Status(st.code(), "migration " + std::to_string(m.version) + ": " + st.message());
  };
  // Another process may have applied it while we waited for the write lock.
  auto current = CurrentVersion(db);
  if (!current.ok()) return fail(current.status());
  if (*current >= m.version) return db.Rollback();

  Status st = db.ExecScript(Render(m.sql, types));
  if (st.ok()) {
    st = db.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                 {int64_t{m.version}, NowMillis()});
  }
  if (st.ok()) st = db.Commit();
  if (!st.ok()) return fail(st);
  internal::Logger()->info("applied schema migration {}", m.version);
  return Status::Ok();
}

}  // namespace

StatusOr<int> SchemaVersion(Database& db) {
  // The catalogue of each dialect: asking schema_migrations itself would be an error to parse.
  const char* sql = db.dialect() == "sqlite"
                        ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
                        : "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = ? "
                          "AND table_schema = current_schema()";
  LINLI_ASSIGN_OR_RETURN(Rows tables, db.Query(sql, {std::string("schema_migrations")}));
  if (tables.empty() || tables[0].Int(0) == 0) return 0;
  return CurrentVersion(db);
}

int LatestSchemaVersion() { return std::end(kMigrations)[-1].version; }

std::vector<int> SchemaVersions() {
  std::vector<int> out;
  for (const Migration& m : kMigrations) out.push_back(m.version);
  return out;
}

StatusOr<int> Migrate(Database& db) { return MigrateTo(db, LatestSchemaVersion()); }

// PostgreSQL: instances that start together (or `linli migrate` beside a running one) would
// otherwise both find version N under READ COMMITTED and both apply N+1. A session-level
// advisory lock, one per schema (tests migrate many schemas of one database side by side),
// makes the second wait and then find nothing to do. SQLite needs none: Apply's BEGIN
// IMMEDIATE is the write lock, and Apply checks the version again under it.
class MigrationLock {
 public:
  static constexpr const char* kKey = "hashtext('linli migrate ' || COALESCE(current_schema(), ''))";

  explicit MigrationLock(Database& db) : db_(db) {}
  ~MigrationLock() { Release(); }
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;

  // Also lifts the session's statement_timeout until the lock is released: waiting for
  // another instance's migration, or building an index on a large table, may take longer.
  Status Acquire() {
    if (db_.dialect() != "postgres") return Status::Ok();
    LINLI_ASSIGN_OR_RETURN(Rows timeout, db_.Query("SHOW statement_timeout"));
    if (!timeout.empty()) saved_timeout_ = timeout[0].Text(0);
    LINLI_RETURN_IF_ERROR(db_.Exec("SET statement_timeout = 0"));
    Status st = db_.Exec(std::string("SELECT pg_advisory_lock(") + kKey + ")");
    if (!st.ok()) {
      return Status(st.code(), "migrations: cannot take the migration lock: " + st.message());
    }
    held_ = true;
    return Status::Ok();
  }

 private:
  void Release() {
    if (held_) {
      Status st = db_.Exec(std::string("SELECT pg_advisory_unlock(") + kKey + ")");
      if (!st.ok()) internal::Logger()->warn("migrations: advisory unlock failed: {}", st.ToString());
    }
    // SHOW's answer ("30s", "0") is a unit-suffixed number: safe to put back as a literal.
    const bool plain = !saved_timeout_.empty() &&
                       saved_timeout_.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyz") ==
                           std::string::npos;
    if (plain) {
      Status st = db_.Exec("SET statement_timeout = '" + saved_timeout_ + "'");
      if (!st.ok()) internal::Logger()->warn("migrations: cannot restore statement_timeout: {}", st.ToString());
    }
  }

  Database& db_;
  bool held_ = false;
  std::string saved_timeout_;
};

StatusOr<int> MigrateTo(Database& db, int version) {
  if (db.in_transaction()) {
    return Status::FailedPrecondition("migrations: must not run inside a transaction");
  }
  LINLI_ASSIGN_OR_RETURN(DialectTypes types, TypesOf(db.dialect()));
  MigrationLock lock(db);
  LINLI_RETURN_IF_ERROR(lock.Acquire());
  LINLI_RETURN_IF_ERROR(
      db.ExecScript("CREATE TABLE IF NOT EXISTS schema_migrations ("
                    "version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)"));
  LINLI_ASSIGN_OR_RETURN(int current, CurrentVersion(db));
  if (current > LatestSchemaVersion()) {
    return Status::FailedPrecondition(
        "migrations: database schema version " + std::to_string(current) +
        " is newer than this binary's " + std::to_string(LatestSchemaVersion()) +
        " (a newer linli migrated it): run the newer linli, or restore a backup taken "
        "before it migrated");
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= current) continue;
    if (m.version > version) break;
    LINLI_RETURN_IF_ERROR(Apply(db, m, types));
  }
  return CurrentVersion(db);
}

}  // namespace linli::storage
