#include "storage/decision_store.h"

#include <nlohmann/json.hpp>

#include "storage/store_util.h"

namespace linli::storage {

namespace {

using nlohmann::json;

constexpr const char* kColumns =
    "id, kind, title, body, matter, buildings, questions, per_person, secret, on_board, "
    "min_turnout_percent, opens_at, closes_at, status, text_sha256, salt, period, "
    "created_by_person_id, created_by_name, created_at, updated_at, opened_at, closed_at, "
    "reminded";

constexpr const char* kBallotColumns =
    "decision_id, voter_key, household_id, person_id, answers, via, collected_by_person_id, "
    "collected_by_name, cast_at, commitment, receipt";

json Parse(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  return j.is_discarded() ? json() : j;
}

std::string BuildingsText(const std::vector<std::string>& b) { return json(b).dump(); }

std::vector<std::string> ParseStrings(const json& j) {
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& e : j) {
    if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

std::string QuestionsText(const std::vector<DecisionQuestion>& qs) {
  json arr = json::array();
  for (const auto& q : qs) {
    json opts = json::array();
    for (const auto& o : q.options) opts.push_back(json{{"value", o.value}, {"label", o.label}});
    arr.push_back(json{{"kind", q.kind}, {"text", q.text}, {"options", std::move(opts)}});
  }
  return arr.dump();
}

std::vector<DecisionQuestion> ParseQuestions(const std::string& text) {
  std::vector<DecisionQuestion> out;
  const json arr = Parse(text);
  if (!arr.is_array()) return out;
  for (const auto& q : arr) {
    if (!q.is_object()) continue;
    DecisionQuestion dq;
    dq.kind = q.value("kind", "single");
    dq.text = q.value("text", "");
    if (auto it = q.find("options"); it != q.end() && it->is_array()) {
      for (const auto& o : *it) {
        if (o.is_object()) dq.options.push_back({o.value("value", ""), o.value("label", "")});
      }
    }
    out.push_back(std::move(dq));
  }
  return out;
}

std::string AnswersText(const std::vector<std::vector<std::string>>& a) { return json(a).dump(); }

std::vector<std::vector<std::string>> ParseAnswers(const std::string& text) {
  std::vector<std::vector<std::string>> out;
  const json arr = Parse(text);
  if (!arr.is_array()) return out;
  for (const auto& e : arr) out.push_back(ParseStrings(e));
  return out;
}

Decision FromRow(const Row& r) {
  Decision d;
  d.id = r.Int(0);
  d.kind = r.Text(1);
  d.title = r.Text(2);
  d.body = r.Text(3);
  d.matter = r.Text(4);
  d.buildings = ParseStrings(Parse(r.Text(5)));
  d.questions = ParseQuestions(r.Text(6));
  d.per_person = r.Int(7) != 0;
  d.secret = r.Int(8) != 0;
  d.on_board = r.Int(9) != 0;
  d.min_turnout_percent = static_cast<int>(r.Int(10));
  d.opens_at_ms = r.Int(11);
  d.closes_at_ms = r.Int(12);
  d.status = r.Text(13);
  d.text_sha256 = r.Text(14);
  d.salt = r.Text(15);
  d.period = r.Text(16);
  d.created_by_person_id = r.Int(17);
  d.created_by_name = r.Text(18);
  d.created_at_ms = r.Int(19);
  d.updated_at_ms = r.Int(20);
  d.opened_at_ms = r.Int(21);
  d.closed_at_ms = r.Int(22);
  d.reminded = r.Int(23) != 0;
  return d;
}

Ballot BallotFromRow(const Row& r) {
  Ballot b;
  b.decision_id = r.Int(0);
  b.voter_key = r.Text(1);
  b.household_id = r.Int(2);
  b.person_id = r.Int(3);
  b.answers = ParseAnswers(r.Text(4));
  b.via = r.Text(5);
  b.collected_by_person_id = r.Int(6);
  b.collected_by_name = r.Text(7);
  b.cast_at_ms = r.Int(8);
  b.commitment = r.Text(9);
  b.receipt = r.Text(10);
  return b;
}

StatusOr<std::vector<int64_t>> Ids(Database& db, std::string_view sql,
                                   const std::vector<Value>& params) {
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query(sql, params));
  std::vector<int64_t> out;
  for (const auto& r : rows) out.push_back(r.Int(0));
  return out;
}

}  // namespace

StatusOr<int64_t> DecisionStore::Create(Database& db, const Decision& d) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows,
      db.Query("INSERT INTO decisions (kind, title, body, matter, buildings, questions, "
               "per_person, secret, on_board, min_turnout_percent, opens_at, closes_at, status, "
               "period, created_by_person_id, created_by_name, created_at, updated_at) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?) RETURNING id",
               {d.kind, d.title, d.body, d.matter, BuildingsText(d.buildings),
                QuestionsText(d.questions), int64_t{d.per_person}, int64_t{d.secret},
                int64_t{d.on_board}, int64_t{d.min_turnout_percent}, d.opens_at_ms,
                d.closes_at_ms, d.period, d.created_by_person_id, d.created_by_name,
                d.created_at_ms, d.created_at_ms}));
  if (rows.empty()) return Status::Internal("decisions: INSERT RETURNING gave no row");
  return rows[0].Int(0);
}

