#include "web/open311/open311_api.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bot/number.h"
#include "domain/common/durations.h"
#include "domain/common/location.h"
#include "domain/common/time_zone.h"
#include "domain/common/web_token.h"
#include "domain/tickets/public_ticket_search.h"
#include "domain/tickets/ticket_intake.h"
#include "web/open311/open311_codec.h"
#include "web/open311/open311_resources.h"
#include "web/page_locale.h"

namespace linli::web::open311 {

namespace {

using domain::kDayMs;
constexpr int64_t kWindowMs = 90 * kDayMs;
constexpr int kMaxRequests = 1000;
constexpr size_t kMaxDescriptionChars = 4000;
constexpr size_t kMaxIds = 1000;

// What every handler needs: the locale's labels, the zone, the error texts.
struct Call {
  const domain::Deps& deps;
  const config::Open311Config& open311;
  const WebRequest& request;
  Labels labels;
  std::shared_ptr<const domain::TimeZone> tz;

  Call(const domain::Deps& d, const config::Open311Config& o, const WebRequest& r)
      : deps(d),
        open311(o),
        request(r),
        labels{d.config, d.texts, PageLocale(d.texts, d.config.locale, r.http)} {
    auto loaded = domain::LoadTimeZone(d.config.timezone);
    tz = loaded.ok() ? *loaded : std::make_shared<const domain::TimeZone>(domain::TimeZone::Utc());
  }

