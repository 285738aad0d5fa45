// Decisions the residents take (issue 10): micro-covenants (微公约) under the Art. 278 rule,
// opinion polls and questionnaires, the quarterly appraisal of the property company and
// elections of people - one aggregate, one ballot engine. A decision is a draft (editable),
// then open (its text frozen with its SHA-256), then closed (its result stored once, never
// updated).
//
// Races are decided here, by conditional statements whose affected-row count decides:
//   Open/Close/MarkReminded move a decision from one status (or flag) to the next only once;
//   Cast writes a ballot only while the decision is open and before its closing instant, one
//   row per (decision, voter): a later ballot of the same voter replaces it (the last counts),
//   and every accepted ballot is also appended to the history (the audit shows each);
//   StoreResult inserts the one result row of a decision (a second is kAlreadyExists).
// Every call composes with the caller's transaction (the write-queue unit).
//
// Secrecy: ballots and their history hold who voted what - the store is the only place that
// does. Callers never show a ballot's voter with its answers for a secret decision
// (domain/decisions/decision_service.h says who may see what).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace linli::storage {

// One question of a decision. A covenant and an election have exactly one kSingle question.
struct DecisionOption {
  std::string value;  // what a ballot records ("agree", "a", a nominee's name)
  std::string label;  // shown; "" = the locale's label for value (decision.option.<value>)
  bool operator==(const DecisionOption&) const = default;
};

struct DecisionQuestion {
  std::string kind = "single";  // single | multi | scale (1-5) | text (short free text)
  std::string text;             // the question ("" for a covenant's one question)
  std::vector<DecisionOption> options;  // single/multi only
  bool operator==(const DecisionQuestion&) const = default;
};

struct Decision {
  int64_t id = 0;
  std::string kind = "covenant";   // covenant | poll | appraisal | election
  std::string title;
  std::string body;                // the full text (covenant) or the introduction
  std::string matter = "informal"; // informal | ordinary | major (covenants)
  std::vector<std::string> buildings;  // the electorate; empty = the whole compound
  std::vector<DecisionQuestion> questions;
  bool per_person = false;         // one answer per bound person instead of per household
  bool secret = true;              // secret ballot (nobody sees who answered what)
  bool on_board = true;            // results shown on the public board
  int min_turnout_percent = 0;     // informal covenants: minimum household turnout
  int64_t opens_at_ms = 0;         // 0 = not scheduled
  int64_t closes_at_ms = 0;
  std::string status = "draft";    // draft | open | closed
  std::string text_sha256;         // set at open: SHA-256 of the frozen text
  std::string salt;                // set at open: the audit export's salt (secret ballots)
  std::string period;              // appraisal: the quarter ("2026-Q4"); "" otherwise
  int64_t created_by_person_id = 0;
  std::string created_by_name;     // the staff member's or key's name
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  int64_t opened_at_ms = 0;
  int64_t closed_at_ms = 0;
  bool reminded = false;
};

// A ballot as cast. voter_key is "h:<household id>" (per household) or "p:<person id>".
struct Ballot {
  int64_t decision_id = 0;
  std::string voter_key;
  int64_t household_id = 0;          // the voter's household (0 for a per-person voter unbound)
  int64_t person_id = 0;             // who cast it in chat; 0 for a paper ballot
  std::vector<std::vector<std::string>> answers;  // per question: the chosen values / the text
  std::string via = "chat";          // chat | paper
  int64_t collected_by_person_id = 0;  // paper: who collected it
  std::string collected_by_name;
  int64_t cast_at_ms = 0;
  // Secret ballots: BallotCommitment(choice, nonce) and BallotReceipt(nonce)
  // (domain/decisions/audit.h); "" for open ballots. The nonce itself is never stored.
  std::string commitment;
  std::string receipt;
};

struct DecisionComment {
  int64_t id = 0;
  int64_t decision_id = 0;
  int64_t person_id = 0;
  std::string text;
  int64_t at_ms = 0;
};

struct DecisionResultRow {
  int64_t decision_id = 0;
  std::string result_json;  // the computed result (domain/decisions/decision_result.h)
  bool adopted = false;     // covenants: adopted; other kinds false
  int64_t computed_at_ms = 0;
};

