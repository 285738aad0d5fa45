#include "web/page_locale.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <vector>

namespace linli::web {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string PrimaryOf(std::string_view tag) {
  const size_t dash = tag.find('-');
  return Lower(tag.substr(0, dash));
}

}  // namespace

std::string PageLocale(const config::Texts& texts, std::string_view config_locale,
                       const HttpRequest& request) {
  const std::vector<std::string> loaded = texts.locales();
  const std::string& asked = request.Query("lang");
  if (!asked.empty()) {
    for (const std::string& l : loaded) {
      if (Lower(l) == Lower(asked)) return l;
    }
  }
  // Accept-Language: "zh-CN,zh;q=0.9,en;q=0.8". Browsers send them best first; entries with
  // q=0 are refusals and skipped.
  std::string_view header = request.Header("Accept-Language");
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view item = Trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    const size_t semi = item.find(';');
    std::string_view tag = Trim(item.substr(0, semi));
    if (semi != std::string_view::npos) {
      std::string params = Lower(item.substr(semi + 1));
      params.erase(std::remove(params.begin(), params.end(), ' '), params.end());
      if (params.rfind("q=", 0) == 0 && std::strtod(params.c_str() + 2, nullptr) <= 0.0) continue;
    }
    if (tag.empty() || tag == "*") continue;
    for (const std::string& l : loaded) {
      if (Lower(l) == Lower(tag)) return l;
    }
    for (const std::string& l : loaded) {
      if (PrimaryOf(l) == PrimaryOf(tag)) return l;
    }
  }
  return std::string(config_locale);
}

std::string WithLang(std::string_view path, const HttpRequest& request) {
  const std::string& lang = request.Query("lang");
  std::string out(path);
  if (lang.empty()) return out;
  out += out.find('?') == std::string::npos ? '?' : '&';
  out += "lang=" + PercentEncode(lang);
  return out;
}

}  // namespace linli::web
