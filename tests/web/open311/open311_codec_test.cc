// The Open311 codec (web/open311/open311_codec.h): every document in XML and JSON as the
// GeoReport v2 spec shapes it (root elements, field names, ids as strings), the error array,
// hostile text in XML, W3C date-times and the POST form.
#include "web/open311/open311_codec.h"

#include <gtest/gtest.h>
#include <tinyxml2.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace linli::web::open311::open311_codec_test {
namespace {

using nlohmann::json;

// The XML parsed as a client would; fails the test when it is not well-formed.
struct ParsedXml {
  tinyxml2::XMLDocument doc;
  explicit ParsedXml(const std::string& xml) {
    EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"utf-8\"?>", 0), 0u) << xml;
    EXPECT_EQ(doc.Parse(xml.c_str(), xml.size()), tinyxml2::XML_SUCCESS) << xml;
  }
  const tinyxml2::XMLElement* root() const { return doc.RootElement(); }
};

std::string Text(const tinyxml2::XMLElement* parent, const char* child) {
  if (parent == nullptr) return "<no parent>";
  const tinyxml2::XMLElement* e = parent->FirstChildElement(child);
  if (e == nullptr) return "<absent>";
  return e->GetText() ? e->GetText() : "";
}

json Json(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << body;
  return j;
}

const domain::TimeZone kShanghai = domain::TimeZone::Fixed("Asia/Shanghai", 8 * 3600);

TEST(Open311CodecTest, SplitFormatKnowsXmlAndJsonOnly) {
  auto a = SplitFormat("requests.json");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->name, "requests");
  EXPECT_EQ(a->format, Format::kJson);
  auto b = SplitFormat("repair.xml");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->name, "repair");
  EXPECT_EQ(b->format, Format::kXml);
  EXPECT_FALSE(SplitFormat("requests"));
  EXPECT_FALSE(SplitFormat("requests.csv"));
  EXPECT_FALSE(SplitFormat(".json"));
  EXPECT_FALSE(SplitFormat("requests.JSON"));
  EXPECT_EQ(FallbackFormat("x.json"), Format::kJson);
  EXPECT_EQ(FallbackFormat("x.csv"), Format::kXml);
}

TEST(Open311CodecTest, DiscoveryInBothFormats) {
  Discovery d;
  d.changeset = "2026-12-01T00:00:00Z";
  d.contact = "物业服务中心";
  d.key_service = "ask the admin";
  Endpoint e;
  e.url = "https://x.example/open311/v2";
  e.changeset = d.changeset;
  d.endpoints = {e};
  ParsedXml x(RenderDiscovery(d, Format::kXml));
  ASSERT_NE(x.root(), nullptr);
  EXPECT_STREQ(x.root()->Name(), "discovery");
  EXPECT_EQ(Text(x.root(), "contact"), "物业服务中心");
  EXPECT_EQ(Text(x.root(), "key_service"), "ask the admin");
  const auto* ep = x.root()->FirstChildElement("endpoints")->FirstChildElement("endpoint");
  EXPECT_EQ(Text(ep, "specification"), "http://wiki.open311.org/GeoReport_v2");
  EXPECT_EQ(Text(ep, "url"), "https://x.example/open311/v2");
  EXPECT_EQ(Text(ep, "type"), "production");
  std::vector<std::string> formats;
  for (auto* f = ep->FirstChildElement("formats")->FirstChildElement("format"); f;
       f = f->NextSiblingElement("format")) {
    formats.push_back(f->GetText());
  }
  EXPECT_EQ(formats, (std::vector<std::string>{"text/xml", "application/json"}));

  json j = Json(RenderDiscovery(d, Format::kJson));
  EXPECT_EQ(j["changeset"], "2026-12-01T00:00:00Z");
  EXPECT_EQ(j["contact"], "物业服务中心");
  ASSERT_TRUE(j["endpoints"].is_array());
  EXPECT_EQ(j["endpoints"][0]["specification"], "http://wiki.open311.org/GeoReport_v2");
  EXPECT_EQ(j["endpoints"][0]["formats"], json::array({"text/xml", "application/json"}));
}

