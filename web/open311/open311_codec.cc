#include "web/open311/open311_codec.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <utility>

namespace linli::web::open311 {

namespace {

using nlohmann::json;

constexpr char kXmlDeclaration[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

// A small writer for the spec's schemaless documents: nested elements with text leaves.
class Xml {
 public:
  Xml() : out_(kXmlDeclaration) {}
  Xml& Open(std::string_view tag) {
    out_ += "<" + std::string(tag) + ">";
    return *this;
  }
  Xml& Close(std::string_view tag) {
    out_ += "</" + std::string(tag) + ">";
    return *this;
  }
  Xml& Leaf(std::string_view tag, std::string_view text) {
    if (text.empty()) {
      out_ += "<" + std::string(tag) + "/>";
    } else {
      Open(tag);
      out_ += XmlEscape(text);
      Close(tag);
    }
    return *this;
  }
  Xml& Opt(std::string_view tag, const std::optional<std::string>& text) {
    return text ? Leaf(tag, *text) : *this;
  }
  Xml& Bool(std::string_view tag, bool b) { return Leaf(tag, b ? "true" : "false"); }
  std::string Done() { return std::move(out_) + "\n"; }

 private:
  std::string out_;
};

void Put(json& j, const char* key, std::string_view text) { j[key] = CleanText(text); }
void PutOpt(json& j, const char* key, const std::optional<std::string>& text) {
  if (text) Put(j, key, *text);
}

std::string Dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

// Appends the UTF-8 encoding of `cp`.
void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool AllowedInXml(uint32_t cp) {
  if (cp == 0x9 || cp == 0xA || cp == 0xD) return true;
  if (cp < 0x20) return false;
  if (cp >= 0xD800 && cp <= 0xDFFF) return false;
  if (cp == 0xFFFE || cp == 0xFFFF) return false;
  return cp <= 0x10FFFF;
}

bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<ResourceName> SplitFormat(std::string_view segment) {
  const size_t dot = segment.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  const std::string_view ext = segment.substr(dot + 1);
  ResourceName r;
  r.name = std::string(segment.substr(0, dot));
  if (ext == "xml") {
    r.format = Format::kXml;
  } else if (ext == "json") {
    r.format = Format::kJson;
  } else {
    return std::nullopt;
  }
  return r;
}

Format FallbackFormat(std::string_view segment) {
  const std::string_view json_ext = ".json";
  return segment.size() >= json_ext.size() &&
                 segment.substr(segment.size() - json_ext.size()) == json_ext
             ? Format::kJson
             : Format::kXml;
}

std::string CleanText(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    const auto c = static_cast<unsigned char>(in[i]);
    uint32_t cp = 0;
    size_t len = 0;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07;
      len = 4;
    }
    bool ok = len > 0 && i + len <= in.size();
    for (size_t k = 1; ok && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(in[i + k]);
      if ((cc & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms are invalid too.
    if (ok && ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))) {
      ok = false;
    }
    if (!ok) {
      AppendUtf8(out, 0xFFFD);
      ++i;
      continue;
    }
    if (AllowedInXml(cp)) {
      out.append(in.substr(i, len));
    } else if (cp >= 0x20) {
      AppendUtf8(out, 0xFFFD);  // surrogates, U+FFFE/FFFF: shown as replaced
    }                           // C0 controls: dropped
    i += len;
  }
  return out;
}

std::string XmlEscape(std::string_view text) {
  const std::string clean = CleanText(text);
  std::string out;
  out.reserve(clean.size());
  for (char c : clean) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\r': out += "&#13;"; break;  // kept through an XML parser's newline handling
      default: out += c;
    }
  }
  return out;
}

std::string RenderDiscovery(const Discovery& d, Format f) {
  if (f == Format::kJson) {
    json j = json::object();
    Put(j, "changeset", d.changeset);
    Put(j, "contact", d.contact);
    Put(j, "key_service", d.key_service);
    j["endpoints"] = json::array();
    for (const Endpoint& e : d.endpoints) {
      json je = json::object();
      Put(je, "specification", e.specification);
      Put(je, "url", e.url);
      Put(je, "changeset", e.changeset);
      Put(je, "type", e.type);
      je["formats"] = json::array();
      for (const auto& fmt : e.formats) je["formats"].push_back(CleanText(fmt));
      j["endpoints"].push_back(std::move(je));
    }
    return Dump(j);
  }
  Xml x;
  x.Open("discovery").Leaf("changeset", d.changeset).Leaf("contact", d.contact);
  x.Leaf("key_service", d.key_service).Open("endpoints");
  for (const Endpoint& e : d.endpoints) {
    x.Open("endpoint").Leaf("specification", e.specification).Leaf("url", e.url);
    x.Leaf("changeset", e.changeset).Leaf("type", e.type).Open("formats");
    for (const auto& fmt : e.formats) x.Leaf("format", fmt);
    x.Close("formats").Close("endpoint");
  }
  return x.Close("endpoints").Close("discovery").Done();
}

