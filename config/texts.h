// User-facing texts, one locale file per language: "<locale_dir>/<locale>.json".
//
// A locale file is a JSON object (comments allowed) of key -> text. Nested objects are
// flattened with dots: {"report": {"ask_category": "..."}} defines "report.ask_category".
// Every leaf must be a string; a key defined twice (also "a.b" next to {"a": {"b"}}) is an
// error. Texts may contain {name} placeholders (name = letters, digits, '_', '.', '-').
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bot/status.h"

namespace linli::config {

// Values for a text's {name} placeholders.
using TextArgs = std::map<std::string, std::string>;

class Texts {
 public:
  // The locale every lookup falls back to; always loaded.
  static constexpr std::string_view kFallbackLocale = "zh-CN";

  // An empty set: Get returns "[key]" for every key.
  Texts() = default;

  // Loads "<locale_dir>/<locale>.json" for each of `locales` and for kFallbackLocale (added if
  // absent; duplicates are ignored). NotFound naming the path if a file is missing or
  // unreadable; InvalidArgument naming the path (and line:column or key) if a file is not a
  // valid locale file or a locale name is not a well-formed tag (see IsWellFormedLocale).
  static StatusOr<Texts> Load(const std::string& locale_dir,
                              const std::vector<std::string>& locales);

  // The text for `key` in `locale` with placeholders filled from `args`. Fallback: a key
  // missing in `locale` (or an unknown locale) uses the kFallbackLocale text; a key missing
  // there too yields "[key]". See Format for the placeholder rules.
  std::string Get(std::string_view locale, std::string_view key,
                  const std::map<std::string, std::string>& args = {}) const;

  // True if `locale` itself defines `key` (no fallback).
  bool Has(std::string_view locale, std::string_view key) const;

  // The loaded locales, sorted.
  std::vector<std::string> locales() const;

  // The keys `locale` itself defines that start with `prefix`, sorted; empty for a locale
  // not loaded.
  std::vector<std::string> KeysWithPrefix(std::string_view locale, std::string_view prefix) const;

  // The file `locale` was loaded from; empty for a locale not loaded.
  std::string path(std::string_view locale) const;

  // OK if every loaded locale defines every key of `required_keys`; otherwise
  // FailedPrecondition listing each missing "<locale file>: missing key "<key>"", one per line.
  Status CheckComplete(const std::vector<std::string>& required_keys) const;

  // Replaces each {name} with args[name]; a placeholder without an argument is left as-is,
  // "{{" gives "{" and "}}" gives "}". Argument values are inserted verbatim (not re-scanned).
  static std::string Format(std::string_view text, const std::map<std::string, std::string>& args);

  // Thread-safety: immutable after Load; all const members may be called concurrently.

 private:
  using Table = std::map<std::string, std::string, std::less<>>;
  const std::string* Find(std::string_view locale, std::string_view key) const;

  std::map<std::string, Table, std::less<>> tables_;   // locale -> key -> text
  std::map<std::string, std::string, std::less<>> paths_;  // locale -> file, for messages
};

}  // namespace linli::config
