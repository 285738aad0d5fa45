// Staff create polls, elections and appraisals in chat (issue 10), stepped private flows built
// like 起草公约 (dialogs/decision_flow.cc) and refused to non-staff at the trigger:
//   发起问卷 /newpoll       title, buildings, per household or per person, closing time, then
//                           the questions one by one (kind, text, options; 结束 to finish).
//   发起选举 /newelection   title, buildings, end of nominations (= opening), closing time.
//   发起评议 /newappraisal  quarter ("2026-Q4"), buildings, closing time; the criteria come
//                           from config.decisions.appraisal_criteria.
// The answers collect into a JSON draft in the slots; on confirmation it goes through the
// service's one draft path (DraftFromJson, then DecisionService::Create), which validates.
#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dialogs/engine.h"
#include "dialogs/flows.h"
#include "domain/common/time_format.h"
#include "domain/decisions/decision_actions.h"
#include "domain/decisions/decision_service.h"

namespace linli::dialogs {

namespace {

namespace dd = domain::decisions;
using nlohmann::json;

std::string Get(const Slots& s, const std::string& k) {
  auto it = s.find(k);
  return it == s.end() ? std::string() : it->second;
}

json Draft(const Slots& s) {
  auto j = json::parse(Get(s, "draft"), nullptr, false);
  return j.is_object() ? j : json::object();
}

void PutDraft(Slots& s, const json& j) { s["draft"] = j.dump(); }

std::string RefuseNonStaff(const TurnContext& ctx) {
  return ctx.is_staff() ? std::string() : std::string("decision.denied");
}

StepSpec TitleStep(std::string next) {
  StepSpec st;
  st.name = "title";
  st.prompt_key = "decision.new.title";
  st.accept = [](TurnContext& ctx, const UserInput& in, Slots& s) {
    if (!ctx.is_staff()) return StepVerdict::Reject("decision.denied");
    if (in.text.empty() || in.text.size() > 200) return StepVerdict::Reject("decision.new.title");
    json d = Draft(s);
    d["title"] = in.text;
    PutDraft(s, d);
    return StepVerdict::Accept();
  };
  st.next = std::move(next);
  return st;
}

// The buildings, as 起草公约 reads them (全部 or building ids of the compound).
StepSpec ScopeStep(std::string next) {
  StepSpec st;
  st.name = "scope";
  st.prompt_key = "decision.draft.scope";
  st.accept = [](TurnContext& ctx, const UserInput& in, Slots& s) {
    const auto* edit = dd::FindDecisionAction("edit");
    auto args = dd::DecisionArgsFromChat(ctx.deps(), *edit, "范围 " + in.text);
    if (!args.ok() || !args->draft.buildings) return StepVerdict::Reject("decision.draft.bad_scope");
    const auto& bs = ctx.config().compound.buildings;
    for (const auto& b : *args->draft.buildings) {
      if (std::none_of(bs.begin(), bs.end(), [&](const config::Building& x) { return x.id == b; })) {
        return StepVerdict::Reject("decision.draft.bad_scope");
      }
    }
    json d = Draft(s);
    d["buildings"] = *args->draft.buildings;
    PutDraft(s, d);
    return StepVerdict::Accept();
  };
  st.next = std::move(next);
  return st;
}

// A time after now (and after `after_field`, when set) into draft field `field`.
StepSpec TimeStep(std::string name, std::string prompt, std::string field, std::string after_field,
                  std::string next) {
  StepSpec st;
  st.name = std::move(name);
  st.prompt_key = std::move(prompt);
  st.accept = [field, after_field](TurnContext& ctx, const UserInput& in, Slots& s) {
    auto t = dd::ParseTime(ctx.deps(), in.text);
    json d = Draft(s);
    int64_t floor = ctx.now_ms();
    if (!after_field.empty() && d.contains(after_field)) floor = d[after_field].get<int64_t>();
    if (!t || *t <= floor) return StepVerdict::Reject("decision.draft.bad_time");
    d[field] = *t;
    PutDraft(s, d);
    return StepVerdict::Accept();
  };
  st.next = std::move(next);
  return st;
}

std::string When(const TurnContext& ctx, const json& d, const char* field) {
  if (!d.contains(field) || !d[field].is_number_integer()) return ctx.T("decision.time_unset");
  return domain::FormatLocalTime(d[field].get<int64_t>(), ctx.config().timezone);
}

std::string Scope(const TurnContext& ctx, const json& d) {
  std::string joined;
  if (d.contains("buildings")) {
    for (const auto& b : d["buildings"]) joined += (joined.empty() ? "" : ",") + b.get<std::string>();
  }
  return joined.empty() ? ctx.T("decision.draft.all") : joined;
}

StepSpec ConfirmStep(std::string prompt) {
  StepSpec st;
  st.name = "confirm";
  st.input = InputKind::kConfirm;
  st.prompt_key = std::move(prompt);
  st.prompt_args = [](const TurnContext& ctx, const Slots& s) {
    const json d = Draft(s);
    std::string questions;
    if (d.contains("questions")) {
      int n = 0;
      for (const auto& q : d["questions"]) {
        questions += "\n" + std::to_string(++n) + ". " + q.value("text", "") + " (" +
                     ctx.T("decision.new.kind." + q.value("kind", "single")) + ")";
        if (q.contains("options")) {
          std::string opts;
          for (const auto& o : q["options"]) opts += (opts.empty() ? "" : "、") + o.get<std::string>();
          questions += "：" + opts;
        }
      }
    }
    return TextArgs{{"title", d.value("title", "")},
                    {"period", d.value("period", "")},
                    {"scope", Scope(ctx, d)},
                    {"who", ctx.T(d.value("per_person", false) ? "decision.new.per_person"
                                                               : "decision.new.per_household")},
                    {"opens", When(ctx, d, "opens_at")},
                    {"closes", When(ctx, d, "closes_at")},
                    {"questions", questions}};
  };
  return st;
}

// The one draft path: DraftFromJson validates the shape, Create the values and authority.
Status CreateFromSlots(TurnContext& ctx, const Slots& s) {
  auto in = dd::DraftFromJson(ctx.deps(), Draft(s));
  Status st = in.status();
  if (in.ok()) {
    auto d = dd::DecisionService::Create(ctx.db(), ctx.deps(), domain::Actor::Person(ctx.person().id),
                                         *in, ctx.now_ms());
    if (d.ok()) {
      ctx.Reply(ctx.T("decision.new.done", {{"id", std::to_string(d->id)}, {"title", d->title}}));
      return Status::Ok();
    }
    st = d.status();
  }
  auto refusal = dd::DescribeDecisionRefusal(ctx.deps().texts, ctx.locale(), st);
  if (!refusal) return st;
  ctx.Reply(ctx.T("decision.new.failed", {{"reason", refusal->text}}));
  return Status::Ok();
}

std::vector<std::string> SplitLabels(const std::string& text) {
  static const std::regex sep("\\s*(,|，|、|;|；|\n)\\s*");
  std::vector<std::string> out;
  for (std::sregex_token_iterator it(text.begin(), text.end(), sep, -1), end; it != end; ++it) {
    std::string t = *it;
    while (!t.empty() && t.front() == ' ') t.erase(t.begin());
    while (!t.empty() && t.back() == ' ') t.pop_back();
    if (!t.empty()) out.push_back(t);
  }
  return out;
}

// 发起问卷 /newpoll
FlowSpec NewPollFlow() {
  FlowSpec flow;
  flow.name = "decision_new_poll";
  flow.where = Where::kPrivateOnly;
  flow.triggers = {"/newpoll", "发起问卷"};
  flow.refuse_start = RefuseNonStaff;

  StepSpec who;
  who.name = "who";
  who.input = InputKind::kChoice;
  who.prompt_key = "decision.new.who";
  who.options = [](const TurnContext&) {
    return std::vector<Option>{{"household", "decision.new.per_household"},
                               {"person", "decision.new.per_person"}};
  };
  who.slot = "who";
  who.next = "closes";

  // The question's kind, or 结束 when at least one question is written.
  StepSpec qkind;
  qkind.name = "qkind";
  qkind.prompt_key = "decision.new.qkind";
  qkind.prompt_args = [](const TurnContext&, const Slots& s) {
    const json d = Draft(s);
    return TextArgs{{"n", std::to_string(d.contains("questions") ? d["questions"].size() + 1 : 1)}};
  };
  qkind.accept = [](TurnContext&, const UserInput& in, Slots& s) {
    json d = Draft(s);
    const std::string t = in.text;
    if (t == "结束" || t == "end" || t == "/end") {  // not 完成: that is the wish command
      if (!d.contains("questions") || d["questions"].empty()) {
        return StepVerdict::Reject("decision.new.no_questions");
      }
      d["per_person"] = Get(s, "who") == "person";
      PutDraft(s, d);
      return StepVerdict::Goto("confirm");
    }
    static const std::vector<std::pair<std::vector<std::string>, std::string>> kinds = {
        {{"1", "单选", "single"}, "single"},
        {{"2", "多选", "multi", "multiple"}, "multi"},
        {{"3", "打分", "评分", "scale"}, "scale"},
        {{"4", "文字", "填空", "text"}, "text"}};
    for (const auto& [words, kind] : kinds) {
      if (std::find(words.begin(), words.end(), t) != words.end()) {
        s["qkind"] = kind;
        return StepVerdict::Accept();
      }
    }
    return StepVerdict::Reject("decision.new.qkind", {{"n", "?"}});
  };
  qkind.may_goto = {"confirm"};
  qkind.next = "qtext";

  StepSpec qtext;
  qtext.name = "qtext";
  qtext.prompt_key = "decision.new.qtext";
  qtext.accept = [](TurnContext&, const UserInput& in, Slots& s) {
    if (in.text.empty() || in.text.size() > 500) return StepVerdict::Reject("decision.new.qtext");
    const std::string kind = Get(s, "qkind");
    if (kind == "single" || kind == "multi") {
      s["qtext"] = in.text;
      return StepVerdict::Accept();
    }
    json d = Draft(s);
    d["questions"].push_back({{"kind", kind}, {"text", in.text}});
    PutDraft(s, d);
    return StepVerdict::Goto("qkind");
  };
  qtext.may_goto = {"qkind"};
  qtext.next = "qoptions";

  StepSpec qoptions;
  qoptions.name = "qoptions";
  qoptions.prompt_key = "decision.new.qoptions";
  qoptions.accept = [](TurnContext&, const UserInput& in, Slots& s) {
    auto labels = SplitLabels(in.text);
    if (labels.size() < 2 || labels.size() > 20) return StepVerdict::Reject("decision.new.qoptions");
    json d = Draft(s);
    d["questions"].push_back({{"kind", Get(s, "qkind")}, {"text", Get(s, "qtext")}, {"options", labels}});
    PutDraft(s, d);
    return StepVerdict::Accept();
  };
  qoptions.next = "qkind";

  flow.steps = {TitleStep("scope"),
                ScopeStep("who"),
                who,
                TimeStep("closes", "decision.draft.closes", "closes_at", "", "qkind"),
                qkind,
                qtext,
                qoptions,
                ConfirmStep("decision.new.confirm_poll")};
  flow.on_complete = [](TurnContext& ctx, const Slots& s) -> Status {
    Slots with = s;
    json d = Draft(s);
    d["kind"] = "poll";
    PutDraft(with, d);
    return CreateFromSlots(ctx, with);
  };
  return flow;
}

// 发起选举 /newelection
FlowSpec NewElectionFlow() {
  FlowSpec flow;
  flow.name = "decision_new_election";
  flow.where = Where::kPrivateOnly;
  flow.triggers = {"/newelection", "发起选举"};
  flow.refuse_start = RefuseNonStaff;
  flow.steps = {TitleStep("scope"), ScopeStep("opens"),
                TimeStep("opens", "decision.new.nominations_close", "opens_at", "", "closes"),
                TimeStep("closes", "decision.draft.closes", "closes_at", "opens_at", "confirm"),
                ConfirmStep("decision.new.confirm_election")};
  flow.on_complete = [](TurnContext& ctx, const Slots& s) -> Status {
    Slots with = s;
    json d = Draft(s);
    d["kind"] = "election";
    PutDraft(with, d);
    return CreateFromSlots(ctx, with);
  };
  return flow;
}

// 发起评议 /newappraisal
FlowSpec NewAppraisalFlow() {
  FlowSpec flow;
  flow.name = "decision_new_appraisal";
  flow.where = Where::kPrivateOnly;
  flow.triggers = {"/newappraisal", "发起评议"};
  flow.refuse_start = RefuseNonStaff;

  StepSpec quarter;
  quarter.name = "quarter";
  quarter.prompt_key = "decision.new.quarter";
  quarter.accept = [](TurnContext& ctx, const UserInput& in, Slots& s) {
    if (!ctx.is_staff()) return StepVerdict::Reject("decision.denied");
    static const std::regex q("^(20[0-9]{2})\\s*-?\\s*[Qq]([1-4])$");
    std::smatch m;
    if (!std::regex_match(in.text, m, q)) return StepVerdict::Reject("decision.new.quarter");
    const std::string period = m[1].str() + "-Q" + m[2].str();
    json d = Draft(s);
    d["period"] = period;
    d["title"] = ctx.T("decision.new.appraisal_title", {{"period", period}});
    PutDraft(s, d);
    return StepVerdict::Accept();
  };
  quarter.next = "scope";

  flow.steps = {quarter, ScopeStep("closes"),
                TimeStep("closes", "decision.draft.closes", "closes_at", "", "confirm"),
                ConfirmStep("decision.new.confirm_appraisal")};
  flow.on_complete = [](TurnContext& ctx, const Slots& s) -> Status {
    Slots with = s;
    json d = Draft(s);
    d["kind"] = "appraisal";
    PutDraft(with, d);
    return CreateFromSlots(ctx, with);
  };
  return flow;
}

}  // namespace

std::vector<FlowSpec> DecisionCreateFlows() {
  return {NewPollFlow(), NewElectionFlow(), NewAppraisalFlow()};
}

}  // namespace linli::dialogs
