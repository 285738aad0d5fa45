#include "domain/wishes/wish_actions.h"

#include "bot/json.h"
#include "bot/text.h"
#include "domain/wishes/wish_service.h"

namespace linli::domain {

namespace {

std::vector<WishAction> BuildWishActions() {
  std::vector<WishAction> a;
  a.push_back({"approve", "",
               {{"wish_approve", {"/approve", "通过", "通过心愿"}, "wish.usage.approve",
                 "wish.done.approve"}},
               [](storage::Database& db, const Deps& s, Actor actor, int64_t n,
                  const std::string&, int64_t now) {
                 return WishService::Approve(db, s, actor, n, now);
               }});
  a.push_back({"reject", "reason",
               {{"wish_reject", {"/reject", "驳回", "驳回心愿"}, "wish.usage.reject",
                 "wish.done.reject"}},
               [](storage::Database& db, const Deps& s, Actor actor, int64_t n,
                  const std::string& reason, int64_t now) {
                 return WishService::Reject(db, s, actor, n, reason, now);
               }});
  a.push_back({"cancel", "",
               {{"wish_cancel", {"/cancelwish", "撤销心愿"}, "wish.usage.cancel",
                 "wish.done.cancel"}},
               [](storage::Database& db, const Deps& s, Actor actor, int64_t n,
                  const std::string&, int64_t now) {
                 return WishService::Cancel(db, s, actor, n, now);
               }});
  a.push_back({"confirm", "",
               {{"wish_staff_confirm", {"/confirmwish", "确认心愿"}, "wish.usage.confirm",
                 "wish.done.confirm"}},
               [](storage::Database& db, const Deps& s, Actor actor, int64_t n,
                  const std::string&, int64_t now) {
                 return WishService::Confirm(db, s, actor, n, now);
               }});
  return a;
}

}  // namespace

const std::vector<WishAction>& WishActions() {
  static const auto* const k = new std::vector<WishAction>(BuildWishActions());
  return *k;
}

const WishAction* FindWishAction(std::string_view name) {
  for (const auto& a : WishActions()) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

StatusOr<std::string> WishArgFromChat(const WishAction& action, const WishChatCommand& command,
                                      const std::string& rest) {
  if (action.json_field.empty()) return std::string();
  const std::string t = TrimText(rest);
  if (t.empty()) return Status(StatusCode::kInvalidArgument, command.usage_key);
  return t;
}

StatusOr<std::string> WishArgFromJson(const WishAction& action, const nlohmann::json& body) {
  if (action.json_field.empty()) return std::string();
  auto v = GetString(body, action.json_field);
  if (!v || TrimText(*v).empty()) {
    return Status::InvalidArgument("missing field: " + action.json_field);
  }
  return TrimText(*v);
}

std::optional<WishRefusal> DescribeWishRefusal(const config::Texts& texts,
                                               const std::string& locale, const Status& status) {
  const std::string key = WishService::ErrorKey(status);
  if (key.empty()) return std::nullopt;
  config::TextArgs args = WishService::ErrorArgs(status);
  if (auto it = args.find("status"); it != args.end()) {
    it->second = texts.Get(locale, "wish.status." + it->second);
  }
  return WishRefusal{key, texts.Get(locale, key, args)};
}

}  // namespace linli::domain
