// Open311 GeoReport v2 (issue 12 point 5; the facts and their sources in docs/open311.md): the
// pure mapping between the spec's documents and plain structs - rendering each resource and
// the error array as XML (the spec's required format) or JSON (its Spark-convention mirror),
// reading the resource name's format extension, W3C date-times and the POST form.
//
// Rendering never fails: every text is first made valid UTF-8 without the characters XML 1.0
// forbids (C0 controls but tab, LF and CR; U+FFFE, U+FFFF; invalid bytes become U+FFFD), the
// same in both formats; XML escapes & < > " ' in every text. Ids and codes are strings in both
// formats (the spec's examples show bare numbers; its text calls them unique identifiers).
// An optional field left unset (std::nullopt) is left out of both formats. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/http.h"
#include "domain/common/time_zone.h"

namespace linli::web::open311 {

enum class Format { kXml, kJson };

// "requests.json" -> {"requests", kJson}; "services.xml" -> {"services", kXml}; nullopt for a
// segment without one of those two extensions (a client asking for ".csv" or nothing).
struct ResourceName {
  std::string name;
  Format format = Format::kXml;
};
std::optional<ResourceName> SplitFormat(std::string_view segment);
// The format an answer about `segment` is written in when SplitFormat refuses it: JSON when
// it ends in ".json", else XML (the required format).
Format FallbackFormat(std::string_view segment);

// The spec's error: `code` is the HTTP status (403, 404, 400).
struct Error {
  int code = 400;
  std::string description;
};

struct Endpoint {
  std::string specification = "http://wiki.open311.org/GeoReport_v2";
  std::string url;
  std::string changeset;
  std::string type = "production";  // production | test
  std::vector<std::string> formats = {"text/xml", "application/json"};
};

struct Discovery {
  std::string changeset;
  std::string contact;
  std::string key_service;
  std::vector<Endpoint> endpoints;
};

struct Service {
  std::string service_code;
  std::string service_name;
  std::string description;
  bool metadata = true;             // there is a service definition to read
  std::string type = "realtime";    // the id is returned at once
  std::string keywords;             // comma separated
  std::string group;
};

struct AttributeValue {
  std::string key;
  std::string name;
};

struct Attribute {
  bool variable = true;
  std::string code;
  std::string datatype;  // string | number | datetime | text | singlevaluelist | multivaluelist
  bool required = false;
  std::optional<std::string> datatype_description;  // JSON null / empty element when unset
  int order = 1;
  std::string description;
  std::vector<AttributeValue> values;  // for the list datatypes; no <values> when empty
};

struct ServiceDefinition {
  std::string service_code;
  std::vector<Attribute> attributes;
};

struct ServiceRequest {
  std::string service_request_id;
  std::string status;  // open | closed
  std::optional<std::string> status_notes;
  std::string service_name;
  std::string service_code;
  std::optional<std::string> description;
  std::optional<std::string> agency_responsible;
  std::optional<std::string> service_notice;
  std::string requested_datetime;
  std::string updated_datetime;
  std::optional<std::string> expected_datetime;
  std::string address;
};

// The answer to a POST: account_id is always null (Linli keeps no accounts for clients).
struct CreatedRequest {
  std::string service_request_id;
  std::optional<std::string> service_notice;
};

std::string RenderDiscovery(const Discovery& d, Format f);
std::string RenderServices(const std::vector<Service>& services, Format f);
std::string RenderServiceDefinition(const ServiceDefinition& d, Format f);
std::string RenderRequests(const std::vector<ServiceRequest>& requests, Format f);
std::string RenderCreated(const std::vector<CreatedRequest>& created, Format f);
std::string RenderErrors(const std::vector<Error>& errors, Format f);

// `body` as an HTTP answer: Content-Type "text/xml; charset=utf-8" or "application/json;
// charset=utf-8", X-Content-Type-Options: nosniff, Cache-Control: no-store.
HttpResponse Respond(int status, Format f, std::string body);
// RenderErrors of the one error {status, description} answered with HTTP `status`.
HttpResponse ErrorResponse(int status, Format f, std::string description);

// `text` as valid UTF-8 without the characters XML 1.0 forbids (see the top). Public for tests.
std::string CleanText(std::string_view text);
// `text` (CleanText first) with & < > " ' as character references.
std::string XmlEscape(std::string_view text);

// "2026-12-01T18:05:09+08:00" for the instant `unix_ms` (seconds truncated) in `tz` ("Z" for an
// offset of zero).
std::string FormatW3cDateTime(int64_t unix_ms, const domain::TimeZone& tz);
// The instant (epoch ms) of a W3C date-time: "YYYY-MM-DD" (midnight in `tz`), or
// "YYYY-MM-DDThh:mm[:ss[.s+]]" followed by "Z" or "+hh:mm"/"-hh:mm" (the spec requires the
// zone). nullopt for anything else, including impossible dates (2026-02-30) and times.
std::optional<int64_t> ParseW3cDateTime(std::string_view text, const domain::TimeZone& tz);

// An application/x-www-form-urlencoded body ('+' is a space): `attribute[code]=v` pairs go
// to `attributes` by code (for multivaluelist's `attribute[code][]` the last value wins),
// everything else to `fields`. A later duplicate wins.
struct PostForm {
  std::map<std::string, std::string> fields;
  std::map<std::string, std::string> attributes;
  const std::string& Field(const std::string& name) const;  // "" when absent
  const std::string& AttributeOf(const std::string& code) const;  // "" when absent
};
PostForm ParseForm(std::string_view body);

}  // namespace linli::web::open311