// A bound member of a household: who is notified for the household.
struct HouseholdMember {
  int64_t household_id = 0;
  int64_t person_id = 0;
};

class DecisionStore {
 public:
  // Inserts `d` (its id, status and open/close fields ignored: a draft). Returns the id.
  static StatusOr<int64_t> Create(Database& db, const Decision& d);
  // As Create, only when no decision of d.kind has d.period yet (one conditional INSERT, so
  // of two racing writers one gets the id and the other nullopt). The quarterly appraisal.
  static StatusOr<std::optional<int64_t>> CreateIfPeriodFree(Database& db, const Decision& d);
  static StatusOr<std::optional<Decision>> Get(Database& db, int64_t id);
  // Decisions of `kind` ("" = any) with `status` ("" = any), newest first, at most `limit`.
  static StatusOr<std::vector<Decision>> List(Database& db, const std::string& kind,
                                              const std::string& status, int limit);
  // Replaces the editable fields (title, body, matter, buildings, questions, per_person,
  // secret, on_board, min_turnout_percent, opens/closes, period) of a draft.
  // kFailedPrecondition when the decision is no longer a draft (or does not exist).
  static Status UpdateDraft(Database& db, const Decision& d, int64_t now_ms);
  // draft -> open, freezing `sha256` and `salt`, at `now_ms`. False when it was not a draft
  // (opened already, or by another caller first).
  static StatusOr<bool> Open(Database& db, int64_t id, const std::string& sha256,
                             const std::string& salt, int64_t now_ms);
  // open -> closed at `now_ms`. False when it was not open (closed already).
  static StatusOr<bool> Close(Database& db, int64_t id, int64_t now_ms);
  // Drafts scheduled to open by `now_ms` (opens_at > 0), oldest first.
  static StatusOr<std::vector<int64_t>> DueToOpen(Database& db, int64_t now_ms);
  // Open decisions whose closing instant is <= `now_ms`.
  static StatusOr<std::vector<int64_t>> DueToClose(Database& db, int64_t now_ms);
  // Open decisions not reminded yet whose closing instant is within (now, now + window].
  static StatusOr<std::vector<int64_t>> DueToRemind(Database& db, int64_t now_ms,
                                                    int64_t window_ms);
  // Sets the reminded flag once; false when it was set already.
  static StatusOr<bool> MarkReminded(Database& db, int64_t id);

  // Casts `b` if its decision is open and `b.cast_at_ms` is before its closing instant:
  // upserts the (decision, voter) row and appends the history row. False (nothing written)
  // when the decision is not open or the closing instant has passed.
  static StatusOr<bool> Cast(Database& db, const Ballot& b);
  // The current ballots of a decision (one per voter), in voter_key order.
  static StatusOr<std::vector<Ballot>> Ballots(Database& db, int64_t decision_id);
  static StatusOr<std::optional<Ballot>> BallotOf(Database& db, int64_t decision_id,
                                                  const std::string& voter_key);
  // Every ballot ever accepted, oldest first (the audit).
  static StatusOr<std::vector<Ballot>> History(Database& db, int64_t decision_id);

  static Status AddComment(Database& db, const DecisionComment& c);
  static StatusOr<std::vector<DecisionComment>> Comments(Database& db, int64_t decision_id);
  // Records that `person_id` is invited to comment; invited twice is fine.
  static Status Invite(Database& db, int64_t decision_id, int64_t person_id, int64_t now_ms);
  static StatusOr<bool> IsInvited(Database& db, int64_t decision_id, int64_t person_id);

  // Elections: a nomination (the nominee's name), once per (decision, nominee).
  // kAlreadyExists for a nominee named before.
  static Status Nominate(Database& db, int64_t decision_id, const std::string& nominee,
                         int64_t by_person_id, int64_t now_ms);
  static StatusOr<std::vector<std::string>> Nominees(Database& db, int64_t decision_id);

  // The result, written once: kAlreadyExists when the decision has one (never updated).
  static Status StoreResult(Database& db, const DecisionResultRow& r);
  static StatusOr<std::optional<DecisionResultRow>> Result(Database& db, int64_t decision_id);

  // Every binding of a person to a household (who speaks for which household).
  static StatusOr<std::vector<HouseholdMember>> Members(Database& db);
};

}  // namespace linli::storage
