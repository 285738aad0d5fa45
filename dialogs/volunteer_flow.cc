// Volunteers in chat (issue 9 point 6). 报到 /volunteer (private only): display name ->
// organisation -> skills -> buildings -> confirm, then pending until staff confirm. Staff:
// 志愿者列表 /volunteers [全部] (private only: organisations and skills are no group matter),
// 确认志愿者 /confirmvolunteer N, 拒绝志愿者 /declinevolunteer N, 设为志愿者 /setvolunteer P,
// 取消志愿者 /removevolunteer P (N: the person id the list shows; P: a user id on the sender's
// channel or a person id). The decisions and who is told live in domain/volunteers/volunteers.h.
#include <string>
#include <vector>

#include "bot/text.h"
#include "dialogs/flows.h"
#include "dialogs/person_word.h"
#include "domain/common/masking.h"
#include "domain/tickets/ticket_actions.h"
#include "domain/volunteers/points_actions.h"
#include "domain/volunteers/points_service.h"
#include "domain/volunteers/volunteers.h"
#include "storage/volunteer_store.h"

namespace linli::dialogs {

namespace {

constexpr size_t kMaxNameChars = 20;
constexpr size_t kMaxFieldChars = 100;

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string Get(const Slots& slots, const char* key) {
  auto it = slots.find(key);
  return it == slots.end() ? std::string() : it->second;
}

// "3,5" / "3，5" / "3 5" -> {"3", "5"}.
std::vector<std::string> SplitList(const std::string& text) {
  std::string t = text;
  for (const char* sep : {"，", "、", "；", ";"}) {
    for (size_t p; (p = t.find(sep)) != std::string::npos;) t.replace(p, std::string(sep).size(), ",");
  }
  for (char& c : t) {
    if (c == ' ') c = ',';
  }
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= t.size()) {
    size_t comma = t.find(',', start);
    if (comma == std::string::npos) comma = t.size();
    std::string part = TrimText(t.substr(start, comma - start));
    if (!part.empty()) out.push_back(part);
    start = comma + 1;
  }
  return out;
}

std::string JoinWith(const std::vector<std::string>& ids, const std::string& sep = "、") {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : sep) + id;
  return out;
}

StepVerdict AcceptName(TurnContext&, const UserInput& input, Slots& slots) {
  const size_t n = CodePoints(input.text);
  if (n == 0 || n > kMaxNameChars || domain::MaskFreeText(input.text).changed) {
    return StepVerdict::Reject("volunteer.name_bad");
  }
  slots["name"] = input.text;
  return StepVerdict::Accept();
}

std::function<StepVerdict(TurnContext&, const UserInput&, Slots&)> AcceptField(std::string slot) {
  return [slot](TurnContext&, const UserInput& input, Slots& slots) {
    std::string text = input.text;
    if (CodePoints(text) > kMaxFieldChars) text = text.substr(0, kMaxFieldChars * 3);
    slots[slot] = text;
    return StepVerdict::Accept();
  };
}

StepVerdict AcceptBuildings(TurnContext& ctx, const UserInput& input, Slots& slots) {
  std::vector<std::string> known;
  for (const auto& b : ctx.config().compound.buildings) known.push_back(b.id);
  const std::string lower = [&] {
    std::string l = input.text;
    for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return l;
  }();
  if (lower == "all" || input.text == "全部" || input.text == "任意" || input.text == "都可以") {
    slots["buildings"] = "";
    return StepVerdict::Accept();
  }
  std::vector<std::string> chosen;
  for (std::string b : SplitList(input.text)) {
    for (const char* suffix : {"号楼", "栋", "幢", "楼"}) {
      const std::string s = suffix;
      if (b.size() > s.size() && b.compare(b.size() - s.size(), s.size(), s) == 0) {
        b = b.substr(0, b.size() - s.size());
      }
    }
    if (!known.empty() && std::find(known.begin(), known.end(), b) == known.end()) {
      return StepVerdict::Reject("volunteer.bad_building",
                                 {{"building", b}, {"buildings", JoinWith(known)}});
    }
    if (std::find(chosen.begin(), chosen.end(), b) == chosen.end()) chosen.push_back(b);
  }
  slots["buildings"] = JoinWith(chosen, ",");
  return StepVerdict::Accept();
}