TEST(Open311CodecTest, ServicesInBothFormats) {
  Service s;
  s.service_code = "001";
  s.service_name = "设施维修";
  s.description = "Repairs";
  s.keywords = "repair, 设施维修";
  s.group = "幸福里小区";
  ParsedXml x(RenderServices({s, s}, Format::kXml));
  EXPECT_STREQ(x.root()->Name(), "services");
  const auto* first = x.root()->FirstChildElement("service");
  ASSERT_NE(first, nullptr);
  ASSERT_NE(first->NextSiblingElement("service"), nullptr);
  EXPECT_EQ(Text(first, "service_code"), "001");
  EXPECT_EQ(Text(first, "service_name"), "设施维修");
  EXPECT_EQ(Text(first, "metadata"), "true");
  EXPECT_EQ(Text(first, "type"), "realtime");
  EXPECT_EQ(Text(first, "keywords"), "repair, 设施维修");
  EXPECT_EQ(Text(first, "group"), "幸福里小区");

  json j = Json(RenderServices({s}, Format::kJson));
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 1u);
  EXPECT_TRUE(j[0]["service_code"].is_string());  // "001" stays "001"
  EXPECT_EQ(j[0]["service_code"], "001");
  EXPECT_EQ(j[0]["metadata"], true);
  EXPECT_EQ(j[0]["type"], "realtime");
  EXPECT_EQ(j[0]["group"], "幸福里小区");
}

TEST(Open311CodecTest, ServiceDefinitionInBothFormats) {
  ServiceDefinition d;
  d.service_code = "repair";
  Attribute b;
  b.code = "building";
  b.datatype = "singlevaluelist";
  b.required = true;
  b.order = 1;
  b.description = "Which building?";
  b.values = {{"1", "1号楼"}, {"2", "2号楼"}};
  Attribute u;
  u.code = "unit";
  u.datatype = "string";
  u.order = 2;
  u.description = "Unit";
  u.datatype_description = "e.g. 2";
  d.attributes = {b, u};

  ParsedXml x(RenderServiceDefinition(d, Format::kXml));
  EXPECT_STREQ(x.root()->Name(), "service_definition");
  EXPECT_EQ(Text(x.root(), "service_code"), "repair");
  const auto* a = x.root()->FirstChildElement("attributes")->FirstChildElement("attribute");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(Text(a, "variable"), "true");
  EXPECT_EQ(Text(a, "code"), "building");
  EXPECT_EQ(Text(a, "datatype"), "singlevaluelist");
  EXPECT_EQ(Text(a, "required"), "true");
  EXPECT_EQ(Text(a, "datatype_description"), "");  // present and empty
  EXPECT_EQ(Text(a, "order"), "1");
  const auto* v = a->FirstChildElement("values")->FirstChildElement("value");
  EXPECT_EQ(Text(v, "key"), "1");
  EXPECT_EQ(Text(v, "name"), "1号楼");
  EXPECT_EQ(Text(v->NextSiblingElement("value"), "key"), "2");
  const auto* second = a->NextSiblingElement("attribute");
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(Text(second, "required"), "false");
  EXPECT_EQ(Text(second, "datatype_description"), "e.g. 2");
  EXPECT_EQ(second->FirstChildElement("values"), nullptr);

  json j = Json(RenderServiceDefinition(d, Format::kJson));
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["service_code"], "repair");
  ASSERT_EQ(j["attributes"].size(), 2u);
  EXPECT_EQ(j["attributes"][0]["variable"], true);
  EXPECT_EQ(j["attributes"][0]["required"], true);
  EXPECT_TRUE(j["attributes"][0]["datatype_description"].is_null());
  EXPECT_EQ(j["attributes"][0]["order"], 1);
  EXPECT_EQ(j["attributes"][0]["values"][1]["key"], "2");
  EXPECT_EQ(j["attributes"][0]["values"][1]["name"], "2号楼");
  EXPECT_EQ(j["attributes"][1]["datatype_description"], "e.g. 2");
  EXPECT_FALSE(j["attributes"][1].contains("values"));
}

