// 绑定 /bind <code>: a resident binds themselves to their household with the one-time invite
// code staff handed out (`linli roster codes`). 解绑 /unbind removes a binding. 代绑 /bindfor
// <code> <channel>:<user_id>: staff bind someone who cannot (elderly residents); the binding
// records who acted. 我的信息 /me: the person's role and bindings.
//
// Replies name the household as "3号楼2单元301室" (the person's own home) and never the
// owner's name or phone. Wrong codes are limited per identity (kMaxFailures per hour) so the
// code space cannot be walked.
#include <string>
#include <vector>

#include "dialogs/flows.h"
#include "domain/people/invite_code.h"
#include "domain/people/private_conversation.h"
#include "storage/identity_store.h"
#include "storage/outbox_store.h"
#include "storage/roster_store.h"

namespace linli::dialogs {

namespace {

constexpr int64_t kFailureWindowMs = 60 * 60 * 1000;
constexpr int kMaxFailures = 5;

std::string Location(const TurnContext& ctx, const storage::Household& h) {
  return ctx.T("bind.location", {{"building", h.building}, {"unit", h.unit}, {"room", h.room}});
}

// True (and the refusal replied) when the sender has used up their wrong guesses.
StatusOr<bool> GuessesUsedUp(TurnContext& ctx) {
  const auto& from = ctx.in().conversation;
  LINLI_ASSIGN_OR_RETURN(int failures, storage::RosterStore::Failures(ctx.db(), from.channel, from.user_id,
                                                                      ctx.now_ms(), kFailureWindowMs));
  if (failures < kMaxFailures) return false;
  ctx.Reply(ctx.T("bind.locked"));
  return true;
}

Status RecordWrongGuess(TurnContext& ctx) {
  const auto& from = ctx.in().conversation;
  return storage::RosterStore::RecordFailure(ctx.db(), from.channel, from.user_id, ctx.now_ms(),
                                             kFailureWindowMs);
}

std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  for (size_t i = 0; i <= text.size(); ++i) {
    const bool space = i == text.size() || text[i] == ' ' || text[i] == '\t' || text[i] == '\n';
    const bool wide_space = text.compare(i, 3, "\u3000") == 0;
    if (space || wide_space) {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
      if (wide_space) i += 2;
    } else {
      word.push_back(text[i]);
    }
  }
  return words;
}

Status Bind(TurnContext& ctx, const std::string& args) {
  if (args.empty()) {
    ctx.Reply(ctx.T("bind.usage"));
    return Status::Ok();
  }
  LINLI_ASSIGN_OR_RETURN(bool locked, GuessesUsedUp(ctx));
  if (locked) return Status::Ok();
  const auto code = domain::NormalizeInviteCode(args);
  if (!code) {
    ctx.Reply(ctx.T("bind.bad_format"));
    return Status::Ok();
  }
  storage::Household household;
  LINLI_ASSIGN_OR_RETURN(storage::RedeemResult result,
                         storage::RosterStore::RedeemCode(ctx.db(), *code, ctx.person().id, 0,
                                                          ctx.now_ms(), &household));
  switch (result) {
    case storage::RedeemResult::kInvalid:
      LINLI_RETURN_IF_ERROR(RecordWrongGuess(ctx));
      ctx.Reply(ctx.T("bind.invalid"));
      break;
    case storage::RedeemResult::kAlreadyBound:
      ctx.Reply(ctx.T("bind.already", {{"location", Location(ctx, household)}}));
      break;
    case storage::RedeemResult::kBound:
      ctx.Reply(ctx.T("bind.done", {{"location", Location(ctx, household)}}));
      break;
  }
  return Status::Ok();
}

// Tells the person a staff member bound for that it happened, in the private chat on the
// channel they last used (never a group: the notice names their home), in their language,
// through the outbox (same transaction as the binding).
Status NoticeToBound(TurnContext& ctx, const storage::Person& person,
                     const storage::Household& household) {
  LINLI_ASSIGN_OR_RETURN(auto identity, storage::IdentityStore::LastUsedIdentity(ctx.db(), person.id));
  if (!identity) return Status::Ok();
  const std::string locale = person.locale.empty() ? ctx.config().locale : person.locale;
  const auto& texts = ctx.deps().texts;
  OutboundMessage notice;
  notice.to = domain::PrivateRef(*identity);
  notice.text = texts.Get(
      locale, "bind.for_notice",
      {{"location", texts.Get(locale, "bind.location",
                              {{"building", household.building},
                               {"unit", household.unit},
                               {"room", household.room}})}});
  return storage::OutboxStore::Enqueue(ctx.db(), notice, ctx.now_ms()).status();
}

Status BindFor(TurnContext& ctx, const std::string& args) {
  // Checked before anything is read or written: a resident learns nothing and changes nothing.
  if (!ctx.is_staff()) {
    ctx.Reply(ctx.T("bind.for_refused"));
    return Status::Ok();
  }
  std::vector<std::string> words = Words(args);
  if (words.size() < 2 || words.back().find(':') == std::string::npos) {
    ctx.Reply(ctx.T("bind.for_usage"));
    return Status::Ok();
  }
  const std::string who = words.back();
  words.pop_back();
  std::string typed_code;
  for (const auto& w : words) typed_code += w;
  const size_t colon = who.find(':');
  const std::string channel = who.substr(0, colon);
  const std::string user_id = who.substr(colon + 1);
  if (channel.empty() || user_id.empty()) {
    ctx.Reply(ctx.T("bind.for_usage"));
    return Status::Ok();
  }

  LINLI_ASSIGN_OR_RETURN(bool locked, GuessesUsedUp(ctx));
  if (locked) return Status::Ok();
  const auto code = domain::NormalizeInviteCode(typed_code);
  if (!code) {
    ctx.Reply(ctx.T("bind.bad_format"));
    return Status::Ok();
  }
  LINLI_ASSIGN_OR_RETURN(auto identity, storage::IdentityStore::FindIdentity(ctx.db(), channel, user_id));
  if (!identity) {
    ctx.Reply(ctx.T("bind.for_unknown_user", {{"who", who}}));
    return Status::Ok();
  }
  LINLI_ASSIGN_OR_RETURN(auto target, storage::IdentityStore::FindPerson(ctx.db(), identity->person_id));
  if (!target) return Status::Internal("bind: identity without a person");
  const bool self = target->id == ctx.person().id;
  storage::Household household;
  LINLI_ASSIGN_OR_RETURN(
      storage::RedeemResult result,
      storage::RosterStore::RedeemCode(ctx.db(), *code, target->id, self ? 0 : ctx.person().id,
                                       ctx.now_ms(), &household));
  switch (result) {
    case storage::RedeemResult::kInvalid:
      LINLI_RETURN_IF_ERROR(RecordWrongGuess(ctx));
      ctx.Reply(ctx.T("bind.invalid"));
      break;
    case storage::RedeemResult::kAlreadyBound:
      ctx.Reply(ctx.T("bind.for_already", {{"who", who}, {"location", Location(ctx, household)}}));
      break;
    case storage::RedeemResult::kBound:
      ctx.Reply(ctx.T("bind.for_done", {{"who", who}, {"location", Location(ctx, household)}}));
      if (!self) LINLI_RETURN_IF_ERROR(NoticeToBound(ctx, *target, household));
      break;
  }
  return Status::Ok();
}

std::string BindingList(const TurnContext& ctx, const std::vector<storage::Binding>& bindings) {
  std::string list;
  for (size_t i = 0; i < bindings.size(); ++i) {
    const auto& b = bindings[i];
    if (!list.empty()) list += "\n";
    list += ctx.T("bind.item", {{"index", std::to_string(i + 1)},
                                {"location", Location(ctx, b.household)},
                                {"how", ctx.T(b.bound_by_person_id == 0 ? "bind.by_self" : "bind.by_staff")}});
  }
  return list;
}

Status Unbind(TurnContext& ctx, const std::string& args) {
  LINLI_ASSIGN_OR_RETURN(auto bindings, storage::RosterStore::BindingsOf(ctx.db(), ctx.person().id));
  if (bindings.empty()) {
    ctx.Reply(ctx.T("bind.unbind_none"));
    return Status::Ok();
  }
  size_t pick = 0;  // 1-based; 0 = none chosen
  if (args.empty()) {
    if (bindings.size() == 1) pick = 1;
  } else if (args.size() <= 3 &&
             args.find_first_not_of("0123456789") == std::string::npos) {
    const size_t n = std::stoul(args);
    if (n >= 1 && n <= bindings.size()) pick = n;
  }
  if (pick == 0) {
    ctx.Reply(ctx.T("bind.unbind_which", {{"list", BindingList(ctx, bindings)}}));
    return Status::Ok();
  }
  const auto& chosen = bindings[pick - 1].household;
  LINLI_RETURN_IF_ERROR(storage::RosterStore::Unbind(ctx.db(), ctx.person().id, chosen.id));
  ctx.Reply(ctx.T("bind.unbind_done", {{"location", Location(ctx, chosen)}}));
  return Status::Ok();
}

Status Me(TurnContext& ctx, const std::string& /*args*/) {
  std::string role = ctx.person().role;
  std::string tier = ctx.person().tier;
  if (role != "staff" && role != "admin") {
    // Staff listed in the config whose role has not been synced to the database yet.
    for (const auto& s : ctx.config().staff) {
      if (s.channel == ctx.in().conversation.channel && s.user_id == ctx.in().conversation.user_id) {
        role = s.role;
        tier = s.tier;
      }
    }
  }
  std::string role_text = ctx.T("bind.role." + role);
  if ((role == "staff" || role == "admin") && !tier.empty()) {
    role_text = ctx.T("bind.role_with_tier", {{"role", role_text}, {"tier", ctx.T("bind.tier." + tier)}});
  }
  LINLI_ASSIGN_OR_RETURN(auto bindings, storage::RosterStore::BindingsOf(ctx.db(), ctx.person().id));
  LINLI_ASSIGN_OR_RETURN(int64_t channels,
                         storage::IdentityStore::CountIdentities(ctx.db(), ctx.person().id));
  ctx.Reply(ctx.T("bind.me", {{"role", role_text},
                              {"households", bindings.empty() ? ctx.T("bind.me_unbound")
                                                              : BindingList(ctx, bindings)},
                              {"channels", std::to_string(channels)}}));
  return Status::Ok();
}

}  // namespace

// Bindings name the household: in a group chat that would tell the group where the sender
// lives (and a code typed there is seen by all), so all four are private-only (the engine
// refuses them in groups before anything runs).
FlowSpec BindFlow() {
  return CommandFlow("bind", Where::kPrivateOnly, {"/bind", "绑定", "bind", "绑定房屋"}, Bind);
}

FlowSpec UnbindFlow() {
  return CommandFlow("unbind", Where::kPrivateOnly, {"/unbind", "解绑", "unbind", "解除绑定"}, Unbind);
}

FlowSpec BindForFlow() {
  return CommandFlow("bindfor", Where::kPrivateOnly, {"/bindfor", "代绑", "bindfor", "代为绑定"}, BindFor);
}

FlowSpec MeFlow() {
  return CommandFlow("me", Where::kPrivateOnly, {"/me", "我的信息", "/whoami", "个人信息"}, Me);
}

}  // namespace linli::dialogs