StatusOr<std::optional<int64_t>> DecisionStore::CreateIfPeriodFree(Database& db, const Decision& d) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows,
      db.Query("INSERT INTO decisions (kind, title, body, matter, buildings, questions, "
               "per_person, secret, on_board, min_turnout_percent, opens_at, closes_at, status, "
               "period, created_by_person_id, created_by_name, created_at, updated_at) "
               "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ? "
               "WHERE NOT EXISTS (SELECT 1 FROM decisions WHERE kind = ? AND period = ?) "
               "RETURNING id",
               {d.kind, d.title, d.body, d.matter, BuildingsText(d.buildings),
                QuestionsText(d.questions), int64_t{d.per_person}, int64_t{d.secret},
                int64_t{d.on_board}, int64_t{d.min_turnout_percent}, d.opens_at_ms,
                d.closes_at_ms, d.period, d.created_by_person_id, d.created_by_name,
                d.created_at_ms, d.created_at_ms, d.kind, d.period}));
  if (rows.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(rows[0].Int(0));
}

StatusOr<std::optional<Decision>> DecisionStore::Get(Database& db, int64_t id) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows, db.Query(std::string("SELECT ") + kColumns + " FROM decisions WHERE id = ?", {id}));
  if (rows.empty()) return std::optional<Decision>();
  return std::optional<Decision>(FromRow(rows[0]));
}

StatusOr<std::vector<Decision>> DecisionStore::List(Database& db, const std::string& kind,
                                                    const std::string& status, int limit) {
  LINLI_ASSIGN_OR_RETURN(
      Rows rows,
      db.Query(std::string("SELECT ") + kColumns +
                   " FROM decisions WHERE (? = '' OR kind = ?) AND (? = '' OR status = ?) "
                   "ORDER BY id DESC LIMIT ?",
               {kind, kind, status, status, int64_t{limit}}));
  std::vector<Decision> out;
  for (const auto& r : rows) out.push_back(FromRow(r));
  return out;
}

Status DecisionStore::UpdateDraft(Database& db, const Decision& d, int64_t now_ms) {
  LINLI_RETURN_IF_ERROR(db.Exec(
      "UPDATE decisions SET title = ?, body = ?, matter = ?, buildings = ?, questions = ?, "
      "per_person = ?, secret = ?, on_board = ?, min_turnout_percent = ?, opens_at = ?, "
      "closes_at = ?, period = ?, updated_at = ? WHERE id = ? AND status = 'draft'",
      {d.title, d.body, d.matter, BuildingsText(d.buildings), QuestionsText(d.questions),
       int64_t{d.per_person}, int64_t{d.secret}, int64_t{d.on_board},
       int64_t{d.min_turnout_percent}, d.opens_at_ms, d.closes_at_ms, d.period, now_ms, d.id}));
  if (db.changes() == 0) {
    return Status::FailedPrecondition("decision " + std::to_string(d.id) + " is not a draft");
  }
  return Status::Ok();
}

StatusOr<bool> DecisionStore::Open(Database& db, int64_t id, const std::string& sha256,
                                   const std::string& salt, int64_t now_ms) {
  LINLI_RETURN_IF_ERROR(
      db.Exec("UPDATE decisions SET status = 'open', text_sha256 = ?, salt = ?, opened_at = ?, "
              "updated_at = ? WHERE id = ? AND status = 'draft'",
              {sha256, salt, now_ms, now_ms, id}));
  return db.changes() > 0;
}

