#include "domain/decisions/decision_service.h"

#include <algorithm>
#include <set>

#include "bot/text.h"
#include "domain/common/durations.h"
#include "domain/common/time_format.h"
#include "domain/common/user_error.h"
#include "domain/decisions/decision_result.h"
#include "domain/decisions/audit.h"
#include "domain/decisions/text_hash.h"
#include "domain/people/building_heads.h"
#include "domain/people/private_conversation.h"
#include "domain/tickets/authority.h"
#include "storage/identity_store.h"
#include "storage/outbox_store.h"
#include "storage/question_store.h"
#include "storage/roster_store.h"

namespace linli::domain::decisions {

namespace {

using nlohmann::json;
using storage::Decision;

bool KnownKind(const std::string& k) {
  return k == "covenant" || k == "poll" || k == "appraisal" || k == "election";
}

bool SingleQuestionKind(const std::string& kind) { return kind == "covenant" || kind == "election"; }

std::vector<storage::DecisionOption> DefaultOptions() {
  return {{"agree", ""}, {"against", ""}, {"abstain", ""}};
}

// Labels to options: the default labels keep their values (the rule's approve value "agree").
std::vector<storage::DecisionOption> OptionsFromLabels(const Deps& s,
                                                       const std::vector<std::string>& labels) {
  std::vector<storage::DecisionOption> out;
  for (size_t i = 0; i < labels.size(); ++i) {
    std::string value = std::to_string(static_cast<int64_t>(i + 1));
    for (const char* v : {"agree", "against", "abstain"}) {
      const std::string key = std::string("decision.option.") + v;
      if (labels[i] == v || labels[i] == s.texts.Get("zh-CN", key) ||
          labels[i] == s.texts.Get("en", key)) {
        value = v;
      }
    }
    out.push_back({value, value == labels[i] ? "" : labels[i]});
  }
  return out;
}

StatusOr<std::string> LocaleOf(storage::Database& db, const Deps& s, int64_t person_id) {
  LINLI_ASSIGN_OR_RETURN(auto person, storage::IdentityStore::FindPerson(db, person_id));
  if (person && !person->locale.empty()) {
    const auto ls = s.texts.locales();
    if (std::find(ls.begin(), ls.end(), person->locale) != ls.end()) return person->locale;
  }
  return s.config.locale;
}

std::string KindLabel(const Deps& s, const std::string& locale, const std::string& kind) {
  return s.texts.Get(locale, "decision.kind." + kind);
}

std::string When(const Deps& s, int64_t ms) { return FormatLocalTime(ms, s.config.timezone); }

// A push to `person_id`'s private conversation (nothing when the person has no identity left).
// Returns the conversation it went to.
StatusOr<std::optional<ConversationRef>> PushTo(storage::Database& db, const Deps&,
                                                int64_t person_id, std::string text,
                                                std::vector<Choice> choices,
                                                const std::string& notice,
                                                std::map<std::string, std::string> fields,
                                                int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(auto identity, storage::IdentityStore::LastUsedIdentity(db, person_id));
  if (!identity) return std::optional<ConversationRef>();
  OutboundMessage m;
  m.to = PrivateRef(*identity);
  m.text = std::move(text);
  m.choices = std::move(choices);
  m.notice = notice;
  m.notice_fields = std::move(fields);
  LINLI_RETURN_IF_ERROR(storage::OutboxStore::Enqueue(db, m, now_ms).status());
  return std::optional<ConversationRef>(m.to);
}

// The notice (or reminder) of an open decision to one person, with its pushed question.
Status NotifyPerson(storage::Database& db, const Deps& s, const Decision& d, int64_t person_id,
                    bool reminder, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(std::string l, LocaleOf(db, s, person_id));
  const config::TextArgs args = {{"id", std::to_string(d.id)},
                                 {"title", d.title},
                                 {"kind", KindLabel(s, l, d.kind)},
                                 {"closes", When(s, d.closes_at_ms)}};
  std::string text = s.texts.Get(l, reminder ? "decision.remind" : "decision.notice", args);
  storage::PendingQuestion q;
  q.kind = SingleQuestionKind(d.kind) ? kVoteQuestionKind : kPollQuestionKind;
  q.ref = std::to_string(d.id);
  std::vector<Choice> choices;
  if (SingleQuestionKind(d.kind)) {
    text += "\n" + s.texts.Get(l, "decision.notice_vote", args);
    for (const auto& o : d.questions.at(0).options) {
      const std::string label = OptionLabel(s.texts, l, o);
      const std::string payload = "/vote " + std::to_string(d.id) + " " + o.value;
      choices.push_back({label, payload});
      q.options.push_back({o.value, label, payload});
    }
  } else {
    text += "\n" + s.texts.Get(l, "decision.notice_poll", args);
    const std::string label = s.texts.Get(l, "decision.poll_start");
    const std::string payload = "/poll " + std::to_string(d.id);
    choices.push_back({label, payload});
    q.options.push_back({"start", label, payload});
  }
  LINLI_ASSIGN_OR_RETURN(auto to, PushTo(db, s, person_id, std::move(text), std::move(choices),
                                         "decision", {{"title", d.title}, {"closes", When(s, d.closes_at_ms)}},
                                         now_ms));
  if (!to) return Status::Ok();
  q.conversation_key = to->Key();
  q.asked_at_ms = now_ms;
  q.expires_at_ms = std::max(d.closes_at_ms, now_ms + 1);
  return storage::QuestionStore::Ask(db, q);
}

// Notifies every voter (reminder: every voter without a ballot). Returns persons notified.
StatusOr<int> NotifyVoters(storage::Database& db, const Deps& s, const Decision& d, bool reminder,
                           int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(Electorate e, LoadElectorate(db, d));
  std::set<std::string> voted;
  if (reminder) {
    LINLI_ASSIGN_OR_RETURN(auto ballots, storage::DecisionStore::Ballots(db, d.id));
    for (const auto& b : ballots) voted.insert(b.voter_key);
  }
  std::set<int64_t> done;
  int n = 0;
  for (const auto& v : e.voters) {
    if (voted.count(v.key) > 0) continue;
    std::vector<int64_t> persons;
    if (d.per_person) {
      persons.push_back(v.person_id);
    } else {
      persons = e.members[v.household_id];
    }
    for (int64_t p : persons) {
      if (!done.insert(p).second) continue;
      LINLI_RETURN_IF_ERROR(NotifyPerson(db, s, d, p, reminder, now_ms));
      ++n;
    }
  }
  return n;
}

// The result to every voter (the bound members of each household that has a ballot; each
// voting person) and to each configured staff member, privately; and to every group whose
// `posts` has "decisions" and whose buildings (if any) meet the decision's - the result text
// holds totals only, never who voted what.
Status Announce(storage::Database& db, const Deps& s, const Decision& d, const json& result,
                int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(Electorate e, LoadElectorate(db, d));
  LINLI_ASSIGN_OR_RETURN(auto ballots, storage::DecisionStore::Ballots(db, d.id));
  std::set<int64_t> persons;
  for (const auto& b : ballots) {
    if (d.per_person) {
      if (b.person_id > 0) persons.insert(b.person_id);
    } else {
      for (int64_t p : e.members[b.household_id]) persons.insert(p);
    }
  }
  for (int64_t p : persons) {
    LINLI_ASSIGN_OR_RETURN(std::string l, LocaleOf(db, s, p));
    LINLI_RETURN_IF_ERROR(PushTo(db, s, p, ResultText(s.texts, l, d, result), {}, "decision_result",
                                 {{"title", d.title}}, now_ms)
                              .status());
  }
  for (const auto& m : s.config.staff) {
    LINLI_ASSIGN_OR_RETURN(auto identity,
                           storage::IdentityStore::FindIdentity(db, m.channel, m.user_id));
    if (identity && persons.count(identity->person_id) > 0) continue;  // told already
    OutboundMessage msg;
    std::string l = s.config.locale;
    if (identity) {
      msg.to = PrivateRef(*identity);
      LINLI_ASSIGN_OR_RETURN(l, LocaleOf(db, s, identity->person_id));
    } else {
      msg.to = {m.channel, m.user_id, m.user_id, ChatType::kPrivate};
    }
    msg.text = s.texts.Get(l, "decision.staff_result") + "\n" + ResultText(s.texts, l, d, result);
    msg.notice = "decision_result";
    msg.notice_fields = {{"title", d.title}};
    LINLI_RETURN_IF_ERROR(storage::OutboxStore::Enqueue(db, msg, now_ms).status());
  }
  for (const auto& g : s.config.groups) {
    if (!g.Posts("decisions")) continue;
    bool serves = d.buildings.empty() || g.buildings.empty();
    for (const auto& b : d.buildings) serves = serves || g.Serves(b);
    if (!serves) continue;
    OutboundMessage msg;
    msg.to = {g.channel, g.chat_id, g.chat_id, ChatType::kGroup};
    msg.text = ResultText(s.texts, s.config.locale, d, result);
    LINLI_RETURN_IF_ERROR(storage::OutboxStore::Enqueue(db, msg, now_ms).status());
  }
  return Status::Ok();
}

Status Apply(const Deps& s, const DraftInput& in, Decision& d) {
  auto bad = [](const std::string& field) {
    return UserError(StatusCode::kInvalidArgument, "decision.bad_field", {{"field", field}});
  };
  if (in.title) {
    if (TrimText(*in.title).empty() || in.title->size() > 200) return bad("title");
    d.title = TrimText(*in.title);
  }
  if (in.body) {
    if (in.body->size() > 20000) return bad("body");
    d.body = *in.body;
  }
  if (in.matter) {
    if (!ParseMatterClass(*in.matter)) return bad("matter");
    d.matter = *in.matter;
  }
  if (in.buildings) {
    for (const auto& b : *in.buildings) {
      const bool known = std::any_of(s.config.compound.buildings.begin(),
                                     s.config.compound.buildings.end(),
                                     [&](const config::Building& x) { return x.id == b; });
      if (!known) return bad("buildings");
    }
    d.buildings = *in.buildings;
  }
  if (in.options) {
    if (!SingleQuestionKind(d.kind) || in.options->size() < 2 || in.options->size() > 20) {
      return bad("options");
    }
    for (const auto& o : *in.options) {
      if (TrimText(o).empty()) return bad("options");
    }
    d.questions = {{"single", "", OptionsFromLabels(s, *in.options)}};
  }
  if (in.questions) {
    if (SingleQuestionKind(d.kind) || in.questions->empty() || in.questions->size() > 20) {
      return bad("questions");
    }
    for (const auto& q : *in.questions) {
      const bool choice = q.kind == "single" || q.kind == "multi";
      if (!choice && q.kind != "scale" && q.kind != "text") return bad("questions");
      if (choice && q.options.size() < 2) return bad("questions");
      if (TrimText(q.text).empty()) return bad("questions");
    }
    d.questions = *in.questions;
    for (auto& q : d.questions) {
      if (q.kind != "single" && q.kind != "multi") q.options.clear();
      for (size_t i = 0; i < q.options.size(); ++i) {
        if (q.options[i].value.empty()) q.options[i].value = std::to_string(static_cast<int64_t>(i + 1));
      }
    }
  }
  if (in.per_person) {
    if (*in.per_person && d.kind == "covenant") return bad("per_person");  // the rule counts parts
    d.per_person = *in.per_person;
  }
  if (in.secret) d.secret = *in.secret;
  if (in.on_board) d.on_board = *in.on_board;
  if (in.min_turnout_percent) {
    if (*in.min_turnout_percent < 0 || *in.min_turnout_percent > 100) return bad("min_turnout_percent");
    d.min_turnout_percent = *in.min_turnout_percent;
  }
  if (in.opens_at_ms) {
    if (*in.opens_at_ms < 0) return bad("opens_at");
    d.opens_at_ms = *in.opens_at_ms;
  }
  if (in.closes_at_ms) {
    if (*in.closes_at_ms < 0) return bad("closes_at");
    d.closes_at_ms = *in.closes_at_ms;
  }
  if (d.opens_at_ms > 0 && d.closes_at_ms > 0 && d.closes_at_ms <= d.opens_at_ms) return bad("closes_at");
  if (in.period) d.period = *in.period;
  return Status::Ok();
}

StatusOr<std::string> ActorName(storage::Database& db, const Deps& s, Actor actor) {
  LINLI_ASSIGN_OR_RETURN(auto standing, StandingOf(db, s.config, actor));
  if (standing) return standing->name;
  return "#" + std::to_string(actor.person_id);
}

Status RequireStaff(storage::Database& db, const Deps& s, Actor actor) {
  LINLI_ASSIGN_OR_RETURN(bool staff, DecisionService::IsStaff(db, s, actor));
  if (!staff) return UserError(StatusCode::kPermissionDenied, "decision.denied");
  return Status::Ok();
}

// Matches `word` against the options of question `q` by value, label or number.
std::optional<std::string> MatchChoice(const config::Texts& texts, const std::string& locale,
                                       const storage::DecisionQuestion& q, const std::string& word) {
  const std::string w = TrimText(word);
  for (size_t i = 0; i < q.options.size(); ++i) {
    const auto& o = q.options[i];
    if (w == o.value || w == std::to_string(static_cast<int64_t>(i + 1)) || w == OptionLabel(texts, locale, o) ||
        w == OptionLabel(texts, "zh-CN", o) || w == OptionLabel(texts, "en", o)) {
      return o.value;
    }
  }
  return std::nullopt;
}

// A secret ballot's commitment and receipt from a fresh nonce (audit.h); the choice committed
// to is the first answer of a one-question decision, else the answers as JSON.
Status Seal(const Decision& d, storage::Ballot& b, std::string* nonce) {
  if (!d.secret) return Status::Ok();
  LINLI_ASSIGN_OR_RETURN(*nonce, RandomSalt());
  const std::string choice = SingleQuestionKind(d.kind) && !b.answers.empty() && !b.answers[0].empty()
                                 ? b.answers[0][0]
                                 : json(b.answers).dump();
  b.commitment = BallotCommitment(choice, *nonce);
  b.receipt = BallotReceipt(*nonce);
  return Status::Ok();
}

}  // namespace

StatusOr<bool> DecisionService::IsStaff(storage::Database& db, const Deps& s, Actor actor) {
  LINLI_ASSIGN_OR_RETURN(auto standing, StandingOf(db, s.config, actor));
  return standing.has_value();
}

StatusOr<Decision> DecisionService::Create(storage::Database& db, const Deps& s, Actor actor,
                                           const DraftInput& in, int64_t now_ms) {
  LINLI_RETURN_IF_ERROR(RequireStaff(db, s, actor));
  Decision d;
  d.kind = in.kind.value_or("covenant");
  if (!KnownKind(d.kind)) {
    return UserError(StatusCode::kInvalidArgument, "decision.bad_field", {{"field", "kind"}});
  }
  if (d.kind == "covenant") d.questions = {{"single", "", DefaultOptions()}};
  if (d.kind == "appraisal") {
    for (const auto& c : s.config.decisions.appraisal_criteria) {
      const std::string key = "decision.criterion." + c;
      std::string label = s.texts.Get(s.config.locale, key);
      d.questions.push_back({"scale", label == key || label.empty() ? c : label, {}});
    }
  }
  if (d.kind == "election") d.secret = true;
  LINLI_RETURN_IF_ERROR(Apply(s, in, d));
  if (d.title.empty()) {
    return UserError(StatusCode::kInvalidArgument, "decision.bad_field", {{"field", "title"}});
  }
  LINLI_ASSIGN_OR_RETURN(d.created_by_name, ActorName(db, s, actor));
  d.created_by_person_id = actor.person_id;
  d.created_at_ms = now_ms;
  if (in.once_per_period) {
    LINLI_ASSIGN_OR_RETURN(auto id, storage::DecisionStore::CreateIfPeriodFree(db, d));
    if (!id) {
      return UserError(StatusCode::kAlreadyExists, "decision.period_taken", {{"period", d.period}});
    }
    return Get(db, *id);
  }
  LINLI_ASSIGN_OR_RETURN(d.id, storage::DecisionStore::Create(db, d));
  return Get(db, d.id);
}

StatusOr<Decision> DecisionService::Edit(storage::Database& db, const Deps& s, Actor actor,
                                         int64_t id, const DraftInput& in, int64_t now_ms) {
  LINLI_RETURN_IF_ERROR(RequireStaff(db, s, actor));
  LINLI_ASSIGN_OR_RETURN(Decision d, Get(db, id));
  if (d.status != "draft") {
    return UserError(StatusCode::kFailedPrecondition, "decision.not_draft", {{"id", std::to_string(id)}});
  }
  LINLI_RETURN_IF_ERROR(Apply(s, in, d));
  Status st = storage::DecisionStore::UpdateDraft(db, d, now_ms);
  if (st.code() == StatusCode::kFailedPrecondition) {
    return UserError(StatusCode::kFailedPrecondition, "decision.not_draft", {{"id", std::to_string(id)}});
  }
  LINLI_RETURN_IF_ERROR(st);
  return Get(db, id);
}

StatusOr<Decision> DecisionService::Invite(storage::Database& db, const Deps& s, Actor actor,
                                           int64_t id, const std::string& invitee, int64_t now_ms) {
  LINLI_RETURN_IF_ERROR(RequireStaff(db, s, actor));
  LINLI_ASSIGN_OR_RETURN(Decision d, Get(db, id));
  if (d.status != "draft") {
    return UserError(StatusCode::kFailedPrecondition, "decision.not_draft", {{"id", std::to_string(id)}});
  }
  int64_t person_id = 0;
  const std::string who = TrimText(invitee);
  if (const size_t colon = who.find(':'); colon != std::string::npos) {
    LINLI_ASSIGN_OR_RETURN(auto identity, storage::IdentityStore::FindIdentity(
                                              db, who.substr(0, colon), who.substr(colon + 1)));
    if (identity) person_id = identity->person_id;
  } else if (!who.empty() && who.size() <= 15 &&
             who.find_first_not_of("0123456789") == std::string::npos) {
    LINLI_ASSIGN_OR_RETURN(auto person, storage::IdentityStore::FindPerson(db, std::stoll(who)));
    if (person) person_id = person->id;
  }
  if (person_id == 0) return UserError(StatusCode::kNotFound, "decision.no_person", {{"who", who}});
  LINLI_RETURN_IF_ERROR(storage::DecisionStore::Invite(db, id, person_id, now_ms));
  LINLI_ASSIGN_OR_RETURN(std::string l, LocaleOf(db, s, person_id));
  LINLI_RETURN_IF_ERROR(PushTo(db, s, person_id,
                               s.texts.Get(l, "decision.invited",
                                           {{"id", std::to_string(id)}, {"title", d.title}, {"body", d.body}}),
                               {}, "decision", {{"title", d.title}}, now_ms)
                            .status());
  return d;
}

StatusOr<Decision> DecisionService::Comment(storage::Database& db, const Deps& s, int64_t person_id,
                                            int64_t id, const std::string& text, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(Decision d, Get(db, id));
  LINLI_ASSIGN_OR_RETURN(bool invited, storage::DecisionStore::IsInvited(db, id, person_id));
  LINLI_ASSIGN_OR_RETURN(bool staff, IsStaff(db, s, Actor::Person(person_id)));
  if (!invited && !staff) return UserError(StatusCode::kPermissionDenied, "decision.not_invited");
  if (d.status != "draft") {
    return UserError(StatusCode::kFailedPrecondition, "decision.not_draft", {{"id", std::to_string(id)}});
  }
  const std::string t = TrimText(text);
  if (t.empty() || t.size() > 2000) {
    return UserError(StatusCode::kInvalidArgument, "decision.bad_field", {{"field", "text"}});
  }
  LINLI_RETURN_IF_ERROR(storage::DecisionStore::AddComment(db, {0, id, person_id, t, now_ms}));
  return d;
}

StatusOr<Decision> DecisionService::Nominate(storage::Database& db, const Deps& s,
                                             int64_t person_id, int64_t id,
                                             const std::string& nominee, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(Decision d, Get(db, id));
  if (d.kind != "election") return UserError(StatusCode::kNotFound, "decision.not_found", {{"id", std::to_string(id)}});
  if (d.status != "draft") {
    return UserError(StatusCode::kFailedPrecondition, "decision.nominations_closed", {{"id", std::to_string(id)}});
  }
  LINLI_ASSIGN_OR_RETURN(bool staff, IsStaff(db, s, Actor::Person(person_id)));
  if (!staff) {
    LINLI_ASSIGN_OR_RETURN(Electorate e, LoadElectorate(db, d));
    if (!VoterOf(e, d, person_id)) {
      LINLI_ASSIGN_OR_RETURN(bool bound, storage::RosterStore::IsVerified(db, person_id));
      return UserError(StatusCode::kPermissionDenied,
                       bound ? "decision.not_eligible" : "decision.bind_first");
    }
  }
  const std::string name = TrimText(nominee);
  if (name.empty() || name.size() > 60) {
    return UserError(StatusCode::kInvalidArgument, "decision.bad_field", {{"field", "nominee"}});
  }
  Status st = storage::DecisionStore::Nominate(db, id, name, person_id, now_ms);
  if (st.code() == StatusCode::kAlreadyExists) {
    return UserError(StatusCode::kAlreadyExists, "decision.nominated_already", {{"name", name}});
  }
  LINLI_RETURN_IF_ERROR(st);
  return d;
}

StatusOr<Decision> DecisionService::Open(storage::Database& db, const Deps& s, Actor actor,
                                         int64_t id, int64_t now_ms) {
  LINLI_RETURN_IF_ERROR(RequireStaff(db, s, actor));
  LINLI_ASSIGN_OR_RETURN(Decision d, Get(db, id));
  if (d.status != "draft") {
    return UserError(StatusCode::kFailedPrecondition, "decision.not_draft", {{"id", std::to_string(id)}});
  }
  auto incomplete = [&](const std::string& what) {
    return UserError(StatusCode::kFailedPrecondition, "decision.incomplete",
                     {{"id", std::to_string(id)}, {"what", what}});
  };
  if (d.kind == "election" && (d.questions.empty() || d.questions[0].options.empty())) {
    LINLI_ASSIGN_OR_RETURN(auto nominees, storage::DecisionStore::Nominees(db, id));
    std::vector<storage::DecisionOption> options;
    for (size_t i = 0; i < nominees.size(); ++i) {
      options.push_back({std::to_string(static_cast<int64_t>(i + 1)), nominees[i]});
    }
    d.questions = {{"single", "", options}};
  }
  if (d.title.empty()) return incomplete("title");
  if (d.questions.empty()) return incomplete("questions");
  for (const auto& q : d.questions) {
    if ((q.kind == "single" || q.kind == "multi") && q.options.size() < 2) return incomplete("options");
  }
  if (d.closes_at_ms <= now_ms) return incomplete("closes_at");
  if (d.opens_at_ms == 0 || d.opens_at_ms > now_ms) d.opens_at_ms = now_ms;
  LINLI_RETURN_IF_ERROR(storage::DecisionStore::UpdateDraft(db, d, now_ms));
  LINLI_ASSIGN_OR_RETURN(std::string salt, RandomSalt());
  LINLI_ASSIGN_OR_RETURN(bool opened,
                         storage::DecisionStore::Open(db, id, Sha256Hex(FrozenText(d)), salt, now_ms));
  if (!opened) {
    return UserError(StatusCode::kFailedPrecondition, "decision.not_draft", {{"id", std::to_string(id)}});
  }
  LINLI_ASSIGN_OR_RETURN(d, Get(db, id));
  LINLI_RETURN_IF_ERROR(NotifyVoters(db, s, d, /*reminder=*/false, now_ms).status());
  return d;
}

StatusOr<Decision> DecisionService::Close(storage::Database& db, const Deps& s, Actor actor,
                                          int64_t id, int64_t now_ms) {
  LINLI_RETURN_IF_ERROR(RequireStaff(db, s, actor));
  LINLI_ASSIGN_OR_RETURN(Decision d, Get(db, id));
  LINLI_ASSIGN_OR_RETURN(bool closed, storage::DecisionStore::Close(db, id, now_ms));
  if (!closed) return UserError(StatusCode::kFailedPrecondition, "decision.not_open", {{"id", std::to_string(id)}});
  LINLI_ASSIGN_OR_RETURN(d, Get(db, id));
  LINLI_ASSIGN_OR_RETURN(Electorate e, LoadElectorate(db, d));
  LINLI_ASSIGN_OR_RETURN(auto ballots, storage::DecisionStore::Ballots(db, id));
  const json result = ComputeResult(d, e, ballots);
  LINLI_RETURN_IF_ERROR(storage::DecisionStore::StoreResult(
      db, {id, result.dump(), d.kind == "covenant" && decisions::Adopted(result), now_ms}));
  LINLI_RETURN_IF_ERROR(Announce(db, s, d, result, now_ms));
  return d;
}

StatusOr<std::vector<std::vector<std::string>>> DecisionService::NormalizeAnswers(
    const config::Texts& texts, const std::string& locale, const Decision& d,
    const std::vector<std::vector<std::string>>& answers) {
  auto bad = [](size_t q) {
    return UserError(StatusCode::kInvalidArgument, "decision.bad_answer",
                     {{"n", std::to_string(static_cast<int64_t>(q + 1))}});
  };
  if (answers.size() != d.questions.size()) return bad(std::min(answers.size(), d.questions.size()));
  std::vector<std::vector<std::string>> out;
  for (size_t i = 0; i < d.questions.size(); ++i) {
    const auto& q = d.questions[i];
    std::vector<std::string> a;
    if (q.kind == "single") {
      if (answers[i].size() != 1) return bad(i);
      auto v = MatchChoice(texts, locale, q, answers[i][0]);
      if (!v) return bad(i);
      a.push_back(*v);
    } else if (q.kind == "multi") {
      if (answers[i].empty()) return bad(i);
      for (const auto& w : answers[i]) {
        auto v = MatchChoice(texts, locale, q, w);
        if (!v) return bad(i);
        if (std::find(a.begin(), a.end(), *v) == a.end()) a.push_back(*v);
      }
    } else if (q.kind == "scale") {
      const std::string w = answers[i].size() == 1 ? TrimText(answers[i][0]) : "";
      if (w.size() != 1 || w[0] < '1' || w[0] > '5') return bad(i);
      a.push_back(w);
    } else {
      const std::string w = answers[i].size() == 1 ? TrimText(answers[i][0]) : "";
      if (w.empty() || w.size() > 600) return bad(i);
      a.push_back(w);
    }
    out.push_back(std::move(a));
  }
  return out;
}

StatusOr<CastOutcome> DecisionService::Vote(storage::Database& db, const Deps& s, int64_t person_id,
                                            int64_t id, std::vector<std::vector<std::string>> answers,
                                            int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(Decision d, Get(db, id));
  if (d.status == "closed" || (d.status == "open" && now_ms >= d.closes_at_ms)) {
    return UserError(StatusCode::kFailedPrecondition, "decision.closed", {{"id", std::to_string(id)}});
  }
  if (d.status != "open") {
    return UserError(StatusCode::kFailedPrecondition, "decision.not_open", {{"id", std::to_string(id)}});
  }
  LINLI_ASSIGN_OR_RETURN(Electorate e, LoadElectorate(db, d));
  auto voter = VoterOf(e, d, person_id);
  if (!voter) {
    LINLI_ASSIGN_OR_RETURN(bool bound, storage::RosterStore::IsVerified(db, person_id));
    return UserError(StatusCode::kPermissionDenied,
                     bound ? "decision.not_eligible" : "decision.bind_first");
  }
  LINLI_ASSIGN_OR_RETURN(std::string l, LocaleOf(db, s, person_id));
  LINLI_ASSIGN_OR_RETURN(auto normalized, NormalizeAnswers(s.texts, l, d, answers));
  LINLI_ASSIGN_OR_RETURN(auto before, storage::DecisionStore::BallotOf(db, id, voter->key));
  storage::Ballot b;
  b.decision_id = id;
  b.voter_key = voter->key;
  b.household_id = voter->household_id;
  b.person_id = person_id;
  b.answers = normalized;
  b.via = "chat";
  b.cast_at_ms = now_ms;
  std::string nonce;
  LINLI_RETURN_IF_ERROR(Seal(d, b, &nonce));
  LINLI_ASSIGN_OR_RETURN(bool cast, storage::DecisionStore::Cast(db, b));
  if (!cast) return UserError(StatusCode::kFailedPrecondition, "decision.closed", {{"id", std::to_string(id)}});
  CastOutcome out;
  out.nonce = nonce;
  out.decision = std::move(d);
  out.answers = std::move(normalized);
  out.replaced = before.has_value();
  if (before) out.replaced_via = before->via;
  return out;
}

StatusOr<CastOutcome> DecisionService::Paper(storage::Database& db, const Deps& s, Actor actor,
                                             int64_t id, const std::string& location,
                                             const std::string& choice, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(Decision d, Get(db, id));
  // "3-2-301" (also with full-width dashes or spaces).
  std::vector<std::string> parts;
  std::string cur;
  const std::string loc = TrimText(location);
  for (size_t i = 0; i < loc.size();) {
    if (loc[i] == '-' || loc[i] == ' ') {
      parts.push_back(cur);
      cur.clear();
      ++i;
    } else if (loc.compare(i, 3, "－") == 0) {
      parts.push_back(cur);
      cur.clear();
      i += 3;
    } else {
      cur.push_back(loc[i++]);
    }
  }
  parts.push_back(cur);
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty() || parts[2].empty()) {
    return UserError(StatusCode::kInvalidArgument, "decision.bad_household", {{"where", loc}});
  }
  LINLI_ASSIGN_OR_RETURN(auto household,
                         storage::RosterStore::FindHousehold(db, parts[0], parts[1], parts[2]));
  if (!household) return UserError(StatusCode::kNotFound, "decision.bad_household", {{"where", loc}});
  LINLI_ASSIGN_OR_RETURN(auto standing, StandingOf(db, s.config, actor));
  std::string collector;
  if (standing) {
    collector = standing->name;
  } else {
    LINLI_ASSIGN_OR_RETURN(auto head, BuildingHeadOf(db, s.config, actor));
    if (!head || !head->Serves(household->building)) {
      return UserError(StatusCode::kPermissionDenied, "decision.denied");
    }
    collector = head->name;
  }
  if (d.per_person || !SingleQuestionKind(d.kind)) {
    return UserError(StatusCode::kFailedPrecondition, "decision.no_paper", {{"id", std::to_string(id)}});
  }
  if (d.status == "closed" || (d.status == "open" && now_ms >= d.closes_at_ms)) {
    return UserError(StatusCode::kFailedPrecondition, "decision.closed", {{"id", std::to_string(id)}});
  }
  if (d.status != "open") {
    return UserError(StatusCode::kFailedPrecondition, "decision.not_open", {{"id", std::to_string(id)}});
  }
  LINLI_ASSIGN_OR_RETURN(Electorate e, LoadElectorate(db, d));
  const std::string key = HouseholdVoterKey(household->id);
  const bool eligible = std::any_of(e.voters.begin(), e.voters.end(),
                                    [&](const Voter& v) { return v.key == key; });
  if (!eligible) return UserError(StatusCode::kPermissionDenied, "decision.household_not_eligible");
  LINLI_ASSIGN_OR_RETURN(auto normalized, NormalizeAnswers(s.texts, s.config.locale, d, {{choice}}));
  LINLI_ASSIGN_OR_RETURN(auto before, storage::DecisionStore::BallotOf(db, id, key));
  storage::Ballot b;
  b.decision_id = id;
  b.voter_key = key;
  b.household_id = household->id;
  b.answers = normalized;
  b.via = "paper";
  b.collected_by_person_id = actor.person_id;
  b.collected_by_name = collector;
  b.cast_at_ms = now_ms;
  std::string nonce;
  LINLI_RETURN_IF_ERROR(Seal(d, b, &nonce));
  LINLI_ASSIGN_OR_RETURN(bool cast, storage::DecisionStore::Cast(db, b));
  if (!cast) return UserError(StatusCode::kFailedPrecondition, "decision.closed", {{"id", std::to_string(id)}});
  CastOutcome out;
  out.nonce = nonce;
  out.decision = std::move(d);
  out.answers = std::move(normalized);
  out.replaced = before.has_value();
  if (before) out.replaced_via = before->via;
  return out;
}

