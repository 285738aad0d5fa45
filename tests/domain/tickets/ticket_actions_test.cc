// The one list of ticket actions (domain/tickets/ticket_actions.h): every action is reachable
// from chat and from the API's JSON with the same parameters and the same effect; an unknown
// action is none; a refusal reads the same in both. The HTTP side runs end to end in
// tests/e2e/api_e2e_test.cc (AdminActionsAreTheListAndRefuseLikeChat).
#include "domain/tickets/ticket_actions.h"

#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dialogs/flows.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs::ticket_actions_test {
namespace {

using domain::ActionArgs;
using domain::TicketAction;
using nlohmann::json;
using storage::TicketStatus;

constexpr char kStaff[] = "staff-1";  // DemoConfig's grid staff member

// One chat command with the equivalent API body. Every chat command of every action has one
// (the coverage test below fails otherwise): adding an action = its entry + a sample here.
struct Sample {
  std::string flow;     // ChatCommand::flow
  std::string chat;     // what staff type (on ticket `number`)
  json body;            // the API's body for the same call
  int64_t number = 1;
  TicketStatus status;  // the ticket's status afterwards (from new)
};

const std::vector<Sample>& Samples() {
  static const auto* const k = new std::vector<Sample>{
      {"staff_accept", "受理 1", json::object(), 1, TicketStatus::kAccepted},
      {"staff_begin", "处理 1", json::object(), 1, TicketStatus::kInProgress},
      {"staff_note", "备注 1 已派电工", {{"note", "已派电工"}}, 1, TicketStatus::kNew},
      {"staff_pnote", "公开备注 1 电工明天来", {{"note", "电工明天来"}, {"public", true}}, 1,
       TicketStatus::kNew},
      {"staff_resolve", "解决 1 灯管已更换", {{"note", "灯管已更换"}}, 1, TicketStatus::kResolved},
      {"staff_defer", "暂缓 1 需要表决|业主大会讨论|2099-12-31",
       {{"reason", "需要表决"}, {"plan", "业主大会讨论"}, {"until", "2099-12-31"}}, 1,
       TicketStatus::kDeferred},
      {"staff_escalate", "转办 1 需要社区协调", {{"reason", "需要社区协调"}}, 1,
       TicketStatus::kEscalated},
      {"staff_assign", "指派 1 staff-1", {{"assignee_user_id", "staff-1"}}, 1, TicketStatus::kNew},
      {"staff_summary", "摘要 1 3号楼照明已修复", {{"summary", "3号楼照明已修复"}}, 1,
       TicketStatus::kNew},
      {"staff_merge", "合并 2 1", {{"into", 1}}, 2, TicketStatus::kClosed},
  };
  return *k;
}

const Sample* SampleFor(const std::string& flow) {
  for (const auto& s : Samples()) {
    if (s.flow == flow) return &s;
  }
  return nullptr;
}

// The action and chat command a flow name belongs to.
std::pair<const TicketAction*, const domain::ChatCommand*> CommandOf(const std::string& flow) {
  for (const auto& a : domain::TicketActions()) {
    for (const auto& c : a.chat) {
      if (c.flow == flow) return {&a, &c};
    }
  }
  return {nullptr, nullptr};
}

// Two reported tickets (#1, #2), nothing pushed yet.
void TwoTickets(DialogHarness& h) {
  h.Report("user-1");
  h.Report("user-2");
  h.TakeOutbox();
}

StatusOr<storage::Ticket> RunAsApi(DialogHarness& h, const TicketAction& action, int64_t number,
                                   const ActionArgs& args) {
  EXPECT_TRUE(h.db().Begin().ok());
  auto r = action.run(h.db(), h.deps(), domain::Actor::System(), number, args,
                      h.clock().NowMillis());
  EXPECT_TRUE(r.ok() ? h.db().Commit().ok() : h.db().Rollback().ok());
  return r;
}

TEST(TicketActionsTest, NamesAndChatCommandsAreUniqueAndEachHasASample) {
  std::set<std::string> names, flows, words;
  for (const auto& a : domain::TicketActions()) {
    EXPECT_TRUE(names.insert(a.name).second) << a.name;
    EXPECT_TRUE(a.run) << a.name;
    ASSERT_FALSE(a.chat.empty()) << a.name << " has no chat command";
    for (const auto& c : a.chat) {
      EXPECT_TRUE(flows.insert(c.flow).second) << c.flow;
      EXPECT_NE(SampleFor(c.flow), nullptr) << c.flow << " has no sample in this test";
      for (const auto& w : c.words) EXPECT_TRUE(words.insert(w).second) << w;
    }
  }
  // Every API action name of before the list, and every chat word.
  EXPECT_EQ(names, (std::set<std::string>{"accept", "start", "note", "resolve", "defer",
                                          "escalate", "assign", "merge", "summary"}));
  for (const char* w : {"受理", "/accept", "处理", "/begin", "备注", "/note", "公开备注", "/pnote",
                        "解决", "/resolve", "暂缓", "/defer", "转办", "/escalate", "指派",
                        "/assign", "合并", "/merge", "摘要", "/summary"}) {
    EXPECT_TRUE(words.count(w)) << w;
  }
}

TEST(TicketActionsTest, UnknownActionIsNone) {
  EXPECT_EQ(domain::FindTicketAction("fly"), nullptr);
  EXPECT_EQ(domain::FindTicketAction(""), nullptr);
  EXPECT_EQ(domain::FindTicketAction("Accept"), nullptr);
  for (const auto& a : domain::TicketActions()) EXPECT_EQ(domain::FindTicketAction(a.name), &a);
}

TEST(TicketActionsTest, EveryChatCommandIsAStaffFlow) {
  const std::vector<FlowSpec> flows = StaffFlows();
  for (const auto& a : domain::TicketActions()) {
    for (const auto& c : a.chat) {
      const FlowSpec* found = nullptr;
      for (const auto& f : flows) {
        if (f.name == c.flow) found = &f;
      }
      ASSERT_NE(found, nullptr) << c.flow;
      EXPECT_EQ(found->triggers, c.words) << c.flow;
    }
  }
}

TEST(TicketActionsTest, ChatAndJsonReadTheSameParameters) {
  for (const auto& sample : Samples()) {
    auto [action, command] = CommandOf(sample.flow);
    ASSERT_NE(action, nullptr) << sample.flow;
    const auto [number, rest] = domain::NumberAndRest(sample.chat.substr(sample.chat.find(' ')));
    EXPECT_EQ(number, sample.number) << sample.flow;
    auto from_chat = domain::ArgsFromChat(*action, *command, rest, "");
    auto from_json = domain::ArgsFromJson(*action, sample.body);
    ASSERT_TRUE(from_chat.ok()) << sample.flow << ": " << from_chat.status().ToString();
    ASSERT_TRUE(from_json.ok()) << sample.flow << ": " << from_json.status().ToString();
    EXPECT_TRUE(*from_chat == *from_json) << sample.flow;
  }
}

TEST(TicketActionsTest, EveryActionHasTheSameEffectFromChatAndFromTheApi) {
  for (const auto& sample : Samples()) {
    auto [action, command] = CommandOf(sample.flow);
    ASSERT_NE(action, nullptr) << sample.flow;
    DialogHarness chat;
    TwoTickets(chat);
    const std::string reply = DialogHarness::Text(chat.Say(sample.chat, kStaff));
    EXPECT_THAT(reply, ::testing::HasSubstr("#" + std::to_string(sample.number))) << sample.flow;
    const storage::Ticket by_chat = chat.Ticket(sample.number);

    DialogHarness api;
    TwoTickets(api);
    auto args = domain::ArgsFromJson(*action, sample.body);
    ASSERT_TRUE(args.ok()) << sample.flow;
    auto by_api = RunAsApi(api, *action, sample.number, *args);
    ASSERT_TRUE(by_api.ok()) << sample.flow << ": " << by_api.status().ToString();

    EXPECT_EQ(by_chat.status, sample.status) << sample.flow << ": " << reply;
    EXPECT_EQ(by_api->status, sample.status) << sample.flow;
    EXPECT_EQ(by_chat.tier, by_api->tier) << sample.flow;
    EXPECT_EQ(by_chat.public_summary, by_api->public_summary) << sample.flow;
    EXPECT_EQ(by_chat.deferred_reason, by_api->deferred_reason) << sample.flow;
    EXPECT_EQ(by_chat.deferred_plan, by_api->deferred_plan) << sample.flow;
    EXPECT_EQ(by_chat.deferred_until, by_api->deferred_until) << sample.flow;
    EXPECT_EQ(by_chat.merged_into, by_api->merged_into) << sample.flow;
    EXPECT_EQ(by_chat.escalations, by_api->escalations) << sample.flow;
    // The same pushes to the reporters (count and text). Not the assignee's notice: staff-1
    // assigning themselves in chat is not told, the API assigning them is.
    auto to_residents = [](std::vector<OutboundMessage> all) {
      std::vector<std::string> texts;
      for (const auto& m : all) {
        if (m.to.user_id != kStaff) texts.push_back(m.text);
      }
      return texts;
    };
    EXPECT_EQ(to_residents(chat.TakeOutbox()), to_residents(api.TakeOutbox())) << sample.flow;
  }
}

TEST(TicketActionsTest, RefusalReadsTheSameInChatAndForTheApi) {
  DialogHarness h;
  TwoTickets(h);
  h.Say("解决 1 灯管已更换", kStaff);
  ASSERT_EQ(h.Ticket(1).status, TicketStatus::kResolved);
  const auto replies = h.Say("受理 1", kStaff);
  ASSERT_EQ(replies.size(), 1u);
  const std::string chat = replies[0].text;

  auto api = RunAsApi(h, *domain::FindTicketAction("accept"), 1, {});
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.status().code(), StatusCode::kFailedPrecondition);
  auto refusal = domain::DescribeRefusal(h.deps().texts, h.config().locale, api.status());
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->code, "staff.bad_state");
  EXPECT_EQ(refusal->text, chat);
  EXPECT_THAT(refusal->text, ::testing::HasSubstr("已解决"));  // the status by its label
  EXPECT_THAT(refusal->text, ::testing::Not(::testing::HasSubstr("status=")));
  // A database error is no refusal.
  EXPECT_FALSE(domain::DescribeRefusal(h.deps().texts, "zh-CN", Status::Internal("disk")).has_value());
}

