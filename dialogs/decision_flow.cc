// Residents' decisions in chat (issue 10), a front end of domain/decisions/:
//   residents  投票 /vote [N [选项 [确认]]]: what is open (with the household's own current
//              choice), the choices of N, the confirmation, the ballot. The open notice's
//              pushed question (kind "vote") and the confirmation's (kind "vote_confirm") are
//              answered by button, number or label.
//              公约 /rules [N]: adopted covenants with date and result; N: the full text.
//              问卷 /poll N (and the notice's "开始答题"): the questionnaire, one question per
//              step, then a confirmation.
//              意见 /comment N 内容 (invited representatives), 提名 /nominate N 姓名 (elections).
//   staff      起草公约 /draft: a covenant draft step by step; 公约列表 /decisions;
//              投票情况 /turnout N (turnout and comments, never who voted what for a secret
//              ballot; the result after close); and one command per decision action
//              (domain/decisions/decision_actions.h: 修改公约, 邀请意见, 开始投票, 结束投票, 代投).
// Everything about a person's ballot is private-only; staff commands may run in staff groups
// (their replies show turnout and totals only).
#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dialogs/engine.h"
#include "dialogs/flows.h"
#include "domain/common/time_format.h"
#include "domain/decisions/decision_actions.h"
#include "domain/decisions/decision_result.h"
#include "domain/decisions/decision_service.h"
#include "domain/tickets/ticket_actions.h"
#include "storage/decision_store.h"
#include "storage/question_store.h"

