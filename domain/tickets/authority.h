// Staff authority by tier (issue 8): THE table of who may run which ticket action on a ticket
// at which tier. TicketService consults it for every staff action, whichever front end called
// (the chat commands, the admin HTTP API), so no front end can skip it.
//
// The rule the table spells out: grid and property staff act on tickets at the compound tier;
// community staff on compound and community tickets; street staff and admins everywhere.
// Going beyond one's tier is only by 转办 (escalate) of a ticket at one's tier to the next
// tier, which then owns it: a grid worker who escalated a ticket, or whose resolved ticket a
// resident rated 不满意 (reopened one tier up), can no longer act on it.
//
// Who acts with which tier: a person by persons.role/tier and the config.staff entries of the
// person's identities (the strongest wins; role admin is tier admin; a database-granted staff
// role without a tier counts as grid); an admin API key by its configured tier; the system
// (scheduler) as admin. Pure except StandingOf, which reads the caller's open transaction.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/status.h"
#include "config/config.h"
#include "domain/actor.h"
#include "storage/database.h"
#include "storage/ticket_state.h"

namespace linli::domain {

// The authority of whoever acts, in increasing strength (grid and property are equal).
enum class StaffTier { kGrid, kProperty, kCommunity, kStreet, kAdmin };
inline constexpr std::array<StaffTier, 5> kAllStaffTiers = {
    StaffTier::kGrid, StaffTier::kProperty, StaffTier::kCommunity, StaffTier::kStreet,
    StaffTier::kAdmin};

// "grid", "property", "community", "street", "admin" (the config's names).
std::string_view Name(StaffTier tier);
std::optional<StaffTier> ParseStaffTier(std::string_view name);

// One row of the table: what `who` may do to a ticket at `ticket_tier`. The actions are the
// names of domain/tickets/ticket_actions.h's TicketActions().
struct AuthorityCell {
  StaffTier who;
  storage::Tier ticket_tier;
  std::vector<std::string_view> actions;
};

// THE table: one row per (staff tier, ticket tier), every pair listed. An action not in a
// row's list is denied.
const std::vector<AuthorityCell>& AuthorityTable();

// Whether `who` may run `action` on a ticket at `ticket_tier`, per the table. False for an
// action the table does not name.
bool MayAct(StaffTier who, storage::Tier ticket_tier, std::string_view action);

// Whether `who` acts on tickets at `ticket_tier` at all: the tier owns the ticket or is above
// it (its row in the table lists any action). Commands that are no ticket action (转交 and
// 部门答复, domain/tickets/referrals.h) are judged by it.
bool ActsOnTier(StaffTier who, storage::Tier ticket_tier);
// Who acts, as staff: the authority and the name its ticket events record.
struct StaffStanding {
  StaffTier tier = StaffTier::kGrid;
  std::string name;  // config.staff name, else "staff #<person id>"; a key's name; "system"
};

// The standing of `actor`: the system -> {admin, "system"}; an API key -> its tier and name
// (nullopt if the tier is not a StaffTier name); a person -> as the file comment says, nullopt
// if the person is not staff (TicketService::IsStaff's rule). Database errors as is.
StatusOr<std::optional<StaffStanding>> StandingOf(storage::Database& db,
                                                  const config::Config& config, Actor actor);

}  // namespace linli::domain