ServiceRequest Sample() {
  ServiceRequest r;
  r.service_request_id = "12";
  r.status = "open";
  r.status_notes = "已派人查看";
  r.service_name = "设施维修";
  r.service_code = "repair";
  r.agency_responsible = "社区";
  r.requested_datetime = "2026-12-01T09:00:00+08:00";
  r.updated_datetime = "2026-12-01T10:00:00+08:00";
  r.expected_datetime = "2026-12-10T00:00:00+08:00";
  r.address = "3号楼, 幸福里小区";
  return r;
}

TEST(Open311CodecTest, RequestsInBothFormatsLeaveUnsetFieldsOut) {
  ServiceRequest bare = Sample();
  bare.service_request_id = "13";
  bare.status = "closed";
  bare.status_notes.reset();
  bare.expected_datetime.reset();
  bare.agency_responsible.reset();
  ParsedXml x(RenderRequests({Sample(), bare}, Format::kXml));
  EXPECT_STREQ(x.root()->Name(), "service_requests");
  const auto* r = x.root()->FirstChildElement("request");
  EXPECT_EQ(Text(r, "service_request_id"), "12");
  EXPECT_EQ(Text(r, "status"), "open");
  EXPECT_EQ(Text(r, "status_notes"), "已派人查看");
  EXPECT_EQ(Text(r, "service_name"), "设施维修");
  EXPECT_EQ(Text(r, "service_code"), "repair");
  EXPECT_EQ(Text(r, "agency_responsible"), "社区");
  EXPECT_EQ(Text(r, "requested_datetime"), "2026-12-01T09:00:00+08:00");
  EXPECT_EQ(Text(r, "updated_datetime"), "2026-12-01T10:00:00+08:00");
  EXPECT_EQ(Text(r, "expected_datetime"), "2026-12-10T00:00:00+08:00");
  EXPECT_EQ(Text(r, "address"), "3号楼, 幸福里小区");
  EXPECT_EQ(Text(r, "description"), "<absent>");
  const auto* r2 = r->NextSiblingElement("request");
  EXPECT_EQ(Text(r2, "status"), "closed");
  EXPECT_EQ(Text(r2, "status_notes"), "<absent>");
  EXPECT_EQ(Text(r2, "expected_datetime"), "<absent>");

  json j = Json(RenderRequests({Sample(), bare}, Format::kJson));
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["service_request_id"], "12");
  EXPECT_EQ(j[0]["status_notes"], "已派人查看");
  EXPECT_EQ(j[0]["expected_datetime"], "2026-12-10T00:00:00+08:00");
  EXPECT_FALSE(j[0].contains("description"));
  EXPECT_FALSE(j[1].contains("status_notes"));
  EXPECT_FALSE(j[1].contains("expected_datetime"));
  EXPECT_EQ(j[1]["status"], "closed");
  EXPECT_TRUE(Json(RenderRequests({}, Format::kJson)).empty());
  ParsedXml empty(RenderRequests({}, Format::kXml));
  EXPECT_STREQ(empty.root()->Name(), "service_requests");
  EXPECT_EQ(empty.root()->FirstChildElement("request"), nullptr);
}

TEST(Open311CodecTest, CreatedInBothFormats) {
  CreatedRequest c{"7", std::string("Received as #7")};
  ParsedXml x(RenderCreated({c}, Format::kXml));
  EXPECT_STREQ(x.root()->Name(), "service_requests");
  const auto* r = x.root()->FirstChildElement("request");
  EXPECT_EQ(Text(r, "service_request_id"), "7");
  EXPECT_EQ(Text(r, "service_notice"), "Received as #7");
  EXPECT_EQ(Text(r, "account_id"), "");
  EXPECT_EQ(Text(r, "token"), "<absent>");  // realtime: never a token with an id

  json j = Json(RenderCreated({c}, Format::kJson));
  ASSERT_TRUE(j.is_array());
  EXPECT_EQ(j[0]["service_request_id"], "7");
  EXPECT_EQ(j[0]["service_notice"], "Received as #7");
  EXPECT_TRUE(j[0].contains("account_id"));
  EXPECT_TRUE(j[0]["account_id"].is_null());
}