std::string RenderServices(const std::vector<Service>& services, Format f) {
  if (f == Format::kJson) {
    json j = json::array();
    for (const Service& s : services) {
      json js = json::object();
      Put(js, "service_code", s.service_code);
      Put(js, "service_name", s.service_name);
      Put(js, "description", s.description);
      js["metadata"] = s.metadata;
      Put(js, "type", s.type);
      Put(js, "keywords", s.keywords);
      Put(js, "group", s.group);
      j.push_back(std::move(js));
    }
    return Dump(j);
  }
  Xml x;
  x.Open("services");
  for (const Service& s : services) {
    x.Open("service").Leaf("service_code", s.service_code).Leaf("service_name", s.service_name);
    x.Leaf("description", s.description).Bool("metadata", s.metadata).Leaf("type", s.type);
    x.Leaf("keywords", s.keywords).Leaf("group", s.group).Close("service");
  }
  return x.Close("services").Done();
}

std::string RenderServiceDefinition(const ServiceDefinition& d, Format f) {
  if (f == Format::kJson) {
    json j = json::object();
    Put(j, "service_code", d.service_code);
    j["attributes"] = json::array();
    for (const Attribute& a : d.attributes) {
      json ja = json::object();
      ja["variable"] = a.variable;
      Put(ja, "code", a.code);
      Put(ja, "datatype", a.datatype);
      ja["required"] = a.required;
      if (a.datatype_description) {
        Put(ja, "datatype_description", *a.datatype_description);
      } else {
        ja["datatype_description"] = nullptr;
      }
      ja["order"] = a.order;
      Put(ja, "description", a.description);
      if (!a.values.empty()) {
        ja["values"] = json::array();
        for (const auto& v : a.values) {
          json jv = json::object();
          Put(jv, "key", v.key);
          Put(jv, "name", v.name);
          ja["values"].push_back(std::move(jv));
        }
      }
      j["attributes"].push_back(std::move(ja));
    }
    return Dump(j);
  }
  Xml x;
  x.Open("service_definition").Leaf("service_code", d.service_code).Open("attributes");
  for (const Attribute& a : d.attributes) {
    x.Open("attribute").Bool("variable", a.variable).Leaf("code", a.code);
    x.Leaf("datatype", a.datatype).Bool("required", a.required);
    x.Leaf("datatype_description", a.datatype_description.value_or(""));
    x.Leaf("order", std::to_string(a.order)).Leaf("description", a.description);
    if (!a.values.empty()) {
      x.Open("values");
      for (const auto& v : a.values) x.Open("value").Leaf("key", v.key).Leaf("name", v.name).Close("value");
      x.Close("values");
    }
    x.Close("attribute");
  }
  return x.Close("attributes").Close("service_definition").Done();
}

std::string RenderRequests(const std::vector<ServiceRequest>& requests, Format f) {
  if (f == Format::kJson) {
    json j = json::array();
    for (const ServiceRequest& r : requests) {
      json jr = json::object();
      Put(jr, "service_request_id", r.service_request_id);
      Put(jr, "status", r.status);
      PutOpt(jr, "status_notes", r.status_notes);
      Put(jr, "service_name", r.service_name);
      Put(jr, "service_code", r.service_code);
      PutOpt(jr, "description", r.description);
      PutOpt(jr, "agency_responsible", r.agency_responsible);
      PutOpt(jr, "service_notice", r.service_notice);
      Put(jr, "requested_datetime", r.requested_datetime);
      Put(jr, "updated_datetime", r.updated_datetime);
      PutOpt(jr, "expected_datetime", r.expected_datetime);
      Put(jr, "address", r.address);
      j.push_back(std::move(jr));
    }
    return Dump(j);
  }
  Xml x;
  x.Open("service_requests");
  for (const ServiceRequest& r : requests) {
    x.Open("request").Leaf("service_request_id", r.service_request_id).Leaf("status", r.status);
    x.Opt("status_notes", r.status_notes).Leaf("service_name", r.service_name);
    x.Leaf("service_code", r.service_code).Opt("description", r.description);
    x.Opt("agency_responsible", r.agency_responsible).Opt("service_notice", r.service_notice);
    x.Leaf("requested_datetime", r.requested_datetime).Leaf("updated_datetime", r.updated_datetime);
    x.Opt("expected_datetime", r.expected_datetime).Leaf("address", r.address).Close("request");
  }
  return x.Close("service_requests").Done();
}

