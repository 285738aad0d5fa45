#include "bot/json.h"

#include <limits>
#include <string>

namespace linli {

using nlohmann::json;

StatusOr<json> ParseUntrustedJson(std::string_view body, int max_depth) {
  bool too_deep = false;
  // The callback's depth is the number of enclosing containers; a container starting at
  // depth d is at nesting level d + 1. Returning false drops the container (and everything
  // inside it is never built), so the DOM stays shallow while the lexer finishes the input.
  const json::parser_callback_t limit = [&too_deep, max_depth](int depth, json::parse_event_t event,
                                                               json& /*parsed*/) {
    if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) &&
        depth >= max_depth) {
      too_deep = true;
      return false;
    }
    return !too_deep;
  };
  json parsed;
  try {
    parsed = json::parse(body.begin(), body.end(), limit, /*allow_exceptions=*/false,
                         /*ignore_comments=*/false);
  } catch (const std::exception&) {
    // allow_exceptions=false covers parse errors; this guards size errors (out_of_range 408).
    return Status::InvalidArgument("malformed JSON");
  }
  if (too_deep) {
    return Status::InvalidArgument("JSON nested deeper than " + std::to_string(max_depth));
  }
  if (parsed.is_discarded()) return Status::InvalidArgument("malformed JSON");
  return parsed;
}

const json* FindMember(const json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(std::string(key));
  return it == obj.end() ? nullptr : &*it;
}

const json* FindObject(const json& obj, std::string_view key) {
  const json* v = FindMember(obj, key);
  return v != nullptr && v->is_object() ? v : nullptr;
}

const json* FindArray(const json& obj, std::string_view key) {
  const json* v = FindMember(obj, key);
  return v != nullptr && v->is_array() ? v : nullptr;
}

std::optional<std::string> GetString(const json& obj, std::string_view key) {
  const json* v = FindMember(obj, key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->get_ref<const std::string&>();
}

std::optional<int64_t> GetInt64(const json& obj, std::string_view key) {
  const json* v = FindMember(obj, key);
  if (v == nullptr) return std::nullopt;
  if (v->is_number_unsigned()) {
    const auto u = v->get<json::number_unsigned_t>();
    if (u > static_cast<json::number_unsigned_t>(std::numeric_limits<int64_t>::max())) {
      return std::nullopt;
    }
    return static_cast<int64_t>(u);
  }
  if (v->is_number_integer()) return v->get<json::number_integer_t>();
  return std::nullopt;
}

std::optional<bool> GetBool(const json& obj, std::string_view key) {
  const json* v = FindMember(obj, key);
  if (v == nullptr || !v->is_boolean()) return std::nullopt;
  return v->get<bool>();
}

std::optional<double> GetDouble(const json& obj, std::string_view key) {
  const json* v = FindMember(obj, key);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  return v->get<double>();
}

std::string DumpJson(const json& value) {
  return value.dump(-1, ' ', /*ensure_ascii=*/false, json::error_handler_t::replace);
}

}  // namespace linli