namespace linli::dialogs {

namespace {

namespace dd = domain::decisions;
using storage::Decision;

constexpr const char* kConfirmQuestionKind = "vote_confirm";

Status ReplyError(TurnContext& ctx, const Status& st) {
  auto refusal = dd::DescribeDecisionRefusal(ctx.deps().texts, ctx.locale(), st);
  if (!refusal) return st;
  ctx.Reply(std::move(refusal->text));
  return Status::Ok();
}

std::string When(const TurnContext& ctx, int64_t ms) {
  return ms > 0 ? domain::FormatLocalTime(ms, ctx.config().timezone) : ctx.T("decision.time_unset");
}

std::string ChoiceLabels(const TurnContext& ctx, const Decision& d, size_t q,
                         const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) {
    std::string label = v;
    if (q < d.questions.size()) {
      for (const auto& o : d.questions[q].options) {
        if (o.value == v) label = dd::OptionLabel(ctx.deps().texts, ctx.locale(), o);
      }
    }
    if (!out.empty()) out += "、";
    out += label;
  }
  return out;
}

// Asks `q` on the sender's conversation, after any question this turn saw (the engine keeps
// a question asked by the turn itself; the fake clock may not have moved since the last).
Status AskHere(TurnContext& ctx, storage::PendingQuestion q, int64_t expires_at_ms) {
  q.conversation_key = ctx.in().conversation.Key();
  LINLI_ASSIGN_OR_RETURN(auto pending,
                         storage::QuestionStore::Pending(ctx.db(), q.conversation_key, ctx.now_ms()));
  q.asked_at_ms = std::max(ctx.now_ms(), pending ? pending->asked_at_ms + 1 : int64_t{0});
  q.expires_at_ms = std::max(expires_at_ms, q.asked_at_ms + 1);
  return storage::QuestionStore::Ask(ctx.db(), q);
}

// "N rest" -> {N, rest}.
std::pair<int64_t, std::string> IdAndRest(const std::string& args) { return domain::NumberAndRest(args); }

// ---- 投票 /vote ----

Status ListOpen(TurnContext& ctx) {
  LINLI_ASSIGN_OR_RETURN(auto open, dd::DecisionService::OpenFor(ctx.db(), ctx.deps(), ctx.person().id));
  if (open.empty()) {
    LINLI_ASSIGN_OR_RETURN(bool bound, storage::RosterStore::IsVerified(ctx.db(), ctx.person().id));
    ctx.Reply(ctx.T(bound ? "decision.open_none" : "decision.bind_first"));
    return Status::Ok();
  }
  std::string text = ctx.T("decision.open_header");
  for (const auto& d : open) {
    LINLI_ASSIGN_OR_RETURN(auto mine, dd::DecisionService::OwnBallot(ctx.db(), ctx.deps(), ctx.person().id, d.id));
    std::string mine_text;
    if (mine && (d.kind == "covenant" || d.kind == "election") && !mine->answers.empty()) {
      mine_text = ctx.T("decision.open_mine", {{"choice", ChoiceLabels(ctx, d, 0, mine->answers[0])}});
    }
    text += "\n" + ctx.T("decision.open_item", {{"id", std::to_string(d.id)},
                                                {"kind", ctx.T("decision.kind." + d.kind)},
                                                {"title", d.title},
                                                {"closes", When(ctx, d.closes_at_ms)},
                                                {"mine", mine_text}});
  }
  text += "\n" + ctx.T("decision.open_more");
  ctx.Reply(std::move(text));
  return Status::Ok();
}

// The choices of an open single-question decision, with its pushed question.
Status ShowChoices(TurnContext& ctx, const Decision& d) {
  storage::PendingQuestion q;
  q.kind = dd::kVoteQuestionKind;
  q.ref = std::to_string(d.id);
  std::vector<Choice> choices;
  for (const auto& o : d.questions.at(0).options) {
    const std::string label = dd::OptionLabel(ctx.deps().texts, ctx.locale(), o);
    const std::string payload = "/vote " + std::to_string(d.id) + " " + o.value;
    choices.push_back({label, payload});
    q.options.push_back({o.value, label, payload});
  }
  ctx.Reply(ctx.T("decision.choose", {{"id", std::to_string(d.id)}, {"title", d.title}}), std::move(choices));
  return AskHere(ctx, std::move(q), d.closes_at_ms);
}

// Checks the choice and asks for the confirmation.
Status AskConfirm(TurnContext& ctx, const Decision& d, const std::string& choice) {
  auto normalized = dd::DecisionService::NormalizeAnswers(ctx.deps().texts, ctx.locale(), d, {{choice}});
  if (!normalized.ok()) {
    LINLI_RETURN_IF_ERROR(ReplyError(ctx, normalized.status()));
    return ShowChoices(ctx, d);
  }
  const std::string value = (*normalized)[0][0];
  const std::string ok_payload = "/vote " + std::to_string(d.id) + " " + value + " ok";
  storage::PendingQuestion q;
  q.kind = kConfirmQuestionKind;
  q.ref = std::to_string(d.id) + " " + value;
  q.options = {{"ok", ctx.T("decision.confirm_ok"), ok_payload},
               {"cancel", ctx.T("decision.confirm_cancel"), ""}};
  ctx.Reply(ctx.T("decision.confirm", {{"id", std::to_string(d.id)},
                                       {"title", d.title},
                                       {"choice", ChoiceLabels(ctx, d, 0, {value})}}),
            {{ctx.T("decision.confirm_ok"), ok_payload}});
  return AskHere(ctx, std::move(q), d.closes_at_ms);
}

Status Cast(TurnContext& ctx, int64_t id, const std::string& choice) {
  auto cast = dd::DecisionService::Vote(ctx.db(), ctx.deps(), ctx.person().id, id, {{choice}}, ctx.now_ms());
  if (!cast.ok()) return ReplyError(ctx, cast.status());
  const Decision& d = cast->decision;
  std::string text = ctx.T(cast->replaced ? "decision.cast_replaced" : "decision.cast",
                           {{"id", std::to_string(id)},
                            {"choice", ChoiceLabels(ctx, d, 0, cast->answers[0])},
                            {"closes", When(ctx, d.closes_at_ms)}});
  // Secret ballot: the nonce behind its commitment, for this voter only (private chat).
  if (!cast->nonce.empty()) text += "\n" + ctx.T("decision.receipt", {{"nonce", cast->nonce}});
  ctx.Reply(std::move(text));
  return Status::Ok();
}

// Before any choice is shown: the decision must be open, of one question, and the sender a
// voter (else how to bind).
StatusOr<std::optional<Decision>> VotableDecision(TurnContext& ctx, int64_t id) {
  auto d = dd::DecisionService::Get(ctx.db(), id);
  if (!d.ok()) {
    LINLI_RETURN_IF_ERROR(ReplyError(ctx, d.status()));
    return std::optional<Decision>();
  }
  if (d->kind != "covenant" && d->kind != "election") {
    ctx.Reply(ctx.T("decision.usage.poll"));
    return std::optional<Decision>();
  }
  if (d->status != "open" || ctx.now_ms() >= d->closes_at_ms) {
    LINLI_RETURN_IF_ERROR(ReplyError(
        ctx, Status(StatusCode::kFailedPrecondition,
                    std::string(d->status == "draft" ? "decision.not_open" : "decision.closed") +
                        ";id=" + std::to_string(id))));
    return std::optional<Decision>();
  }
  LINLI_ASSIGN_OR_RETURN(dd::Electorate e, dd::LoadElectorate(ctx.db(), *d));
  if (!dd::VoterOf(e, *d, ctx.person().id)) {
    LINLI_ASSIGN_OR_RETURN(bool bound, storage::RosterStore::IsVerified(ctx.db(), ctx.person().id));
    ctx.Reply(ctx.T(bound ? "decision.not_eligible" : "decision.bind_first"));
    return std::optional<Decision>();
  }
  return std::optional<Decision>(std::move(*d));
}

Status Vote(TurnContext& ctx, const std::string& args) {
  auto [id, rest] = IdAndRest(args);
  if (TrimText(args).empty()) return ListOpen(ctx);
  if (id <= 0) {
    ctx.Reply(ctx.T("decision.usage.vote"));
    return Status::Ok();
  }
  LINLI_ASSIGN_OR_RETURN(auto d, VotableDecision(ctx, id));
  if (!d) return Status::Ok();
  const auto words = domain::ChatWords(rest);
  if (words.empty()) return ShowChoices(ctx, *d);
  if (words.size() == 2 && (words[1] == "ok" || words[1] == "确认")) return Cast(ctx, id, words[0]);
  if (words.size() != 1) {
    ctx.Reply(ctx.T("decision.usage.vote"));
    return Status::Ok();
  }
  return AskConfirm(ctx, *d, words[0]);
}

StatusOr<std::string> VoteAnswer(TurnContext& ctx, const Entry& entry, Slots&) {
  if (entry.name == kConfirmQuestionKind) {
    auto [id, choice] = IdAndRest(entry.ref);
    if (entry.value != "ok") {
      ctx.Reply(ctx.T("decision.cancelled"));
      return std::string();
    }
    LINLI_RETURN_IF_ERROR(Cast(ctx, id, choice));
    return std::string();
  }
  LINLI_RETURN_IF_ERROR(Vote(ctx, entry.ref + " " + entry.value));
  return std::string();
}

// ---- 公约 /rules ----

Status ShowFull(TurnContext& ctx, int64_t id) {
  auto d = dd::DecisionService::Get(ctx.db(), id);
  if (!d.ok()) return ReplyError(ctx, d.status());
  if (d->status == "draft") {
    LINLI_ASSIGN_OR_RETURN(bool invited, storage::DecisionStore::IsInvited(ctx.db(), id, ctx.person().id));
    if (!invited && !ctx.is_staff()) {
      return ReplyError(ctx, Status(StatusCode::kNotFound, "decision.not_found;id=" + std::to_string(id)));
    }
  }
  std::string text = ctx.T("decision.full",
                           {{"kind", ctx.T("decision.kind." + d->kind)},
                            {"id", std::to_string(id)},
                            {"title", d->title},
                            {"status", ctx.T("decision.status." + d->status)},
                            {"body", d->body},
                            {"rule", d->kind == "covenant"
                                         ? ctx.T("decision.full_rule",
                                                 {{"matter", ctx.T("decision.matter." + d->matter)}})
                                         : ""},
                            {"opens", When(ctx, d->opens_at_ms)},
                            {"closes", When(ctx, d->closes_at_ms)},
                            {"secret", ctx.T(d->secret ? "decision.secret_yes" : "decision.secret_no")}});
  if (!d->text_sha256.empty()) text += "\n" + ctx.T("decision.hash", {{"hash", d->text_sha256}});
  LINLI_ASSIGN_OR_RETURN(auto result, dd::DecisionService::ResultOf(ctx.db(), id));
  if (result) text += "\n" + dd::ResultText(ctx.deps().texts, ctx.locale(), *d, *result);
  ctx.Reply(std::move(text));
  return Status::Ok();
}

Status Rules(TurnContext& ctx, const std::string& args) {
  auto [id, rest] = IdAndRest(args);
  if (id > 0) return ShowFull(ctx, id);
  if (!TrimText(args).empty()) {
    ctx.Reply(ctx.T("decision.usage.rules"));
    return Status::Ok();
  }
  LINLI_ASSIGN_OR_RETURN(auto adopted, dd::DecisionService::Adopted(ctx.db()));
  if (adopted.empty()) {
    ctx.Reply(ctx.T("decision.adopted_none"));
    return Status::Ok();
  }
  std::string text = ctx.T("decision.adopted_header");
  for (const auto& a : adopted) {
    const auto per = a.result.value("per_option", nlohmann::json::object());
    const auto agree = per.value("agree", nlohmann::json::object());
    text += "\n" + ctx.T("decision.adopted_item",
                         {{"id", std::to_string(a.decision.id)},
                          {"title", a.decision.title},
                          {"date", When(ctx, a.decision.closed_at_ms).substr(0, 10)},
                          {"voted", std::to_string(a.result.value("voted", int64_t{0}))},
                          {"eligible", std::to_string(a.result.value("eligible", int64_t{0}))},
                          {"agree", std::to_string(agree.value("owners", int64_t{0}))}});
  }
  text += "\n" + ctx.T("decision.adopted_more");
  ctx.Reply(std::move(text));
  return Status::Ok();
}

// ---- 问卷 /poll ----

std::string SlotOf(const Slots& s, const std::string& k) {
  auto it = s.find(k);
  return it == s.end() ? std::string() : it->second;
}

// Writes the prompt of question slots["i"] into slots["prompt"].
Status PreparePrompt(TurnContext& ctx, const Decision& d, Slots& slots) {
  const size_t i = static_cast<size_t>(std::stoul(SlotOf(slots, "i")));
  const auto& q = d.questions.at(i);
  std::string body;
  for (size_t k = 0; k < q.options.size(); ++k) {
    body += std::to_string(static_cast<int64_t>(k + 1)) + ". " + dd::OptionLabel(ctx.deps().texts, ctx.locale(), q.options[k]) + "\n";
  }
  body += ctx.T("decision.poll.how_" + q.kind);
  slots["prompt"] = ctx.T("decision.poll.question", {{"id", std::to_string(d.id)},
                                                      {"n", std::to_string(static_cast<int64_t>(i + 1))},
                                                      {"total", std::to_string(static_cast<int64_t>(d.questions.size()))},
                                                      {"text", q.text},
                                                      {"body", body}});
  return Status::Ok();
}

constexpr char kSep = '\x1f';

std::vector<std::string> SplitAnswer(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == kSep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  return out;
}

// Multi-choice input: "1,3", "1 3", "1、3".
std::vector<std::string> Picks(const std::string& text) {
  std::string t;
  for (size_t i = 0; i < text.size();) {
    if (text.compare(i, 3, "，") == 0 || text.compare(i, 3, "、") == 0) {
      t.push_back(' ');
      i += 3;
    } else {
      t.push_back(text[i] == ',' ? ' ' : text[i]);
      ++i;
    }
  }
  return domain::ChatWords(t);
}

StatusOr<std::optional<Decision>> PollDecision(TurnContext& ctx, int64_t id) {
  auto d = dd::DecisionService::Get(ctx.db(), id);
  if (!d.ok()) {
    LINLI_RETURN_IF_ERROR(ReplyError(ctx, d.status()));
    return std::optional<Decision>();
  }
  if (d->status != "open" || ctx.now_ms() >= d->closes_at_ms) {
    LINLI_RETURN_IF_ERROR(ReplyError(
        ctx, Status(StatusCode::kFailedPrecondition,
                    std::string(d->status == "draft" ? "decision.not_open" : "decision.closed") +
                        ";id=" + std::to_string(id))));
    return std::optional<Decision>();
  }
  return std::optional<Decision>(std::move(*d));
}

StepVerdict AcceptAnswer(TurnContext& ctx, const UserInput& input, Slots& slots) {
  auto d = dd::DecisionService::Get(ctx.db(), std::stoll(SlotOf(slots, "d")));
  if (!d.ok()) return StepVerdict::Reject("decision.poll.bad");
  const size_t i = static_cast<size_t>(std::stoul(SlotOf(slots, "i")));
  if (i >= d->questions.size()) return StepVerdict::Reject("decision.poll.bad");
  const auto& q = d->questions[i];
  std::vector<std::string> raw =
      q.kind == "multi" ? Picks(input.text) : std::vector<std::string>{input.text};
  // Validates this one question with the decision's rules (the others as placeholders).
  Decision one = *d;
  one.questions = {q};
  auto normalized = dd::DecisionService::NormalizeAnswers(ctx.deps().texts, ctx.locale(), one, {raw});
  if (!normalized.ok()) return StepVerdict::Reject("decision.poll.bad");
  std::string joined;
  for (const auto& v : (*normalized)[0]) joined += (joined.empty() ? "" : std::string(1, kSep)) + v;
  slots["a" + std::to_string(static_cast<int64_t>(i))] = joined;
  if (i + 1 < d->questions.size()) {
    slots["i"] = std::to_string(static_cast<int64_t>(i + 1));
    if (!PreparePrompt(ctx, *d, slots).ok()) return StepVerdict::Reject("decision.poll.bad");
    return StepVerdict::Goto("q");
  }
  std::string summary;
  for (size_t k = 0; k < d->questions.size(); ++k) {
    const auto values = SplitAnswer(SlotOf(slots, "a" + std::to_string(static_cast<int64_t>(k))));
    const auto& qk = d->questions[k];
    const std::string shown = (qk.kind == "single" || qk.kind == "multi") ? ChoiceLabels(ctx, *d, k, values)
                                                                          : values.at(0);
    summary += std::to_string(static_cast<int64_t>(k + 1)) + ". " + qk.text + "：" + shown + "\n";
  }
  slots["summary"] = summary;
  return StepVerdict::Goto("confirm");
}

Status SubmitPoll(TurnContext& ctx, const Slots& slots) {
  const int64_t id = std::stoll(SlotOf(slots, "d"));
  LINLI_ASSIGN_OR_RETURN(auto d, dd::DecisionService::Get(ctx.db(), id));
  std::vector<std::vector<std::string>> answers;
  for (size_t k = 0; k < d.questions.size(); ++k) {
    answers.push_back(SplitAnswer(SlotOf(slots, "a" + std::to_string(static_cast<int64_t>(k)))));
  }
  auto cast = dd::DecisionService::Vote(ctx.db(), ctx.deps(), ctx.person().id, id, answers, ctx.now_ms());
  if (!cast.ok()) return ReplyError(ctx, cast.status());
  std::string text = ctx.T("decision.cast_poll", {{"id", std::to_string(id)}, {"closes", When(ctx, d.closes_at_ms)}});
  if (!cast->nonce.empty()) text += "\n" + ctx.T("decision.receipt", {{"nonce", cast->nonce}});
  ctx.Reply(std::move(text));
  return Status::Ok();
}

StatusOr<std::string> PollEntry(TurnContext& ctx, const Entry& entry, Slots& slots) {
  const int64_t id = std::stoll(entry.ref);
  LINLI_ASSIGN_OR_RETURN(auto d, PollDecision(ctx, id));
  if (!d) return std::string();
  // Not a voter: say so (how to bind) before any question.
  LINLI_ASSIGN_OR_RETURN(dd::Electorate e, dd::LoadElectorate(ctx.db(), *d));
  if (!dd::VoterOf(e, *d, ctx.person().id)) {
    LINLI_ASSIGN_OR_RETURN(bool bound, storage::RosterStore::IsVerified(ctx.db(), ctx.person().id));
    ctx.Reply(ctx.T(bound ? "decision.not_eligible" : "decision.bind_first"));
    return std::string();
  }
  slots["d"] = std::to_string(id);
  slots["i"] = "0";
  LINLI_RETURN_IF_ERROR(PreparePrompt(ctx, *d, slots));
  return std::string("q");
}

// 问卷 N: offers the start as a pushed question (its button's payload is no trigger, so the
// tap reaches the poll flow's entry point).
Status PollStart(TurnContext& ctx, const std::string& args) {
  auto [id, rest] = IdAndRest(args);
  if (id <= 0) {
    ctx.Reply(ctx.T("decision.usage.poll"));
    return Status::Ok();
  }
  LINLI_ASSIGN_OR_RETURN(auto d, PollDecision(ctx, id));
  if (!d) return Status::Ok();
  if (d->kind == "covenant" || d->kind == "election") return Vote(ctx, args);
  storage::PendingQuestion q;
  q.kind = dd::kPollQuestionKind;
  q.ref = std::to_string(id);
  const std::string label = ctx.T("decision.poll_start");
  const std::string payload = "poll:" + std::to_string(id);
  q.options = {{"start", label, payload}};
  ctx.Reply(ctx.T("decision.notice", {{"kind", ctx.T("decision.kind." + d->kind)},
                                      {"id", std::to_string(id)},
                                      {"title", d->title},
                                      {"closes", When(ctx, d->closes_at_ms)}}) +
                "\n" + ctx.T("decision.notice_poll", {{"id", std::to_string(id)}}),
            {{label, payload}});
  return AskHere(ctx, std::move(q), d->closes_at_ms);
}

// ---- 意见 /comment, 提名 /nominate ----

Status CommentCmd(TurnContext& ctx, const std::string& args) {
  auto [id, rest] = IdAndRest(args);
  if (id <= 0 || rest.empty()) {
    ctx.Reply(ctx.T("decision.usage.comment"));
    return Status::Ok();
  }
  auto r = dd::DecisionService::Comment(ctx.db(), ctx.deps(), ctx.person().id, id, rest, ctx.now_ms());
  if (!r.ok()) return ReplyError(ctx, r.status());
  ctx.Reply(ctx.T("decision.comment_done", {{"id", std::to_string(id)}}));
  return Status::Ok();
}

Status NominateCmd(TurnContext& ctx, const std::string& args) {
  auto [id, rest] = IdAndRest(args);
  if (id <= 0 || rest.empty()) {
    ctx.Reply(ctx.T("decision.usage.nominate"));
    return Status::Ok();
  }
  auto r = dd::DecisionService::Nominate(ctx.db(), ctx.deps(), ctx.person().id, id, rest, ctx.now_ms());
  if (!r.ok()) return ReplyError(ctx, r.status());
  ctx.Reply(ctx.T("decision.nominate_done", {{"id", std::to_string(id)}, {"name", TrimText(rest)}}));
  return Status::Ok();
}

// ---- staff ----

StatusOr<bool> StaffOnly(TurnContext& ctx) {
  if (ctx.is_staff()) return true;
  LINLI_ASSIGN_OR_RETURN(bool staff, dd::DecisionService::IsStaff(ctx.db(), ctx.deps(),
                                                                  domain::Actor::Person(ctx.person().id)));
  if (!staff) ctx.Reply(ctx.T("decision.denied"));
  return staff;
}

Status StaffList(TurnContext& ctx, const std::string&) {
  LINLI_ASSIGN_OR_RETURN(bool ok, StaffOnly(ctx));
  if (!ok) return Status::Ok();
  LINLI_ASSIGN_OR_RETURN(auto all, storage::DecisionStore::List(ctx.db(), "", "", 30));
  if (all.empty()) {
    ctx.Reply(ctx.T("decision.staff_list_none"));
    return Status::Ok();
  }
  std::string text = ctx.T("decision.staff_list_header");
  for (const auto& d : all) {
    text += "\n" + ctx.T("decision.staff_list_item", {{"id", std::to_string(d.id)},
                                                      {"kind", ctx.T("decision.kind." + d.kind)},
                                                      {"title", d.title},
                                                      {"status", ctx.T("decision.status." + d.status)}});
  }
  ctx.Reply(std::move(text));
  return Status::Ok();
}

// Turnout (households, area) and comments; after close the result and, for an open ballot,
// each household's choice. Never who voted what for a secret ballot.
Status StaffTurnout(TurnContext& ctx, const std::string& args) {
  LINLI_ASSIGN_OR_RETURN(bool ok, StaffOnly(ctx));
  if (!ok) return Status::Ok();
  auto [id, rest] = IdAndRest(args);
  if (id <= 0) {
    ctx.Reply(ctx.T("decision.usage.turnout"));
    return Status::Ok();
  }
  auto d = dd::DecisionService::Get(ctx.db(), id);
  if (!d.ok()) return ReplyError(ctx, d.status());
  LINLI_ASSIGN_OR_RETURN(dd::Turnout t, dd::DecisionService::TurnoutNow(ctx.db(), *d));
  std::string text = ctx.T("decision.staff_view", {{"id", std::to_string(id)},
                                                   {"kind", ctx.T("decision.kind." + d->kind)},
                                                   {"title", d->title},
                                                   {"status", ctx.T("decision.status." + d->status)},
                                                   {"opens", When(ctx, d->opens_at_ms)},
                                                   {"closes", When(ctx, d->closes_at_ms)},
                                                   {"voted", std::to_string(t.voted)},
                                                   {"eligible", std::to_string(t.eligible)},
                                                   {"area", dd::AreaText(t.area_centi)},
                                                   {"total_area", dd::AreaText(t.eligible_area_centi)}});
  LINLI_ASSIGN_OR_RETURN(auto comments, storage::DecisionStore::Comments(ctx.db(), id));
  if (!comments.empty() && !ctx.in_group()) {
    text += "\n" + ctx.T("decision.staff_comments");
    for (const auto& c : comments) {
      text += "\n" + ctx.T("decision.staff_comment", {{"person", std::to_string(c.person_id)}, {"text", c.text}});
    }
  }
  if (d->kind == "election" && d->status == "draft") {
    LINLI_ASSIGN_OR_RETURN(auto names, storage::DecisionStore::Nominees(ctx.db(), id));
    std::string joined;
    for (const auto& n : names) joined += (joined.empty() ? "" : "、") + n;
    text += "\n" + ctx.T("decision.staff_nominees", {{"names", joined.empty() ? "-" : joined}});
  }
  LINLI_ASSIGN_OR_RETURN(auto result, dd::DecisionService::ResultOf(ctx.db(), id));
  if (result) text += "\n" + dd::ResultText(ctx.deps().texts, ctx.locale(), *d, *result);
  if (!ctx.in_group()) {
    LINLI_ASSIGN_OR_RETURN(auto named, dd::DecisionService::VotesAfterClose(ctx.db(), *d));
    if (!named.empty()) {
      text += "\n" + ctx.T("decision.staff_named");
      for (const auto& v : named) {
        text += "\n" + ctx.T("decision.staff_named_item",
                             {{"household", v.household},
                              {"choice", v.answers.empty() ? "-" : ChoiceLabels(ctx, *d, 0, v.answers[0])},
                              {"via", ctx.T("decision.via." + v.via)}});
      }
    }
  }
  ctx.Reply(std::move(text));
  return Status::Ok();
}

FlowSpec ActionCommand(const dd::DecisionAction& action) {
  FlowSpec flow;
  flow.name = action.chat.flow;
  flow.where = Where::kAnywhere;  // staff work groups: replies name the decision only
  flow.triggers = action.chat.words;
  flow.on_start = [&action](TurnContext& ctx, const std::string& text) -> Status {
    LINLI_ASSIGN_OR_RETURN(bool staff, ctx.is_staff()
                                           ? StatusOr<bool>(true)
                                           : dd::DecisionService::IsStaff(
                                                 ctx.db(), ctx.deps(), domain::Actor::Person(ctx.person().id)));
    // Building heads may record paper ballots: the service judges them.
    if (!staff && action.name != "paper") {
      ctx.Reply(ctx.T("decision.denied"));
      return Status::Ok();
    }
    auto [id, rest] = IdAndRest(text);
    if (id <= 0) {
      ctx.Reply(ctx.T(action.chat.usage_key));
      return Status::Ok();
    }
    auto args = dd::DecisionArgsFromChat(ctx.deps(), action, rest);
    if (!args.ok()) {
      if (args.status().message() == action.chat.usage_key) {
        ctx.Reply(ctx.T(action.chat.usage_key));
        return Status::Ok();
      }
      return ReplyError(ctx, args.status());
    }
    auto r = action.run(ctx.db(), ctx.deps(), domain::Actor::Person(ctx.person().id), id, *args,
                        ctx.now_ms());
    if (!r.ok()) return ReplyError(ctx, r.status());
    const Decision& d = r->decision;
    std::string choice;
    if (action.name == "paper" && !d.questions.empty()) {
      auto n = dd::DecisionService::NormalizeAnswers(ctx.deps().texts, ctx.locale(), d, {{args->choice}});
      if (n.ok()) choice = ChoiceLabels(ctx, d, 0, (*n)[0]);
    }
    std::string reply = ctx.T(action.chat.done_key,
                              {{"id", std::to_string(d.id)},
                               {"title", d.title},
                               {"status", ctx.T("decision.status." + d.status)},
                               {"household", args->household},
                               {"choice", choice},
                               {"replaced", r->replaced ? ctx.T("decision.paper_replaced") : ""}});
    // A secret paper ballot's nonce goes on the slip handed back; never into a group.
    if (!r->nonce.empty() && !ctx.in_group()) {
      reply += "\n" + ctx.T("decision.paper_receipt", {{"nonce", r->nonce}});
    }
    ctx.Reply(std::move(reply));
    return Status::Ok();
  };
  return flow;
}

// 起草公约 /draft: title, text, matter, buildings, closing time, secrecy; then a draft.
FlowSpec DraftFlow() {
  FlowSpec flow;
  flow.name = "decision_draft";
  flow.where = Where::kPrivateOnly;
  flow.triggers = {"/draft", "起草公约"};
  flow.refuse_start = [](const TurnContext& ctx) {
    return ctx.is_staff() ? std::string() : std::string("decision.denied");
  };

  StepSpec title;
  title.name = "title";
  title.prompt_key = "decision.draft.title";
  title.accept = [](TurnContext& ctx, const UserInput& in, Slots& s) {
    if (!ctx.is_staff()) return StepVerdict::Reject("decision.denied");
    if (in.text.empty() || in.text.size() > 200) return StepVerdict::Reject("decision.draft.title");
    s["title"] = in.text;
    return StepVerdict::Accept();
  };
  title.next = "body";

  StepSpec body;
  body.name = "body";
  body.prompt_key = "decision.draft.body";
  body.accept = [](TurnContext&, const UserInput& in, Slots& s) {
    if (in.text.empty()) return StepVerdict::Reject("decision.draft.body");
    s["body"] = in.text;
    return StepVerdict::Accept();
  };
  body.next = "matter";

  StepSpec matter;
  matter.name = "matter";
  matter.input = InputKind::kChoice;
  matter.prompt_key = "decision.draft.matter";
  matter.options = [](const TurnContext&) {
    return std::vector<Option>{{"informal", "decision.matter.informal"},
                               {"ordinary", "decision.matter.ordinary"},
                               {"major", "decision.matter.major"}};
  };
  matter.slot = "matter";
  matter.next = "scope";

  StepSpec scope;
  scope.name = "scope";
  scope.prompt_key = "decision.draft.scope";
  scope.accept = [](TurnContext& ctx, const UserInput& in, Slots& s) {
    const auto* edit = dd::FindDecisionAction("edit");
    auto args = dd::DecisionArgsFromChat(ctx.deps(), *edit, "范围 " + in.text);
    if (!args.ok() || !args->draft.buildings) return StepVerdict::Reject("decision.draft.bad_scope");
    for (const auto& b : *args->draft.buildings) {
      const auto& bs = ctx.config().compound.buildings;
      if (std::none_of(bs.begin(), bs.end(), [&](const config::Building& x) { return x.id == b; })) {
        return StepVerdict::Reject("decision.draft.bad_scope");
      }
    }
    std::string joined;
    for (const auto& b : *args->draft.buildings) joined += (joined.empty() ? "" : ",") + b;
    s["scope"] = joined;
    return StepVerdict::Accept();
  };
  scope.next = "closes";

  StepSpec closes;
  closes.name = "closes";
  closes.prompt_key = "decision.draft.closes";
  closes.accept = [](TurnContext& ctx, const UserInput& in, Slots& s) {
    auto t = dd::ParseTime(ctx.deps(), in.text);
    if (!t || *t <= ctx.now_ms()) return StepVerdict::Reject("decision.draft.bad_time");
    s["closes"] = std::to_string(*t);
    return StepVerdict::Accept();
  };
  closes.next = "secret";

  StepSpec secret;
  secret.name = "secret";
  secret.input = InputKind::kChoice;
  secret.prompt_key = "decision.draft.secret";
  secret.options = [](const TurnContext&) {
    return std::vector<Option>{{"secret", "decision.draft.secret_yes"},
                               {"open", "decision.draft.secret_no"}};
  };
  secret.slot = "secret";
  secret.next = "confirm";

  StepSpec confirm;
  confirm.name = "confirm";
  confirm.input = InputKind::kConfirm;
  confirm.prompt_key = "decision.draft.confirm";
  confirm.prompt_args = [](const TurnContext& ctx, const Slots& s) {
    const std::string scope = SlotOf(s, "scope");
    return TextArgs{{"title", SlotOf(s, "title")},
                    {"matter", ctx.T("decision.matter." + SlotOf(s, "matter"))},
                    {"scope", scope.empty() ? ctx.T("decision.draft.all") : scope},
                    {"closes", When(ctx, std::stoll(SlotOf(s, "closes").empty() ? "0" : SlotOf(s, "closes")))},
                    {"secret", ctx.T(SlotOf(s, "secret") == "open" ? "decision.draft.secret_no"
                                                                : "decision.draft.secret_yes")}};
  };

  flow.steps = {title, body, matter, scope, closes, secret, confirm};
  flow.on_complete = [](TurnContext& ctx, const Slots& s) -> Status {
    dd::DraftInput in;
    in.kind = "covenant";
    in.title = SlotOf(s, "title");
    in.body = SlotOf(s, "body");
    in.matter = SlotOf(s, "matter");
    std::vector<std::string> buildings;
    const std::string scope = SlotOf(s, "scope");
    size_t start = 0;
    while (start < scope.size()) {
      size_t comma = scope.find(',', start);
      if (comma == std::string::npos) comma = scope.size();
      buildings.push_back(scope.substr(start, comma - start));
      start = comma + 1;
    }
    in.buildings = buildings;
    in.closes_at_ms = std::stoll(SlotOf(s, "closes"));
    in.secret = SlotOf(s, "secret") != "open";
    auto d = dd::DecisionService::Create(ctx.db(), ctx.deps(), domain::Actor::Person(ctx.person().id),
                                         in, ctx.now_ms());
    if (!d.ok()) return ReplyError(ctx, d.status());
    ctx.Reply(ctx.T("decision.done.draft", {{"id", std::to_string(d->id)}, {"title", d->title}}));
    return Status::Ok();
  };
  return flow;
}

FlowSpec PollFlow() {
  FlowSpec flow;
  flow.name = "poll";
  flow.where = Where::kPrivateOnly;
  flow.entry.question_kinds = {dd::kPollQuestionKind};
  flow.on_entry = PollEntry;

  StepSpec q;
  q.name = "q";
  q.prompt_key = "decision.poll.prompt";
  q.prompt_args = [](const TurnContext&, const Slots& s) { return TextArgs{{"prompt", SlotOf(s, "prompt")}}; };
  q.accept = AcceptAnswer;
  q.may_goto = {"q", "confirm"};
  q.next = "confirm";

  StepSpec confirm;
  confirm.name = "confirm";
  confirm.input = InputKind::kConfirm;
  confirm.prompt_key = "decision.poll.confirm";
  confirm.prompt_args = [](const TurnContext&, const Slots& s) {
    return TextArgs{{"summary", SlotOf(s, "summary")}};
  };

  flow.steps = {q, confirm};
  flow.on_complete = SubmitPoll;
  return flow;
}

}  // namespace

