#include "config/texts.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "config/config_loader.h"

namespace linli::config {
namespace {

using nlohmann::json;

bool IsPlaceholderChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

// Flattens `j` into `out` with dotted keys; appends one message per problem.
void Flatten(const json& j, const std::string& prefix, std::map<std::string, std::string,
             std::less<>>& out, std::vector<std::string>& errors) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& part = it.key();
    const std::string key = prefix.empty() ? part : prefix + "." + part;
    if (part.empty()) {
      errors.push_back(key + ": empty key");
    } else if (it->is_object()) {
      Flatten(*it, key, out, errors);
    } else if (!it->is_string()) {
      errors.push_back(key + ": must be a string or an object (got " +
                       std::string(it->type_name()) + ")");
    } else if (!out.emplace(key, it->get<std::string>()).second) {
      errors.push_back(key + ": defined twice");
    }
  }
}

StatusOr<std::map<std::string, std::string, std::less<>>> LoadFile(const std::string& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  std::error_code ec;
  if (!in || std::filesystem::is_directory(path, ec)) {
    const int err = errno;
    return Status::NotFound("cannot read locale file " + path + ": " +
                            (err != 0 ? std::strerror(err) : "not a file"));
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  LINLI_ASSIGN_OR_RETURN(json doc, ParseJsonWithComments(buf.str(), path));
  if (!doc.is_object()) {
    return Status::InvalidArgument(path + ": a locale file must be a JSON object");
  }
  std::map<std::string, std::string, std::less<>> table;
  std::vector<std::string> errors;
  Flatten(doc, "", table, errors);
  if (!errors.empty()) {
    std::string msg;
    for (const std::string& e : errors) msg += (msg.empty() ? "" : "\n") + path + ": " + e;
    return Status::InvalidArgument(std::move(msg));
  }
  return table;
}

}  // namespace

StatusOr<Texts> Texts::Load(const std::string& locale_dir,
                            const std::vector<std::string>& locales) {
  std::vector<std::string> wanted = locales;
  wanted.emplace_back(kFallbackLocale);
  Texts texts;
  for (const std::string& locale : wanted) {
    if (texts.tables_.count(locale) != 0) continue;
    if (!IsWellFormedLocale(locale)) {
      return Status::InvalidArgument("locale \"" + locale +
                                     "\" is not a well-formed tag (e.g. \"zh-CN\", \"en\")");
    }
    const std::string path = (std::filesystem::path(locale_dir) / (locale + ".json")).string();
    LINLI_ASSIGN_OR_RETURN(Table table, LoadFile(path));
    texts.tables_.emplace(locale, std::move(table));
    texts.paths_.emplace(locale, path);
  }
  return texts;
}

const std::string* Texts::Find(std::string_view locale, std::string_view key) const {
  auto t = tables_.find(locale);
  if (t == tables_.end()) return nullptr;
  auto it = t->second.find(key);
  return it == t->second.end() ? nullptr : &it->second;
}

std::string Texts::Get(std::string_view locale, std::string_view key,
                       const std::map<std::string, std::string>& args) const {
  const std::string* text = Find(locale, key);
  if (text == nullptr) text = Find(kFallbackLocale, key);
  if (text == nullptr) {
    // Appended, not `"[" + std::string(key)`: GCC 12 at -O3 inlines that operator+ into a
    // memcpy it wrongly reports as overlapping (-Werror=restrict, GCC bug 105329).
    std::string missing;
    missing.reserve(key.size() + 2);
    missing.append("[").append(key).append("]");
    return missing;
  }
  return Format(*text, args);
}

bool Texts::Has(std::string_view locale, std::string_view key) const {
  return Find(locale, key) != nullptr;
}

std::vector<std::string> Texts::locales() const {
  std::vector<std::string> out;
  for (const auto& [locale, table] : tables_) out.push_back(locale);
  return out;
}

std::vector<std::string> Texts::KeysWithPrefix(std::string_view locale,
                                               std::string_view prefix) const {
  std::vector<std::string> out;
  auto t = tables_.find(locale);
  if (t == tables_.end()) return out;
  for (auto it = t->second.lower_bound(prefix);
       it != t->second.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    out.push_back(it->first);
  }
  return out;
}

std::string Texts::path(std::string_view locale) const {
  auto it = paths_.find(locale);
  return it == paths_.end() ? std::string() : it->second;
}

Status Texts::CheckComplete(const std::vector<std::string>& required_keys) const {
  std::string msg;
  for (const auto& [locale, table] : tables_) {
    for (const std::string& key : required_keys) {
      if (table.count(key) != 0) continue;
      if (!msg.empty()) msg += "\n";
      msg += paths_.find(locale)->second + ": missing key \"" + key + "\"";
    }
  }
  if (msg.empty()) return Status::Ok();
  return Status::FailedPrecondition(std::move(msg));
}

std::string Texts::Format(std::string_view text, const std::map<std::string, std::string>& args) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      out += c;
      i += 2;
      continue;
    }
    if (c == '{') {
      size_t end = i + 1;
      while (end < text.size() && IsPlaceholderChar(text[end])) ++end;
      if (end > i + 1 && end < text.size() && text[end] == '}') {
        auto it = args.find(std::string(text.substr(i + 1, end - i - 1)));
        if (it != args.end()) {
          out += it->second;
        } else {
          out.append(text.substr(i, end - i + 1));
        }
        i = end + 1;
        continue;
      }
    }
    out += c;
    ++i;
  }
  return out;
}

}  // namespace linli::config
