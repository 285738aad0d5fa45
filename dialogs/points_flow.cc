// Points in chat (issue 9 point 5). 积分 /points: the sender's balance and recent entries
// (private only). 兑换 /redeem: the catalogue; 兑换 <item>: a request that holds the points at
// once and is handed out on the exchange day (private only). 最美志愿者 /leaderboard: this
// month's volunteers by points earned, display names only (anywhere: nothing personal).
// Staff: 兑换单 /redemptions (pending, private only) and one command per action of
// domain/volunteers/points_actions.h (奖励积分, 扣除积分, 冲正, 发放, 取消兑换; private only,
// since the replies show a person's balance). The rules live in points_service.h.
#include <string>
#include <vector>

#include "bot/text.h"
#include "dialogs/flows.h"
#include "dialogs/person_word.h"
#include "domain/common/masking.h"
#include "domain/common/time_format.h"
#include "domain/tickets/ticket_actions.h"
#include "domain/volunteers/points_actions.h"
#include "domain/volunteers/points_service.h"
#include "domain/volunteers/volunteers.h"
#include "storage/points_store.h"
#include "storage/redemption_store.h"

namespace linli::dialogs {

namespace {

constexpr int kRecentEntries = 10;
constexpr int kListLimit = 30;

std::string ItemLabel(const TurnContext& ctx, const std::string& item_id) {
  const config::CatalogueItem* item = domain::FindCatalogueItem(ctx.config(), item_id);
  return item != nullptr ? domain::CatalogueLabel(ctx.deps(), ctx.locale(), *item) : item_id;
}

Status ShowPoints(TurnContext& ctx, const std::string&) {
  const int64_t me = ctx.person().id;
  LINLI_ASSIGN_OR_RETURN(int64_t balance, storage::PointsStore::Balance(ctx.db(), me));
  LINLI_ASSIGN_OR_RETURN(auto recent, storage::PointsStore::Recent(ctx.db(), me, kRecentEntries));
  std::string text = ctx.T("points.balance", {{"balance", std::to_string(balance)}});
  if (recent.empty()) {
    text += "\n" + ctx.T("points.none");
  } else {
    text += "\n" + ctx.T("points.recent_header");
    for (const auto& e : recent) {
      const std::string date = domain::FormatLocalTime(e.created_at_ms, ctx.config().timezone).substr(0, 10);
      std::string note = e.reason == "redeem_hold" || e.reason == "redeem_release"
                             ? ItemLabel(ctx, e.note)
                             : e.note;
      text += "\n" + ctx.T("points.entry",
                           {{"date", date},
                            {"sign", e.amount > 0 ? "+" : "-"},
                            {"amount", std::to_string(e.amount > 0 ? e.amount : -e.amount)},
                            {"reason", ctx.T("points.reason." + e.reason)},
                            {"note", note.empty() ? "" : " " + note},
                            {"id", std::to_string(e.id)}});
    }
  }
  LINLI_ASSIGN_OR_RETURN(auto pending, storage::RedemptionStore::List(
                                           ctx.db(), storage::RedemptionStatus::kPending, me, kListLimit));
  if (!pending.empty()) {
    std::string items;
    for (const auto& r : pending) items += (items.empty() ? "" : "、") + ItemLabel(ctx, r.item_id);
    text += "\n" + ctx.T("points.pending_redemptions", {{"items", items}});
  }
  ctx.Reply(std::move(text));
  return Status::Ok();
}

Status ShowCatalogue(TurnContext& ctx) {
  const auto& catalogue = ctx.config().points.catalogue;
  if (catalogue.empty()) {
    ctx.Reply(ctx.T("points.catalogue_empty"));
    return Status::Ok();
  }
  LINLI_ASSIGN_OR_RETURN(int64_t balance, storage::PointsStore::Balance(ctx.db(), ctx.person().id));
  std::string text = ctx.T("points.catalogue_header",
                           {{"day", std::to_string(ctx.config().points.exchange_day)},
                            {"date", domain::NextExchangeDate(ctx.config(), ctx.now_ms())}});
  for (const auto& item : catalogue) {
    LINLI_ASSIGN_OR_RETURN(auto stock, storage::RedemptionStore::Stock(ctx.db(), item.id));
    const int64_t left = stock ? *stock : item.stock;
    std::string stock_text = left < 0   ? ""
                             : left == 0 ? ctx.T("points.stock_out")
                                         : ctx.T("points.stock_left", {{"n", std::to_string(left)}});
    text += "\n" + ctx.T("points.catalogue_item",
                         {{"id", item.id},
                          {"label", domain::CatalogueLabel(ctx.deps(), ctx.locale(), item)},
                          {"cost", std::to_string(item.cost)},
                          {"stock", stock_text}});
  }
  text += "\n" + ctx.T("points.catalogue_hint",
                       {{"example", catalogue.front().id}, {"balance", std::to_string(balance)}});
  ctx.Reply(std::move(text));
  return Status::Ok();
}

Status Redeem(TurnContext& ctx, const std::string& args) {
  const std::string item = TrimText(args);
  if (item.empty()) return ShowCatalogue(ctx);
  auto out = domain::RequestRedemption(ctx.db(), ctx.deps(), ctx.person().id, item, ctx.now_ms());
  if (!out.ok()) return ReplyPointsRefusal(ctx, out.status());
  const storage::Redemption& r = *out->redemption;
  ctx.Reply(ctx.T("points.redeemed",
                  {{"item", ItemLabel(ctx, r.item_id)},
                   {"number", std::to_string(r.id)},
                   {"cost", std::to_string(r.cost)},
                   {"balance", std::to_string(out->balance)},
                   {"date", domain::NextExchangeDate(ctx.config(), ctx.now_ms())},
                   {"day", std::to_string(ctx.config().points.exchange_day)}}));
  return Status::Ok();
}

Status ListRedemptions(TurnContext& ctx, const std::string&) {
  LINLI_ASSIGN_OR_RETURN(bool allowed, PointsStaffOnly(ctx));
  if (!allowed) return Status::Ok();
  LINLI_ASSIGN_OR_RETURN(auto pending, storage::RedemptionStore::List(
                                           ctx.db(), storage::RedemptionStatus::kPending, 0, kListLimit));
  if (pending.empty()) {
    ctx.Reply(ctx.T("points.redemptions_none"));
    return Status::Ok();
  }
  std::string text = ctx.T("points.redemptions_header", {{"count", std::to_string(pending.size())}});
  for (const auto& r : pending) {
    LINLI_ASSIGN_OR_RETURN(std::string name, domain::VolunteerDisplayName(ctx.db(), r.person_id));
    text += "\n" + ctx.T("points.redemption_item", {{"number", std::to_string(r.id)},
                                                     {"item", ItemLabel(ctx, r.item_id)},
                                                     {"name", name},
                                                     {"cost", std::to_string(r.cost)}});
  }
  ctx.Reply(std::move(text));
  return Status::Ok();
}

Status Leaderboard(TurnContext& ctx, const std::string&) {
  LINLI_ASSIGN_OR_RETURN(auto rows, domain::MonthlyLeaderboard(ctx.db(), ctx.deps(), ctx.now_ms()));
  if (rows.empty()) {
    ctx.Reply(ctx.T("points.leaderboard_none"));
    return Status::Ok();
  }
  const std::string month = domain::FormatLocalTime(ctx.now_ms(), ctx.config().timezone).substr(0, 7);
  std::string text = ctx.T("points.leaderboard_header", {{"month", month}});
  for (const auto& row : rows) {
    // Display names only, and through the masking module: this may be read in a group.
    text += "\n" + ctx.T("points.leaderboard_item",
                         {{"rank", std::to_string(row.rank)},
                          {"name", domain::MaskFreeText(row.display_name).text},
                          {"points", std::to_string(row.points)}});
  }
  ctx.Reply(std::move(text));
  return Status::Ok();
}

// The chat command "<word> <target> [arguments]" of `action`.
FlowSpec Command(const domain::PointsAction& action) {
  return CommandFlow(
      action.flow, Where::kPrivateOnly, action.words,
      [&action](TurnContext& ctx, const std::string& text) -> Status {
        LINLI_ASSIGN_OR_RETURN(bool allowed, PointsStaffOnly(ctx));
        if (!allowed) return Status::Ok();
        const std::string t = TrimText(text);
        const size_t space = t.find_first_of(" \t");
        const std::string first = t.substr(0, space);
        const std::string rest = space == std::string::npos ? "" : TrimText(t.substr(space));
        if (first.empty()) {
          ctx.Reply(ctx.T(action.usage_key));
          return Status::Ok();
        }
        int64_t target = 0;
        if (action.target == domain::PointsTarget::kPerson) {
          LINLI_ASSIGN_OR_RETURN(target, ResolvePerson(ctx, first));
          if (target <= 0) {
            ctx.Reply(ctx.T("points.refused.no_person"));
            return Status::Ok();
          }
        } else {
          target = domain::ParseId(first);
          if (target <= 0) {
            ctx.Reply(ctx.T(action.usage_key));
            return Status::Ok();
          }
        }
        auto args = domain::PointsArgsFromChat(action, rest);
        if (!args.ok()) {
          ctx.Reply(ctx.T(action.usage_key));
          return Status::Ok();
        }
        auto out = action.run(ctx.db(), ctx.deps(), domain::Actor::Person(ctx.person().id), target,
                              *args, ctx.now_ms());
        if (!out.ok()) return ReplyPointsRefusal(ctx, out.status());
        int64_t amount = args->amount;
        if (out->entry) amount = out->entry->amount < 0 ? -out->entry->amount : out->entry->amount;
        ctx.Reply(ctx.T(action.done_key,
                        {{"target", first},
                         {"amount", std::to_string(amount)},
                         {"balance", std::to_string(out->balance)},
                         {"item", out->redemption ? ItemLabel(ctx, out->redemption->item_id) : ""},
                         {"rest", rest}}));
        return Status::Ok();
      });
}

}  // namespace

std::vector<FlowSpec> PointsFlows() {
  std::vector<FlowSpec> flows;
  flows.push_back(CommandFlow("points", Where::kPrivateOnly, {"/points", "积分", "我的积分", "points"},
                              ShowPoints));
  flows.push_back(CommandFlow("redeem", Where::kPrivateOnly, {"/redeem", "兑换", "redeem"}, Redeem));
  flows.push_back(CommandFlow("leaderboard", Where::kAnywhere,
                              {"/leaderboard", "最美志愿者", "积分榜", "leaderboard"}, Leaderboard));
  flows.push_back(CommandFlow("redemptions", Where::kPrivateOnly, {"/redemptions", "兑换单", "兑换列表"},
                              ListRedemptions));
  // The list is static, so the references the flows keep stay valid.
  for (const auto& action : domain::PointsActions()) flows.push_back(Command(action));
  return flows;
}

}  // namespace linli::dialogs
