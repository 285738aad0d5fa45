// What Linli publishes through Open311 (issue 12 point 5; docs/open311.md), as the codec's
// structs (web/open311/open311_codec.h): the services are the configured report categories,
// each with one service definition (attributes building and unit), and a service request is a
// ticket's public projection (domain/tickets/public_ticket.h) - never the unit, the room, the
// reporter or the resident's words.
//
// Status mapping: new, accepted, in_progress, deferred, escalated and reopened are "open";
// resolved and closed (a merged duplicate is closed) are "closed".
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/texts.h"
#include "domain/common/time_zone.h"
#include "domain/tickets/public_ticket.h"
#include "storage/ticket_state.h"
#include "web/open311/open311_codec.h"

namespace linli::web::open311 {

// The attribute codes of every service definition.
inline constexpr char kAttrBuilding[] = "building";
inline constexpr char kAttrUnit[] = "unit";
// Where an Open311 request's ticket says it came from (storage::Ticket::channel).
inline constexpr char kOpen311Channel[] = "open311";

// "open" or "closed".
std::string_view Open311Status(storage::TicketStatus status);
// The stored statuses an Open311 status names ("open" / "closed"); nullopt for anything else.
std::optional<std::vector<storage::TicketStatus>> StatusesOf(std::string_view open311_status);

// Labels come from `texts` in `locale`.
struct Labels {
  const config::Config& config;
  const config::Texts& texts;
  std::string locale;
};

// One service per configured category, in the config's order: code = the category id, name =
// its label, group = the compound's name, keywords = the id and its labels in every locale.
std::vector<Service> ServicesOf(const Labels& l);
// The definition of category `code`: building (singlevaluelist of the configured buildings,
// required when there are any) and unit (string, optional). nullopt for an unknown code.
std::optional<ServiceDefinition> DefinitionOf(const Labels& l, std::string_view code);

// The request of ticket `t`: id = its number; status mapped as above; status_notes = its
// latest public note; description = the staff-written public summary; agency_responsible =
// the tier handling it; for a deferred ticket service_notice = the deferral's reason and plan
// and expected_datetime = midnight of the promised date in `tz`; requested/updated datetimes
// in `tz`; address = the building and the compound (never the unit or room). Every text that
// came from a person passes domain::MaskDoorNumbers on top of the projection's masking.
ServiceRequest RequestOf(const Labels& l, const domain::TimeZone& tz,
                         const domain::PublicTicket& t);

}  // namespace linli::web::open311
