// 评价 /rate: the reporter rates a resolved ticket. The resolve push carries buttons whose
// payloads are "/rate <number> <satisfied|basic|unsatisfied>" (<= 64 bytes); typed forms work
// too: "评价 12 满意", "评价 12 3", "/rate 12 不满意 还是漏水" (the rest is a comment).
// "评价 12" alone shows the choices again. Right after the resolve push, a bare "1" / "满意"
// answers its pending question (FlowSpec::entry.question_kinds). Private-only: a rating is the
// reporter's, and its reply names the ticket's state.
#include <string>

#include "dialogs/engine.h"
#include "dialogs/flows.h"
#include "domain/tickets/rating_question.h"
#include "domain/tickets/ticket_service.h"

namespace linli::dialogs {

namespace {

std::vector<Choice> RatingChoices(const TurnContext& ctx, int64_t number) {
  std::vector<Choice> out;
  for (const char* v : {domain::kRatingSatisfied, domain::kRatingBasic, domain::kRatingUnsatisfied}) {
    out.push_back({ctx.T(std::string("rating.") + v), "/rate " + std::to_string(number) + " " + v});
  }
  return out;
}

// Splits off the first word (ASCII or full-width space).
std::pair<std::string, std::string> FirstWord(const std::string& text) {
  const std::string t = TrimText(text);
  size_t end = 0;
  while (end < t.size() && t[end] != ' ' && t[end] != '\t' && t.compare(end, 3, "\u3000") != 0) ++end;
  return {t.substr(0, end), TrimText(t.substr(end))};
}

Status Rate(TurnContext& ctx, const std::string& args) {
  auto [number_word, rest] = FirstWord(args);
  if (!number_word.empty() && number_word[0] == '#') number_word = number_word.substr(1);
  int64_t number = 0;
  if (!number_word.empty() && number_word.size() <= 12 &&
      number_word.find_first_not_of("0123456789") == std::string::npos) {
    number = std::stoll(number_word);
  }
  if (number <= 0) {
    ctx.Reply(ctx.T("rating.usage_general"));
    return Status::Ok();
  }
  auto [rating_word, comment] = FirstWord(rest);
  // "基本 满意" typed with a space.
  if (rating_word == "基本" && comment.rfind("满意", 0) == 0) {
    rating_word = "基本满意";
    comment = TrimText(comment.substr(std::string("满意").size()));
  }
  const std::string rating = domain::ParseRating(rating_word);
  if (rating.empty()) {
    ctx.Reply(ctx.T("rating.ask", {{"number", std::to_string(number)}}), RatingChoices(ctx, number));
    return Status::Ok();
  }
  auto rated = domain::TicketService::Rate(ctx.db(), ctx.deps(), domain::Actor::Person(ctx.person().id),
                                   number, rating, comment, ctx.now_ms());
  if (!rated.ok()) {
    const std::string key = domain::TicketService::ErrorKey(rated.status());
    if (key.empty()) return rated.status();
    TextArgs a = domain::TicketService::ErrorArgs(rated.status());
    if (auto it = a.find("status"); it != a.end()) it->second = ctx.T("ticket.status." + it->second);
    ctx.Reply(ctx.T(key, a));
    return Status::Ok();
  }
  const TextArgs a = {{"number", std::to_string(number)},
                      {"rating", ctx.T("rating." + rating)},
                      {"status", ctx.T("ticket.status." + storage::NameOf(rated->status))},
                      {"tier", ctx.T("push.tier." + storage::NameOf(rated->tier))}};
  ctx.Reply(ctx.T(rated->status == storage::TicketStatus::kClosed ? "rating.closed" : "rating.reopened",
                  a));
  return Status::Ok();
}

// The answer to the rating question pushed by TicketService::Resolve (domain/tickets/
// rating_question.h): "1" or "满意" right after the push rates that ticket.
StatusOr<std::string> Answer(TurnContext& ctx, const Entry& entry, Slots&) {
  LINLI_RETURN_IF_ERROR(Rate(ctx, entry.ref + " " + entry.value));
  return std::string();
}

}  // namespace

FlowSpec RatingFlow() {
  FlowSpec flow = CommandFlow("rate", Where::kPrivateOnly, {"/rate", "评价", "rate"}, Rate);
  flow.entry.question_kinds = {domain::kRatingQuestionKind};
  flow.on_entry = Answer;
  return flow;
}

}  // namespace linli::dialogs
