#include "config/secret_check.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "config/config_loader.h"

namespace linli::config {
namespace {

using nlohmann::json;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Exactly "${NAME}" with NAME = [A-Za-z_][A-Za-z0-9_]* (what the loader substitutes whole).
bool IsEnvReference(std::string_view v) {
  if (v.size() < 4 || v.substr(0, 2) != "${" || v.back() != '}') return false;
  const std::string_view name = v.substr(2, v.size() - 3);
  const auto alpha = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; };
  if (!alpha(name.front())) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) {
    return alpha(c) || std::isdigit(static_cast<unsigned char>(c));
  });
}

void Walk(const json& j, const std::string& path, std::vector<std::string>& out) {
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      const std::string child = path.empty() ? key : path + "." + key;
      if (value.is_string() && IsSecretKeyName(key)) {
        const std::string& v = value.get_ref<const std::string&>();
        if (!v.empty() && !IsEnvReference(v)) out.push_back(child);
      } else {
        Walk(value, child, out);
      }
    }
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) Walk(j[i], path + "[" + std::to_string(i) + "]", out);
  }
}

}  // namespace

bool IsSecretKeyName(std::string_view key) {
  const std::string k = Lower(key);
  if (k == "key") return true;  // a WeCom group robot's webhook key (its only credential)
  for (const char* part : {"secret", "token", "password", "passwd"}) {
    if (k.find(part) != std::string::npos) return true;
  }
  for (const char* suffix : {"aes_key", "encrypt_key", "private_key", "api_key"}) {
    if (EndsWith(k, suffix)) return true;
  }
  return false;
}

StatusOr<std::vector<std::string>> LiteralSecretKeys(std::string_view text,
                                                     const std::string& source_path) {
  LINLI_ASSIGN_OR_RETURN(json root, ParseJsonWithComments(text, source_path));
  std::vector<std::string> out;
  Walk(root, "", out);
  return out;
}

bool ReadableByGroupOrOthers(unsigned st_mode) { return (st_mode & (S_IRGRP | S_IROTH)) != 0; }

}  // namespace linli::config