StatusOr<bool> DecisionStore::Close(Database& db, int64_t id, int64_t now_ms) {
  LINLI_RETURN_IF_ERROR(db.Exec(
      "UPDATE decisions SET status = 'closed', closed_at = ?, updated_at = ? "
      "WHERE id = ? AND status = 'open'",
      {now_ms, now_ms, id}));
  return db.changes() > 0;
}

StatusOr<std::vector<int64_t>> DecisionStore::DueToOpen(Database& db, int64_t now_ms) {
  return Ids(db,
             "SELECT id FROM decisions WHERE status = 'draft' AND opens_at > 0 AND opens_at <= ? "
             "ORDER BY opens_at, id",
             {now_ms});
}

StatusOr<std::vector<int64_t>> DecisionStore::DueToClose(Database& db, int64_t now_ms) {
  return Ids(db,
             "SELECT id FROM decisions WHERE status = 'open' AND closes_at <= ? "
             "ORDER BY closes_at, id",
             {now_ms});
}

StatusOr<std::vector<int64_t>> DecisionStore::DueToRemind(Database& db, int64_t now_ms,
                                                          int64_t window_ms) {
  return Ids(db,
             "SELECT id FROM decisions WHERE status = 'open' AND reminded = 0 AND closes_at > ? "
             "AND closes_at <= ? ORDER BY closes_at, id",
             {now_ms, now_ms + window_ms});
}

StatusOr<bool> DecisionStore::MarkReminded(Database& db, int64_t id) {
  LINLI_RETURN_IF_ERROR(
      db.Exec("UPDATE decisions SET reminded = 1 WHERE id = ? AND reminded = 0", {id}));
  return db.changes() > 0;
}

StatusOr<bool> DecisionStore::Cast(Database& db, const Ballot& b) {
  internal::TxScope scope(db, "ballot_cast");
  LINLI_RETURN_IF_ERROR(scope.status());
  const std::string answers = AnswersText(b.answers);
  // The decision's state decides, in the same statement that writes: nothing is written for a
  // decision that is not open or whose closing instant has passed.
  LINLI_RETURN_IF_ERROR(db.Exec(
      std::string("INSERT INTO ballots (") + kBallotColumns +
          ") SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM decisions WHERE id = ? AND status = 'open' "
          "AND closes_at > ? "
          "ON CONFLICT (decision_id, voter_key) DO UPDATE SET household_id = excluded.household_id, "
          "person_id = excluded.person_id, answers = excluded.answers, via = excluded.via, "
          "collected_by_person_id = excluded.collected_by_person_id, "
          "collected_by_name = excluded.collected_by_name, cast_at = excluded.cast_at, "
          "commitment = excluded.commitment, receipt = excluded.receipt",
      {b.decision_id, b.voter_key, b.household_id, b.person_id, answers, b.via,
       b.collected_by_person_id, b.collected_by_name, b.cast_at_ms, b.commitment, b.receipt,
       b.decision_id, b.cast_at_ms}));
  if (db.changes() == 0) return false;
  LINLI_RETURN_IF_ERROR(db.Exec(
      std::string("INSERT INTO ballot_history (") + kBallotColumns +
          ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {b.decision_id, b.voter_key, b.household_id, b.person_id, answers, b.via,
       b.collected_by_person_id, b.collected_by_name, b.cast_at_ms, b.commitment, b.receipt}));
  LINLI_RETURN_IF_ERROR(scope.Commit());
  return true;
}

StatusOr<std::vector<Ballot>> DecisionStore::Ballots(Database& db, int64_t decision_id) {
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query(std::string("SELECT ") + kBallotColumns +
                                                 " FROM ballots WHERE decision_id = ? "
                                                 "ORDER BY voter_key",
                                             {decision_id}));
  std::vector<Ballot> out;
  for (const auto& r : rows) out.push_back(BallotFromRow(r));
  return out;
}

StatusOr<std::optional<Ballot>> DecisionStore::BallotOf(Database& db, int64_t decision_id,
                                                        const std::string& voter_key) {
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query(std::string("SELECT ") + kBallotColumns +
                                                 " FROM ballots WHERE decision_id = ? AND "
                                                 "voter_key = ?",
                                             {decision_id, voter_key}));
  if (rows.empty()) return std::optional<Ballot>();
  return std::optional<Ballot>(BallotFromRow(rows[0]));
}