TEST(TicketActionsTest, MalformedChatArgumentsGiveTheUsageAndMissingJsonFieldsAreNamed) {
  const TicketAction& defer = *domain::FindTicketAction("defer");
  auto bad_chat = domain::ArgsFromChat(defer, defer.chat[0], "only a reason", "");
  ASSERT_FALSE(bad_chat.ok());
  EXPECT_EQ(bad_chat.status().message(), "staff.usage.defer");
  auto bad_json = domain::ArgsFromJson(defer, json{{"reason", "x"}});
  ASSERT_FALSE(bad_json.ok());
  EXPECT_EQ(bad_json.status().message(), "missing field: plan");

  const TicketAction& merge = *domain::FindTicketAction("merge");
  EXPECT_FALSE(domain::ArgsFromJson(merge, json{{"into", "1"}}).ok());  // a string, not a number
  EXPECT_FALSE(domain::ArgsFromChat(merge, merge.chat[0], "1 2 3", "").ok());
  auto into = domain::ArgsFromChat(merge, merge.chat[0], "into #3", "");
  ASSERT_TRUE(into.ok());
  EXPECT_EQ(into->ticket, 3);

  const TicketAction& assign = *domain::FindTicketAction("assign");
  auto by_id = domain::ArgsFromJson(assign, json{{"assignee_person_id", 7}});
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->assignee, "7");
  EXPECT_FALSE(domain::ArgsFromJson(assign, json::object()).ok());

  // A photo sent with a note travels with it; the public flag comes from the chat word.
  const TicketAction& note = *domain::FindTicketAction("note");
  auto pnote = domain::ArgsFromChat(note, note.chat[1], "修好了", "photo-1");
  ASSERT_TRUE(pnote.ok());
  EXPECT_TRUE(pnote->is_public);
  EXPECT_EQ(pnote->photo_ref, "photo-1");
}

}  // namespace
}  // namespace linli::dialogs::ticket_actions_test

