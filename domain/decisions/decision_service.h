// The decision engine (issue 10): one service for micro-covenants (微公约), opinion polls and
// questionnaires (意见征询, 问卷), the quarterly appraisal of the property company (民主评议) and
// elections of people (评选). Every front end - the chat flows (dialogs/decision_flow.cc), the
// admin API (bot/server/api.cc), the `decisions` job (bot/server/jobs.cc) and the CLI - calls
// these functions with the same Deps and an Actor; the service checks authority itself.
// Every call writes in the caller's transaction (the write-queue unit): its pushes go to the
// durable outbox in the same transaction, so a failed unit sends nothing.
//
// Life of a decision: draft (editable by staff; representatives invited to comment; elections
// take nominations) -> open (at its opening time or when staff open it: the text is frozen
// and its SHA-256 and the audit salt recorded; every eligible household's bound members - or
// every bound person, for per-person decisions - get a pushed question: kVoteQuestionKind for
// covenants and elections, answered by button, number or label; kPollQuestionKind for polls
// and appraisals, which starts the questionnaire) -> closed (at its closing time: the result
// is computed from the roster's electorate and the current ballots, stored once, announced
// privately to every voter and to each configured staff member). There is no staff group
// setting yet (the groups config of h/wish has not landed), so "the staff group" is each
// config.staff member's private chat.
//
// Exactly once: opening, reminding and closing are conditional UPDATEs (storage/
// decision_store.h) whose affected-row count decides, so the minute job, a staff command and
// a restart cannot open, remind or close a decision twice; a ballot is written only while the
// decision is open and before its closing instant, by one conditional INSERT ... ON CONFLICT
// (one per (decision, voter): the last counts; the history keeps every one).
//
// Secrecy: for a secret decision nothing this service returns to staff links a voter or a
// household to an answer (turnout only while open; totals after close); the voter alone is
// shown their own current choice, privately. Open (non-secret) decisions show who answered
// what after close (VotesAfterClose).
//
// User-facing refusals are Status values whose message is a text key starting "decision."
// (ErrorKey / ErrorArgs give the key and its arguments): kNotFound no such decision,
// kPermissionDenied not allowed, kFailedPrecondition wrong state (not a draft, not open,
// closed), kInvalidArgument bad input. Anything else is a database error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/status.h"
#include "config/texts.h"
#include "domain/actor.h"
#include "domain/decisions/voters.h"
#include "domain/deps.h"
#include "storage/database.h"
#include "storage/decision_store.h"

namespace linli::domain::decisions {

inline constexpr const char* kVoteQuestionKind = "vote";  // covenants, elections
inline constexpr const char* kPollQuestionKind = "poll";  // polls, appraisals

// The fields of a draft to write; unset fields stay (Create: take their defaults).
struct DraftInput {
  std::optional<std::string> kind;  // Create only: covenant (default) | poll | appraisal | election
  std::optional<std::string> title;
  std::optional<std::string> body;
  std::optional<std::string> matter;  // informal | ordinary | major
  std::optional<std::vector<std::string>> buildings;  // empty = the whole compound
  std::optional<std::vector<storage::DecisionQuestion>> questions;  // polls
  // Covenants and elections: the labels of the one question's options (values "1", "2", ...
  // unless they are the defaults 同意/反对/弃权, whose values are agree/against/abstain).
  std::optional<std::vector<std::string>> options;
  std::optional<bool> per_person;
  std::optional<bool> secret;
  std::optional<bool> on_board;
  std::optional<int> min_turnout_percent;
  std::optional<int64_t> opens_at_ms;
  std::optional<int64_t> closes_at_ms;
  std::optional<std::string> period;  // appraisals: "2026-Q4"
  // Create only: not created when a decision of this kind already has `period` (decided by
  // the insert itself): kAlreadyExists decision.period_taken (period=...).
  bool once_per_period = false;
};

struct CastOutcome {
  storage::Decision decision;
  std::vector<std::vector<std::string>> answers;  // as counted
  bool replaced = false;     // the voter's earlier ballot was replaced
  std::string replaced_via;  // its way ("paper" for a paper ballot replaced by a chat vote)
  // Secret ballots: the nonce behind the ballot's commitment and receipt (domain/decisions/
  // audit.h), for the voter's eyes only (a paper ballot's: for the slip handed back); never
  // stored. "" for open ballots.
  std::string nonce;
};

struct TickCounts {
  int opened = 0;
  int reminded = 0;  // decisions whose reminders went out
  int closed = 0;
};

// An adopted covenant as residents see it (公约 /rules).
struct AdoptedCovenant {
  storage::Decision decision;
  nlohmann::json result;
};

class DecisionService {
 public:
  // Whether `actor` acts as staff (domain/tickets/authority.h StandingOf). Database errors.
  static StatusOr<bool> IsStaff(storage::Database& db, const Deps& s, Actor actor);

