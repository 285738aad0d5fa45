// The engine that branches (issue 7): Goto / route checked against may_goto, and entry points
// for a reply to a known card and for platform events. Test flows use made-up text keys, which
// the texts render as "[key]".
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dialogs/engine.h"
#include "storage/card_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs::engine_branch_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

StepSpec TextStep(std::string name, std::string slot, std::string next = "") {
  StepSpec s;
  s.name = name;
  s.prompt_key = "test.ask_" + name;
  s.accept = [slot](TurnContext&, const UserInput& in, Slots& slots) {
    slots[slot] = in.text;
    return StepVerdict::Accept();
  };
  s.next = std::move(next);
  return s;
}

// "/branch": the first answer picks the path: "a" -> step a, "b" -> step b, "x" -> an
// undeclared step (a bug the engine must refuse), anything else -> the fixed next (b).
FlowSpec BranchFlow() {
  FlowSpec f;
  f.name = "branch";
  f.where = Where::kAnywhere;
  f.triggers = {"/branch"};
  StepSpec kind;
  kind.name = "kind";
  kind.prompt_key = "test.ask_kind";
  kind.accept = [](TurnContext&, const UserInput& in, Slots& slots) {
    slots["kind"] = in.text;
    if (in.text == "a") return StepVerdict::Goto("a");
    if (in.text == "x") return StepVerdict::Goto("end");
    return StepVerdict::Accept();
  };
  kind.next = "b";
  kind.may_goto = {"a"};
  f.steps = {kind, TextStep("a", "a", "end"), TextStep("b", "b", "end"), TextStep("end", "end")};
  f.on_complete = [](TurnContext& ctx, const Slots& slots) {
    std::string seen;
    for (const auto& [k, v] : slots) seen += k + "=" + v + ";";
    ctx.Reply("done " + seen);
    return Status::Ok();
  };
  return f;
}

// A choice step whose route sends "big" answers to an extra step.
FlowSpec RouteFlow() {
  FlowSpec f;
  f.name = "route";
  f.where = Where::kAnywhere;
  f.triggers = {"/route"};
  StepSpec size;
  size.name = "size";
  size.input = InputKind::kChoice;
  size.prompt_key = "test.ask_size";
  size.slot = "size";
  size.options = [](const TurnContext&) {
    return std::vector<Option>{{"small", "test.small"}, {"big", "test.big"}};
  };
  size.route = [](const TurnContext&, const Slots& slots) {
    return slots.at("size") == "big" ? std::string("why") : std::string();
  };
  size.may_goto = {"why"};
  f.steps = {size, TextStep("why", "why")};
  f.on_complete = [](TurnContext& ctx, const Slots& slots) {
    ctx.Reply("route " + slots.at("size") + (slots.count("why") ? " " + slots.at("why") : ""));
    return Status::Ok();
  };
  return f;
}

// Replies to "test_wish" cards (the real "wish" kind is dialogs/wish_claim_flow.cc's): the
// reply's text is kept, then a note step, then done. Entered on kScan too.
FlowSpec ClaimFlow() {
  FlowSpec f;
  f.name = "claim";
  f.where = Where::kAnywhere;
  f.entry.card_kinds = {"test_wish"};
  f.entry.events = {EventKind::kScan};
  f.on_entry = [](TurnContext& ctx, const Entry& e, Slots& slots) -> StatusOr<std::string> {
    if (e.kind == Entry::Kind::kEvent) {
      ctx.Reply("scanned " + e.ref);
      return std::string();
    }
    slots["wish"] = e.ref;
    slots["reply"] = e.value;
    ctx.Reply("claiming wish " + e.ref);
    return std::string("note");
  };
  f.steps = {TextStep("note", "note")};
  f.on_complete = [](TurnContext& ctx, const Slots& slots) {
    ctx.Reply("claimed wish " + slots.at("wish") + " (" + slots.at("reply") + ", " +
              slots.at("note") + ")");
    return Status::Ok();
  };
  return f;
}

class EngineBranchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<FlowSpec> flows = AllFlows();
    for (auto* f : {BranchFlow, RouteFlow, ClaimFlow}) flows.push_back(f());
    auto engine = Engine::Create(h_.deps(), std::move(flows));
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine).value();
  }
  StatusOr<std::vector<OutboundMessage>> Turn(InboundMessage in) {
    if (in.conversation.channel.empty()) in.conversation = DialogHarness::Conversation("user-1");
    in.platform_message_id = "b" + std::to_string(++n_);
    EXPECT_TRUE(h_.db().Begin().ok());
    auto r = engine_->HandleTurn(h_.db(), in);
    EXPECT_TRUE((r.ok() ? h_.db().Commit() : h_.db().Rollback()).ok());
    return r;
  }
  std::string Say(const std::string& text, const std::string& reply_to = "") {
    InboundMessage in;
    in.text = text;
    in.reply_to = reply_to;
    auto r = Turn(in);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? DialogHarness::Text(*r) : "";
  }

  DialogHarness h_;
  std::unique_ptr<Engine> engine_;
  int n_ = 0;
};

