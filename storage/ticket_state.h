// A ticket's status and tier as enums, and THE place that maps them to and from the names
// stored in the database, shown by the API (JSON "status"/"tier") and used in text keys
// ("ticket.status.<name>", "push.tier.<name>", "staff.tier_word.<name>"). Pure; no I/O.
#pragma once

#include <array>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace linli::storage {

// new(待受理) -> accepted(已受理) -> in_progress(处理中) -> resolved(已解决) -> closed(已关闭);
// deferred(暂缓), escalated(已转办), reopened(退回重办). See domain/tickets/ticket_service.h.
enum class TicketStatus { kNew, kAccepted, kInProgress, kResolved, kClosed, kDeferred, kEscalated, kReopened };

// Who handles a ticket, in escalation order: the compound (grid / property staff), the
// community, the street.
enum class Tier { kCompound, kCommunity, kStreet };

// Every value, in declaration order (statuses in life-cycle order, tiers in escalation order).
inline constexpr std::array<TicketStatus, 8> kAllTicketStatuses = {
    TicketStatus::kNew,      TicketStatus::kAccepted,  TicketStatus::kInProgress,
    TicketStatus::kResolved, TicketStatus::kClosed,    TicketStatus::kDeferred,
    TicketStatus::kEscalated, TicketStatus::kReopened};
inline constexpr std::array<Tier, 3> kAllTiers = {Tier::kCompound, Tier::kCommunity, Tier::kStreet};

// The stored name ("new", "in_progress", "street", ...). "" for a value outside the enum
// (only a cast can make one); the store refuses to write such a value.
std::string_view Name(TicketStatus status);
std::string_view Name(Tier tier);
// The stored name as a std::string, for text keys ("ticket.status." + NameOf(s)).
inline std::string NameOf(TicketStatus status) { return std::string(Name(status)); }
inline std::string NameOf(Tier tier) { return std::string(Name(tier)); }

// Exact, case-sensitive stored names; nullopt for anything else (including "").
std::optional<TicketStatus> ParseTicketStatus(std::string_view name);
std::optional<Tier> ParseTier(std::string_view name);

// The tier above `tier`; nullopt at the top (street).
std::optional<Tier> NextTier(Tier tier);

// Whether `status` is one of `set` (for transition rules: In(t.status, {kNew, kEscalated})).
bool In(TicketStatus status, std::initializer_list<TicketStatus> set);

// For test failure messages: the stored name.
inline std::ostream& operator<<(std::ostream& os, TicketStatus s) { return os << Name(s); }
inline std::ostream& operator<<(std::ostream& os, Tier t) { return os << Name(t); }

}  // namespace linli::storage
