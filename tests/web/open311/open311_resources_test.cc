// What Linli publishes through Open311 (web/open311/open311_resources.h): the categories as
// services with their labels, the definition's building and unit attributes, the status
// mapping, and a ticket's public projection as a service request - with nothing of the unit,
// room or reporter, and door numbers staff typed into public text masked.
#include "web/open311/open311_resources.h"

#include <gtest/gtest.h>

#include <string>

namespace linli::web::open311::open311_resources_test {
namespace {

using storage::TicketStatus;

class Open311ResourcesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = config::Texts::Load(std::string(LINLI_SOURCE_DIR) + "/config/locales", {"zh-CN", "en"});
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    texts_ = std::move(t).value();
    config_.compound.name = "幸福里小区";
    config_.compound.buildings = {{"1", {"1", "2"}}, {"3", {"1", "2", "3"}}};
    config_.categories = {"repair", "noise"};
  }
  Labels In(const std::string& locale) { return Labels{config_, texts_, locale}; }

  config::Config config_;
  config::Texts texts_;
  const domain::TimeZone tz_ = domain::TimeZone::Fixed("Asia/Shanghai", 8 * 3600);
};

TEST_F(Open311ResourcesTest, StatusMapping) {
  for (TicketStatus s : {TicketStatus::kNew, TicketStatus::kAccepted, TicketStatus::kInProgress,
                         TicketStatus::kDeferred, TicketStatus::kEscalated, TicketStatus::kReopened}) {
    EXPECT_EQ(Open311Status(s), "open") << s;
  }
  EXPECT_EQ(Open311Status(TicketStatus::kResolved), "closed");
  EXPECT_EQ(Open311Status(TicketStatus::kClosed), "closed");
  auto closed = StatusesOf("closed");
  ASSERT_TRUE(closed);
  EXPECT_EQ(*closed, (std::vector<TicketStatus>{TicketStatus::kResolved, TicketStatus::kClosed}));
  auto open = StatusesOf("open");
  ASSERT_TRUE(open);
  EXPECT_EQ(open->size(), 6u);
  EXPECT_FALSE(StatusesOf("Open"));
  EXPECT_FALSE(StatusesOf("resolved"));
  EXPECT_FALSE(StatusesOf(""));
}

TEST_F(Open311ResourcesTest, ServicesAreTheCategoriesWithLocaleLabels) {
  auto zh = ServicesOf(In("zh-CN"));
  ASSERT_EQ(zh.size(), 2u);
  EXPECT_EQ(zh[0].service_code, "repair");
  EXPECT_EQ(zh[0].service_name, "设施维修");
  EXPECT_EQ(zh[0].group, "幸福里小区");
  EXPECT_NE(zh[0].keywords.find("repair"), std::string::npos);
  EXPECT_NE(zh[0].keywords.find("Repairs"), std::string::npos);  // every locale's label
  EXPECT_NE(zh[0].description.find("设施维修"), std::string::npos);
  EXPECT_TRUE(zh[0].metadata);
  EXPECT_EQ(zh[0].type, "realtime");
  EXPECT_EQ(zh[1].service_code, "noise");
  auto en = ServicesOf(In("en"));
  EXPECT_EQ(en[0].service_name, "Repairs");
  EXPECT_EQ(en[1].service_name, "Noise");
}

TEST_F(Open311ResourcesTest, DefinitionHasBuildingAndUnit) {
  EXPECT_FALSE(DefinitionOf(In("en"), "pets"));  // not configured
  auto d = DefinitionOf(In("zh-CN"), "repair");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->service_code, "repair");
  ASSERT_EQ(d->attributes.size(), 2u);
  const Attribute& b = d->attributes[0];
  EXPECT_EQ(b.code, "building");
  EXPECT_EQ(b.datatype, "singlevaluelist");
  EXPECT_TRUE(b.required);
  EXPECT_EQ(b.order, 1);
  ASSERT_EQ(b.values.size(), 2u);
  EXPECT_EQ(b.values[0].key, "1");
  EXPECT_EQ(b.values[0].name, "1号楼");
  EXPECT_EQ(b.values[1].key, "3");
  const Attribute& u = d->attributes[1];
  EXPECT_EQ(u.code, "unit");
  EXPECT_EQ(u.datatype, "string");
  EXPECT_FALSE(u.required);
  EXPECT_EQ(u.order, 2);
  EXPECT_TRUE(u.values.empty());
  EXPECT_FALSE(u.description.empty());

  config_.compound.buildings.clear();  // nothing to choose: not required
  auto none = DefinitionOf(In("en"), "repair");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->attributes[0].required);
}