TEST_F(EngineBranchTest, GotoChoosesTheNextStep) {
  EXPECT_THAT(Say("/branch"), HasSubstr("[test.ask_kind]"));
  EXPECT_THAT(Say("a"), HasSubstr("[test.ask_a]"));
  EXPECT_THAT(Say("went a"), HasSubstr("[test.ask_end]"));
  EXPECT_THAT(Say("fin"), HasSubstr("done a=went a;end=fin;kind=a;"));
}

TEST_F(EngineBranchTest, WithoutGotoTheFixedNextStepFollows) {
  Say("/branch");
  EXPECT_THAT(Say("c"), HasSubstr("[test.ask_b]"));
  Say("went b");
  EXPECT_THAT(Say("fin"), HasSubstr("done b=went b;end=fin;kind=c;"));
}

TEST_F(EngineBranchTest, GotoOutsideMayGotoFailsTheTurn) {
  Say("/branch");
  InboundMessage in;
  in.text = "x";
  auto r = Turn(in);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
  EXPECT_THAT(r.status().message(), HasSubstr("may_goto"));
  // Rolled back: still at the first step.
  EXPECT_THAT(Say("a"), HasSubstr("[test.ask_a]"));
}

TEST_F(EngineBranchTest, RouteBranchesAChoiceStep) {
  Say("/route");
  EXPECT_THAT(Say("1"), HasSubstr("route small"));
  Say("/route");
  EXPECT_THAT(Say("2"), HasSubstr("[test.ask_why]"));
  EXPECT_THAT(Say("too big"), HasSubstr("route big too big"));
}

TEST_F(EngineBranchTest, AReplyToAKnownCardEntersItsFlowBeforeTriggers) {
  ASSERT_TRUE(storage::CardStore::Record(h_.db(), {"tg", "user-1", "pm-77", "test_wish", "12", 1}).ok());
  // The reply's text is a trigger word: the card wins.
  EXPECT_THAT(Say("报事", "pm-77"), HasSubstr("claiming wish 12"));
  EXPECT_THAT(Say("明天下午"), HasSubstr("claimed wish 12 (报事, 明天下午)"));
  // Also in the middle of another flow.
  Say("/branch");
  EXPECT_THAT(Say("我来", "pm-77"), HasSubstr("claiming wish 12"));
  EXPECT_THAT(Say("好"), HasSubstr("claimed wish 12 (我来, 好)"));
}

TEST_F(EngineBranchTest, AReplyToAnUnknownMessageGoesOnAsToday) {
  ASSERT_TRUE(storage::CardStore::Record(h_.db(), {"tg", "other-chat", "pm-77", "test_wish", "12", 1}).ok());
  EXPECT_THAT(Say("报事", "pm-77"), HasSubstr("请选择问题类别"));  // another chat's card
  Say("取消");
  EXPECT_THAT(Say("随便", "pm-404"), HasSubstr("没有听懂"));
}

TEST_F(EngineBranchTest, EventEntryPoint) {
  InboundMessage in;
  in.kind = InboundKind::kEvent;
  in.event = EventKind::kScan;
  in.payload = "building3";
  auto r = Turn(in);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(DialogHarness::Text(*r), HasSubstr("scanned building3"));
  // Undeclared events behave as before.
  in.event = EventKind::kSubscribe;
  r = Turn(in);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(DialogHarness::Text(*r), HasSubstr("欢迎关注幸福里小区"));
  EXPECT_THAT(DialogHarness::Text(*r), Not(HasSubstr("scanned")));
}

TEST(ValidateBranchesTest, ChecksGotoTargetsAndEntryPoints) {
  EXPECT_TRUE(ValidateFlows({BranchFlow(), RouteFlow(), ClaimFlow()}).ok());

  auto flows = std::vector<FlowSpec>{BranchFlow()};
  flows[0].steps[0].may_goto = {"nowhere"};
  EXPECT_THAT(ValidateFlows(flows).message(), HasSubstr("goto step \"nowhere\" does not exist"));

  flows = {RouteFlow()};
  flows[0].steps[0].may_goto.clear();
  EXPECT_THAT(ValidateFlows(flows).message(), HasSubstr("a route needs may_goto"));

  flows = {ClaimFlow()};
  flows[0].on_entry = nullptr;
  EXPECT_THAT(ValidateFlows(flows).message(), HasSubstr("entry points but no on_entry"));

  flows = {ClaimFlow()};
  flows[0].entry = {};
  EXPECT_THAT(ValidateFlows(flows).message(), HasSubstr("has no trigger"));

  flows = {ClaimFlow(), ClaimFlow()};
  flows[1].name = "claim2";
  EXPECT_THAT(ValidateFlows(flows).message(), HasSubstr("card kind \"test_wish\""));
  flows[1].entry.card_kinds.clear();
  EXPECT_THAT(ValidateFlows(flows).message(), HasSubstr("event \"scan\""));

  flows = AllFlows();
  FlowSpec again = ClaimFlow();
  again.entry = {};
  again.entry.question_kinds = {"rating"};  // the rating flow answers those
  flows.push_back(again);
  EXPECT_THAT(ValidateFlows(flows).message(), HasSubstr("question kind \"rating\""));
}

}  // namespace
}  // namespace linli::dialogs::engine_branch_test
