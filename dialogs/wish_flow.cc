// 心愿 /wish: what is wished -> category -> deadline (optional) -> helpers (optional, default 1)
// -> confirm -> WishService::Post. 代许愿 /wishfor: staff (for anyone) or a building head (for
// the households and persons of their buildings, config building_heads) post for a resident who
// cannot (a person id, or a roster household "3-2-301"), then the same steps; recorded as
// acting for them. Both private-only: the confirmation echoes the wish and, for 代许愿, whom it is for.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "bot/text.h"
#include "dialogs/flows.h"
#include "domain/common/location.h"
#include "domain/common/time_format.h"
#include "domain/people/building_heads.h"
#include "domain/wishes/wish_actions.h"
#include "domain/wishes/wish_rules.h"
#include "domain/wishes/wish_service.h"
#include "storage/identity_store.h"
#include "storage/roster_store.h"

namespace linli::dialogs {

namespace {

std::string WishSlot(const Slots& slots, const char* k) {
  auto it = slots.find(k);
  return it == slots.end() ? std::string() : it->second;
}

StepVerdict AcceptText(TurnContext&, const UserInput& input, Slots& slots) {
  const size_t n = domain::CountChars(input.text);
  if (n < domain::kMinWishChars) return StepVerdict::Reject("wish.text_too_short");
  if (n > domain::kMaxWishChars) {
    return StepVerdict::Reject("wish.text_too_long", {{"max", std::to_string(domain::kMaxWishChars)}});
  }
  slots["text"] = input.text;
  return StepVerdict::Accept();
}

StepVerdict AcceptDeadline(TurnContext& ctx, const UserInput& input, Slots& slots) {
  const std::string today = domain::FormatLocalTime(ctx.now_ms(), ctx.config().timezone).substr(0, 10);
  if (!domain::ValidDeadline(input.text, today)) {
    return StepVerdict::Reject("wish.bad_deadline_hint", {{"today", today}});
  }
  slots["deadline"] = input.text;
  return StepVerdict::Accept();
}

StepVerdict AcceptHelpers(TurnContext&, const UserInput& input, Slots& slots) {
  auto n = domain::ParseHelpers(input.text);
  if (!n) return StepVerdict::Reject("wish.bad_helpers", {{"max", std::to_string(domain::kMaxHelpers)}});
  slots["helpers"] = std::to_string(*n);
  return StepVerdict::Accept();
}

// Who may start 代许愿: staff (std::nullopt: for anyone), a building head (their buildings);
// an empty vector for anyone else.
std::optional<std::vector<std::string>> PostForScope(TurnContext& ctx) {
  if (ctx.is_staff()) return std::nullopt;
  auto head = domain::BuildingHeadOf(ctx.db(), ctx.config(), domain::Actor::Person(ctx.person().id));
  if (!head.ok() || !head->has_value()) return std::vector<std::string>{};
  return (*head)->buildings;
}

bool InScope(const std::optional<std::vector<std::string>>& scope, const std::string& building) {
  if (!scope) return true;
  return !building.empty() && std::find(scope->begin(), scope->end(), building) != scope->end();
}

// 代许愿: whom for. A person id ("12") or a roster household ("3-2-301"). Staff for anyone, a
// building head for their buildings (WishService::Post checks again).
StepVerdict AcceptFor(TurnContext& ctx, const UserInput& input, Slots& slots) {
  const auto scope = PostForScope(ctx);
  if (scope && scope->empty()) return StepVerdict::Reject("wish.denied");
  std::string t = input.text;
  for (const char* sep : {"－", "—", "/"}) {
    for (size_t p; (p = t.find(sep)) != std::string::npos;) t.replace(p, std::string(sep).size(), "-");
  }
  if (!t.empty() && t.find_first_not_of("0123456789") == std::string::npos && t.size() <= 12) {
    auto person = storage::IdentityStore::FindPerson(ctx.db(), std::stoll(t));
    if (!person.ok() || !person->has_value()) return StepVerdict::Reject("wish.for_unknown", {{"who", t}});
    if (scope) {
      auto bindings = storage::RosterStore::BindingsOf(ctx.db(), std::stoll(t));
      const std::string building =
          bindings.ok() && !bindings->empty() ? bindings->front().household.building : "";
      if (!InScope(scope, building)) return StepVerdict::Reject("wish.not_your_building");
    }
    slots["for_person"] = t;
    slots["for_label"] = ctx.T("wish.for_person", {{"person", t}});
    return StepVerdict::Accept();
  }
  const size_t a = t.find('-');
  const size_t b = a == std::string::npos ? a : t.find('-', a + 1);
  if (b != std::string::npos) {
    auto h = storage::RosterStore::FindHousehold(ctx.db(), TrimText(t.substr(0, a)),
                                                 TrimText(t.substr(a + 1, b - a - 1)),
                                                 TrimText(t.substr(b + 1)));
    if (h.ok() && h->has_value()) {
      if (!InScope(scope, (*h)->building)) return StepVerdict::Reject("wish.not_your_building");
      slots["for_household"] = std::to_string((*h)->id);
      slots["for_label"] = domain::FormatLocation((*h)->building, (*h)->unit, ctx.locale()) + (*h)->room;
      return StepVerdict::Accept();
    }
  }
  return StepVerdict::Reject("wish.for_unknown", {{"who", input.text}});
}

TextArgs WishConfirmArgs(const TurnContext& ctx, const Slots& slots) {
  const std::string deadline = WishSlot(slots, "deadline");
  const std::string helpers = WishSlot(slots, "helpers");
  std::string for_line;
  if (!WishSlot(slots, "for_label").empty()) for_line = ctx.T("wish.confirm_for", {{"who", WishSlot(slots, "for_label")}});
  return {{"text", WishSlot(slots, "text")},
          {"category", ctx.T("wish.category." + WishSlot(slots, "category"))},
          {"deadline", deadline.empty() ? ctx.T("wish.no_deadline") : deadline},
          {"helpers", helpers.empty() ? "1" : helpers},
          {"for", for_line}};
}

Status CreateWish(TurnContext& ctx, const Slots& slots) {
  domain::WishDraft d;
  d.text = WishSlot(slots, "text");
  d.category = WishSlot(slots, "category");
  d.deadline = WishSlot(slots, "deadline");
  const std::string helpers = WishSlot(slots, "helpers");
  d.helpers_needed = helpers.empty() ? 1 : std::stoll(helpers);
  if (!WishSlot(slots, "for_person").empty()) d.for_person_id = std::stoll(WishSlot(slots, "for_person"));
  if (!WishSlot(slots, "for_household").empty()) d.for_household_id = std::stoll(WishSlot(slots, "for_household"));
  d.channel = ctx.in().conversation.channel;
  auto w = domain::WishService::Post(ctx.db(), ctx.deps(), domain::Actor::Person(ctx.person().id), d,
                                     ctx.now_ms());
  if (!w.ok()) {
    auto refusal = domain::DescribeWishRefusal(ctx.deps().texts, ctx.locale(), w.status());
    if (!refusal) return w.status();
    ctx.Reply(refusal->text);
    return Status::Ok();
  }
  ctx.Reply(ctx.T(w->status == storage::WishStatus::kPending ? "wish.created_pending" : "wish.created",
                  {{"number", std::to_string(w->number)}}));
  return Status::Ok();
}

std::vector<StepSpec> WishSteps() {
  StepSpec text;
  text.name = "text";
  text.prompt_key = "wish.ask_text";
  text.accept = AcceptText;
  text.next = "category";

  StepSpec category;
  category.name = "category";
  category.input = InputKind::kChoice;
  category.prompt_key = "wish.ask_category";
  category.options = [](const TurnContext& ctx) {
    std::vector<Option> out;
    for (const auto& id : ctx.config().wishes.categories) out.push_back({id, "wish.category." + id});
    return out;
  };
  category.slot = "category";
  category.next = "deadline";

  StepSpec deadline;
  deadline.name = "deadline";
  deadline.prompt_key = "wish.ask_deadline";
  deadline.accept = AcceptDeadline;
  deadline.skippable = true;
  deadline.slot = "deadline";
  deadline.next = "helpers";

  StepSpec helpers;
  helpers.name = "helpers";
  helpers.prompt_key = "wish.ask_helpers";
  helpers.accept = AcceptHelpers;
  helpers.skippable = true;
  helpers.slot = "helpers";
  helpers.next = "confirm";

  StepSpec confirm;
  confirm.name = "confirm";
  confirm.input = InputKind::kConfirm;
  confirm.prompt_key = "wish.confirm";
  confirm.prompt_args = WishConfirmArgs;
  confirm.private_only = true;
  return {text, category, deadline, helpers, confirm};
}

}  // namespace

FlowSpec WishFlow() {
  FlowSpec flow;
  flow.name = "wish";
  flow.where = Where::kPrivateOnly;  // a wish names what someone needs at home
  flow.triggers = {"/wish", "心愿", "许愿", "wish"};
  flow.steps = WishSteps();
  flow.on_complete = CreateWish;
  return flow;
}

FlowSpec WishForFlow() {
  FlowSpec flow;
  flow.name = "wishfor";
  flow.where = Where::kPrivateOnly;
  flow.triggers = {"/wishfor", "代许愿"};
  flow.refuse_start = [](const TurnContext& ctx) {
    // Only reads (identities) in the turn's transaction; TurnContext::db() is non-const.
    auto scope = PostForScope(const_cast<TurnContext&>(ctx));
    return scope && scope->empty() ? std::string("wish.denied") : std::string();
  };
  StepSpec who;
  who.name = "for";
  who.prompt_key = "wish.ask_for";
  who.accept = AcceptFor;
  who.next = "text";
  flow.steps = {who};
  for (auto& s : WishSteps()) flow.steps.push_back(std::move(s));
  flow.on_complete = CreateWish;
  return flow;
}

}  // namespace linli::dialogs
