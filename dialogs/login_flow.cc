// 登录 /login: a staff member asks for a one-time link to the web console (issue 12 point 2).
// Private chats only (declared Where::kPrivateOnly, enforced by the engine): the link signs its
// holder in, so it must never be posted to a group. The domain (domain/people/web_login.h)
// decides who is staff and whether the console is set up; this file only words the answer.
#include <string>

#include "dialogs/flows.h"
#include "domain/people/web_login.h"

namespace linli::dialogs {

namespace {

Status Login(TurnContext& ctx, const std::string&) {
  auto link = domain::IssueLoginLink(ctx.db(), ctx.deps(), ctx.person().id);
  if (!link.ok()) {
    if (link.status().code() == StatusCode::kPermissionDenied) {
      ctx.Reply(ctx.T("login.not_staff"));
      return Status::Ok();
    }
    if (link.status().code() == StatusCode::kFailedPrecondition) {
      ctx.Reply(ctx.T("login.not_set_up"));
      return Status::Ok();
    }
    return link.status();
  }
  ctx.Reply(ctx.T("login.link", {{"url", link->url},
                                 {"minutes", std::to_string(ctx.config().web.login_link_minutes)}}));
  return Status::Ok();
}

}  // namespace

FlowSpec LoginFlow() {
  return CommandFlow("login", Where::kPrivateOnly, {"登录", "/login", "控制台"}, Login);
}

}  // namespace linli::dialogs