std::vector<FlowSpec> DecisionFlows() {
  std::vector<FlowSpec> flows;
  FlowSpec vote = CommandFlow("vote", Where::kPrivateOnly, {"/vote", "投票", "vote"}, Vote);
  vote.entry.question_kinds = {dd::kVoteQuestionKind, kConfirmQuestionKind};
  vote.on_entry = VoteAnswer;
  flows.push_back(std::move(vote));
  flows.push_back(CommandFlow("rules", Where::kPrivateOnly, {"/rules", "公约", "rules"}, Rules));
  flows.push_back(CommandFlow("poll_start", Where::kPrivateOnly, {"/poll", "问卷", "poll"}, PollStart));
  flows.push_back(PollFlow());
  flows.push_back(CommandFlow("decision_comment", Where::kPrivateOnly, {"/comment", "意见"}, CommentCmd));
  flows.push_back(CommandFlow("decision_nominate", Where::kPrivateOnly, {"/nominate", "提名"}, NominateCmd));
  flows.push_back(DraftFlow());
  for (auto& f : DecisionCreateFlows()) flows.push_back(std::move(f));
  flows.push_back(CommandFlow("decision_list", Where::kAnywhere, {"/decisions", "公约列表"}, StaffList));
  flows.push_back(CommandFlow("decision_turnout", Where::kAnywhere, {"/turnout", "投票情况"}, StaffTurnout));
  for (const auto& action : dd::DecisionActions()) flows.push_back(ActionCommand(action));
  return flows;
}

}  // namespace linli::dialogs
