// 认定 红黑榜 2026-Q3 /confirmlist: 结果认定 of the quarterly red/black list (issue 11 point 7).
// Community and street staff (and admins) confirm the draft the `red-black` job made at
// quarter end; only then is it posted to the groups with posts "reports" and shown on the
// public board. The service checks the tier (domain/reports/red_black_service.h); a second
// confirmation says so and posts nothing. Runs anywhere: staff work in group chats, and the
// answer holds no personal data.
#include <sstream>
#include <string>

#include "dialogs/flows.h"
#include "domain/reports/red_black_service.h"

namespace linli::dialogs {

FlowSpec RedBlackConfirmFlow() {
  return CommandFlow(
      "red_black_confirm", Where::kAnywhere, {"认定", "/confirmlist"},
      [](TurnContext& ctx, const std::string& args) -> Status {
        std::istringstream in(args);
        std::string what, quarter, extra;
        in >> what >> quarter >> extra;
        if ((what != "红黑榜" && what != "red-black") || quarter.empty() || !extra.empty()) {
          ctx.Reply(ctx.T("red_black.usage"));
          return Status::Ok();
        }
        namespace dr = domain::reports;
        auto r = dr::ConfirmRedBlack(ctx.db(), ctx.deps(), domain::Actor::Person(ctx.person().id),
                                     quarter, ctx.now_ms());
        if (!r.ok()) {
          const std::string key = dr::ConfirmErrorKey(r.status());
          if (key.empty()) return r.status();
          ctx.Reply(ctx.T(key));
          return Status::Ok();
        }
        ctx.Reply(r->confirmed
                      ? ctx.T("red_black.confirmed",
                              {{"quarter", quarter}, {"groups", std::to_string(r->posted)}})
                      : ctx.T("red_black.already", {{"quarter", quarter}}));
        return Status::Ok();
      });
}

}  // namespace linli::dialogs