StatusOr<TickCounts> DecisionService::Tick(storage::Database& db, const Deps& s, int64_t now_ms) {
  TickCounts counts;
  LINLI_ASSIGN_OR_RETURN(auto to_open, storage::DecisionStore::DueToOpen(db, now_ms));
  for (int64_t id : to_open) {
    auto opened = Open(db, s, Actor::System(), id, now_ms);
    if (opened.ok()) {
      ++counts.opened;
    } else if (ErrorKey(opened.status()).empty()) {
      return opened.status();
    }  // an incomplete draft stays a draft until staff complete it
  }
  if (s.config.decisions.reminder_hours > 0) {
    LINLI_ASSIGN_OR_RETURN(
        auto to_remind,
        storage::DecisionStore::DueToRemind(db, now_ms, s.config.decisions.reminder_hours * kHourMs));
    for (int64_t id : to_remind) {
      LINLI_ASSIGN_OR_RETURN(bool first, storage::DecisionStore::MarkReminded(db, id));
      if (!first) continue;
      LINLI_ASSIGN_OR_RETURN(Decision d, Get(db, id));
      LINLI_RETURN_IF_ERROR(NotifyVoters(db, s, d, /*reminder=*/true, now_ms).status());
      ++counts.reminded;
    }
  }
  LINLI_ASSIGN_OR_RETURN(auto to_close, storage::DecisionStore::DueToClose(db, now_ms));
  for (int64_t id : to_close) {
    auto closed = Close(db, s, Actor::System(), id, now_ms);
    if (closed.ok()) {
      ++counts.closed;
    } else if (ErrorKey(closed.status()).empty()) {
      return closed.status();
    }
  }
  return counts;
}

