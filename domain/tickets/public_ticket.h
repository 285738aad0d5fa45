// The public projection of a ticket: what anyone may see about it (the public board today;
// the web board and Open311 later). Written once here; front ends only render it.
//
// Never carries the unit or room, the reporter, the resident's description or photo, or a
// staff-only note: only the building, the category, status and tier, the dates, the
// staff-written public summary, notes staff marked public, the deferral (reason, plan, date;
// public by design) and the ticket a duplicate was merged into.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bot/status.h"
#include "config/texts.h"
#include "domain/common/masking.h"
#include "domain/deps.h"
#include "storage/database.h"
#include "storage/ticket_store.h"

namespace linli::domain {

// A history event staff marked public.
struct PublicNote {
  int64_t at_ms = 0;
  std::string kind;    // "note" or "status"
  std::string note;
  std::string status;  // the new status's stored name when the event changed it, else ""
};

// 暂缓: why, the plan and the expected date ("YYYY-MM-DD").
struct PublicDeferral {
  std::string reason;
  std::string plan;
  std::string until;
};

struct PublicTicket {
  int64_t number = 0;
  std::string category;        // the id ("repair")
  std::string category_label;  // in config.locale ("设施维修"); the id when there is no label
  std::string building;        // "3"; never the unit
  storage::TicketStatus status = storage::TicketStatus::kNew;
  storage::Tier tier = storage::Tier::kCompound;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  int64_t resolved_at_ms = 0;  // 0 = never resolved
  std::string public_summary;
  std::vector<PublicNote> public_notes;  // oldest first
  std::optional<PublicDeferral> deferral;  // set while deferred, or once a reason was given
  int64_t merged_into = 0;     // 0 = not merged
  // The resident's latest rating ("satisfied" | "basic" | "unsatisfied", "" = none) and when;
  // never their comment (their own words).
  std::string rating;
  int64_t rated_at_ms = 0;
};

// Which tickets a board page lists; empty / unset fields match everything.
struct PublicTicketFilter {
  std::optional<storage::TicketStatus> status;
  std::string category;  // a config.categories id
  std::string building;  // a config.compound.buildings id
};

// Pure: the filter of a board request's `status`, `category` and `building` parameters ("" =
// any). kInvalidArgument whose message is the parameter's name ("status", "category",
// "building") for a value that is not a stored status name, a configured category or a
// configured building.
StatusOr<PublicTicketFilter> ParsePublicTicketFilter(const config::Config& config,
                                                     const std::string& status,
                                                     const std::string& category,
                                                     const std::string& building);

// One page of the board, newest first.
struct PublicTicketPage {
  std::vector<PublicTicket> tickets;
  int64_t total = 0;  // tickets on the board in all
};

// The category's label in `locale` (falling back to zh-CN), or the id when neither has one.
std::string CategoryLabel(const Deps& deps, const std::string& locale, const std::string& id);

// Pure: the projection of `ticket` with its history `events` (oldest first). Labels are in
// config.locale. Every staff-written text (public notes, the deferral's reason and plan, the
// public summary) passes the masking module with `known_names` (domain/common/known_names.h):
// phones, ID numbers and those names are published masked, whatever staff typed.
PublicTicket ToPublicTicket(const Deps& deps, const storage::Ticket& ticket,
                            const std::vector<storage::TicketEvent>& events,
                            const MaskNames& known_names);

// Loads ticket `number` and its history (masked with KnownNames): nullopt for no such ticket; database errors as is.
StatusOr<std::optional<PublicTicket>> LoadPublicTicket(storage::Database& db, const Deps& deps,
                                                       int64_t number);
// The projections of tickets `numbers`, in that order (unknown numbers left out), masked with
// KnownNames read once; database errors as is.
StatusOr<std::vector<PublicTicket>> LoadPublicTickets(storage::Database& db, const Deps& deps,
                                                      const std::vector<int64_t>& numbers);
// Page `page` (from 1) of `per_page` tickets, newest first (created_at, then number).
StatusOr<PublicTicketPage> ListPublicTickets(storage::Database& db, const Deps& deps, int page,
                                             int per_page);
// The same over the tickets matching `filter`; `total` counts the matching ones.
StatusOr<PublicTicketPage> ListPublicTickets(storage::Database& db, const Deps& deps,
                                             const PublicTicketFilter& filter, int page,
                                             int per_page);

}  // namespace linli::domain