TextArgs VolunteerConfirmArgs(const TurnContext& ctx, const Slots& slots) {
  auto or_none = [&](const std::string& v) { return v.empty() ? ctx.T("volunteer.none") : v; };
  const std::string buildings = Get(slots, "buildings");
  return {{"name", Get(slots, "name")},
          {"organisation", or_none(Get(slots, "organisation"))},
          {"skills", or_none(Get(slots, "skills"))},
          {"buildings", buildings.empty() ? ctx.T("volunteer.all_buildings") : buildings}};
}

Status Register(TurnContext& ctx, const Slots& slots) {
  domain::Registration r;
  r.display_name = Get(slots, "name");
  r.organisation = Get(slots, "organisation");
  r.skills = Get(slots, "skills");
  r.buildings = SplitList(Get(slots, "buildings"));
  LINLI_ASSIGN_OR_RETURN(storage::Volunteer v,
                         domain::RegisterVolunteer(ctx.db(), ctx.person().id, r, ctx.now_ms()));
  ctx.Reply(ctx.T(v.status == storage::VolunteerStatus::kActive ? "volunteer.updated"
                                                                : "volunteer.registered"));
  return Status::Ok();
}

std::string ListItem(const TurnContext& ctx, const storage::Volunteer& v) {
  auto or_none = [&](const std::string& s) { return s.empty() ? ctx.T("volunteer.none") : s; };
  return ctx.T("volunteer.list_item",
               {{"id", std::to_string(v.person_id)},
                {"name", or_none(v.display_name)},
                {"organisation", or_none(v.organisation)},
                {"skills", or_none(v.skills)},
                {"buildings", v.buildings.empty() ? ctx.T("volunteer.all_buildings")
                                                  : JoinWith(v.buildings, ",")},
                {"status", ctx.T(std::string("volunteer.status.") +
                                 storage::VolunteerStatusName(v.status))}});
}

Status ListVolunteers(TurnContext& ctx, const std::string& args) {
  LINLI_ASSIGN_OR_RETURN(bool allowed, PointsStaffOnly(ctx));
  if (!allowed) return Status::Ok();
  const std::string a = TrimText(args);
  const bool all = a == "全部" || a == "all";
  LINLI_ASSIGN_OR_RETURN(auto list, storage::VolunteerStore::List(
                                        ctx.db(), all ? std::nullopt
                                                      : std::optional(storage::VolunteerStatus::kPending)));
  if (list.empty()) {
    ctx.Reply(ctx.T("volunteer.list_none"));
    return Status::Ok();
  }
  std::string text = ctx.T(all ? "volunteer.list_all_header" : "volunteer.list_header",
                           {{"count", std::to_string(list.size())}});
  for (const auto& v : list) text += "\n" + ListItem(ctx, v);
  if (!all) text += "\n" + ctx.T("volunteer.list_hint");
  ctx.Reply(std::move(text));
  return Status::Ok();
}

using Decision = StatusOr<storage::Volunteer> (*)(storage::Database&, const domain::Deps&,
                                                  domain::Actor, int64_t, int64_t);

