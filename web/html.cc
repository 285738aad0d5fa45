#include "web/html.h"

namespace linli::web {

namespace {

// Small on purpose: one column, system fonts, readable on a 360 px screen, wider screens get
// a centred column. No external resources.
constexpr std::string_view kStyle =
    "*{box-sizing:border-box}"
    "body{margin:0;font:16px/1.5 system-ui,-apple-system,\"PingFang SC\",\"Noto Sans CJK SC\","
    "\"Microsoft YaHei\",sans-serif;color:#222;background:#f6f6f4}"
    "header{background:#b71c1c;color:#fff;padding:.6em 1em}"
    "header h1{font-size:1.15em;margin:0}"
    "nav{display:flex;flex-wrap:wrap;gap:.3em .9em;padding:.4em 1em;background:#fff;"
    "border-bottom:1px solid #ddd}"
    "nav a{color:#b71c1c;text-decoration:none}nav a[aria-current]{font-weight:bold}"
    "main{max-width:46em;margin:0 auto;padding:.8em 1em 2em}"
    "a{color:#8e1515}"
    ".card{background:#fff;border:1px solid #e2e2e2;border-radius:6px;padding:.7em .9em;"
    "margin:.6em 0}"
    ".meta{color:#666;font-size:.9em}"
    ".tag{display:inline-block;padding:0 .45em;border-radius:3px;background:#eee;font-size:.85em}"
    "table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3em;"
    "border-bottom:1px solid #e5e5e5;vertical-align:top}"
    "form.inline{display:inline}"
    "input,select,textarea,button{font:inherit;max-width:100%}"
    "button{background:#b71c1c;color:#fff;border:0;border-radius:4px;padding:.35em .9em}"
    ".error{color:#b00020}";

void AddSecurityHeaders(HttpResponse& r) {
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                         "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Cache-Control", "no-store");
}

}  // namespace

std::string Escape(std::string_view in) {
  std::string out;
  out.reserve(in.size() + in.size() / 8);
  for (char c : in) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string RenderPage(const Page& page) {
  std::string out;
  out.reserve(page.body_html.size() + 2048);
  out += "<!DOCTYPE html>\n<html lang=\"";
  out += Escape(page.lang);
  out += "\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>";
  out += Escape(page.title);
  out += "</title><style>";
  out += kStyle;
  out += "</style></head><body><header><h1>";
  out += Escape(page.title);
  out += "</h1></header>";
  if (!page.nav.empty()) {
    out += "<nav>";
    for (const NavLink& link : page.nav) {
      out += "<a href=\"" + Escape(link.href) + "\"";
      if (link.current) out += " aria-current=\"page\"";
      out += ">" + Escape(link.label) + "</a>";
    }
    out += "</nav>";
  }
  out += "<main>";
  out += page.body_html;
  out += "</main></body></html>\n";
  return out;
}

HttpResponse HtmlResponse(int status, std::string html) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(html);
  AddSecurityHeaders(r);
  return r;
}

HttpResponse Redirect(std::string location) {
  HttpResponse r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.headers.emplace_back("Location", std::move(location));
  AddSecurityHeaders(r);
  return r;
}

}  // namespace linli::web