  // Staff: a new draft. Defaults: covenant, informal, whole compound, options 同意/反对/弃权,
  // secret, on the board; an appraisal's questions are config.decisions.appraisal_criteria as
  // 1-5 scales. kInvalidArgument decision.bad_field (field=...) for a bad value.
  static StatusOr<storage::Decision> Create(storage::Database& db, const Deps& s, Actor actor,
                                            const DraftInput& in, int64_t now_ms);
  // Staff: changes a draft. kFailedPrecondition decision.not_draft once opened.
  static StatusOr<storage::Decision> Edit(storage::Database& db, const Deps& s, Actor actor,
                                          int64_t id, const DraftInput& in, int64_t now_ms);
  // Staff: invites `invitee` (a person id, or "<channel>:<user id>") to comment on a draft and
  // pushes the draft's text to them. kNotFound decision.no_person.
  static StatusOr<storage::Decision> Invite(storage::Database& db, const Deps& s, Actor actor,
                                            int64_t id, const std::string& invitee, int64_t now_ms);
  // An invited representative (or staff) comments on a draft. kPermissionDenied
  // decision.not_invited; kFailedPrecondition decision.not_draft.
  static StatusOr<storage::Decision> Comment(storage::Database& db, const Deps& s,
                                             int64_t person_id, int64_t id,
                                             const std::string& text, int64_t now_ms);
  // A resident of the electorate (or staff) nominates someone for an election in draft.
  // kAlreadyExists decision.nominated_already.
  static StatusOr<storage::Decision> Nominate(storage::Database& db, const Deps& s,
                                              int64_t person_id, int64_t id,
                                              const std::string& nominee, int64_t now_ms);
  // Staff (or the system, from Tick): opens a draft now - checks it is complete (title,
  // questions with >= 2 options, a closing time after now; an election without options takes
  // its nominees), freezes the text, notifies. kFailedPrecondition decision.not_draft /
  // decision.incomplete (what=...).
  static StatusOr<storage::Decision> Open(storage::Database& db, const Deps& s, Actor actor,
                                          int64_t id, int64_t now_ms);
  // Staff (or the system): closes an open decision now, stores and announces the result.
  // kFailedPrecondition decision.not_open.
  static StatusOr<storage::Decision> Close(storage::Database& db, const Deps& s, Actor actor,
                                           int64_t id, int64_t now_ms);

  // A resident's ballot in chat: `answers` per question (option values; a scale "1".."5"; a
  // text). kFailedPrecondition decision.not_open / decision.closed; kPermissionDenied
  // decision.bind_first (bound to no household: how to bind) / decision.not_eligible;
  // kInvalidArgument decision.bad_answer.
  static StatusOr<CastOutcome> Vote(storage::Database& db, const Deps& s, int64_t person_id,
                                    int64_t id, std::vector<std::vector<std::string>> answers,
                                    int64_t now_ms);
  // A paper ballot (代投) for the household at `location` ("3-2-301"), collected by `actor`:
  // staff, or a building head (config.decisions.building_heads) of the household's building.
  // `choice` is an option's value, label or number. Per-household covenants and elections.
  static StatusOr<CastOutcome> Paper(storage::Database& db, const Deps& s, Actor actor,
                                     int64_t id, const std::string& location,
                                     const std::string& choice, int64_t now_ms);

  // The `decisions` job: opens due drafts, sends the reminders due
  // (config.decisions.reminder_hours before the close, to voters without a ballot), closes
  // due decisions. A draft that cannot open (incomplete) stays a draft.
  static StatusOr<TickCounts> Tick(storage::Database& db, const Deps& s, int64_t now_ms);

  // Reads. Get: kNotFound decision.not_found.
  static StatusOr<storage::Decision> Get(storage::Database& db, int64_t id);
  // The person's own current ballot in `id` (nullopt: none, or not a voter).
  static StatusOr<std::optional<storage::Ballot>> OwnBallot(storage::Database& db, const Deps& s,
                                                           int64_t person_id, int64_t id);
  static StatusOr<Turnout> TurnoutNow(storage::Database& db, const storage::Decision& d);
  // Open decisions the person may answer, oldest first.
  static StatusOr<std::vector<storage::Decision>> OpenFor(storage::Database& db, const Deps& s,
                                                          int64_t person_id);
  // Adopted covenants, newest first.
  static StatusOr<std::vector<AdoptedCovenant>> Adopted(storage::Database& db);
  // The stored result of a closed decision (nullopt before close).
  static StatusOr<std::optional<nlohmann::json>> ResultOf(storage::Database& db, int64_t id);
  // Open ballots after close: each voter's household (building-unit-room) and choice labels.
  // Empty for a secret decision or before close.
  struct NamedVote {
    std::string household;  // "3-2-301"
    std::vector<std::vector<std::string>> answers;
    std::string via;
  };
  static StatusOr<std::vector<NamedVote>> VotesAfterClose(storage::Database& db,
                                                          const storage::Decision& d);

  // Validates and normalizes `answers` for `d` (trimmed; options by value, label or number;
  // a multi-choice answer deduplicated). kInvalidArgument decision.bad_answer (n=question).
  static StatusOr<std::vector<std::vector<std::string>>> NormalizeAnswers(
      const config::Texts& texts, const std::string& locale, const storage::Decision& d,
      const std::vector<std::vector<std::string>>& answers);

  // The refusal's text key ("" for a database error) and its arguments.
  static std::string ErrorKey(const Status& status);
  static config::TextArgs ErrorArgs(const Status& status);
};

}  // namespace linli::domain::decisions
