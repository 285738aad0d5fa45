#include "web/html.h"

#include <gtest/gtest.h>

#include <string>

namespace linli::web::html_test {
namespace {

std::string HeaderOf(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

TEST(HtmlTest, EscapeDefusesMarkupInTextAndAttributes) {
  EXPECT_EQ(Escape("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
  EXPECT_EQ(Escape("a\"b&c"), "a&quot;b&amp;c");
  EXPECT_EQ(Escape("南门 路灯"), "南门 路灯");
}

TEST(HtmlTest, PageIsSelfContainedAndEscapesItsTitleAndNavigation) {
  Page p;
  p.lang = "en";
  p.title = "Board <b>";
  p.nav = {{"/board", "Tickets", true}, {"/board/covenants?x=\"1\"", "Covenants & rules", false}};
  p.body_html = "<p>hello</p>";
  const std::string html = RenderPage(p);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(html.find("name=\"viewport\" content=\"width=device-width"), std::string::npos);
  EXPECT_NE(html.find("<title>Board &lt;b&gt;</title>"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"/board\" aria-current=\"page\">Tickets</a>"), std::string::npos);
  EXPECT_NE(html.find("href=\"/board/covenants?x=&quot;1&quot;\""), std::string::npos);
  EXPECT_NE(html.find("Covenants &amp; rules"), std::string::npos);
  EXPECT_NE(html.find("<main><p>hello</p></main>"), std::string::npos);
  // Nothing loaded from elsewhere.
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
}

TEST(HtmlTest, ResponsesCarryTheSecurityHeaders) {
  const HttpResponse r = HtmlResponse(200, "<p>x</p>");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_NE(HeaderOf(r, "Content-Security-Policy").find("default-src 'none'"), std::string::npos);
  EXPECT_EQ(HeaderOf(r, "Content-Security-Policy").find("script-src"), std::string::npos);
  EXPECT_EQ(HeaderOf(r, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(HeaderOf(r, "Referrer-Policy"), "no-referrer");
  EXPECT_EQ(HeaderOf(r, "Cache-Control"), "no-store");

  const HttpResponse go = Redirect("/console");
  EXPECT_EQ(go.status, 303);
  EXPECT_EQ(HeaderOf(go, "Location"), "/console");
  EXPECT_EQ(HeaderOf(go, "Referrer-Policy"), "no-referrer");
}

}  // namespace
}  // namespace linli::web::html_test
