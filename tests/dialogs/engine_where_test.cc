// Where a conversation may happen (issue 8, deliverable 1): every flow declares it, the engine
// enforces it. A private-only flow in a group gets one neutral line (with the link to the
// private chat where the channel can build one) and runs nothing; staff 进度 N in a group shows
// the public projection only.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dialogs/engine.h"
#include "storage/conversation_store.h"
#include "tests/dialogs/dialog_harness.h"

namespace linli::dialogs::engine_where_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kGroup[] = "-100555";

InboundMessage InGroup(const std::string& user, const std::string& text) {
  InboundMessage in;
  in.conversation = {"tg", user, kGroup, ChatType::kGroup};
  in.text = text;
  return in;
}

InboundMessage Private(const std::string& user, const std::string& text) {
  InboundMessage in;
  in.conversation = {"tg", user, user, ChatType::kPrivate};
  in.text = text;
  return in;
}

int64_t Count(storage::Database& db, const std::string& sql) {
  auto rows = db.Query(sql);
  EXPECT_TRUE(rows.ok());
  return rows.ok() ? (*rows)[0].Int(0) : -1;
}

config::Config WithTelegramUsername(const std::string& username) {
  config::Config c = DemoConfig();
  config::ChannelConfig tg;
  tg.name = "tg";
  tg.type = "telegram";
  if (!username.empty()) tg.fields["bot_username"] = username;
  c.channels.push_back(tg);
  return c;
}

// "/secret": private-only, one step; counts what ran.
struct Probe {
  int started = 0;
  int completed = 0;
};

FlowSpec SecretFlow(Probe* probe) {
  FlowSpec f;
  f.name = "secret";
  f.where = Where::kPrivateOnly;
  f.triggers = {"/secret"};
  StepSpec ask;
  ask.name = "ask";
  ask.prompt_key = "test.ask_secret";
  ask.accept = [probe](TurnContext&, const UserInput& in, Slots& slots) {
    ++probe->started;
    slots["secret"] = in.text;
    return StepVerdict::Accept();
  };
  f.steps = {ask};
  f.on_complete = [probe](TurnContext& ctx, const Slots& slots) {
    ++probe->completed;
    ctx.Reply("your secret is " + slots.at("secret"));
    return Status::Ok();
  };
  return f;
}

class EngineWhereTest : public ::testing::Test {
 protected:
  explicit EngineWhereTest(config::Config config = WithTelegramUsername("linli_bot"))
      : h_(std::move(config)) {}
  void SetUp() override {
    std::vector<FlowSpec> flows = AllFlows();
    flows.push_back(SecretFlow(&probe_));
    auto engine = Engine::Create(h_.deps(), std::move(flows));
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine).value();
  }
  std::string Turn(InboundMessage in) {
    in.platform_message_id = "w" + std::to_string(++n_);
    EXPECT_TRUE(h_.db().Begin().ok());
    auto r = engine_->HandleTurn(h_.db(), in);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE((r.ok() ? h_.db().Commit() : h_.db().Rollback()).ok());
    return r.ok() ? DialogHarness::Text(*r) : "";
  }

  DialogHarness h_;
  Probe probe_;
  std::unique_ptr<Engine> engine_;
  int n_ = 0;
};

TEST_F(EngineWhereTest, PrivateOnlyFlowIsRefusedInAGroupAndNothingRuns) {
  const std::string reply = Turn(InGroup("user-1", "/secret"));
  EXPECT_THAT(reply, HasSubstr("请私聊我办理"));
  EXPECT_THAT(reply, Not(HasSubstr("[test.ask_secret]")));
  // The way to the private chat: a Telegram deep link naming the flow.
  EXPECT_THAT(reply, HasSubstr("https://t.me/linli_bot?start=secret"));
  EXPECT_EQ(Count(h_.db(), "SELECT COUNT(*) FROM conversations"), 0);  // no state written
  EXPECT_THAT(Turn(InGroup("user-1", "hunter2")), Not(HasSubstr("your secret")));
  EXPECT_EQ(probe_.started, 0);
  EXPECT_EQ(probe_.completed, 0);

  // Tapping the link sends "/start secret" privately: the flow starts there.
  EXPECT_THAT(Turn(Private("user-1", "/start secret")), HasSubstr("[test.ask_secret]"));
  EXPECT_THAT(Turn(Private("user-1", "hunter2")), HasSubstr("your secret is hunter2"));
  EXPECT_EQ(probe_.completed, 1);
}

TEST_F(EngineWhereTest, APrivateOnlyFlowLeftRunningInAGroupIsNotResumedThere) {
  storage::DialogState state;
  state.flow = "secret";
  state.step = "ask";
  state.slots_json = "{}";
  state.updated_at_ms = h_.clock().NowMillis();
  const std::string key = InGroup("user-1", "").conversation.Key();
  ASSERT_TRUE(storage::ConversationStore::Save(h_.db(), key, state).ok());
  EXPECT_THAT(Turn(InGroup("user-1", "hunter2")), Not(HasSubstr("your secret")));
  EXPECT_EQ(probe_.started, 0);
  EXPECT_EQ(Count(h_.db(), "SELECT COUNT(*) FROM conversations"), 0);  // dropped
}