domain::PublicTicket Ticket() {
  domain::PublicTicket t;
  t.number = 42;
  t.category = "repair";
  t.building = "3";
  t.status = TicketStatus::kDeferred;
  t.tier = storage::Tier::kCommunity;
  t.created_at_ms = 1796086800000;              // 2026-12-01 09:00 +08:00
  t.updated_at_ms = 1796086800000 + 3600'000;  // 10:00
  t.public_summary = "楼道灯不亮，住301的反映";
  t.public_notes = {{1796086800000, "note", "已派人查看", ""},
                    {1796086800000 + 60'000, "status", "等配件，3-2-1502门口", "deferred"}};
  t.deferral = domain::PublicDeferral{"缺配件", "下周采购", "2026-12-10"};
  return t;
}

TEST_F(Open311ResourcesTest, RequestIsThePublicProjection) {
  const ServiceRequest r = RequestOf(In("zh-CN"), tz_, Ticket());
  EXPECT_EQ(r.service_request_id, "42");
  EXPECT_EQ(r.status, "open");
  EXPECT_EQ(r.service_code, "repair");
  EXPECT_EQ(r.service_name, "设施维修");
  ASSERT_TRUE(r.status_notes);
  EXPECT_EQ(r.status_notes->find("1502"), std::string::npos) << *r.status_notes;  // masked
  EXPECT_NE(r.status_notes->find("等配件"), std::string::npos);  // the latest public note
  ASSERT_TRUE(r.description);
  EXPECT_EQ(r.description->find("301"), std::string::npos) << *r.description;
  EXPECT_NE(r.description->find("楼道灯不亮"), std::string::npos);
  EXPECT_EQ(r.agency_responsible, "社区");
  ASSERT_TRUE(r.service_notice);
  EXPECT_NE(r.service_notice->find("缺配件"), std::string::npos);
  EXPECT_NE(r.service_notice->find("下周采购"), std::string::npos);
  EXPECT_EQ(r.expected_datetime, "2026-12-10T00:00:00+08:00");
  EXPECT_EQ(r.requested_datetime, "2026-12-01T09:00:00+08:00");
  EXPECT_EQ(r.updated_datetime, "2026-12-01T10:00:00+08:00");
  EXPECT_EQ(r.address, "3号楼, 幸福里小区");
  const ServiceRequest en = RequestOf(In("en"), tz_, Ticket());
  EXPECT_EQ(en.service_name, "Repairs");
  EXPECT_EQ(en.address, "Bldg 3, 幸福里小区");
}

TEST_F(Open311ResourcesTest, ClosedTicketWithoutNotesOrDeferral) {
  domain::PublicTicket t = Ticket();
  t.status = TicketStatus::kResolved;
  t.public_notes.clear();
  t.public_summary.clear();
  t.building.clear();  // a place: the compound only
  const ServiceRequest r = RequestOf(In("zh-CN"), tz_, t);
  EXPECT_EQ(r.status, "closed");
  EXPECT_FALSE(r.status_notes);
  EXPECT_FALSE(r.description);
  EXPECT_FALSE(r.service_notice);      // the deferral is over
  EXPECT_FALSE(r.expected_datetime);
  EXPECT_EQ(r.address, "幸福里小区");
}

}  // namespace
}  // namespace linli::web::open311::open311_resources_test
