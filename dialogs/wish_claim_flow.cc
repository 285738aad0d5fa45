// The helpers' side of a wish (issue 9): 认领 /claim N (or 认领 as a reply to the wish card in
// a group: Telegram reply_to_message, Feishu parent_id - entry.card_kinds), 放弃 /release N,
// 完成 /done N [hours] (a photo may come with it), and the requester's confirmation: the
// pushed question after 完成 ("1" / 确认完成 / the button "/wishconfirm N yes").
//
// Claims and their replies run anywhere: what they show in a group is the number and
// helpers' display names; the requester's contact goes to the claimer privately
// (WishService::Claim). The confirmation is private-only.
#include <string>

#include "dialogs/flows.h"
#include "domain/tickets/ticket_actions.h"
#include "domain/wishes/wish_actions.h"
#include "domain/wishes/wish_rules.h"
#include "domain/wishes/wish_service.h"

namespace linli::dialogs {

namespace {

using domain::ClaimOutcome;

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : "、") + n;
  return out;
}

// Replies with a service refusal, or passes a database error up.
Status ReplyClaimRefusal(TurnContext& ctx, const Status& st) {
  auto refusal = domain::DescribeWishRefusal(ctx.deps().texts, ctx.locale(), st);
  if (!refusal) return st;
  ctx.Reply(refusal->text);
  return Status::Ok();
}

Status DoClaim(TurnContext& ctx, int64_t number) {
  auto out = domain::WishService::Claim(ctx.db(), ctx.deps(), ctx.person().id, number, ctx.now_ms());
  if (!out.ok()) return ReplyClaimRefusal(ctx, out.status());
  const TextArgs a = {{"number", std::to_string(number)},
                      {"names", Join(out->holders)},
                      {"status", ctx.T("wish.status." + storage::NameOf(out->wish.status))}};
  switch (out->kind) {
    case ClaimOutcome::Kind::kClaimed:
      ctx.Reply(ctx.T("wish.claimed", a));
      break;
    case ClaimOutcome::Kind::kNotVolunteer:
      ctx.Reply(ctx.T("wish.not_volunteer", a));
      break;
    case ClaimOutcome::Kind::kTaken:
      ctx.Reply(ctx.T("wish.taken", a));
      break;
    case ClaimOutcome::Kind::kAlready:
      ctx.Reply(ctx.T("wish.already", a));
      break;
    case ClaimOutcome::Kind::kNotOpen:
      ctx.Reply(ctx.T("wish.not_open", a));
      break;
    case ClaimOutcome::Kind::kOwnWish:
      ctx.Reply(ctx.T("wish.own", a));
      break;
  }
  return Status::Ok();
}

// "认领", "/claim", "/claim@linli_bot", "claim" as the whole reply to a card.
bool IsClaimWord(const std::string& text) {
  std::string w = domain::ChatWords(text).empty() ? "" : domain::ChatWords(text).front();
  if (const size_t at = w.find('@'); at != std::string::npos) w = w.substr(0, at);
  for (char& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return w == "认领" || w == "/claim" || w == "claim" || w == "我来" || w == "认领心愿";
}

std::string ClaimPhotoOf(const TurnContext& ctx) {
  for (const auto& a : ctx.in().attachments) {
    if (a.kind == Attachment::Kind::kPhoto) return a.ref;
  }
  return "";
}

Status Done(TurnContext& ctx, const std::string& args) {
  auto [number, rest] = domain::NumberAndRest(args);
  if (number <= 0) {
    ctx.Reply(ctx.T("wish.usage.done"));
    return Status::Ok();
  }
  int64_t hours = 0;
  if (!rest.empty()) {
    auto h = domain::ParseHoursTenths(rest);
    if (!h) {
      ctx.Reply(ctx.T("wish.usage.done"));
      return Status::Ok();
    }
    hours = *h;
  }
  auto w = domain::WishService::Complete(ctx.db(), ctx.deps(), ctx.person().id, number, hours,
                                         ClaimPhotoOf(ctx), ctx.now_ms());
  if (!w.ok()) return ReplyClaimRefusal(ctx, w.status());
  ctx.Reply(ctx.T(w->status == storage::WishStatus::kDone ? "wish.done_waiting" : "wish.done_partly",
                  {{"number", std::to_string(number)},
                   {"hours", domain::FormatHoursTenths(hours)}}));
  return Status::Ok();
}

Status Release(TurnContext& ctx, const std::string& args) {
  auto [number, rest] = domain::NumberAndRest(args);
  if (number <= 0) {
    ctx.Reply(ctx.T("wish.usage.release"));
    return Status::Ok();
  }
  auto w = domain::WishService::Release(ctx.db(), ctx.deps(), ctx.person().id, number, ctx.now_ms());
  if (!w.ok()) return ReplyClaimRefusal(ctx, w.status());
  ctx.Reply(ctx.T("wish.released", {{"number", std::to_string(number)}}));
  return Status::Ok();
}

// "N yes|no" (the buttons' payload, or typed).
Status Answer(TurnContext& ctx, int64_t number, const std::string& value) {
  const domain::Actor me = domain::Actor::Person(ctx.person().id);
  const TextArgs a = {{"number", std::to_string(number)}};
  if (value == domain::kWishConfirmNo) {
    auto w = domain::WishService::Dispute(ctx.db(), ctx.deps(), me, number, ctx.now_ms());
    if (!w.ok()) return ReplyClaimRefusal(ctx, w.status());
    ctx.Reply(ctx.T("wish.disputed", a));
    return Status::Ok();
  }
  auto w = domain::WishService::Confirm(ctx.db(), ctx.deps(), me, number, ctx.now_ms());
  if (!w.ok()) return ReplyClaimRefusal(ctx, w.status());
  // One message: thanks, and the rating question with its buttons.
  LINLI_ASSIGN_OR_RETURN(auto q, domain::WishService::AskRate(ctx.db(), ctx.deps(), number,
                                                              ctx.in().conversation, ctx.locale(),
                                                              ctx.now_ms()));
  ctx.Reply(ctx.T("wish.confirmed", a) + "\n" + q.text, std::move(q.choices));
  return Status::Ok();
}

// The answer to the rating question (or /wishrate N score): a score 1..5 or kWishRateSkip.
Status Rate(TurnContext& ctx, int64_t number, const std::string& value) {
  const TextArgs a = {{"number", std::to_string(number)}, {"score", value}};
  if (value == domain::kWishRateSkip) {
    ctx.Reply(ctx.T("wish.rate_skipped", a));
    return Status::Ok();
  }
  const int64_t score = value.size() == 1 && value[0] >= '1' && value[0] <= '5' ? value[0] - '0' : 0;
  if (score == 0) {
    ctx.Reply(ctx.T("wish.usage.wishrate"));
    return Status::Ok();
  }
  auto w = domain::WishService::Rate(ctx.db(), ctx.deps(), domain::Actor::Person(ctx.person().id),
                                     number, score, ctx.now_ms());
  if (!w.ok()) return ReplyClaimRefusal(ctx, w.status());
  ctx.Reply(ctx.T("wish.rated", a));
  return Status::Ok();
}

}  // namespace