  std::string T(const std::string& key, const config::TextArgs& args = {}) const {
    return deps.texts.Get(labels.locale, key, args);
  }
  HttpResponse Fail(int status, Format f, const std::string& key,
                    const config::TextArgs& args = {}) const {
    return ErrorResponse(status, f, T("open311.error." + key, args));
  }
  const std::string& Param(const char* name) const {
    static const std::string kEmpty;
    auto it = request.params.find(name);
    return it == request.params.end() ? kEmpty : it->second;
  }
};

std::vector<std::string> SplitCommas(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string part = s.substr(start, comma - start);
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    while (!part.empty() && part.back() == ' ') part.pop_back();
    if (!part.empty()) out.push_back(std::move(part));
    start = comma + 1;
  }
  return out;
}

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string JoinIds(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

bool KnownCategory(const config::Config& config, const std::string& code) {
  for (const auto& id : config.categories) {
    if (id == code) return true;
  }
  return false;
}

// One of the configured keys, compared in constant time with every key (no early exit).
bool ValidKey(const config::Open311Config& config, const std::string& key) {
  bool ok = false;
  for (const auto& k : config.api_keys) ok = domain::SameSecret(k, key) || ok;
  return ok && !key.empty();
}

HttpResponse DiscoveryResponse(const Call& c, Format f) {
  const auto& o = c.open311;
  const config::TextArgs args{{"compound", c.deps.config.compound.name}};
  Discovery d;
  d.changeset = kChangeset;
  d.contact = !o.contact.empty() ? o.contact : c.T("open311.contact", args);
  d.key_service = !o.key_service.empty() ? o.key_service : c.T("open311.key_service", args);
  Endpoint e;
  e.url = o.endpoint_url.empty() ? "/open311/v2" : o.endpoint_url;
  e.changeset = kChangeset;
  e.type = o.type;
  d.endpoints.push_back(std::move(e));
  return Respond(200, f, RenderDiscovery(d, f));
}

StatusOr<HttpResponse> ListRequests(storage::Database& db, const Call& c, Format f) {
  const HttpRequest& http = c.request.http;
  domain::PublicTicketQuery q;
  q.limit = kMaxRequests;
  const std::vector<std::string> ids = SplitCommas(http.Query("service_request_id"));
  if (!ids.empty()) {
    if (ids.size() > kMaxIds) return c.Fail(400, f, "too_many_ids", {{"max", std::to_string(kMaxIds)}});
    for (const auto& id : ids) {
      auto n = ParsePositive(id, 18);
      if (!n) return c.Fail(400, f, "request_id", {{"id", id}});
      q.numbers.push_back(*n);
    }
  } else {
    q.categories = SplitCommas(http.Query("service_code"));
    for (const auto& s : SplitCommas(http.Query("status"))) {
      auto statuses = StatusesOf(s);
      if (!statuses) return c.Fail(400, f, "status", {{"status", s}});
      q.statuses.insert(q.statuses.end(), statuses->begin(), statuses->end());
    }
    std::optional<int64_t> start;
    std::optional<int64_t> end;
    for (const char* field : {"start_date", "end_date"}) {
      const std::string& text = http.Query(field);
      if (text.empty()) continue;
      auto at = ParseW3cDateTime(text, *c.tz);
      if (!at) return c.Fail(400, f, "date", {{"field", field}, {"value", text}});
      (std::string(field) == "start_date" ? start : end) = *at;
    }
    if (start && end && (*end < *start || *end - *start > kWindowMs)) {
      return c.Fail(400, f, "date_range");
    }
    if (!start && !end) end = c.deps.clock.NowMillis();
    if (!start) start = *end - kWindowMs;
    if (!end) end = *start + kWindowMs;
    q.created_from_ms = *start;
    q.created_to_ms = *end;
  }
  LINLI_ASSIGN_OR_RETURN(auto tickets, domain::FindPublicTickets(db, c.deps, q));
  std::vector<ServiceRequest> out;
  out.reserve(tickets.size());
  for (const auto& t : tickets) out.push_back(RequestOf(c.labels, *c.tz, t));
  return Respond(200, f, RenderRequests(out, f));
}

StatusOr<HttpResponse> CreateRequest(storage::Database& db, const Call& c, Format f) {
  const config::Config& config = c.deps.config;
  const PostForm form = ParseForm(c.request.http.body);
  std::string key = form.Field("api_key");
  if (key.empty()) key = c.request.http.Query("api_key");
  if (!ValidKey(c.open311, key)) return c.Fail(403, f, "api_key");
  const std::string& code = form.Field("service_code");
  if (code.empty()) return c.Fail(400, f, "service_code_missing");
  if (!KnownCategory(config, code)) return c.Fail(404, f, "service_code", {{"code", code}});
  const bool has_latlong = !form.Field("lat").empty() && !form.Field("long").empty();
  if (!has_latlong && form.Field("address_string").empty() && form.Field("address_id").empty()) {
    return c.Fail(400, f, "location");
  }
  std::vector<std::string> buildings;
  for (const auto& b : config.compound.buildings) buildings.push_back(b.id);
  const std::string& building = form.AttributeOf(kAttrBuilding);
  const std::string& unit = form.AttributeOf(kAttrUnit);
  const config::Building* found = nullptr;
  for (const auto& b : config.compound.buildings) {
    if (b.id == building) found = &b;
  }
  if (building.empty() && !buildings.empty()) {
    return c.Fail(400, f, "building_missing", {{"buildings", JoinIds(buildings)}});
  }
  if (!building.empty() && found == nullptr) {
    return c.Fail(400, f, "building", {{"building", building}, {"buildings", JoinIds(buildings)}});
  }
  if (!unit.empty()) {
    bool unit_ok = found != nullptr && found->units.empty();
    if (found != nullptr) {
      for (const auto& u : found->units) unit_ok = unit_ok || u == unit;
    }
    if (!unit_ok) {
      return c.Fail(400, f, "unit",
                    {{"unit", unit},
                     {"building", building},
                     {"units", found ? JoinIds(found->units) : std::string()}});
    }
  }
  const std::string& description = form.Field("description");
  if (CodePoints(description) > kMaxDescriptionChars) {
    return c.Fail(400, f, "description", {{"max", std::to_string(kMaxDescriptionChars)}});
  }

  domain::NewTicket report;
  report.reporter_person_id = 0;  // an outside system: nobody to push to
  report.channel = kOpen311Channel;
  report.category = code;
  report.building = building;
  report.unit = unit;
  // For staff, like the chat's location text; the client's own address words beside it.
  std::string location = building.empty() ? "" : domain::FormatLocation(building, unit, "zh-CN");
  const std::string& address = form.Field("address_string");
  if (!address.empty()) location += (location.empty() ? "" : " ") + CleanText(address);
  if (location.empty() && has_latlong) location = form.Field("lat") + "," + form.Field("long");
  report.location_text = location;
  report.description = CleanText(description);
  LINLI_ASSIGN_OR_RETURN(storage::Ticket t,
                         domain::OpenTicket(db, c.deps, report, c.deps.clock.NowMillis()));
  const config::SlaTimes sla = config.sla.For(code, storage::NameOf(storage::Tier::kCompound));
  CreatedRequest created;
  created.service_request_id = std::to_string(t.number);
  created.service_notice = c.T("open311.service_notice",
                               {{"number", std::to_string(t.number)},
                                {"accept_hours", std::to_string(sla.accept_hours)},
                                {"resolve_hours", std::to_string(sla.resolve_hours)}});
  return Respond(201, f, RenderCreated({created}, f));
}

}  // namespace

StatusOr<HttpResponse> Open311Resource(storage::Database& db, const domain::Deps& deps,
                                       const config::Open311Config& open311,
                                       const WebRequest& request) {
  const Call c(deps, open311, request);
  const std::string& segment = c.Param(kResourceParam);
  const Format fallback = FallbackFormat(segment);
  if (!open311.enabled()) return c.Fail(404, fallback, "off");
  const auto name = SplitFormat(segment);
  if (!name) return c.Fail(404, fallback, "not_found", {{"path", request.http.path}});
  const Format f = name->format;
  const bool post = request.http.method == "POST";
  if (name->name == "requests") {
    return post ? CreateRequest(db, c, f) : ListRequests(db, c, f);
  }
  if (name->name != "discovery" && name->name != "services") {
    return c.Fail(404, f, "not_found", {{"path", request.http.path}});
  }
  if (post) return c.Fail(400, f, "method");
  if (name->name == "discovery") return DiscoveryResponse(c, f);
  return Respond(200, f, RenderServices(ServicesOf(c.labels), f));
}

StatusOr<HttpResponse> Open311Service(storage::Database&, const domain::Deps& deps,
                                       const config::Open311Config& open311,
                                       const WebRequest& request) {
  const Call c(deps, open311, request);
  const std::string& segment = c.Param(kFileParam);
  const Format fallback = FallbackFormat(segment);
  if (!open311.enabled()) return c.Fail(404, fallback, "off");
  const auto name = SplitFormat(segment);
  if (!name) return c.Fail(404, fallback, "not_found", {{"path", request.http.path}});
  auto definition = DefinitionOf(c.labels, name->name);
  if (!definition) return c.Fail(404, name->format, "service_code", {{"code", name->name}});
  return Respond(200, name->format, RenderServiceDefinition(*definition, name->format));
}

StatusOr<HttpResponse> Open311Request(storage::Database& db, const domain::Deps& deps,
                                       const config::Open311Config& open311,
                                       const WebRequest& request) {
  const Call c(deps, open311, request);
  const std::string& segment = c.Param(kFileParam);
  const Format fallback = FallbackFormat(segment);
  if (!open311.enabled()) return c.Fail(404, fallback, "off");
  const auto name = SplitFormat(segment);
  if (!name) return c.Fail(404, fallback, "not_found", {{"path", request.http.path}});
  const Format f = name->format;
  const auto number = ParsePositive(name->name, 18);
  if (!number) return c.Fail(400, f, "request_id", {{"id", name->name}});
  domain::PublicTicketQuery q;
  q.numbers = {*number};
  LINLI_ASSIGN_OR_RETURN(auto tickets, domain::FindPublicTickets(db, deps, q));
  if (tickets.empty()) return c.Fail(404, f, "request_unknown", {{"id", name->name}});
  return Respond(200, f, RenderRequests({RequestOf(c.labels, *c.tz, tickets[0])}, f));
}

}  // namespace linli::web::open311