StatusOr<std::vector<Ballot>> DecisionStore::History(Database& db, int64_t decision_id) {
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query(std::string("SELECT ") + kBallotColumns +
                                                 " FROM ballot_history WHERE decision_id = ? "
                                                 "ORDER BY id",
                                             {decision_id}));
  std::vector<Ballot> out;
  for (const auto& r : rows) out.push_back(BallotFromRow(r));
  return out;
}

Status DecisionStore::AddComment(Database& db, const DecisionComment& c) {
  return db.Exec("INSERT INTO decision_comments (decision_id, person_id, text, at) VALUES (?, ?, ?, ?)",
                 {c.decision_id, c.person_id, c.text, c.at_ms});
}

StatusOr<std::vector<DecisionComment>> DecisionStore::Comments(Database& db, int64_t decision_id) {
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query("SELECT id, decision_id, person_id, text, at FROM "
                                             "decision_comments WHERE decision_id = ? ORDER BY id",
                                             {decision_id}));
  std::vector<DecisionComment> out;
  for (const auto& r : rows) {
    out.push_back({r.Int(0), r.Int(1), r.Int(2), r.Text(3), r.Int(4)});
  }
  return out;
}

Status DecisionStore::Invite(Database& db, int64_t decision_id, int64_t person_id, int64_t now_ms) {
  return db.Exec(
      "INSERT INTO decision_invites (decision_id, person_id, invited_at) VALUES (?, ?, ?) "
      "ON CONFLICT (decision_id, person_id) DO NOTHING",
      {decision_id, person_id, now_ms});
}

StatusOr<bool> DecisionStore::IsInvited(Database& db, int64_t decision_id, int64_t person_id) {
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query("SELECT 1 FROM decision_invites WHERE decision_id = ? "
                                             "AND person_id = ?",
                                             {decision_id, person_id}));
  return !rows.empty();
}

Status DecisionStore::Nominate(Database& db, int64_t decision_id, const std::string& nominee,
                               int64_t by_person_id, int64_t now_ms) {
  LINLI_RETURN_IF_ERROR(db.Exec(
      "INSERT INTO decision_nominations (decision_id, nominee, by_person_id, at) "
      "VALUES (?, ?, ?, ?) ON CONFLICT (decision_id, nominee) DO NOTHING",
      {decision_id, nominee, by_person_id, now_ms}));
  if (db.changes() == 0) return Status::AlreadyExists("nominated already: " + nominee);
  return Status::Ok();
}

StatusOr<std::vector<std::string>> DecisionStore::Nominees(Database& db, int64_t decision_id) {
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query("SELECT nominee FROM decision_nominations WHERE "
                                             "decision_id = ? ORDER BY at, nominee",
                                             {decision_id}));
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.Text(0));
  return out;
}

Status DecisionStore::StoreResult(Database& db, const DecisionResultRow& r) {
  LINLI_RETURN_IF_ERROR(db.Exec(
      "INSERT INTO decision_results (decision_id, result_json, adopted, computed_at) "
      "VALUES (?, ?, ?, ?) ON CONFLICT (decision_id) DO NOTHING",
      {r.decision_id, r.result_json, int64_t{r.adopted}, r.computed_at_ms}));
  if (db.changes() == 0) {
    return Status::AlreadyExists("decision " + std::to_string(r.decision_id) + " has a result");
  }
  return Status::Ok();
}

StatusOr<std::optional<DecisionResultRow>> DecisionStore::Result(Database& db, int64_t decision_id) {
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query("SELECT decision_id, result_json, adopted, computed_at "
                                             "FROM decision_results WHERE decision_id = ?",
                                             {decision_id}));
  if (rows.empty()) return std::optional<DecisionResultRow>();
  return std::optional<DecisionResultRow>(
      DecisionResultRow{rows[0].Int(0), rows[0].Text(1), rows[0].Int(2) != 0, rows[0].Int(3)});
}

StatusOr<std::vector<HouseholdMember>> DecisionStore::Members(Database& db) {
  LINLI_ASSIGN_OR_RETURN(Rows rows, db.Query("SELECT household_id, person_id FROM "
                                             "person_households ORDER BY household_id, bound_at, "
                                             "person_id"));
  std::vector<HouseholdMember> out;
  for (const auto& r : rows) out.push_back({r.Int(0), r.Int(1)});
  return out;
}

}  // namespace linli::storage