namespace linli::dialogs::ticket_actions_test {
namespace {

// Which texts an action publishes decides the "masked" notice (issue 8 point 2): a public
// note, the resolution, the deferral's reason and plan, the summary; never an internal note
// or escalate's reason (those stay internal, unmasked, without a notice).
TEST(TicketActionsTest, PublishedTextsAreThePublicOnes) {
  ActionArgs a;
  a.text = "T";
  a.reason = "R";
  a.plan = "P";
  a.until = "2099-01-01";
  using V = std::vector<std::string>;
  EXPECT_EQ(domain::PublishedTexts(*domain::FindTicketAction("note"), a), V{});
  a.is_public = true;
  EXPECT_EQ(domain::PublishedTexts(*domain::FindTicketAction("note"), a), V{"T"});
  EXPECT_EQ(domain::PublishedTexts(*domain::FindTicketAction("resolve"), a), V{"T"});
  EXPECT_EQ(domain::PublishedTexts(*domain::FindTicketAction("summary"), a), V{"T"});
  EXPECT_EQ(domain::PublishedTexts(*domain::FindTicketAction("defer"), a), (V{"R", "P"}));
  for (const char* internal : {"escalate", "accept", "start", "assign", "merge"}) {
    EXPECT_EQ(domain::PublishedTexts(*domain::FindTicketAction(internal), a), V{}) << internal;
  }
}

TEST(TicketActionsTest, MaskedOnPublicationOnlyWhenThePublishedTextChanges) {
  DialogHarness h;  // config.staff: 王网格
  ActionArgs a;
  a.is_public = true;
  a.text = "已派电工上门";
  const TicketAction& note = *domain::FindTicketAction("note");
  auto plain = domain::MaskedOnPublication(h.db(), h.deps(), note, a);
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(*plain);
  a.text = "王网格已上门";
  auto named = domain::MaskedOnPublication(h.db(), h.deps(), note, a);
  ASSERT_TRUE(named.ok());
  EXPECT_TRUE(*named);
  a.is_public = false;  // internal: nothing published, nothing to tell
  auto internal = domain::MaskedOnPublication(h.db(), h.deps(), note, a);
  ASSERT_TRUE(internal.ok());
  EXPECT_FALSE(*internal);
  ActionArgs d;
  d.reason = "等待维修";
  d.plan = "联系13812345678";
  auto defer = domain::MaskedOnPublication(h.db(), h.deps(), *domain::FindTicketAction("defer"), d);
  ASSERT_TRUE(defer.ok());
  EXPECT_TRUE(*defer);
}

}  // namespace
}  // namespace linli::dialogs::ticket_actions_test