TEST(Open311CodecTest, ErrorsAreTheSpecsArrayWithTheRightContentType) {
  HttpResponse x = ErrorResponse(403, Format::kXml, "Invalid api_key");
  EXPECT_EQ(x.status, 403);
  EXPECT_EQ(x.content_type, "text/xml; charset=utf-8");
  ParsedXml px(x.body);
  EXPECT_STREQ(px.root()->Name(), "errors");
  const auto* e = px.root()->FirstChildElement("error");
  EXPECT_EQ(Text(e, "code"), "403");
  EXPECT_EQ(Text(e, "description"), "Invalid api_key");

  const std::string two = RenderErrors({{400, "a"}, {404, "b"}}, Format::kXml);
  ParsedXml p2(two);
  EXPECT_EQ(Text(p2.root()->FirstChildElement("error")->NextSiblingElement("error"), "code"), "404");

  HttpResponse j = ErrorResponse(404, Format::kJson, "not found");
  EXPECT_EQ(j.status, 404);
  EXPECT_EQ(j.content_type, "application/json; charset=utf-8");
  json body = Json(j.body);
  ASSERT_TRUE(body.is_array());
  ASSERT_EQ(body.size(), 1u);
  EXPECT_EQ(body[0]["code"], 404);
  EXPECT_EQ(body[0]["description"], "not found");
}

TEST(Open311CodecTest, HostileTextStaysTextInXmlAndJson) {
  ServiceRequest r = Sample();
  const std::string hostile =
      "</status_notes><script>alert('x')</script>&amp; \"q\" ]]> <!-- \x01\x02\x1b bad\xff\xfe"
      "\xc0\xaf end\r\nline";
  r.status_notes = hostile;
  r.address = "<address>&";
  const std::string xml = RenderRequests({r}, Format::kXml);
  EXPECT_EQ(xml.find("<script>"), std::string::npos);
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
  EXPECT_EQ(xml.find('\x1b'), std::string::npos);
  ParsedXml px(xml);
  const auto* req = px.root()->FirstChildElement("request");
  ASSERT_NE(req, nullptr);
  // Exactly one status_notes element whose text is the (cleaned) hostile string.
  EXPECT_EQ(req->FirstChildElement("status_notes")->NextSiblingElement("status_notes"), nullptr);
  const std::string notes = Text(req, "status_notes");
  EXPECT_NE(notes.find("</status_notes><script>alert('x')</script>&amp; \"q\" ]]> <!--"),
            std::string::npos)
      << notes;
  EXPECT_NE(notes.find("\xEF\xBF\xBD"), std::string::npos);  // invalid bytes as U+FFFD
  EXPECT_NE(notes.find("end\r\nline"), std::string::npos);
  EXPECT_EQ(Text(req, "address"), "<address>&");

  json j = Json(RenderRequests({r}, Format::kJson));
  EXPECT_EQ(j[0]["status_notes"], CleanText(hostile));
  EXPECT_EQ(j[0]["address"], "<address>&");
}

