// Referral to departments in chat (联动处置, issue 11 point 8): staff send 转交 N 部门 说明
// (/refer; 部门 = a department's name or id of config `departments`) and, when the department
// answers, 部门答复 N 文字 (/deptanswer) - in a private chat or a staff group. The service
// (domain/tickets/referrals.h) checks staff-ness and the tier itself, sends the department the
// ticket's public projection, records the events and tells the reporter privately; this file
// reads the words and renders the replies (number, department and hours only, so a group sees
// nothing personal beyond what staff typed there).
#include <string>
#include <vector>

#include "bot/text.h"
#include "dialogs/engine.h"
#include "dialogs/flows.h"
#include "domain/tickets/referrals.h"
#include "domain/tickets/ticket_actions.h"
#include "domain/tickets/ticket_service.h"

namespace linli::dialogs {

namespace {

Status ReplyReferralError(TurnContext& ctx, const Status& st) {
  auto refusal = domain::DescribeRefusal(ctx.deps().texts, ctx.locale(), st);
  if (!refusal) return st;
  ctx.Reply(std::move(refusal->text));
  return Status::Ok();
}

// "城管 占道经营" -> {"城管", "占道经营"}.
std::pair<std::string, std::string> FirstWordAndRest(const std::string& text) {
  const std::vector<std::string> words = domain::ChatWords(text);
  if (words.empty()) return {"", ""};
  const size_t at = text.find(words[0]);
  return {words[0], TrimText(text.substr(at + words[0].size()))};
}

Status RunRefer(TurnContext& ctx, const std::string& text) {
  auto [number, rest] = domain::NumberAndRest(text);
  auto [department, note] = FirstWordAndRest(rest);
  if (number <= 0 || department.empty() || note.empty()) {
    // Staff get the usage; anyone else the refusal (nothing parsed for them).
    auto probe = domain::Refer(ctx.db(), ctx.deps(), domain::Actor::Person(ctx.person().id), 0, "",
                               "", ctx.now_ms());
    if (!probe.ok() && domain::TicketService::ErrorKey(probe.status()) == "staff.denied") {
      return ReplyReferralError(ctx, probe.status());
    }
    ctx.Reply(ctx.T("staff.usage.refer"));
    return Status::Ok();
  }
  auto r = domain::Refer(ctx.db(), ctx.deps(), domain::Actor::Person(ctx.person().id), number,
                         department, note, ctx.now_ms());
  if (!r.ok()) return ReplyReferralError(ctx, r.status());
  std::string reply = ctx.T("staff.done.refer",
                            {{"number", std::to_string(r->ticket.number)},
                             {"department", r->department->name},
                             {"hours", std::to_string(r->department->remind_hours)}});
  if (r->masked) reply += "\n" + ctx.T("staff.masked");
  ctx.Reply(reply);
  return Status::Ok();
}

Status RunAnswer(TurnContext& ctx, const std::string& text) {
  auto [number, answer] = domain::NumberAndRest(text);
  if (number <= 0 || answer.empty()) {
    auto probe = domain::RecordAnswer(ctx.db(), ctx.deps(), domain::Actor::Person(ctx.person().id),
                                      0, "", ctx.now_ms());
    if (!probe.ok() && domain::TicketService::ErrorKey(probe.status()) == "staff.denied") {
      return ReplyReferralError(ctx, probe.status());
    }
    ctx.Reply(ctx.T("staff.usage.department_answer"));
    return Status::Ok();
  }
  auto r = domain::RecordAnswer(ctx.db(), ctx.deps(), domain::Actor::Person(ctx.person().id),
                                number, answer, ctx.now_ms());
  if (!r.ok()) return ReplyReferralError(ctx, r.status());
  std::string reply = ctx.T("staff.done.department_answer",
                            {{"number", std::to_string(r->ticket.number)},
                             {"department", r->department_name}});
  if (r->masked) reply += "\n" + ctx.T("staff.masked");
  ctx.Reply(reply);
  return Status::Ok();
}

}  // namespace

std::vector<FlowSpec> ReferralFlows() {
  std::vector<FlowSpec> flows;
  FlowSpec refer;
  refer.name = "staff_refer";
  // Staff work groups: the reply names the number and the department only.
  refer.where = Where::kAnywhere;
  refer.triggers = {"/refer", "转交"};
  refer.on_start = [](TurnContext& ctx, const std::string& text) { return RunRefer(ctx, text); };
  flows.push_back(std::move(refer));

  FlowSpec answer;
  answer.name = "staff_department_answer";
  answer.where = Where::kAnywhere;
  answer.triggers = {"/deptanswer", "部门答复"};
  answer.on_start = [](TurnContext& ctx, const std::string& text) { return RunAnswer(ctx, text); };
  flows.push_back(std::move(answer));
  return flows;
}

}  // namespace linli::dialogs