// "<word> <person>": by_user also accepts a user id on the sender's channel.
FlowSpec DecisionFlow(std::string name, std::vector<std::string> words, bool by_user,
                      std::string usage_key, std::string done_key, Decision decide) {
  return CommandFlow(
      std::move(name), Where::kAnywhere, std::move(words),
      [=](TurnContext& ctx, const std::string& args) -> Status {
        LINLI_ASSIGN_OR_RETURN(bool allowed, PointsStaffOnly(ctx));
        if (!allowed) return Status::Ok();
        const auto words = domain::ChatWords(args);
        if (words.size() != 1) {
          ctx.Reply(ctx.T(usage_key));
          return Status::Ok();
        }
        int64_t person = 0;
        if (by_user) {
          LINLI_ASSIGN_OR_RETURN(person, ResolvePerson(ctx, words[0]));
        } else {
          person = domain::ParseId(words[0]);
        }
        if (person <= 0) {
          ctx.Reply(ctx.T(by_user ? "points.refused.no_person" : usage_key));
          return Status::Ok();
        }
        auto v = decide(ctx.db(), ctx.deps(), domain::Actor::Person(ctx.person().id), person,
                        ctx.now_ms());
        if (!v.ok()) return ReplyPointsRefusal(ctx, v.status());
        LINLI_ASSIGN_OR_RETURN(std::string shown, domain::VolunteerDisplayName(ctx.db(), person));
        ctx.Reply(ctx.T(done_key, {{"id", std::to_string(person)},
                                   {"name", domain::MaskFreeText(shown).text}}));
        return Status::Ok();
      });
}

}  // namespace

FlowSpec VolunteerFlow() {
  FlowSpec flow;
  flow.name = "volunteer";
  flow.where = Where::kPrivateOnly;
  flow.triggers = {"/volunteer", "报到", "志愿者报到", "volunteer"};

  StepSpec name;
  name.name = "name";
  name.prompt_key = "volunteer.ask_name";
  name.accept = AcceptName;
  name.next = "organisation";

  StepSpec organisation;
  organisation.name = "organisation";
  organisation.prompt_key = "volunteer.ask_org";
  organisation.accept = AcceptField("organisation");
  organisation.skippable = true;
  organisation.next = "skills";

  StepSpec skills;
  skills.name = "skills";
  skills.prompt_key = "volunteer.ask_skills";
  skills.accept = AcceptField("skills");
  skills.skippable = true;
  skills.next = "buildings";

  StepSpec buildings;
  buildings.name = "buildings";
  buildings.prompt_key = "volunteer.ask_buildings";
  buildings.accept = AcceptBuildings;
  buildings.skippable = true;
  buildings.next = "confirm";

  StepSpec confirm;
  confirm.name = "confirm";
  confirm.input = InputKind::kConfirm;
  confirm.prompt_key = "volunteer.confirm";
  confirm.prompt_args = VolunteerConfirmArgs;
  confirm.private_only = true;

  flow.steps = {name, organisation, skills, buildings, confirm};
  flow.on_complete = Register;
  return flow;
}

std::vector<FlowSpec> VolunteerStaffFlows() {
  std::vector<FlowSpec> flows;
  flows.push_back(CommandFlow("volunteer_list", Where::kPrivateOnly,
                              {"/volunteers", "志愿者列表", "volunteers"}, ListVolunteers));
  flows.push_back(DecisionFlow("volunteer_confirm", {"/confirmvolunteer", "确认志愿者"}, false,
                               "volunteer.usage_confirm", "volunteer.done_confirm",
                               domain::ConfirmVolunteer));
  flows.push_back(DecisionFlow("volunteer_decline", {"/declinevolunteer", "拒绝志愿者"}, false,
                               "volunteer.usage_decline", "volunteer.done_decline",
                               domain::DeclineVolunteer));
  flows.push_back(DecisionFlow("volunteer_set", {"/setvolunteer", "设为志愿者"}, true,
                               "volunteer.usage_set", "volunteer.done_set", domain::SetVolunteer));
  flows.push_back(DecisionFlow("volunteer_remove", {"/removevolunteer", "取消志愿者"}, true,
                               "volunteer.usage_remove", "volunteer.done_remove",
                               domain::RemoveVolunteer));
  return flows;
}

}  // namespace linli::dialogs
