#include "domain/tickets/authority.h"

#include <algorithm>

#include "storage/identity_store.h"

namespace linli::domain {

namespace {

using storage::Tier;

// Every staff action (the names of TicketActions(); a test checks the two lists agree).
const std::vector<std::string_view> kEvery = {"accept", "start",   "note",    "resolve", "defer",
                                              "escalate", "assign", "summary", "merge"};
const std::vector<std::string_view> kNone = {};

std::vector<AuthorityCell> BuildTable() {
  using S = StaffTier;
  return {
      // staff tier     ticket tier        actions
      {S::kGrid,      Tier::kCompound,  kEvery},
      {S::kGrid,      Tier::kCommunity, kNone},
      {S::kGrid,      Tier::kStreet,    kNone},
      {S::kProperty,  Tier::kCompound,  kEvery},
      {S::kProperty,  Tier::kCommunity, kNone},
      {S::kProperty,  Tier::kStreet,    kNone},
      {S::kCommunity, Tier::kCompound,  kEvery},
      {S::kCommunity, Tier::kCommunity, kEvery},
      {S::kCommunity, Tier::kStreet,    kNone},
      {S::kStreet,    Tier::kCompound,  kEvery},
      {S::kStreet,    Tier::kCommunity, kEvery},
      {S::kStreet,    Tier::kStreet,    kEvery},
      {S::kAdmin,     Tier::kCompound,  kEvery},
      {S::kAdmin,     Tier::kCommunity, kEvery},
      {S::kAdmin,     Tier::kStreet,    kEvery},
  };
}

int Strength(StaffTier t) {
  switch (t) {
    case StaffTier::kGrid:
    case StaffTier::kProperty:
      return 0;
    case StaffTier::kCommunity:
      return 1;
    case StaffTier::kStreet:
      return 2;
    case StaffTier::kAdmin:
      return 3;
  }
  return -1;
}

// The stronger of `have` and `t`.
void Raise(std::optional<StaffTier>& have, StaffTier t) {
  if (!have || Strength(t) > Strength(*have)) have = t;
}

}  // namespace

std::string_view Name(StaffTier tier) {
  switch (tier) {
    case StaffTier::kGrid:
      return "grid";
    case StaffTier::kProperty:
      return "property";
    case StaffTier::kCommunity:
      return "community";
    case StaffTier::kStreet:
      return "street";
    case StaffTier::kAdmin:
      return "admin";
  }
  return "";
}

std::optional<StaffTier> ParseStaffTier(std::string_view name) {
  for (StaffTier t : kAllStaffTiers) {
    if (Name(t) == name) return t;
  }
  return std::nullopt;
}

const std::vector<AuthorityCell>& AuthorityTable() {
  static const auto* const k = new std::vector<AuthorityCell>(BuildTable());
  return *k;
}

bool MayAct(StaffTier who, storage::Tier ticket_tier, std::string_view action) {
  for (const auto& cell : AuthorityTable()) {
    if (cell.who != who || cell.ticket_tier != ticket_tier) continue;
    return std::find(cell.actions.begin(), cell.actions.end(), action) != cell.actions.end();
  }
  return false;
}

bool ActsOnTier(StaffTier who, storage::Tier ticket_tier) {
  for (const auto& cell : AuthorityTable()) {
    if (cell.who == who && cell.ticket_tier == ticket_tier) return !cell.actions.empty();
  }
  return false;
}

StatusOr<std::optional<StaffStanding>> StandingOf(storage::Database& db,
                                                  const config::Config& config, Actor actor) {
  using Result = std::optional<StaffStanding>;
  if (actor.trusted) return Result(StaffStanding{StaffTier::kAdmin, "system"});
  if (!actor.key_name.empty()) {
    auto tier = ParseStaffTier(actor.key_tier);
    if (!tier) return Result();
    return Result(StaffStanding{*tier, actor.key_name});
  }
  if (actor.person_id == 0) return Result();
  LINLI_ASSIGN_OR_RETURN(auto person, storage::IdentityStore::FindPerson(db, actor.person_id));
  if (!person) return Result();
  std::optional<StaffTier> tier;
  if (person->role == "admin") Raise(tier, StaffTier::kAdmin);
  if (person->role == "staff") Raise(tier, ParseStaffTier(person->tier).value_or(StaffTier::kGrid));
  std::string name;
  for (const auto& m : config.staff) {
    LINLI_ASSIGN_OR_RETURN(auto id, storage::IdentityStore::FindIdentity(db, m.channel, m.user_id));
    if (!id || id->person_id != actor.person_id) continue;
    Raise(tier, m.role == "admin" ? StaffTier::kAdmin
                                  : ParseStaffTier(m.tier).value_or(StaffTier::kGrid));
    if (name.empty()) name = m.name;
  }
  if (!tier) return Result();
  if (name.empty()) name = "staff #" + std::to_string(actor.person_id);
  return Result(StaffStanding{*tier, std::move(name)});
}

}  // namespace linli::domain
