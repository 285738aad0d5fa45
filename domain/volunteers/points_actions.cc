#include "domain/volunteers/points_actions.h"

#include <utility>

#include "domain/tickets/ticket_actions.h"

namespace linli::domain {

namespace {

std::vector<PointsAction> Build() {
  std::vector<PointsAction> out;
  out.push_back({"award", PointsTarget::kPerson, PointsParam::kAmountReason, "points_award",
                 {"/award", "奖励积分", "加积分"}, "points.usage.award", "points.done.award",
                 "/api/admin/points/{id}",
                 [](storage::Database& db, const Deps& d, Actor a, int64_t person,
                    const PointsArgs& args, int64_t now) {
                   return AwardPoints(db, d, a, person, args.amount, args.text, now);
                 }});
  out.push_back({"deduct", PointsTarget::kPerson, PointsParam::kAmountReason, "points_deduct",
                 {"/deduct", "扣除积分", "扣积分"}, "points.usage.deduct", "points.done.deduct",
                 "/api/admin/points/{id}/deduct",
                 [](storage::Database& db, const Deps& d, Actor a, int64_t person,
                    const PointsArgs& args, int64_t now) {
                   return AwardPoints(db, d, a, person, -args.amount, args.text, now);
                 }});
  out.push_back({"reverse", PointsTarget::kEntry, PointsParam::kOptionalNote, "points_reverse",
                 {"/reverse", "冲正", "撤销积分"}, "points.usage.reverse", "points.done.reverse",
                 "/api/admin/points/entries/{id}/reverse",
                 [](storage::Database& db, const Deps& d, Actor a, int64_t entry,
                    const PointsArgs& args, int64_t now) {
                   return ReverseEntry(db, d, a, entry, args.text, now);
                 }});
  out.push_back({"give", PointsTarget::kRedemption, PointsParam::kNone, "points_give",
                 {"/give", "发放"}, "points.usage.give", "points.done.give",
                 "/api/admin/redemptions/{id}/give",
                 [](storage::Database& db, const Deps& d, Actor a, int64_t id, const PointsArgs&,
                    int64_t now) { return GiveRedemption(db, d, a, id, now); }});
  out.push_back({"cancel_redemption", PointsTarget::kRedemption, PointsParam::kNone,
                 "points_unredeem", {"/unredeem", "取消兑换"}, "points.usage.unredeem",
                 "points.done.unredeem", "/api/admin/redemptions/{id}/cancel",
                 [](storage::Database& db, const Deps& d, Actor a, int64_t id, const PointsArgs&,
                    int64_t now) { return CancelRedemption(db, d, a, id, now); }});
  return out;
}

}  // namespace

const std::vector<PointsAction>& PointsActions() {
  static const auto* const kActions = new std::vector<PointsAction>(Build());
  return *kActions;
}

const PointsAction* FindPointsAction(std::string_view name) {
  for (const auto& a : PointsActions()) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

StatusOr<PointsArgs> PointsArgsFromChat(const PointsAction& action, const std::string& rest) {
  PointsArgs args;
  switch (action.param) {
    case PointsParam::kNone:
      return args;
    case PointsParam::kOptionalNote:
      args.text = rest;
      return args;
    case PointsParam::kAmountReason: {
      auto [amount, reason] = NumberAndRest(rest);
      if (amount <= 0 || reason.empty()) return Status::InvalidArgument(action.usage_key);
      args.amount = amount;
      args.text = reason;
      return args;
    }
  }
  return args;
}

StatusOr<PointsArgs> PointsArgsFromJson(const PointsAction& action, const nlohmann::json& body) {
  PointsArgs args;
  switch (action.param) {
    case PointsParam::kNone:
      return args;
    case PointsParam::kOptionalNote: {
      auto it = body.find("note");
      if (it != body.end()) {
        if (!it->is_string()) return Status::InvalidArgument("missing field: note");
        args.text = it->get<std::string>();
      }
      return args;
    }
    case PointsParam::kAmountReason: {
      auto amount = body.find("amount");
      if (amount == body.end() || !amount->is_number_integer() || amount->get<int64_t>() <= 0 ||
          amount->get<int64_t>() > 999999999) {
        return Status::InvalidArgument("missing field: amount");
      }
      auto reason = body.find("reason");
      if (reason == body.end() || !reason->is_string() || reason->get<std::string>().empty()) {
        return Status::InvalidArgument("missing field: reason");
      }
      args.amount = amount->get<int64_t>();
      args.text = reason->get<std::string>();
      return args;
    }
  }
  return args;
}

int64_t ParseId(const std::string& word) { return ParseTicketNumber(word); }

}  // namespace linli::domain
