// Wish lists and the staff commands on wishes (issue 9, points 1 and 7):
//   心愿列表 /wishes          open wishes, for volunteers; group-safe (number, category,
//                            building, masked text, deadline, helpers)
//   我的心愿 /mywishes        a resident's own wishes and the ones they claimed, private
//   心愿管理 /wishadmin [状态/类别/楼号]  staff: every wish with filters (building level only)
//   通过 N, 驳回 N 原因, 撤销心愿 N, 确认心愿 N  one flow per chat command of
//                            domain/wishes/wish_actions.h (the admin API is built from the
//                            same list)
#include <algorithm>
#include <cctype>
#include <string>

#include "dialogs/flows.h"
#include "domain/common/known_names.h"
#include "domain/common/location.h"
#include "domain/common/masking.h"
#include "domain/tickets/ticket_actions.h"
#include "domain/wishes/wish_actions.h"
#include "domain/wishes/wish_service.h"
#include "storage/wish_store.h"

namespace linli::dialogs {

namespace {

constexpr int kWishListLimit = 20;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// One line per wish, group-safe: never a unit, room, name or phone; the text masked.
StatusOr<std::string> Lines(TurnContext& ctx, const std::vector<storage::Wish>& wishes) {
  LINLI_ASSIGN_OR_RETURN(const auto names_list, domain::KnownNames(ctx.db(), ctx.config()));
  const domain::MaskNames& names = *names_list;
  std::string text;
  for (const auto& w : wishes) {
    LINLI_ASSIGN_OR_RETURN(auto holding,
                           storage::WishStore::Claims(ctx.db(), w.number,
                                                      {storage::ClaimStatus::kActive,
                                                       storage::ClaimStatus::kDone,
                                                       storage::ClaimStatus::kConfirmed}));
    text += "\n" + ctx.T("wish.list_item",
                         {{"number", std::to_string(w.number)},
                          {"category", ctx.T("wish.category." + w.category)},
                          {"building", w.building.empty() ? "-" : domain::FormatLocation(w.building, "", ctx.locale())},
                          {"text", domain::MaskDoorNumbers(domain::MaskFreeText(w.text, names, domain::MaskNames({w.contact_name})).text)},
                          {"deadline", w.deadline.empty() ? ctx.T("wish.no_deadline") : w.deadline},
                          {"count", std::to_string(holding.size())},
                          {"helpers", std::to_string(w.helpers_needed)},
                          {"status", ctx.T("wish.status." + storage::NameOf(w.status))}});
  }
  return text;
}

Status OpenList(TurnContext& ctx, const std::string&) {
  storage::WishFilter f;
  f.statuses = {storage::WishStatus::kOpen};
  f.limit = kWishListLimit;
  LINLI_ASSIGN_OR_RETURN(auto wishes, storage::WishStore::List(ctx.db(), f));
  if (wishes.empty()) {
    ctx.Reply(ctx.T("wish.list_none"));
    return Status::Ok();
  }
  LINLI_ASSIGN_OR_RETURN(std::string lines, Lines(ctx, wishes));
  ctx.Reply(ctx.T("wish.list_header", {{"count", std::to_string(wishes.size())}}) + lines + "\n" +
            ctx.T("wish.list_how"));
  return Status::Ok();
}

Status MyList(TurnContext& ctx, const std::string&) {
  storage::WishFilter mine;
  mine.requester_person_id = ctx.person().id;
  mine.limit = kWishListLimit;
  LINLI_ASSIGN_OR_RETURN(auto own, storage::WishStore::List(ctx.db(), mine));
  storage::WishFilter claimed;
  claimed.claimed_by_person_id = ctx.person().id;
  claimed.limit = kWishListLimit;
  LINLI_ASSIGN_OR_RETURN(auto helping, storage::WishStore::List(ctx.db(), claimed));
  if (own.empty() && helping.empty()) {
    ctx.Reply(ctx.T("wish.mine_none"));
    return Status::Ok();
  }
  std::string text;
  if (!own.empty()) {
    text += ctx.T("wish.mine_header");
    for (const auto& w : own) {
      text += "\n" + ctx.T("wish.mine_item", {{"number", std::to_string(w.number)},
                                              {"category", ctx.T("wish.category." + w.category)},
                                              {"text", w.text},
                                              {"status", ctx.T("wish.status." + storage::NameOf(w.status))}});
      if (w.status == storage::WishStatus::kRejected && !w.reject_reason.empty()) {
        text += " " + ctx.T("wish.mine_reason", {{"reason", w.reject_reason}});
      }
    }
  }
  if (!helping.empty()) {
    if (!text.empty()) text += "\n";
    text += ctx.T("wish.helping_header");
    LINLI_ASSIGN_OR_RETURN(std::string lines, Lines(ctx, helping));
    text += lines;
  }
  ctx.Reply(std::move(text));
  return Status::Ok();
}

// Reads one filter word; false if it is none.
bool ReadFilter(const TurnContext& ctx, const std::string& word, storage::WishFilter& f) {
  const std::string lower = Lower(word);
  for (storage::WishStatus st : storage::kAllWishStatuses) {
    const std::string name = storage::NameOf(st);
    if (lower == name || word == ctx.deps().texts.Get("zh-CN", "wish.status." + name) ||
        lower == Lower(ctx.deps().texts.Get("en", "wish.status." + name))) {
      f.statuses.push_back(st);
      return true;
    }
  }
  if (lower == "all" || word == "全部") return true;
  for (const auto& c : ctx.config().wishes.categories) {
    if (lower == c || word == ctx.deps().texts.Get("zh-CN", "wish.category." + c) ||
        lower == Lower(ctx.deps().texts.Get("en", "wish.category." + c))) {
      f.category = c;
      return true;
    }
  }
  const domain::ParsedLocation loc = domain::ParseLocation(word, ctx.config().compound);
  if (loc.result == domain::ParsedLocation::Result::kOk && loc.unit.empty()) {
    f.building = loc.building;
    return true;
  }
  return false;
}

Status StaffWishList(TurnContext& ctx, const std::string& args) {
  if (!ctx.is_staff()) {
    ctx.Reply(ctx.T("wish.denied"));
    return Status::Ok();
  }
  storage::WishFilter f;
  f.limit = kWishListLimit;
  for (const auto& w : domain::ChatWords(args)) {
    if (!ReadFilter(ctx, w, f)) {
      ctx.Reply(ctx.T("wish.bad_filter", {{"word", w}}) + "\n" + ctx.T("wish.usage.admin"));
      return Status::Ok();
    }
  }
  LINLI_ASSIGN_OR_RETURN(auto wishes, storage::WishStore::List(ctx.db(), f));
  if (wishes.empty()) {
    ctx.Reply(ctx.T("wish.list_none"));
    return Status::Ok();
  }
  LINLI_ASSIGN_OR_RETURN(std::string lines, Lines(ctx, wishes));
  ctx.Reply(ctx.T("wish.admin_header", {{"count", std::to_string(wishes.size())}}) + lines);
  return Status::Ok();
}

FlowSpec Command(const domain::WishAction& action, const domain::WishChatCommand& command) {
  FlowSpec flow;
  flow.name = command.flow;
  // Staff work groups: the replies name the number and the status only.
  flow.where = Where::kAnywhere;
  flow.triggers = command.words;
  flow.on_start = [&action, &command](TurnContext& ctx, const std::string& text) -> Status {
    auto [number, rest] = domain::NumberAndRest(text);
    if (number <= 0) {
      ctx.Reply(ctx.T(command.usage_key));
      return Status::Ok();
    }
    auto reply_error = [&ctx](const Status& st) -> Status {
      auto refusal = domain::DescribeWishRefusal(ctx.deps().texts, ctx.locale(), st);
      if (!refusal) return st;
      ctx.Reply(refusal->text);
      return Status::Ok();
    };
    auto arg = domain::WishArgFromChat(action, command, rest);
    if (!arg.ok()) return reply_error(arg.status());
    auto w = action.run(ctx.db(), ctx.deps(), domain::Actor::Person(ctx.person().id), number, *arg,
                        ctx.now_ms());
    if (!w.ok()) return reply_error(w.status());
    ctx.Reply(ctx.T(command.done_key,
                    {{"number", std::to_string(w->number)},
                     {"status", ctx.T("wish.status." + storage::NameOf(w->status))}}));
    return Status::Ok();
  };
  return flow;
}

}  // namespace

std::vector<FlowSpec> WishListFlows() {
  std::vector<FlowSpec> flows;
  flows.push_back(CommandFlow("wish_list", Where::kAnywhere, {"/wishes", "心愿列表", "wishes"}, OpenList));
  flows.push_back(CommandFlow("wish_mine", Where::kPrivateOnly, {"/mywishes", "我的心愿"}, MyList));
  flows.push_back(CommandFlow("wish_admin", Where::kAnywhere, {"/wishadmin", "心愿管理"}, StaffWishList));
  for (const auto& action : domain::WishActions()) {
    for (const auto& command : action.chat) flows.push_back(Command(action, command));
  }
  return flows;
}

}  // namespace linli::dialogs