FlowSpec ClaimFlow() {
  FlowSpec flow = CommandFlow("wish_claim", Where::kAnywhere, {"/claim", "认领", "claim"},
                              [](TurnContext& ctx, const std::string& args) -> Status {
                                auto [number, rest] = domain::NumberAndRest(args);
                                if (number <= 0) {
                                  ctx.Reply(ctx.T("wish.usage.claim"));
                                  return Status::Ok();
                                }
                                return DoClaim(ctx, number);
                              });
  flow.entry.card_kinds = {domain::kWishCardKind};
  // A reply to a wish card: 认领 claims it; any other reply is chatter and gets no answer.
  flow.on_entry = [](TurnContext& ctx, const Entry& entry, Slots&) -> StatusOr<std::string> {
    if (!IsClaimWord(entry.value)) return std::string();
    const int64_t number = domain::ParseTicketNumber(entry.ref);
    if (number > 0) LINLI_RETURN_IF_ERROR(DoClaim(ctx, number));
    return std::string();
  };
  return flow;
}

FlowSpec ReleaseFlow() {
  return CommandFlow("wish_release", Where::kAnywhere, {"/release", "放弃", "放弃心愿"}, Release);
}

FlowSpec DoneFlow() {
  return CommandFlow("wish_done", Where::kAnywhere, {"/done", "完成", "完成心愿"}, Done);
}

FlowSpec WishConfirmFlow() {
  FlowSpec flow = CommandFlow(
      "wish_confirm", Where::kPrivateOnly, {"/wishconfirm"},
      [](TurnContext& ctx, const std::string& args) -> Status {
        auto [number, rest] = domain::NumberAndRest(args);
        if (number <= 0) {
          ctx.Reply(ctx.T("wish.usage.wishconfirm"));
          return Status::Ok();
        }
        return Answer(ctx, number, rest == domain::kWishConfirmNo ? rest : domain::kWishConfirmYes);
      });
  flow.entry.question_kinds = {domain::kWishConfirmQuestion};
  flow.on_entry = [](TurnContext& ctx, const Entry& entry, Slots&) -> StatusOr<std::string> {
    const int64_t number = domain::ParseTicketNumber(entry.ref);
    if (number > 0) LINLI_RETURN_IF_ERROR(Answer(ctx, number, entry.value));
    return std::string();
  };
  return flow;
}

FlowSpec WishRateFlow() {
  FlowSpec flow = CommandFlow("wish_rate", Where::kPrivateOnly, {"/wishrate"},
                              [](TurnContext& ctx, const std::string& args) -> Status {
                                auto [number, rest] = domain::NumberAndRest(args);
                                if (number <= 0) {
                                  ctx.Reply(ctx.T("wish.usage.wishrate"));
                                  return Status::Ok();
                                }
                                return Rate(ctx, number, rest);
                              });
  flow.entry.question_kinds = {domain::kWishRateQuestion};
  flow.on_entry = [](TurnContext& ctx, const Entry& entry, Slots&) -> StatusOr<std::string> {
    const int64_t number = domain::ParseTicketNumber(entry.ref);
    if (number > 0) LINLI_RETURN_IF_ERROR(Rate(ctx, number, entry.value));
    return std::string();
  };
  return flow;
}

}  // namespace linli::dialogs
