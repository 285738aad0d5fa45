// Residents' rights over their data (domain/people/privacy.h), private chats only (declared
// Where::kPrivateOnly, enforced by the engine):
// 我的数据 /mydata - what Linli holds about the sender; 导出我的数据 /export - all of it as text
// through the outbox; 注销 /erase - after a confirmation, the sender is erased and the next
// message starts a new, empty person.
#include <string>

#include "dialogs/flows.h"
#include "domain/people/privacy.h"

namespace linli::dialogs {

namespace {

Status MyData(TurnContext& ctx, const std::string&) {
  LINLI_ASSIGN_OR_RETURN(std::string text, domain::RenderPersonalSummary(
                                               ctx.db(), ctx.deps(), ctx.person().id, ctx.locale()));
  ctx.Reply(std::move(text));
  return Status::Ok();
}

Status Export(TurnContext& ctx, const std::string&) {
  LINLI_ASSIGN_OR_RETURN(std::string text, domain::RenderPersonalExport(
                                               ctx.db(), ctx.deps(), ctx.person().id, ctx.locale()));
  ctx.Reply(std::move(text));
  return Status::Ok();
}

Status Erase(TurnContext& ctx, const Slots&) {
  LINLI_RETURN_IF_ERROR(domain::ErasePerson(ctx.db(), ctx.person().id));
  ctx.Reply(ctx.T("privacy.erased"));
  return Status::Ok();
}

}  // namespace

FlowSpec MyDataFlow() {
  return CommandFlow("mydata", Where::kPrivateOnly, {"/mydata", "我的数据", "查看我的数据", "mydata"}, MyData);
}

FlowSpec ExportFlow() {
  return CommandFlow("export", Where::kPrivateOnly, {"/export", "导出我的数据", "导出数据"}, Export);
}

FlowSpec EraseFlow() {
  FlowSpec flow;
  flow.name = "erase";
  flow.where = Where::kPrivateOnly;
  flow.triggers = {"/erase", "注销", "注销账号", "删除我的数据"};
  StepSpec confirm;
  confirm.name = "confirm";
  confirm.input = InputKind::kConfirm;
  confirm.prompt_key = "privacy.erase_confirm";
  flow.steps = {confirm};
  flow.on_complete = Erase;
  return flow;
}

}  // namespace linli::dialogs
