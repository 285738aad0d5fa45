#include "storage/ticket_state.h"

#include <algorithm>

namespace linli::storage {

std::string_view Name(TicketStatus status) {
  switch (status) {
    case TicketStatus::kNew: return "new";
    case TicketStatus::kAccepted: return "accepted";
    case TicketStatus::kInProgress: return "in_progress";
    case TicketStatus::kResolved: return "resolved";
    case TicketStatus::kClosed: return "closed";
    case TicketStatus::kDeferred: return "deferred";
    case TicketStatus::kEscalated: return "escalated";
    case TicketStatus::kReopened: return "reopened";
  }
  return "";
}

std::string_view Name(Tier tier) {
  switch (tier) {
    case Tier::kCompound: return "compound";
    case Tier::kCommunity: return "community";
    case Tier::kStreet: return "street";
  }
  return "";
}

std::optional<TicketStatus> ParseTicketStatus(std::string_view name) {
  for (TicketStatus s : kAllTicketStatuses) {
    if (!name.empty() && Name(s) == name) return s;
  }
  return std::nullopt;
}

std::optional<Tier> ParseTier(std::string_view name) {
  for (Tier t : kAllTiers) {
    if (!name.empty() && Name(t) == name) return t;
  }
  return std::nullopt;
}

std::optional<Tier> NextTier(Tier tier) {
  auto it = std::find(kAllTiers.begin(), kAllTiers.end(), tier);
  if (it == kAllTiers.end() || it + 1 == kAllTiers.end()) return std::nullopt;
  return *(it + 1);
}

bool In(TicketStatus status, std::initializer_list<TicketStatus> set) {
  return std::find(set.begin(), set.end(), status) != set.end();
}

}  // namespace linli::storage
