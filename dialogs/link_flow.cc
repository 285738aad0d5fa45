// 关联 /link: one person, many channels. "关联" shows a one-time code; "关联 <code>" sent from
// another channel makes both identities one person (tickets, wishes and votes follow).
#include <random>
#include <string>

#include "dialogs/flows.h"
#include "storage/identity_store.h"
#include "storage/link_store.h"

namespace linli::dialogs {

namespace {

constexpr int64_t kCodeTtlMs = 10 * 60 * 1000;
constexpr int64_t kFailureWindowMs = 60 * 60 * 1000;
constexpr int kMaxFailures = 5;
constexpr int kCodeDigits = 8;

std::string DrawCode() {
  static thread_local std::random_device rd;
  std::uniform_int_distribution<int> digit(0, 9);
  std::string code;
  for (int i = 0; i < kCodeDigits; ++i) code.push_back(static_cast<char>('0' + digit(rd)));
  return code;
}

Status ShowCode(TurnContext& ctx) {
  const int64_t now = ctx.now_ms();
  for (int attempt = 0; attempt < 5; ++attempt) {
    const std::string code = DrawCode();
    Status st = storage::LinkStore::CreateCode(ctx.db(), code, ctx.person().id, now, now + kCodeTtlMs);
    if (st.code() == StatusCode::kAlreadyExists) continue;
    LINLI_RETURN_IF_ERROR(st);
    ctx.Reply(ctx.T("link.code", {{"code", code}, {"minutes", std::to_string(kCodeTtlMs / 60000)}}));
    return Status::Ok();
  }
  return Status::Internal("link: could not draw a free code");
}

Status UseCode(TurnContext& ctx, const std::string& code) {
  const auto& from = ctx.in().conversation;
  const int64_t now = ctx.now_ms();
  LINLI_ASSIGN_OR_RETURN(int failures, storage::LinkStore::Failures(ctx.db(), from.channel, from.user_id,
                                                                    now, kFailureWindowMs));
  if (failures >= kMaxFailures) {
    ctx.Reply(ctx.T("link.locked"));
    return Status::Ok();
  }
  LINLI_ASSIGN_OR_RETURN(auto owner, storage::LinkStore::ConsumeCode(ctx.db(), code, now));
  if (!owner) {
    LINLI_RETURN_IF_ERROR(
        storage::LinkStore::RecordFailure(ctx.db(), from.channel, from.user_id, now, kFailureWindowMs));
    ctx.Reply(ctx.T("link.invalid"));
    return Status::Ok();
  }
  if (*owner == ctx.person().id) {
    ctx.Reply(ctx.T("link.same"));
    return Status::Ok();
  }
  // This identity's person joins the person who showed the code.
  LINLI_RETURN_IF_ERROR(storage::IdentityStore::MergeInto(ctx.db(), ctx.person().id, *owner));
  LINLI_ASSIGN_OR_RETURN(int64_t channels, storage::IdentityStore::CountIdentities(ctx.db(), *owner));
  ctx.Reply(ctx.T("link.done", {{"channels", std::to_string(channels)}}));
  return Status::Ok();
}

}  // namespace

FlowSpec LinkFlow() {
  FlowSpec flow;
  flow.name = "link";
  flow.triggers = {"/link", "关联", "link", "关联账号"};
  flow.on_start = [](TurnContext& ctx, const std::string& args) {
    std::string code;
    for (char c : args) {
      if (c >= '0' && c <= '9') code.push_back(c);
    }
    if (args.empty()) return ShowCode(ctx);
    if (code.size() != static_cast<size_t>(kCodeDigits)) {
      ctx.Reply(ctx.T("link.invalid"));
      return Status::Ok();
    }
    return UseCode(ctx, code);
  };
  return flow;
}

}  // namespace linli::dialogs