TEST_F(EngineWhereTest, ResidentCommandsArePrivateOnlyInAGroup) {
  const int64_t number = h_.Report("resident");  // privately, through the harness's engine
  ASSERT_EQ(number, 1);
  const std::vector<std::string> commands = {
      "进度", "进度 1", "评价 1 满意", "关联", "绑定 ABCD1234", "解绑", "我的信息",
      "我的数据", "导出我的数据", "注销", "代绑 ABCD1234 tg:resident"};
  for (const auto& cmd : commands) {
    const std::string reply = Turn(InGroup("resident", cmd));
    EXPECT_THAT(reply, HasSubstr("请私聊我办理")) << cmd;
    for (const char* secret : {"2单元", "楼道灯", "满意"}) {
      EXPECT_THAT(reply, Not(HasSubstr(secret))) << cmd;
    }
  }
  EXPECT_EQ(Count(h_.db(), "SELECT COUNT(*) FROM conversations"), 0);
  EXPECT_EQ(Count(h_.db(), "SELECT COUNT(*) FROM link_codes"), 0);
  EXPECT_EQ(h_.Ticket(1).status, storage::TicketStatus::kNew);
  // Privately the same words work.
  EXPECT_THAT(Turn(Private("resident", "进度 1")), HasSubstr("3号楼2单元"));
}

TEST_F(EngineWhereTest, StaffStatusInAGroupShowsThePublicViewOnly) {
  ASSERT_EQ(h_.Report("resident"), 1);
  Turn(Private("staff-1", "备注 1 已联系业主 13812345678"));
  Turn(Private("staff-1", "公开备注 1 已派师傅上门"));

  const std::string in_group = Turn(InGroup("staff-1", "进度 1"));
  EXPECT_THAT(in_group, HasSubstr("#1"));
  EXPECT_THAT(in_group, HasSubstr("3号楼"));
  EXPECT_THAT(in_group, HasSubstr("已派师傅上门"));
  for (const char* secret : {"2单元", "楼道灯", "13812345678", "已联系业主", "请私聊"}) {
    EXPECT_THAT(in_group, Not(HasSubstr(secret))) << secret;
  }
  // Staff keep the full view privately.
  const std::string in_private = Turn(Private("staff-1", "进度 1"));
  EXPECT_THAT(in_private, HasSubstr("3号楼2单元"));
  EXPECT_THAT(in_private, HasSubstr("已联系业主 13812345678"));
  // A resident's own 进度 N in the group stays private-only, and staff 进度 without a number too.
  EXPECT_THAT(Turn(InGroup("resident", "进度 1")), HasSubstr("请私聊"));
  EXPECT_THAT(Turn(InGroup("staff-1", "进度")), HasSubstr("请私聊"));
  // Staff work-group commands still run there.
  EXPECT_THAT(Turn(InGroup("staff-1", "受理 1")), Not(HasSubstr("请私聊")));
  EXPECT_EQ(h_.Ticket(1).status, storage::TicketStatus::kAccepted);
}

// The report flow's confirmation echoes the description and the unit: in a group the flow
// ends there with the private-only answer, no ticket and no state.
TEST_F(EngineWhereTest, ReportConfirmationIsNeverShownInAGroup) {
  std::string last;
  for (const char* s : {"报事", "2", "3号楼2单元", "楼道灯坏了，晚上很黑", "跳过"}) {
    last = Turn(InGroup("resident", s));
  }
  EXPECT_THAT(last, HasSubstr("请私聊我办理"));
  EXPECT_THAT(last, HasSubstr("https://t.me/linli_bot?start=report"));
  EXPECT_THAT(last, Not(HasSubstr("楼道灯")));
  EXPECT_THAT(last, Not(HasSubstr("2单元")));
  EXPECT_EQ(Count(h_.db(), "SELECT COUNT(*) FROM conversations"), 0);
  EXPECT_THAT(Turn(InGroup("resident", "1")), Not(HasSubstr("#1")));
  EXPECT_EQ(Count(h_.db(), "SELECT COUNT(*) FROM tickets"), 0);
}

class EngineWhereNoLinkTest : public EngineWhereTest {
 protected:
  EngineWhereNoLinkTest() : EngineWhereTest(WithTelegramUsername("")) {}
};

TEST_F(EngineWhereNoLinkTest, WithoutABotUsernameTheAnswerIsJustTheText) {
  const std::string reply = Turn(InGroup("user-1", "关联"));
  EXPECT_THAT(reply, HasSubstr("请私聊我办理"));
  EXPECT_THAT(reply, Not(HasSubstr("http")));
}

TEST(ValidateWhereTest, EveryFlowMustDeclareWhereItRuns) {
  Probe probe;
  std::vector<FlowSpec> flows = {SecretFlow(&probe)};
  EXPECT_TRUE(ValidateFlows(flows).ok());
  flows[0].where = Where::kUndeclared;
  EXPECT_THAT(ValidateFlows(flows).message(), HasSubstr("\"secret\" does not declare where it runs"));
  flows[0].where = Where::kPrivateOnly;
  flows[0].private_when = [](const TurnContext&, const std::string&) { return true; };
  EXPECT_THAT(ValidateFlows(flows).message(), HasSubstr("private_when needs kAnywhere"));
  // The shipped flows all declare it (and the private-only ones are the list).
  for (const auto& f : AllFlows()) {
    EXPECT_NE(f.where, Where::kUndeclared) << f.name;
  }
  for (const char* name : {"link", "bind", "bindfor", "unbind", "me", "mydata", "export", "erase",
                           "rate", "login"}) {
    bool found = false;
    for (const auto& f : AllFlows()) {
      if (f.name == name) {
        found = true;
        EXPECT_EQ(f.where, Where::kPrivateOnly) << name;
      }
    }
    EXPECT_TRUE(found) << name;
  }
}

}  // namespace
}  // namespace linli::dialogs::engine_where_test
