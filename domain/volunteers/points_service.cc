#include "domain/volunteers/points_service.h"

#include <cstdio>
#include <map>
#include <utility>

#include "domain/common/time_zone.h"
#include "domain/volunteers/notice.h"
#include "domain/volunteers/volunteers.h"
#include "storage/identity_store.h"

namespace linli::domain {

using storage::PointsEntry;
using storage::PointsStore;
using storage::Redemption;
using storage::RedemptionStore;

namespace {

StatusOr<PointsOutcome> Outcome(storage::Database& db, int64_t person_id,
                                std::optional<PointsEntry> entry,
                                std::optional<Redemption> redemption) {
  PointsOutcome out;
  out.person_id = person_id;
  LINLI_ASSIGN_OR_RETURN(out.balance, PointsStore::Balance(db, person_id));
  out.entry = std::move(entry);
  out.redemption = std::move(redemption);
  return out;
}

StatusOr<PointsEntry> AppendNew(storage::Database& db, PointsEntry e) {
  LINLI_ASSIGN_OR_RETURN(storage::AppendResult r, PointsStore::Append(db, e));
  e.id = r.entry_id;
  return e;
}

// The local wall clock of `now_ms` and the zone (UTC when the name is unknown).
std::shared_ptr<const TimeZone> Zone(const config::Config& config) {
  auto zone = LoadTimeZone(config.timezone);
  if (zone.ok()) return *zone;
  return std::make_shared<const TimeZone>(TimeZone::Utc());
}

StatusOr<std::string> ItemLabelFor(storage::Database& db, const Deps& deps, int64_t person_id,
                                   const std::string& item_id) {
  LINLI_ASSIGN_OR_RETURN(std::string locale, PersonLocale(db, deps, person_id));
  const config::CatalogueItem* item = FindCatalogueItem(deps.config, item_id);
  return item != nullptr ? CatalogueLabel(deps, locale, *item) : item_id;
}

}  // namespace

StatusOr<PointsOutcome> AwardPoints(storage::Database& db, const Deps& deps, Actor actor,
                                    int64_t person_id, int64_t amount, const std::string& reason,
                                    int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(std::string name, StaffName(db, deps, actor));
  if (amount == 0) return Status::InvalidArgument("amount must be positive");
  if (reason.empty()) return Status::InvalidArgument("reason required");
  LINLI_ASSIGN_OR_RETURN(auto person, storage::IdentityStore::FindPerson(db, person_id));
  if (!person) return Status::NotFound("no such person");
  PointsEntry e;
  e.person_id = person_id;
  e.amount = amount;
  e.reason = "award";
  e.note = reason;
  e.actor = name;
  e.created_at_ms = now_ms;
  LINLI_ASSIGN_OR_RETURN(PointsEntry written, AppendNew(db, e));
  LINLI_ASSIGN_OR_RETURN(PointsOutcome out, Outcome(db, person_id, written, std::nullopt));
  LINLI_RETURN_IF_ERROR(TellPerson(db, deps, person_id,
                                   amount > 0 ? "points.told_awarded" : "points.told_deducted",
                                   {{"amount", std::to_string(amount > 0 ? amount : -amount)},
                                    {"reason", reason},
                                    {"balance", std::to_string(out.balance)}},
                                   now_ms));
  return out;
}

StatusOr<PointsOutcome> ReverseEntry(storage::Database& db, const Deps& deps, Actor actor,
                                     int64_t entry_id, const std::string& note, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(std::string name, StaffName(db, deps, actor));
  LINLI_ASSIGN_OR_RETURN(std::optional<PointsEntry> original, PointsStore::Find(db, entry_id));
  if (!original || original->person_id <= 0) return Status::NotFound("no such entry");
  if (original->reason != "wish" && original->reason != "hours" && original->reason != "award") {
    return Status::FailedPrecondition("not reversible");
  }
  PointsEntry e;
  e.person_id = original->person_id;
  e.amount = -original->amount;
  e.reason = "reversal";
  e.ref = std::to_string(entry_id);
  e.note = note;
  e.actor = name;
  e.idem_key = "reversal:" + std::to_string(entry_id);
  e.hours_centi = -original->hours_centi;
  e.created_at_ms = now_ms;
  LINLI_ASSIGN_OR_RETURN(storage::AppendResult r, PointsStore::Append(db, e));
  if (!r.appended) return Status::FailedPrecondition("already reversed");
  e.id = r.entry_id;
  LINLI_ASSIGN_OR_RETURN(PointsOutcome out, Outcome(db, e.person_id, e, std::nullopt));
  LINLI_RETURN_IF_ERROR(TellPerson(db, deps, e.person_id, "points.told_reversed",
                                   {{"entry", std::to_string(entry_id)},
                                    {"amount", std::to_string(e.amount)},
                                    {"balance", std::to_string(out.balance)}},
                                   now_ms));
  return out;
}

const config::CatalogueItem* FindCatalogueItem(const config::Config& config,
                                               const std::string& id_or_label) {
  for (const auto& item : config.points.catalogue) {
    if (item.id == id_or_label) return &item;
  }
  for (const auto& item : config.points.catalogue) {
    for (const auto& [locale, label] : item.labels) {
      if (label == id_or_label) return &item;
    }
  }
  return nullptr;
}

std::string CatalogueLabel(const Deps& deps, const std::string& locale,
                           const config::CatalogueItem& item) {
  if (auto it = item.labels.find(locale); it != item.labels.end()) return it->second;
  if (!item.label_key.empty()) return deps.texts.Get(locale, item.label_key);
  if (!item.labels.empty()) return item.labels.begin()->second;
  return item.id;
}

std::vector<storage::StockItem> CatalogueStock(const config::Config& config) {
  std::vector<storage::StockItem> out;
  for (const auto& item : config.points.catalogue) out.push_back({item.id, item.stock});
  return out;
}

StatusOr<PointsOutcome> RequestRedemption(storage::Database& db, const Deps& deps,
                                          int64_t person_id, const std::string& item_id,
                                          int64_t now_ms) {
  const config::CatalogueItem* item = FindCatalogueItem(deps.config, item_id);
  if (item == nullptr) return Status::NotFound("no such item");
  LINLI_ASSIGN_OR_RETURN(Redemption r, RedemptionStore::Request(db, person_id, item->id,
                                                                item->cost, "self", now_ms));
  return Outcome(db, person_id, std::nullopt, r);
}

StatusOr<PointsOutcome> GiveRedemption(storage::Database& db, const Deps& deps, Actor actor,
                                       int64_t redemption_id, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(std::string name, StaffName(db, deps, actor));
  LINLI_ASSIGN_OR_RETURN(Redemption r, RedemptionStore::MarkGiven(db, redemption_id, name, now_ms));
  LINLI_ASSIGN_OR_RETURN(PointsOutcome out, Outcome(db, r.person_id, std::nullopt, r));
  if (r.person_id > 0) {
    LINLI_ASSIGN_OR_RETURN(std::string label, ItemLabelFor(db, deps, r.person_id, r.item_id));
    LINLI_RETURN_IF_ERROR(TellPerson(db, deps, r.person_id, "points.told_given",
                                     {{"number", std::to_string(r.id)}, {"item", label}}, now_ms));
  }
  return out;
}

StatusOr<PointsOutcome> CancelRedemption(storage::Database& db, const Deps& deps, Actor actor,
                                         int64_t redemption_id, int64_t now_ms) {
  LINLI_ASSIGN_OR_RETURN(std::string name, StaffName(db, deps, actor));
  LINLI_ASSIGN_OR_RETURN(Redemption r, RedemptionStore::Cancel(db, redemption_id, name, now_ms));
  LINLI_ASSIGN_OR_RETURN(PointsOutcome out, Outcome(db, r.person_id, std::nullopt, r));
  if (r.person_id > 0) {
    LINLI_ASSIGN_OR_RETURN(std::string label, ItemLabelFor(db, deps, r.person_id, r.item_id));
    LINLI_RETURN_IF_ERROR(TellPerson(db, deps, r.person_id, "points.told_cancelled",
                                     {{"number", std::to_string(r.id)},
                                      {"item", label},
                                      {"amount", std::to_string(r.cost)},
                                      {"balance", std::to_string(out.balance)}},
                                     now_ms));
  }
  return out;
}

std::string NextExchangeDate(const config::Config& config, int64_t now_ms) {
  const auto zone = Zone(config);
  const CivilTime now = zone->ToLocal(now_ms / 1000);
  int year = now.year;
  int month = now.month;
  if (now.day > config.points.exchange_day) {
    if (++month > 12) {
      month = 1;
      ++year;
    }
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, config.points.exchange_day);
  return buf;
}

std::pair<int64_t, int64_t> MonthBounds(const config::Config& config, int64_t now_ms) {
  const auto zone = Zone(config);
  const CivilTime now = zone->ToLocal(now_ms / 1000);
  CivilTime start{now.year, now.month, 1, 0, 0, 0};
  CivilTime end = start;
  if (++end.month > 12) {
    end.month = 1;
    ++end.year;
  }
  return {zone->FromLocal(start) * 1000, zone->FromLocal(end) * 1000};
}

StatusOr<std::vector<LeaderboardRow>> MonthlyLeaderboard(storage::Database& db, const Deps& deps,
                                                         int64_t now_ms) {
  const auto [from, to] = MonthBounds(deps.config, now_ms);
  LINLI_ASSIGN_OR_RETURN(auto earned,
                         PointsStore::EarnedBetween(db, from, to, deps.config.points.leaderboard_size));
  std::vector<LeaderboardRow> out;
  for (size_t i = 0; i < earned.size(); ++i) {
    LeaderboardRow row;
    row.rank = (i > 0 && earned[i].points == earned[i - 1].points) ? out.back().rank
                                                                    : static_cast<int>(i) + 1;
    LINLI_ASSIGN_OR_RETURN(row.display_name, VolunteerDisplayName(db, earned[i].person_id));
    row.points = earned[i].points;
    out.push_back(std::move(row));
  }
  return out;
}

std::string PointsRefusalKey(const Status& status) {
  static const std::map<std::string, std::string> kKeys = {
      {"insufficient points", "points.refused.insufficient"},
      {"out of stock", "points.refused.out_of_stock"},
      {"no such item", "points.refused.no_item"},
      {"no such person", "points.refused.no_person"},
      {"no such entry", "points.refused.no_entry"},
      {"no such redemption", "points.refused.no_redemption"},
      {"not pending", "points.refused.not_pending"},
      {"already reversed", "points.refused.already_reversed"},
      {"not reversible", "points.refused.not_reversible"},
      {"amount must be positive", "points.refused.amount"},
      {"reason required", "points.refused.reason"},
      {"staff only", "points.refused.staff"},
      {"no such volunteer", "volunteer.refused.none"},
      {"not a volunteer", "volunteer.refused.removed"},
      {"display name required", "volunteer.refused.name"},
  };
  if (status.ok() || status.HttpStatus() >= 500) return "";
  auto it = kKeys.find(status.message());
  return it == kKeys.end() ? "" : it->second;
}

}  // namespace linli::domain