TEST(Open311CodecTest, CleanTextKeepsValidUtf8AndDropsWhatXmlForbids) {
  EXPECT_EQ(CleanText("幸福里 ok\t\n"), "幸福里 ok\t\n");
  EXPECT_EQ(CleanText(std::string("a\0\x01z", 4)), "az");
  EXPECT_EQ(CleanText("\xff"), "\xEF\xBF\xBD");
  EXPECT_EQ(CleanText("\xe5\xb9"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // truncated sequence
  EXPECT_EQ(CleanText("\xef\xbf\xbe"), "\xEF\xBF\xBD");          // U+FFFE
  EXPECT_EQ(XmlEscape("<a href='x'>&\"</a>"), "&lt;a href=&apos;x&apos;&gt;&amp;&quot;&lt;/a&gt;");
}

TEST(Open311CodecTest, W3cDateTimesWithTheZone) {
  constexpr int64_t kDec1At0900 = 1796086800000;  // 2026-12-01 09:00 +08:00
  EXPECT_EQ(FormatW3cDateTime(kDec1At0900, kShanghai), "2026-12-01T09:00:00+08:00");
  EXPECT_EQ(FormatW3cDateTime(kDec1At0900 + 999, kShanghai), "2026-12-01T09:00:00+08:00");
  EXPECT_EQ(FormatW3cDateTime(kDec1At0900, domain::TimeZone::Utc()), "2026-12-01T01:00:00Z");
  EXPECT_EQ(FormatW3cDateTime(kDec1At0900, domain::TimeZone::Fixed("x", -(5 * 3600 + 1800))),
            "2026-11-30T19:30:00-05:30");

  EXPECT_EQ(ParseW3cDateTime("2026-12-01T09:00:00+08:00", kShanghai), kDec1At0900);
  EXPECT_EQ(ParseW3cDateTime("2026-12-01T01:00:00Z", kShanghai), kDec1At0900);
  EXPECT_EQ(ParseW3cDateTime("2026-12-01T01:00Z", kShanghai), kDec1At0900);
  EXPECT_EQ(ParseW3cDateTime("2026-12-01T01:00:00.250Z", kShanghai), kDec1At0900);
  EXPECT_EQ(ParseW3cDateTime("2026-11-30T20:00:00-05:00", kShanghai), kDec1At0900);
  EXPECT_EQ(ParseW3cDateTime("2026-12-01", kShanghai), kDec1At0900 - 9 * 3600 * 1000);
  for (const char* bad : {"", "2026", "2026-12", "2026-13-01", "2026-02-30", "2026-12-01T25:00Z",
                          "2026-12-01T09:00:00", "2026-12-01 09:00:00Z", "2026-12-01T09:00:00+8",
                          "2026-12-01T09:00:00+08:00x", "yesterday", "2026-12-01T09:60Z",
                          "2026-12-01T09:00:00.Z"}) {
    EXPECT_FALSE(ParseW3cDateTime(bad, kShanghai)) << bad;
  }
}

TEST(Open311CodecTest, FormReadsFieldsAndAttributes) {
  const PostForm f = ParseForm(
      "api_key=xyz&service_code=repair&lat=30.1&long=120.2&address_string=3+%E5%8F%B7%E6%A5%BC"
      "&attribute[building]=3&attribute%5Bunit%5D=2&attribute[tags][]=a&attribute[tags][]=b"
      "&first_name=john&description=A+large+sinkhole%0Ahere&empty=&flag&attribute[]=x");
  EXPECT_EQ(f.Field("api_key"), "xyz");
  EXPECT_EQ(f.Field("service_code"), "repair");
  EXPECT_EQ(f.Field("address_string"), "3 号楼");
  EXPECT_EQ(f.Field("description"), "A large sinkhole\nhere");
  EXPECT_EQ(f.Field("first_name"), "john");
  EXPECT_EQ(f.Field("empty"), "");
  EXPECT_EQ(f.Field("missing"), "");
  EXPECT_TRUE(f.fields.count("flag"));
  EXPECT_EQ(f.AttributeOf("building"), "3");
  EXPECT_EQ(f.AttributeOf("unit"), "2");
  EXPECT_EQ(f.AttributeOf("tags"), "b");
  EXPECT_EQ(f.AttributeOf("nope"), "");
  EXPECT_EQ(f.fields.count("attribute[building]"), 0u);
  EXPECT_EQ(f.Field("attribute[]"), "x");  // no code: an ordinary field
}

}  // namespace
}  // namespace linli::web::open311::open311_codec_test