std::string RenderCreated(const std::vector<CreatedRequest>& created, Format f) {
  if (f == Format::kJson) {
    json j = json::array();
    for (const CreatedRequest& c : created) {
      json jc = json::object();
      Put(jc, "service_request_id", c.service_request_id);
      PutOpt(jc, "service_notice", c.service_notice);
      jc["account_id"] = nullptr;
      j.push_back(std::move(jc));
    }
    return Dump(j);
  }
  Xml x;
  x.Open("service_requests");
  for (const CreatedRequest& c : created) {
    x.Open("request").Leaf("service_request_id", c.service_request_id);
    x.Opt("service_notice", c.service_notice).Leaf("account_id", "").Close("request");
  }
  return x.Close("service_requests").Done();
}

std::string RenderErrors(const std::vector<Error>& errors, Format f) {
  if (f == Format::kJson) {
    json j = json::array();
    for (const Error& e : errors) {
      json je = json::object();
      je["code"] = e.code;
      Put(je, "description", e.description);
      j.push_back(std::move(je));
    }
    return Dump(j);
  }
  Xml x;
  x.Open("errors");
  for (const Error& e : errors) {
    x.Open("error").Leaf("code", std::to_string(e.code)).Leaf("description", e.description);
    x.Close("error");
  }
  return x.Close("errors").Done();
}

HttpResponse Respond(int status, Format f, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = f == Format::kJson ? "application/json; charset=utf-8" : "text/xml; charset=utf-8";
  r.body = std::move(body);
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

HttpResponse ErrorResponse(int status, Format f, std::string description) {
  return Respond(status, f, RenderErrors({Error{status, std::move(description)}}, f));
}

std::string FormatW3cDateTime(int64_t unix_ms, const domain::TimeZone& tz) {
  int64_t seconds = unix_ms / 1000;
  if (unix_ms < 0 && unix_ms % 1000 != 0) --seconds;  // floor
  const domain::CivilTime t = tz.ToLocal(seconds);
  const int offset = tz.OffsetAt(seconds);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", t.year, t.month, t.day, t.hour,
                t.minute, t.second);
  std::string out = buf;
  if (offset == 0) return out + "Z";
  const int a = offset < 0 ? -offset : offset;
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset < 0 ? '-' : '+', a / 3600, (a % 3600) / 60);
  return out + buf;
}

std::optional<int64_t> ParseW3cDateTime(std::string_view s, const domain::TimeZone& tz) {
  domain::CivilTime t;
  if (!Digits(s, 0, 4, t.year) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, t.month) ||
      s[7] != '-' || !Digits(s, 8, 2, t.day)) {
    return std::nullopt;
  }
  if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > domain::DaysInMonth(t.year, t.month)) {
    return std::nullopt;
  }
  if (s.size() == 10) return tz.FromLocal(t) * 1000;
  size_t i = 10;
  if (s[i] != 'T' || !Digits(s, 11, 2, t.hour) || s.size() < 16 || s[13] != ':' ||
      !Digits(s, 14, 2, t.minute)) {
    return std::nullopt;
  }
  i = 16;
  if (i < s.size() && s[i] == ':') {
    if (!Digits(s, 17, 2, t.second)) return std::nullopt;
    i = 19;
    if (i < s.size() && s[i] == '.') {
      ++i;
      const size_t start = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      if (i == start) return std::nullopt;
    }
  }
  if (t.hour > 23 || t.minute > 59 || t.second > 59) return std::nullopt;
  int offset = 0;
  if (i < s.size() && s[i] == 'Z') {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh = 0;
    int om = 0;
    if (!Digits(s, i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' ||
        !Digits(s, i + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return std::nullopt;  // the spec requires the zone
  }
  if (i != s.size()) return std::nullopt;
  return (domain::SecondsFromCivil(t) - offset) * 1000;
}

const std::string& PostForm::Field(const std::string& name) const {
  static const std::string kEmpty;
  auto it = fields.find(name);
  return it == fields.end() ? kEmpty : it->second;
}

const std::string& PostForm::AttributeOf(const std::string& code) const {
  static const std::string kEmpty;
  auto it = attributes.find(code);
  return it == attributes.end() ? kEmpty : it->second;
}

PostForm ParseForm(std::string_view body) {
  PostForm form;
  while (!body.empty()) {
    const size_t amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::string key = PercentDecode(pair.substr(0, eq), /*plus_as_space=*/true);
    std::string value = eq == std::string_view::npos
                            ? std::string()
                            : PercentDecode(pair.substr(eq + 1), /*plus_as_space=*/true);
    constexpr std::string_view kAttr = "attribute[";
    if (key.rfind(kAttr, 0) == 0) {
      const size_t close = key.find(']', kAttr.size());
      if (close != std::string::npos && close > kAttr.size()) {
        form.attributes[key.substr(kAttr.size(), close - kAttr.size())] = std::move(value);
        continue;
      }
    }
    form.fields[std::move(key)] = std::move(value);
  }
  return form;
}

}  // namespace linli::web::open311
