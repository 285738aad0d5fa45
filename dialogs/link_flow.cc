// 关联 /link: one person, many channels (domain/people/linking.h). "关联" shows a one-time code;
// "关联 <code>" sent from another channel makes both identities one person. Private-only: the
// engine refuses it in groups; domain/people/linking.h refuses group refs again (defence in
// depth), which the kPrivateOnly cases below answer.
#include <string>

#include "dialogs/flows.h"
#include "domain/people/linking.h"

namespace linli::dialogs {

namespace {

Status ShowCode(TurnContext& ctx) {
  LINLI_ASSIGN_OR_RETURN(domain::LinkCodeOutcome outcome,
                         domain::IssueLinkCode(ctx.db(), ctx.config(), ctx.in().conversation,
                                               ctx.person().id, ctx.now_ms()));
  switch (outcome.result) {
    case domain::LinkCodeOutcome::Result::kPrivateOnly:
      ctx.Reply(ctx.T("dialog.private_only"));
      break;
    case domain::LinkCodeOutcome::Result::kStaff:
      ctx.Reply(ctx.T("link.staff"));
      break;
    case domain::LinkCodeOutcome::Result::kIssued:
      ctx.Reply(ctx.T("link.code",
                      {{"code", outcome.code},
                       {"minutes", std::to_string(domain::kLinkCodeTtlMs / 60000)}}));
      break;
  }
  return Status::Ok();
}

Status UseCode(TurnContext& ctx, const std::string& typed) {
  std::string code;
  for (char c : typed) {
    if (c >= '0' && c <= '9') code.push_back(c);
  }
  LINLI_ASSIGN_OR_RETURN(domain::LinkOutcome outcome,
                         domain::RedeemLinkCode(ctx.db(), ctx.config(), ctx.in().conversation,
                                                ctx.person().id, code, ctx.now_ms()));
  switch (outcome.result) {
    case domain::LinkOutcome::Result::kLocked:
      ctx.Reply(ctx.T("link.locked"));
      break;
    case domain::LinkOutcome::Result::kInvalid:
      ctx.Reply(ctx.T("link.invalid"));
      break;
    case domain::LinkOutcome::Result::kSamePerson:
      ctx.Reply(ctx.T("link.same"));
      break;
    case domain::LinkOutcome::Result::kPrivateOnly:
      ctx.Reply(ctx.T("dialog.private_only"));
      break;
    case domain::LinkOutcome::Result::kStaff:
      ctx.Reply(ctx.T("link.staff"));
      break;
    case domain::LinkOutcome::Result::kLinked:
      ctx.Reply(ctx.T("link.done", {{"channels", std::to_string(outcome.identities)}}));
      break;
  }
  return Status::Ok();
}

}  // namespace

FlowSpec LinkFlow() {
  return CommandFlow("link", Where::kPrivateOnly, {"/link", "关联", "link", "关联账号"},
                     [](TurnContext& ctx, const std::string& args) {
                       return args.empty() ? ShowCode(ctx) : UseCode(ctx, args);
                     });
}

}  // namespace linli::dialogs