StatusOr<Decision> DecisionService::Get(storage::Database& db, int64_t id) {
  LINLI_ASSIGN_OR_RETURN(auto d, storage::DecisionStore::Get(db, id));
  if (!d) return UserError(StatusCode::kNotFound, "decision.not_found", {{"id", std::to_string(id)}});
  return std::move(*d);
}

StatusOr<std::optional<storage::Ballot>> DecisionService::OwnBallot(storage::Database& db,
                                                                   const Deps&, int64_t person_id,
                                                                   int64_t id) {
  LINLI_ASSIGN_OR_RETURN(Decision d, Get(db, id));
  LINLI_ASSIGN_OR_RETURN(Electorate e, LoadElectorate(db, d));
  auto voter = VoterOf(e, d, person_id);
  if (!voter) return std::optional<storage::Ballot>();
  return storage::DecisionStore::BallotOf(db, id, voter->key);
}

StatusOr<Turnout> DecisionService::TurnoutNow(storage::Database& db, const Decision& d) {
  LINLI_ASSIGN_OR_RETURN(Electorate e, LoadElectorate(db, d));
  LINLI_ASSIGN_OR_RETURN(auto ballots, storage::DecisionStore::Ballots(db, d.id));
  return TurnoutOf(e, ballots);
}

StatusOr<std::vector<Decision>> DecisionService::OpenFor(storage::Database& db, const Deps&,
                                                         int64_t person_id) {
  LINLI_ASSIGN_OR_RETURN(auto open, storage::DecisionStore::List(db, "", "open", 100));
  std::vector<Decision> out;
  for (auto& d : open) {
    LINLI_ASSIGN_OR_RETURN(Electorate e, LoadElectorate(db, d));
    if (VoterOf(e, d, person_id)) out.push_back(std::move(d));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

StatusOr<std::vector<AdoptedCovenant>> DecisionService::Adopted(storage::Database& db) {
  LINLI_ASSIGN_OR_RETURN(auto closed, storage::DecisionStore::List(db, "covenant", "closed", 200));
  std::vector<AdoptedCovenant> out;
  for (auto& d : closed) {
    LINLI_ASSIGN_OR_RETURN(auto r, storage::DecisionStore::Result(db, d.id));
    if (!r || !r->adopted) continue;
    out.push_back({std::move(d), json::parse(r->result_json, nullptr, false)});
  }
  return out;
}

StatusOr<std::optional<json>> DecisionService::ResultOf(storage::Database& db, int64_t id) {
  LINLI_ASSIGN_OR_RETURN(auto r, storage::DecisionStore::Result(db, id));
  if (!r) return std::optional<json>();
  json j = json::parse(r->result_json, nullptr, false);
  if (j.is_discarded()) return Status::Internal("decision " + std::to_string(id) + ": unreadable result");
  return std::optional<json>(std::move(j));
}

StatusOr<std::vector<DecisionService::NamedVote>> DecisionService::VotesAfterClose(
    storage::Database& db, const Decision& d) {
  std::vector<NamedVote> out;
  if (d.secret || d.status != "closed") return out;
  LINLI_ASSIGN_OR_RETURN(auto ballots, storage::DecisionStore::Ballots(db, d.id));
  for (const auto& b : ballots) {
    LINLI_ASSIGN_OR_RETURN(auto h, storage::RosterStore::GetHousehold(db, b.household_id));
    out.push_back({h ? h->building + "-" + h->unit + "-" + h->room : "-", b.answers, b.via});
  }
  return out;
}

std::string DecisionService::ErrorKey(const Status& status) {
  const std::string m = status.message();
  if (m.rfind("decision.", 0) != 0 || status.code() == StatusCode::kInternal) return "";
  return m.substr(0, m.find(';'));
}

config::TextArgs DecisionService::ErrorArgs(const Status& status) {
  config::TextArgs args;
  const std::string m = status.message();
  size_t pos = m.find(';');
  while (pos != std::string::npos) {
    const size_t next = m.find(';', pos + 1);
    const std::string part = m.substr(pos + 1, next == std::string::npos ? next : next - pos - 1);
    const size_t eq = part.find('=');
    if (eq != std::string::npos) args[part.substr(0, eq)] = part.substr(eq + 1);
    pos = next;
  }
  return args;
}

}  // namespace linli::domain::decisions
