// Plain HTTP request/response values shared by the inbound server, the adapters and
// the outbound client. No I/O here.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace linli {

// Case-insensitive ASCII comparison for header names.
struct HeaderNameLess {
  bool operator()(std::string_view a, std::string_view b) const;
  using is_transparent = void;
};

using HeaderMap = std::map<std::string, std::string, HeaderNameLess>;

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw request target, e.g. "/webhook/tg?x=1"
  std::string path;    // percent-decoded path without the query, e.g. "/webhook/tg"
  // Query parameters, percent-decoded ('+' is kept as '+', as WeChat/WeCom need).
  std::map<std::string, std::string> query;
  // Header values are untrusted bytes (SECURITY.md): never log them whole.
  HeaderMap headers;
  std::string body;
  std::string remote_addr;  // from the socket, never from a header

  // Empty string when absent.
  const std::string& Header(std::string_view name) const;
  const std::string& Query(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static HttpResponse Text(int status, std::string body);
  static HttpResponse Json(int status, std::string body);
};

// Percent-decodes `in`; '+' stays '+' unless plus_as_space. Invalid escapes are kept as-is.
std::string PercentDecode(std::string_view in, bool plus_as_space = false);
std::string PercentEncode(std::string_view in);
// Splits "a=1&b=2" into a map (later keys win), decoding each part.
std::map<std::string, std::string> ParseQuery(std::string_view query);

}  // namespace linli
