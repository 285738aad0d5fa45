#include "web/open311/open311_resources.h"

#include <cstdio>
#include <set>

#include "domain/common/location.h"
#include "domain/common/masking.h"

namespace linli::web::open311 {

namespace {

using storage::TicketStatus;

std::string Label(const Labels& l, const std::string& key, const config::TextArgs& args = {}) {
  return l.texts.Get(l.locale, key, args);
}

std::string CategoryName(const Labels& l, const std::string& id) {
  const std::string key = "category." + id;
  if (!l.texts.Has(l.locale, key) && !l.texts.Has("zh-CN", key)) return id;
  return l.texts.Get(l.locale, key);
}

std::string Public(const std::string& text) { return domain::MaskDoorNumbers(text); }

}  // namespace

std::string_view Open311Status(TicketStatus status) {
  return storage::In(status, {TicketStatus::kResolved, TicketStatus::kClosed}) ? "closed" : "open";
}

std::optional<std::vector<TicketStatus>> StatusesOf(std::string_view open311_status) {
  if (open311_status != "open" && open311_status != "closed") return std::nullopt;
  std::vector<TicketStatus> out;
  for (TicketStatus s : storage::kAllTicketStatuses) {
    if (Open311Status(s) == open311_status) out.push_back(s);
  }
  return out;
}

std::vector<Service> ServicesOf(const Labels& l) {
  std::vector<Service> out;
  for (const std::string& id : l.config.categories) {
    Service s;
    s.service_code = id;
    s.service_name = CategoryName(l, id);
    s.description = Label(l, "open311.service_description",
                          {{"category", s.service_name}, {"compound", l.config.compound.name}});
    s.group = l.config.compound.name;
    std::set<std::string> seen{id};
    s.keywords = id;
    for (const std::string& locale : l.texts.locales()) {
      if (!l.texts.Has(locale, "category." + id)) continue;
      const std::string label = l.texts.Get(locale, "category." + id);
      if (seen.insert(label).second) s.keywords += ", " + label;
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::optional<ServiceDefinition> DefinitionOf(const Labels& l, std::string_view code) {
  bool known = false;
  for (const auto& id : l.config.categories) known = known || id == code;
  if (!known) return std::nullopt;
  ServiceDefinition d;
  d.service_code = std::string(code);
  Attribute building;
  building.code = kAttrBuilding;
  building.datatype = "singlevaluelist";
  building.required = !l.config.compound.buildings.empty();
  building.order = 1;
  building.description = Label(l, "open311.attribute.building");
  for (const auto& b : l.config.compound.buildings) {
    building.values.push_back({b.id, domain::FormatLocation(b.id, "", l.locale)});
  }
  Attribute unit;
  unit.code = kAttrUnit;
  unit.datatype = "string";
  unit.required = false;
  unit.order = 2;
  unit.description = Label(l, "open311.attribute.unit");
  unit.datatype_description = Label(l, "open311.attribute.unit_datatype");
  d.attributes = {building, unit};
  return d;
}

ServiceRequest RequestOf(const Labels& l, const domain::TimeZone& tz,
                         const domain::PublicTicket& t) {
  ServiceRequest r;
  r.service_request_id = std::to_string(t.number);
  r.status = std::string(Open311Status(t.status));
  if (!t.public_notes.empty()) r.status_notes = Public(t.public_notes.back().note);
  r.service_code = t.category;
  r.service_name = CategoryName(l, t.category);
  if (!t.public_summary.empty()) r.description = Public(t.public_summary);
  r.agency_responsible = Label(l, "push.tier." + storage::NameOf(t.tier));
  if (t.status == TicketStatus::kDeferred && t.deferral) {
    r.service_notice = Public(Label(l, "open311.deferred_notice",
                                    {{"reason", t.deferral->reason}, {"plan", t.deferral->plan}}));
    domain::CivilTime day;
    if (std::sscanf(t.deferral->until.c_str(), "%4d-%2d-%2d", &day.year, &day.month, &day.day) == 3) {
      r.expected_datetime = FormatW3cDateTime(tz.FromLocal(day) * 1000, tz);
    }
  }
  r.requested_datetime = FormatW3cDateTime(t.created_at_ms, tz);
  r.updated_datetime = FormatW3cDateTime(t.updated_at_ms, tz);
  const std::string& compound = l.config.compound.name;
  if (t.building.empty()) {
    r.address = compound;
  } else {
    const std::string building = domain::FormatLocation(t.building, "", l.locale);
    r.address = compound.empty() ? building : building + ", " + compound;
  }
  return r;
}

}  // namespace linli::web::open311
