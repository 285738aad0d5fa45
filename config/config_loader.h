// Loading and validating the configuration file (config/config.h is the contract).
//
// The file is JSON with // and /* */ comments. After parsing, every string VALUE (never a
// key) has `${NAME}` replaced by the environment variable NAME (NAME = [A-Za-z_][A-Za-z0-9_]*);
// `$${` stands for a literal `${`. Substitution happens on the parsed strings, so secrets
// containing quotes or backslashes are safe, and values are not re-scanned. A variable that
// is unset is an error naming the key path and the variable (an empty value is accepted; the
// adapters reject empty secrets). Only strings are substituted: numeric keys stay numbers.
//
// Validation is strict and collects every problem; each message names the key path:
//   /etc/linli.json: server.port: must be 0..65535 (got 70000)
//   /etc/linli.json: channels[1].name: duplicate "tg" (also channels[0])
// Wrong JSON types, unknown keys (in every fixed section, not only at the top level) and
// duplicate keys in one object are errors. Absent keys keep the defaults of config.h.
//
// Choices the contract leaves open, fixed here:
//   - locale: "zh-CN" and "en" are always accepted; any other well-formed tag (letters, digits
//     and '-') is accepted only if "<locale_dir>/<locale>.json" exists.
//   - locale_dir: absent -> "<directory of the config file>/locales" ("locales" if the path has
//     no directory part). A relative locale_dir is resolved against the config file's
//     directory too (not the cwd), so the file can be moved together with its locales.
//     storage.sqlite.path stays relative to the cwd, as documented in config.h.
//   - storage.sqlite.synchronous accepts FULL or NORMAL in any case and stores it upper-case.
//   - channels[] keys other than name/type/api_base go to ChannelConfig::fields: strings as
//     they are, integers in decimal, other numbers as JSON prints them, booleans as
//     "true"/"false"; null, objects and arrays are errors.
//   - staff[].channel may be "console" without a configured channel of that name.
//
// Thread-safety: the functions are reentrant; `getenv` is called from the calling thread.
#pragma once

#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "bot/status.h"
#include "config/config.h"

namespace linli::config {

using GetenvFn = std::function<const char*(const char*)>;

// What an unset ${NAME} means. kStrict (the default, `linli serve` and `chat`): an error
// naming the key ("<key path>: environment variable NAME is not set"), anywhere in the file.
// kChannelSecretsOptional (offline commands that never call a platform: agenda, roster,
// outbox, privacy, migrate): inside a `channels[]` entry it reads as "" - the channel is
// not used - and it is still an error everywhere else (storage, admin, ...).
enum class EnvPolicy { kStrict, kChannelSecretsOptional };

// Reads and parses `path`. NotFound if the file cannot be read (message names the path);
// otherwise as ParseConfig with source_path = path.
StatusOr<Config> LoadConfigFile(const std::string& path, const GetenvFn& getenv = ::getenv,
                                EnvPolicy policy = EnvPolicy::kStrict);

// Parses and validates `text`. `source_path` prefixes every message and locates the default
// locale_dir; it may be empty (then locale_dir defaults to "locales"). On success the result
// has source_path set and locale_dir resolved. InvalidArgument on a syntax error
// ("<source>:<line>:<col>: invalid JSON", column counted in characters; nothing of the text
// read is quoted, as it may be a secret) or on any validation error (one line per problem,
// "<source>: <key path>: <problem>"). admin.api_token, when not empty, needs at least 24
// characters other than whitespace.
StatusOr<Config> ParseConfig(std::string_view text, const std::string& source_path,
                             const GetenvFn& getenv = ::getenv,
                             EnvPolicy policy = EnvPolicy::kStrict);

// Parses JSON text with comments, rejecting duplicate keys within one object. Errors are
// InvalidArgument naming `source_path` and the line:column (syntax; never the text read) or
// key path (duplicate).
// Shared by the config loader and Texts (locale files); never throws.
StatusOr<nlohmann::json> ParseJsonWithComments(std::string_view text,
                                               const std::string& source_path);

// True for tags such as "zh-CN", "en", "zh-Hant-TW": 2..35 characters of letters, digits and
// single '-' separators, starting with a letter. Such a tag is safe as a file name.
bool IsWellFormedLocale(std::string_view locale);

}  // namespace linli::config
