// Safe JSON helpers for untrusted bodies (SECURITY.md "Parsers"): parsing without exceptions
// and with a depth limit, lookups that never use operator[] on a const value, and a dump that
// never throws. Shared by every JSON platform codec.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "bot/status.h"

namespace linli {

// Deepest nesting of objects/arrays accepted from the outside. Platform payloads need < 10.
inline constexpr int kDefaultMaxJsonDepth = 32;

// Parses `body` as one JSON value without throwing. Containers may nest at most `max_depth`
// levels (a top-level object is depth 1), so the result is always safe to copy and dump
// (nlohmann 3.11.2 recurses there, upstream #5387). Comments are not allowed.
// Errors: kInvalidArgument "malformed JSON" or "JSON nested deeper than N"; never logs the
// body. The parse is linear in the body size even when it is rejected for depth.
StatusOr<nlohmann::json> ParseUntrustedJson(std::string_view body,
                                            int max_depth = kDefaultMaxJsonDepth);

// Member lookups. Each returns nullptr / nullopt when `obj` is not an object, the key is
// missing, or the value has another type. Never throws.
const nlohmann::json* FindMember(const nlohmann::json& obj, std::string_view key);
const nlohmann::json* FindObject(const nlohmann::json& obj, std::string_view key);
const nlohmann::json* FindArray(const nlohmann::json& obj, std::string_view key);
std::optional<std::string> GetString(const nlohmann::json& obj, std::string_view key);
// Integers only (a float such as 1.5 or 1e3 is not one); unsigned values above INT64_MAX
// give nullopt.
std::optional<int64_t> GetInt64(const nlohmann::json& obj, std::string_view key);
std::optional<bool> GetBool(const nlohmann::json& obj, std::string_view key);
// Any number (integer or float).
std::optional<double> GetDouble(const nlohmann::json& obj, std::string_view key);

// dump() that never throws: invalid UTF-8 in strings is replaced with U+FFFD. Only for
// values the service built or that passed ParseUntrustedJson (bounded depth).
std::string DumpJson(const nlohmann::json& value);

}  // namespace linli
