// 报事 /report: category -> location -> description (+ optional photo) -> confirm -> ticket.
#include <string>

#include "dialogs/flows.h"
#include "domain/common/location.h"
#include "domain/people/abuse_limits.h"
#include "domain/tickets/ticket_intake.h"
#include "storage/roster_store.h"
#include "storage/ticket_store.h"

namespace linli::dialogs {

namespace {

constexpr size_t kMinDescriptionChars = 2;
constexpr size_t kMaxDescriptionChars = 500;

size_t CountCodePoints(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string JoinIds(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : "、") + id;
  return out;
}

StepVerdict AcceptLocation(TurnContext& ctx, const UserInput& input, Slots& slots) {
  if (const Attachment* loc = input.Find(Attachment::Kind::kLocation)) {
    // A shared map location: keep its label (or coordinates); building unknown.
    slots["building"] = "";
    slots["unit"] = "";
    slots["location_text"] = !loc->label.empty()
                                 ? loc->label
                                 : std::to_string(loc->latitude) + "," +
                                       std::to_string(loc->longitude);
    return StepVerdict::Accept();
  }
  const auto& compound = ctx.config().compound;
  const domain::ParsedLocation parsed = domain::ParseLocation(input.text, compound);
  std::vector<std::string> buildings;
  for (const auto& b : compound.buildings) buildings.push_back(b.id);
  std::vector<std::string> places;
  for (const auto& p : compound.places) places.push_back(p.label);
  switch (parsed.result) {
    case domain::ParsedLocation::Result::kNoBuilding:
      if (!places.empty()) {
        return StepVerdict::Reject("report.no_building_or_place",
                                   {{"buildings", JoinIds(buildings)}, {"places", JoinIds(places)}});
      }
      return StepVerdict::Reject("report.no_building", {{"buildings", JoinIds(buildings)}});
    case domain::ParsedLocation::Result::kUnknownBuilding:
      return StepVerdict::Reject("report.unknown_building",
                                 {{"building", parsed.building}, {"buildings", JoinIds(buildings)}});
    case domain::ParsedLocation::Result::kUnknownUnit: {
      std::vector<std::string> units;
      for (const auto& b : compound.buildings) {
        if (b.id == parsed.building) units = b.units;
      }
      return StepVerdict::Reject(
          "report.unknown_unit",
          {{"building", parsed.building}, {"unit", parsed.unit}, {"units", JoinIds(units)}});
    }
    case domain::ParsedLocation::Result::kOk:
      break;
  }
  if (!parsed.place.empty()) {  // a named public place: no building
    slots["building"] = "";
    slots["unit"] = "";
    slots["location_text"] = parsed.place_label;
    return StepVerdict::Accept();
  }
  slots["building"] = parsed.building;
  slots["unit"] = parsed.unit;
  // The room is kept in the location text (staff see it; groups see the building only).
  slots["location_text"] =
      domain::FormatLocationWithRoom(parsed.building, parsed.unit, parsed.room, "zh-CN");
  return StepVerdict::Accept();
}

// The photo's ref, and the message carrying it where fetching needs it (Feishu).
void KeepPhoto(const Attachment& photo, Slots& slots) {
  slots["photo"] = photo.ref;
  if (!photo.message_id.empty()) slots["photo_message"] = photo.message_id;
}

StepVerdict AcceptDescription(TurnContext&, const UserInput& input, Slots& slots) {
  if (const Attachment* photo = input.Find(Attachment::Kind::kPhoto)) KeepPhoto(*photo, slots);
  const size_t n = CountCodePoints(input.text);
  if (n == 0 && !slots["photo"].empty()) return StepVerdict::Reject("report.photo_needs_text");
  if (n < kMinDescriptionChars) return StepVerdict::Reject("report.description_too_short");
  if (n > kMaxDescriptionChars) {
    return StepVerdict::Reject("report.description_too_long",
                               {{"max", std::to_string(kMaxDescriptionChars)}});
  }
  slots["description"] = input.text;
  return StepVerdict::Accept();
}

StepVerdict AcceptPhoto(TurnContext&, const UserInput& input, Slots& slots) {
  if (const Attachment* photo = input.Find(Attachment::Kind::kPhoto)) {
    KeepPhoto(*photo, slots);
    return StepVerdict::Accept();
  }
  return StepVerdict::Reject("report.photo_expected");
}

std::string LocationForDisplay(const TurnContext& ctx, const Slots& slots) {
  auto b = slots.find("building");
  if (b != slots.end() && !b->second.empty()) {
    auto u = slots.find("unit");
    auto t = slots.find("location_text");
    const std::string unit = u == slots.end() ? "" : u->second;
    const std::string room =
        t == slots.end() ? "" : domain::RoomOf(t->second, ctx.config().compound);
    return domain::FormatLocationWithRoom(b->second, unit, room, ctx.locale());
  }
  auto t = slots.find("location_text");
  return t == slots.end() ? "" : t->second;
}

TextArgs ConfirmArgs(const TurnContext& ctx, const Slots& slots) {
  auto get = [&](const char* k) {
    auto it = slots.find(k);
    return it == slots.end() ? std::string() : it->second;
  };
  return {{"category", ctx.T("category." + get("category"))},
          {"location", LocationForDisplay(ctx, slots)},
          {"description", get("description")},
          {"photo", ctx.T(get("photo").empty() ? "report.photo_no" : "report.photo_yes")}};
}

Status CreateTicket(TurnContext& ctx, const Slots& slots) {
  auto get = [&](const char* k) {
    auto it = slots.find(k);
    return it == slots.end() ? std::string() : it->second;
  };
  LINLI_ASSIGN_OR_RETURN(bool may, domain::MayOpenTicket(ctx.db(), ctx.config(), ctx.person().id,
                                                         ctx.now_ms()));
  if (!may) {
    LINLI_ASSIGN_OR_RETURN(bool bound, storage::RosterStore::IsVerified(ctx.db(), ctx.person().id));
    const auto& limits = ctx.config().limits;
    ctx.Reply(ctx.T("report.limit", {{"limit", std::to_string(bound ? limits.tickets_per_household_per_day
                                                                     : limits.tickets_per_unbound_per_day)}}));
    return Status::Ok();
  }
  domain::NewTicket report;
  report.reporter_person_id = ctx.person().id;
  report.channel = ctx.in().conversation.channel;
  report.category = get("category");
  report.building = get("building");
  report.unit = get("unit");
  report.location_text = get("location_text");
  report.description = get("description");
  report.photo_ref = get("photo");
  report.photo_message = get("photo_message");
  // Tier, deadlines, the photo queued and the staff groups' card, in this transaction.
  LINLI_ASSIGN_OR_RETURN(storage::Ticket stored,
                         domain::OpenTicket(ctx.db(), ctx.deps(), report, ctx.now_ms()));
  ctx.Reply(ctx.T("report.created", {{"number", std::to_string(stored.number)}}));
  return Status::Ok();
}

}  // namespace

FlowSpec ReportFlow() {
  FlowSpec flow;
  flow.name = "report";
  // May start in a group (the prompts there ask, they show nothing of the resident's), but
  // its confirmation echoes the description and the unit: that step is private-only, so in a
  // group the report ends there with the private-only answer and no ticket.
  flow.where = Where::kAnywhere;
  flow.triggers = {"/report", "报事", "report", "报修", "投诉"};
  flow.menu_label_key = "menu.report";

  StepSpec category;
  category.name = "category";
  category.input = InputKind::kChoice;
  category.prompt_key = "report.ask_category";
  category.options = [](const TurnContext& ctx) {
    std::vector<Option> out;
    for (const auto& id : ctx.config().categories) out.push_back({id, "category." + id});
    return out;
  };
  category.slot = "category";
  category.next = "location";

  StepSpec location;
  location.name = "location";
  location.prompt_key = "report.ask_location";
  location.accept = AcceptLocation;
  location.next = "description";

  StepSpec description;
  description.name = "description";
  description.prompt_key = "report.ask_description";
  description.accept = AcceptDescription;
  description.next = "photo";

  StepSpec photo;
  photo.name = "photo";
  photo.prompt_key = "report.ask_photo";
  photo.accept = AcceptPhoto;
  photo.skippable = true;
  photo.slot = "photo";
  photo.skip_if = [](const Slots& s) {
    auto it = s.find("photo");
    return it != s.end() && !it->second.empty();
  };
  photo.next = "confirm";

  StepSpec confirm;
  confirm.name = "confirm";
  confirm.input = InputKind::kConfirm;
  confirm.prompt_key = "report.confirm";
  confirm.prompt_args = ConfirmArgs;
  confirm.private_only = true;

  flow.steps = {category, location, description, photo, confirm};
  flow.on_complete = CreateTicket;
  return flow;
}

}  // namespace linli::dialogs
