#include "config/config_loader.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace linli::config {
namespace {

using nlohmann::json;

constexpr int64_t kKiB = 1024;
constexpr int64_t kMiB = 1024 * kKiB;

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// "a" + "b" -> "a.b"; "" + "b" -> "b".
std::string Join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string Index(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// Prefixes each line of `errors` with the source path.
Status Invalid(const std::string& source_path, const std::vector<std::string>& errors) {
  std::string msg;
  for (const std::string& e : errors) {
    if (!msg.empty()) msg += "\n";
    if (!source_path.empty()) msg += source_path + ": ";
    msg += e;
  }
  return Status::InvalidArgument(std::move(msg));
}

// 1-based line and column (in UTF-8 characters) of the byte at `offset`.
std::pair<size_t, size_t> LineColumn(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      col = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++col;
    }
  }
  return {line, col};
}

// Tracks the key path during a SAX-callback parse to report duplicate keys, which nlohmann
// would otherwise resolve silently to the last value.
class DuplicateKeyTracker {
 public:
  bool OnEvent(json::parse_event_t event, const json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        stack_.push_back(Frame{false, 0, {}, {}});
        break;
      case json::parse_event_t::array_start:
        stack_.push_back(Frame{true, 0, {}, {}});
        break;
      case json::parse_event_t::key: {
        Frame& f = stack_.back();
        f.key = parsed.get<std::string>();
        if (!f.keys.insert(f.key).second) {
          errors_.push_back(CurrentPath() + ": duplicate key");
        }
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        stack_.pop_back();
        ElementDone();
        break;
      case json::parse_event_t::value:
        ElementDone();
        break;
    }
    return true;
  }

  const std::vector<std::string>& errors() const { return errors_; }

 private:
  struct Frame {
    bool is_array;
    size_t index;
    std::string key;
    std::set<std::string> keys;
  };

  void ElementDone() {
    if (!stack_.empty() && stack_.back().is_array) ++stack_.back().index;
  }

  std::string CurrentPath() const {
    std::string path;
    for (const Frame& f : stack_) {
      path = f.is_array ? Index(path, f.index) : Join(path, f.key);
    }
    return path;
  }

  std::vector<Frame> stack_;
  std::vector<std::string> errors_;
};

const char* TypeName(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "object";
    case json::value_t::array: return "array";
    case json::value_t::string: return "string";
    case json::value_t::boolean: return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "integer";
    case json::value_t::number_float: return "number";
    default: return "invalid value";
  }
}

// "string", "integer 5", "boolean true": what a value is, for type errors. String contents are
// not echoed (the value may be a substituted secret).
std::string Describe(const json& j) {
  if (j.is_number() || j.is_boolean()) return std::string(TypeName(j)) + " " + j.dump();
  return TypeName(j);
}

bool IsValidEnvName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!(alpha || (i > 0 && digit))) return false;
  }
  return true;
}

// Expands ${NAME} and $${ in one string; nullopt after recording an error.
// With `unset_is_empty` an unset variable expands to "" (channel secrets for offline
// commands, EnvPolicy::kChannelSecretsOptional).
std::optional<std::string> Expand(const std::string& in, const std::string& path,
                                  const GetenvFn& getenv, bool unset_is_empty,
                                  std::vector<std::string>& errors) {
  if (in.find("${") == std::string::npos) return in;
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size();) {
    if (in.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 3;
    } else if (in.compare(i, 2, "${") == 0) {
      const size_t close = in.find('}', i + 2);
      if (close == std::string::npos) {
        errors.push_back(path + ": unterminated \"${\" (write \"$${\" for a literal \"${\")");
        return std::nullopt;
      }
      const std::string name = in.substr(i + 2, close - i - 2);
      if (!IsValidEnvName(name)) {
        errors.push_back(path + ": invalid environment variable name " + Quote(name) +
                         " in \"${...}\" (write \"$${\" for a literal \"${\")");
        return std::nullopt;
      }
      const char* value = getenv ? getenv(name.c_str()) : nullptr;
      if (value == nullptr && unset_is_empty) value = "";
      if (value == nullptr) {
        errors.push_back(path + ": environment variable " + name + " is not set");
        return std::nullopt;
      }
      out += value;
      i = close + 1;
    } else {
      out += in[i];
      ++i;
    }
  }
  return out;
}

void SubstituteEnv(json& j, const std::string& path, const GetenvFn& getenv, EnvPolicy policy,
                   std::vector<std::string>& errors) {
  if (j.is_string()) {
    // "channels[3].secret": inside a channel entry.
    const bool in_channel = path.rfind("channels[", 0) == 0;
    std::optional<std::string> expanded =
        Expand(j.get_ref<const std::string&>(), path, getenv,
               in_channel && policy == EnvPolicy::kChannelSecretsOptional, errors);
    if (expanded) j = std::move(*expanded);
  } else if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      SubstituteEnv(it.value(), Join(path, it.key()), getenv, policy, errors);
    }
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) SubstituteEnv(j[i], Index(path, i), getenv, policy, errors);
  }
}

size_t ByteEditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

bool IsIdChar(char c, bool allow_dash) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (allow_dash && c == '-');
}

bool IsId(std::string_view s, size_t max_len, bool allow_dash) {
  if (s.empty() || s.size() > max_len) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return IsIdChar(c, allow_dash); });
}

std::string Upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

std::string OneOf(std::initializer_list<std::string_view> allowed) {
  std::string s;
  for (std::string_view a : allowed) {
    if (!s.empty()) s += "|";
    s += a;
  }
  return s;
}

// Reads typed values out of the parsed document, recording one error per problem.
class Decoder {
 public:
  std::vector<std::string> errors;

  void Error(const std::string& path, const std::string& problem) {
    errors.push_back(path + ": " + problem);
  }

  // Reports keys of `obj` (at `path`) not in `known`, suggesting the closest known key.
  void CheckKeys(const json& obj, const std::string& path,
                 std::initializer_list<std::string_view> known) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      const std::string& key = it.key();
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      std::string_view best;
      size_t best_distance = 3;  // suggest only close matches
      for (std::string_view k : known) {
        const size_t d = ByteEditDistance(key, k);
        if (d < best_distance) {
          best_distance = d;
          best = k;
        }
      }
      std::string problem = "unknown key";
      if (!best.empty()) problem += " (did you mean " + Quote(best) + "?)";
      Error(Join(path, key), problem);
    }
  }

  // The object at obj[key], nullptr if absent or not an object (the latter reported).
  const json* Section(const json& obj, const std::string& path, std::string_view key,
                      std::initializer_list<std::string_view> known) {
    const json* j = Find(obj, key);
    if (j == nullptr) return nullptr;
    if (!j->is_object()) {
      Error(Join(path, key), "must be an object (got " + Describe(*j) + ")");
      return nullptr;
    }
    CheckKeys(*j, Join(path, key), known);
    return j;
  }

  // The array at obj[key], nullptr if absent or not an array (the latter reported).
  const json* Array(const json& obj, const std::string& path, std::string_view key) {
    const json* j = Find(obj, key);
    if (j == nullptr) return nullptr;
    if (!j->is_array()) {
      Error(Join(path, key), "must be an array (got " + Describe(*j) + ")");
      return nullptr;
    }
    return j;
  }

  static const json* Find(const json& obj, std::string_view key) {
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }

  template <typename Int>
  void Integer(const json& obj, const std::string& path, std::string_view key, Int& out,
               int64_t min, int64_t max) {
    const json* j = Find(obj, key);
    if (j == nullptr) return;
    const std::string p = Join(path, key);
    if (!j->is_number_integer()) {
      Error(p, "must be an integer (got " + Describe(*j) + ")");
      return;
    }
    const std::string range = std::to_string(min) + ".." + std::to_string(max);
    if (j->is_number_unsigned() &&
        j->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      Error(p, "must be " + range + " (got " + j->dump() + ")");
      return;
    }
    const int64_t v = j->get<int64_t>();
    if (v < min || v > max) {
      Error(p, "must be " + range + " (got " + std::to_string(v) + ")");
      return;
    }
    out = static_cast<Int>(v);
  }

  // Returns false (after reporting) if present with the wrong type.
  bool String(const json& obj, const std::string& path, std::string_view key, std::string& out,
              bool non_empty) {
    const json* j = Find(obj, key);
    if (j == nullptr) return true;
    if (!j->is_string()) {
      Error(Join(path, key), "must be a string (got " + Describe(*j) + ")");
      return false;
    }
    if (non_empty && j->get_ref<const std::string&>().empty()) {
      Error(Join(path, key), "must not be empty");
      return false;
    }
    out = j->get<std::string>();
    return true;
  }

  // A string that must be present and non-empty.
  bool RequiredString(const json& obj, const std::string& path, std::string_view key,
                      std::string& out) {
    if (Find(obj, key) == nullptr) {
      Error(Join(path, key), "is required");
      return false;
    }
    return String(obj, path, key, out, /*non_empty=*/true);
  }

  void Bool(const json& obj, const std::string& path, std::string_view key, bool& out) {
    const json* j = Find(obj, key);
    if (j == nullptr) return;
    if (!j->is_boolean()) {
      Error(Join(path, key), "must be true or false (got " + Describe(*j) + ")");
      return;
    }
    out = j->get<bool>();
  }

  void Enum(const json& obj, const std::string& path, std::string_view key, std::string& out,
            std::initializer_list<std::string_view> allowed) {
    std::string v = out;
    if (!String(obj, path, key, v, /*non_empty=*/false)) return;
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
      Error(Join(path, key), "must be one of " + OneOf(allowed) + " (got " + Quote(v) + ")");
      return;
    }
    out = v;
  }
};


void DecodeServer(Decoder& d, const json& root, ServerConfig& s) {
  const json* j = d.Section(root, "", "server",
                            {"host", "port", "max_body_bytes", "max_header_bytes",
                             "request_timeout_ms", "max_connections"});
  if (j == nullptr) return;
  d.String(*j, "server", "host", s.host, /*non_empty=*/true);
  d.Integer(*j, "server", "port", s.port, 0, 65535);
  d.Integer(*j, "server", "max_body_bytes", s.max_body_bytes, kKiB, 64 * kMiB);
  d.Integer(*j, "server", "max_header_bytes", s.max_header_bytes, kKiB, kMiB);
  d.Integer(*j, "server", "request_timeout_ms", s.request_timeout_ms, 1, 3600 * 1000);
  d.Integer(*j, "server", "max_connections", s.max_connections, 1, 1000000);
}

bool IsPlainIdentifier(const std::string& s, size_t max) {
  if (s.empty() || s.size() > max) return false;
  auto alpha = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; };
  if (!alpha(s[0])) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return alpha(c) || std::isdigit(static_cast<unsigned char>(c));
  });
}

void DecodePostgresql(Decoder& d, const json& storage, PostgresqlConfig& p) {
  const json* j = d.Section(storage, "storage", "postgresql",
                            {"dsn", "schema", "statement_timeout_ms"});
  if (j == nullptr) return;
  d.String(*j, "storage.postgresql", "dsn", p.dsn, /*non_empty=*/false);
  std::string schema = p.schema;
  if (d.String(*j, "storage.postgresql", "schema", schema, /*non_empty=*/false)) {
    if (schema.empty() || IsPlainIdentifier(schema, 63)) {
      p.schema = schema;
    } else {
      d.Error("storage.postgresql.schema",
              "must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*, at most 63 characters; got " +
                  Quote(schema) + ")");
    }
  }
  d.Integer(*j, "storage.postgresql", "statement_timeout_ms", p.statement_timeout_ms, 0,
            3600 * 1000);
}

void DecodeStorage(Decoder& d, const json& root, StorageConfig& s) {
  const json* j = d.Section(root, "", "storage",
                            {"backend", "sqlite", "postgresql", "group_commit_max_batch"});
  if (j == nullptr) return;
  std::string backend = s.backend;
  if (d.String(*j, "storage", "backend", backend, /*non_empty=*/false)) {
    if (backend == "sqlite" || backend == "postgresql") {
      s.backend = backend;
    } else if (backend == "postgres") {
      d.Error("storage.backend", "must be \"sqlite\" or \"postgresql\" (got \"postgres\"; did you "
                                 "mean \"postgresql\"?)");
    } else {
      d.Error("storage.backend", "must be \"sqlite\" or \"postgresql\" (got " + Quote(backend) + ")");
    }
  }
  d.Integer(*j, "storage", "group_commit_max_batch", s.group_commit_max_batch, 1, 100000);
  DecodePostgresql(d, *j, s.postgresql);
  if (s.backend == "postgresql" && s.postgresql.dsn.empty()) {
    d.Error("storage.postgresql.dsn",
            "is required with storage.backend \"postgresql\" (a libpq connection string, "
            "usually \"${LINLI_PG_DSN}\")");
  }
  const json* q = d.Section(*j, "storage", "sqlite", {"path", "synchronous", "busy_timeout_ms"});
  if (q == nullptr) return;
  d.String(*q, "storage.sqlite", "path", s.sqlite.path, /*non_empty=*/true);
  std::string sync = s.sqlite.synchronous;
  if (d.String(*q, "storage.sqlite", "synchronous", sync, /*non_empty=*/false)) {
    sync = Upper(sync);
    if (sync == "FULL" || sync == "NORMAL") {
      s.sqlite.synchronous = sync;
    } else if (sync == "OFF") {
      d.Error("storage.sqlite.synchronous",
              "OFF can lose acknowledged webhooks on a crash; use FULL or NORMAL");
    } else {
      d.Error("storage.sqlite.synchronous",
              "must be FULL or NORMAL (got " + Quote(sync) + ")");
    }
  }
  d.Integer(*q, "storage.sqlite", "busy_timeout_ms", s.sqlite.busy_timeout_ms, 0, 600 * 1000);
}

std::string FieldValue(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  return v.dump();  // float
}

bool IsMenuKeyChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == ':' || c == '-';
}

bool HasControlChar(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

// One button of channels[i].menu (config.h MenuButton); `top` allows sub_buttons.
void DecodeMenuButton(Decoder& d, const json& b, const std::string& path, bool top,
                      MenuButton& out) {
  if (!b.is_object()) {
    d.Error(path, "must be an object (got " + Describe(b) + ")");
    return;
  }
  if (top) {
    d.CheckKeys(b, path, {"name", "command", "key", "url", "sub_buttons"});
  } else {
    d.CheckKeys(b, path, {"name", "command", "key", "url"});
  }
  if (d.RequiredString(b, path, "name", out.name) && HasControlChar(out.name)) {
    d.Error(path + ".name", "must be one line without control characters");
  }
  d.String(b, path, "command", out.command, /*non_empty=*/true);
  d.String(b, path, "key", out.key, /*non_empty=*/true);
  d.String(b, path, "url", out.url, /*non_empty=*/true);
  const json* subs = top ? d.Array(b, path, "sub_buttons") : nullptr;
  const int kinds = (Decoder::Find(b, "command") != nullptr) + (Decoder::Find(b, "url") != nullptr) +
                    (subs != nullptr);
  if (kinds != 1) {
    d.Error(path, top ? "needs exactly one of command (a click button), url (a page) or "
                        "sub_buttons (a group)"
                      : "needs exactly one of command (a click button) or url (a page)");
    return;
  }
  if (!out.command.empty() && HasControlChar(out.command)) {
    d.Error(path + ".command", "must be one line without control characters");
  }
  if (Decoder::Find(b, "key") != nullptr && Decoder::Find(b, "command") == nullptr) {
    d.Error(path + ".key", "only a click button (with a command) has a key");
  } else if (!out.key.empty() && !std::all_of(out.key.begin(), out.key.end(), IsMenuKeyChar)) {
    d.Error(path + ".key", "must be A-Z a-z 0-9 _ . : - (got " + Quote(out.key) + ")");
  }
  if (!out.command.empty() && out.key.empty()) out.key = DefaultMenuKey(out.command);
  if (subs != nullptr) {
    for (size_t i = 0; i < subs->size(); ++i) {
      MenuButton sub;
      DecodeMenuButton(d, (*subs)[i], Index(path + ".sub_buttons", i), /*top=*/false, sub);
      out.sub_buttons.push_back(std::move(sub));
    }
  }
}

// channels[i].menu: the buttons in order. Counts and byte limits are the platform's
// (config_check.h); here the shape, and that one key means one command.
void DecodeMenu(Decoder& d, const json& m, const std::string& path, std::vector<MenuButton>& out) {
  if (!m.is_array()) {
    d.Error(path, "must be an array of buttons (got " + Describe(m) + ")");
    return;
  }
  for (size_t i = 0; i < m.size(); ++i) {
    MenuButton b;
    DecodeMenuButton(d, m[i], Index(path, i), /*top=*/true, b);
    out.push_back(std::move(b));
  }
  std::map<std::string, std::pair<std::string, std::string>> keys;  // key -> (command, path)
  auto note = [&](const MenuButton& b, const std::string& at) {
    if (b.command.empty()) return;
    auto [it, inserted] = keys.emplace(b.key, std::make_pair(b.command, at));
    if (!inserted && it->second.first != b.command) {
      d.Error(at + ".key", Quote(b.key) + " is also the key of " + it->second.second +
                               ", which runs another command");
    }
  };
  for (size_t i = 0; i < out.size(); ++i) {
    note(out[i], Index(path, i));
    for (size_t j = 0; j < out[i].sub_buttons.size(); ++j) {
      note(out[i].sub_buttons[j], Index(Index(path, i) + ".sub_buttons", j));
    }
  }
}

// After web: a menu url written as a path ("/board") is a page of web.public_url; any other
// must be https:// or a page of web.public_url (an http:// public_url is for local tests).
void ResolveMenuUrls(Decoder& d, const std::string& public_url, std::vector<ChannelConfig>& channels) {
  auto resolve = [&](MenuButton& b, const std::string& at) {
    if (b.url.empty()) return;
    if (b.url[0] == '/') {
      if (public_url.empty()) {
        d.Error(at + ".url", "a path (" + Quote(b.url) + ") needs web.public_url");
        return;
      }
      b.url = public_url + b.url;
    }
    const bool board = !public_url.empty() &&
                       (b.url == public_url || b.url.rfind(public_url + "/", 0) == 0);
    if (!board && (b.url.rfind("https://", 0) != 0 || b.url.size() <= 8)) {
      d.Error(at + ".url", "must be an https:// URL or a page of web.public_url (got " +
                               Quote(b.url) + ")");
    } else if (std::any_of(b.url.begin(), b.url.end(), [](char c) {
                 return c == ' ' || c == '"' || static_cast<unsigned char>(c) < 0x20;
               })) {
      d.Error(at + ".url", "must not contain spaces, quotes or control characters");
    }
  };
  for (size_t c = 0; c < channels.size(); ++c) {
    const std::string path = Index("channels", c) + ".menu";
    for (size_t i = 0; i < channels[c].menu.size(); ++i) {
      MenuButton& b = channels[c].menu[i];
      resolve(b, Index(path, i));
      for (size_t j = 0; j < b.sub_buttons.size(); ++j) {
        resolve(b.sub_buttons[j], Index(Index(path, i) + ".sub_buttons", j));
      }
    }
  }
}

void DecodeChannels(Decoder& d, const json& root, std::vector<ChannelConfig>& channels) {
  const json* arr = d.Array(root, "", "channels");
  if (arr == nullptr) return;
  std::map<std::string, size_t> seen;  // name -> index
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string path = Index("channels", i);
    const json& c = (*arr)[i];
    if (!c.is_object()) {
      d.Error(path, "must be an object (got " + Describe(c) + ")");
      continue;
    }
    ChannelConfig ch;
    if (d.RequiredString(c, path, "name", ch.name)) {
      if (!IsId(ch.name, 32, /*allow_dash=*/true)) {
        d.Error(path + ".name", "must be 1-32 characters of a-z 0-9 _ - (got " +
                                    Quote(ch.name) + ")");
      } else if (auto [it, inserted] = seen.emplace(ch.name, i); !inserted) {
        d.Error(path + ".name", "duplicate " + Quote(ch.name) + " (also " +
                                    Index("channels", it->second) + ")");
      }
    }
    if (d.RequiredString(c, path, "type", ch.type) && !IsId(ch.type, 64, /*allow_dash=*/false)) {
      d.Error(path + ".type", "must be a-z 0-9 _ (got " + Quote(ch.type) + ")");
    }
    if (d.String(c, path, "api_base", ch.api_base, /*non_empty=*/false)) {
      const std::string& a = ch.api_base;
      const bool http = a.rfind("http://", 0) == 0 && a.size() > 7;
      const bool https = a.rfind("https://", 0) == 0 && a.size() > 8;
      if (Decoder::Find(c, "api_base") != nullptr && !http && !https) {
        d.Error(path + ".api_base", "must start with http:// or https:// (got " + Quote(a) + ")");
      }
    }
    for (auto it = c.begin(); it != c.end(); ++it) {
      const std::string& key = it.key();
      if (key == "name" || key == "type" || key == "api_base") continue;
      const json& v = it.value();
      if (key == "menu") {
        DecodeMenu(d, v, Join(path, key), ch.menu);
        continue;
      }
      if (v.is_object() || v.is_array() || v.is_null()) {
        d.Error(Join(path, key), "must be a string, number or boolean (got " + Describe(v) + ")");
        continue;
      }
      ch.fields[key] = FieldValue(v);
    }
    channels.push_back(std::move(ch));
  }
}

void DecodeCompound(Decoder& d, const json& root, CompoundConfig& compound) {
  const json* j = d.Section(root, "", "compound", {"name", "buildings", "places"});
  if (j == nullptr) return;
  d.String(*j, "compound", "name", compound.name, /*non_empty=*/true);
  const json* arr = d.Array(*j, "compound", "buildings");
  if (arr == nullptr) return;
  std::map<std::string, size_t> ids;
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string path = Index("compound.buildings", i);
    const json& b = (*arr)[i];
    if (!b.is_object()) {
      d.Error(path, "must be an object (got " + Describe(b) + ")");
      continue;
    }
    d.CheckKeys(b, path, {"id", "units"});
    Building building;
    if (d.RequiredString(b, path, "id", building.id)) {
      if (auto [it, inserted] = ids.emplace(building.id, i); !inserted) {
        d.Error(path + ".id", "duplicate " + Quote(building.id) + " (also " +
                                  Index("compound.buildings", it->second) + ")");
      }
    }
    const json* units = Decoder::Find(b, "units");
    if (units == nullptr || !units->is_array() || units->empty()) {
      d.Error(path + ".units", units == nullptr || units->is_array()
                                   ? "must be a non-empty array"
                                   : "must be a non-empty array (got " + Describe(*units) + ")");
    } else {
      std::set<std::string> seen;
      for (size_t u = 0; u < units->size(); ++u) {
        const std::string upath = Index(path + ".units", u);
        const json& unit = (*units)[u];
        if (!unit.is_string()) {
          d.Error(upath, "must be a string (got " + Describe(unit) + ")");
        } else if (unit.get_ref<const std::string&>().empty()) {
          d.Error(upath, "must not be empty");
        } else if (!seen.insert(unit.get<std::string>()).second) {
          d.Error(upath, "duplicate " + Quote(unit.get<std::string>()));
        } else {
          building.units.push_back(unit.get<std::string>());
        }
      }
    }
    compound.buildings.push_back(std::move(building));
  }
  const json* places = Decoder::Find(*j, "places");
  if (places == nullptr) return;
  if (!places->is_array()) {
    d.Error("compound.places", "must be an array (got " + Describe(*places) + ")");
    return;
  }
  std::map<std::string, size_t> place_ids;
  std::map<std::string, size_t> labels;
  for (size_t i = 0; i < places->size(); ++i) {
    const std::string path = Index("compound.places", i);
    const json& p = (*places)[i];
    if (!p.is_object()) {
      d.Error(path, "must be an object (got " + Describe(p) + ")");
      continue;
    }
    d.CheckKeys(p, path, {"id", "label"});
    Place place;
    if (d.RequiredString(p, path, "id", place.id)) {
      if (auto [it, inserted] = place_ids.emplace(place.id, i); !inserted) {
        d.Error(path + ".id", "duplicate " + Quote(place.id) + " (also " +
                                  Index("compound.places", it->second) + ")");
      }
    }
    if (d.RequiredString(p, path, "label", place.label)) {
      if (auto [it, inserted] = labels.emplace(place.label, i); !inserted) {
        d.Error(path + ".label", "duplicate " + Quote(place.label) + " (also " +
                                     Index("compound.places", it->second) + ")");
      }
    }
    compound.places.push_back(std::move(place));
  }
}

void DecodeStaff(Decoder& d, const json& root, const std::vector<ChannelConfig>& channels,
                 std::vector<StaffMember>& staff) {
  const json* arr = d.Array(root, "", "staff");
  if (arr == nullptr) return;
  std::map<std::pair<std::string, std::string>, size_t> seen;
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string path = Index("staff", i);
    const json& s = (*arr)[i];
    if (!s.is_object()) {
      d.Error(path, "must be an object (got " + Describe(s) + ")");
      continue;
    }
    d.CheckKeys(s, path, {"channel", "user_id", "name", "tier", "role"});
    StaffMember m;
    if (d.RequiredString(s, path, "channel", m.channel) && m.channel != "console" &&
        std::none_of(channels.begin(), channels.end(),
                     [&](const ChannelConfig& c) { return c.name == m.channel; })) {
      d.Error(path + ".channel",
              "no channel named " + Quote(m.channel) + " (configure it in channels, or use \"console\")");
    }
    if (d.RequiredString(s, path, "user_id", m.user_id)) {
      if (auto [it, inserted] = seen.emplace(std::make_pair(m.channel, m.user_id), i); !inserted) {
        d.Error(path + ".user_id", "duplicate staff member (also " + Index("staff", it->second) + ")");
      }
    }
    d.String(s, path, "name", m.name, /*non_empty=*/false);
    d.Enum(s, path, "tier", m.tier, {"grid", "property", "community", "street"});
    d.Enum(s, path, "role", m.role, {"staff", "admin"});
    staff.push_back(std::move(m));
  }
}

void DecodeVolunteers(Decoder& d, const json& root, const std::vector<ChannelConfig>& channels,
                      std::vector<VolunteerMember>& volunteers) {
  const json* arr = d.Array(root, "", "volunteers");
  if (arr == nullptr) return;
  std::map<std::pair<std::string, std::string>, size_t> seen;
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string path = Index("volunteers", i);
    const json& v = (*arr)[i];
    if (!v.is_object()) {
      d.Error(path, "must be an object (got " + Describe(v) + ")");
      continue;
    }
    d.CheckKeys(v, path, {"channel", "user_id", "name", "organisation"});
    VolunteerMember m;
    if (d.RequiredString(v, path, "channel", m.channel) && m.channel != "console" &&
        std::none_of(channels.begin(), channels.end(),
                     [&](const ChannelConfig& c) { return c.name == m.channel; })) {
      d.Error(path + ".channel",
              "no channel named " + Quote(m.channel) + " (configure it in channels, or use \"console\")");
    }
    if (d.RequiredString(v, path, "user_id", m.user_id)) {
      if (auto [it, inserted] = seen.emplace(std::make_pair(m.channel, m.user_id), i); !inserted) {
        d.Error(path + ".user_id",
                "duplicate volunteer (also " + Index("volunteers", it->second) + ")");
      }
    }
    d.RequiredString(v, path, "name", m.name);
    d.String(v, path, "organisation", m.organisation, /*non_empty=*/false);
    volunteers.push_back(std::move(m));
  }
}

void DecodePoints(Decoder& d, const json& root, PointsConfig& points) {
  const json* j = d.Section(root, "", "points", {"catalogue", "exchange_day", "leaderboard_size"});
  if (j == nullptr) return;
  d.Integer(*j, "points", "exchange_day", points.exchange_day, 1, 28);
  d.Integer(*j, "points", "leaderboard_size", points.leaderboard_size, 1, 100);
  const json* arr = d.Array(*j, "points", "catalogue");
  if (arr == nullptr) return;
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string path = Index("points.catalogue", i);
    const json& c = (*arr)[i];
    if (!c.is_object()) {
      d.Error(path, "must be an object (got " + Describe(c) + ")");
      continue;
    }
    d.CheckKeys(c, path, {"id", "label", "label_key", "cost", "stock"});
    CatalogueItem item;
    if (d.RequiredString(c, path, "id", item.id)) {
      if (!IsId(item.id, 64, /*allow_dash=*/true)) {
        d.Error(path + ".id", "must be lowercase letters, digits, '_' or '-' (got " + Quote(item.id) + ")");
      } else if (auto [it, inserted] = seen.emplace(item.id, i); !inserted) {
        d.Error(path + ".id", "duplicate item (also " + Index("points.catalogue", it->second) + ")");
      }
    }
    if (const json* label = Decoder::Find(c, "label")) {
      if (!label->is_object() || label->empty()) {
        d.Error(path + ".label", "must be an object of locale -> text (got " + Describe(*label) + ")");
      } else {
        for (const auto& [locale, text] : label->items()) {
          if (!text.is_string() || text.get<std::string>().empty()) {
            d.Error(path + ".label." + locale, "must be a non-empty string");
          } else {
            item.labels[locale] = text.get<std::string>();
          }
        }
      }
    }
    d.String(c, path, "label_key", item.label_key, /*non_empty=*/true);
    if (item.labels.empty() && item.label_key.empty() && Decoder::Find(c, "label") == nullptr) {
      d.Error(path + ".label", "is required (or label_key)");
    }
    if (Decoder::Find(c, "cost") == nullptr) d.Error(path + ".cost", "is required");
    d.Integer(c, path, "cost", item.cost, 1, 1000000);
    d.Integer(c, path, "stock", item.stock, -1, 1000000);
    points.catalogue.push_back(std::move(item));
  }
}

void DecodeCategories(Decoder& d, const json& root, std::vector<std::string>& categories) {
  const json* arr = d.Array(root, "", "categories");
  if (arr == nullptr) return;
  if (arr->empty()) {
    d.Error("categories", "must be a non-empty array");
    return;
  }
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string path = Index("categories", i);
    const json& c = (*arr)[i];
    if (!c.is_string()) {
      d.Error(path, "must be a string (got " + Describe(c) + ")");
      continue;
    }
    const std::string id = c.get<std::string>();
    if (!IsId(id, 32, /*allow_dash=*/false)) {
      d.Error(path, "must be 1-32 characters of a-z 0-9 _ (got " + Quote(id) + ")");
    } else if (!seen.insert(id).second) {
      d.Error(path, "duplicate " + Quote(id));
    } else {
      out.push_back(id);
    }
  }
  categories = std::move(out);
}

void DecodeSmallSections(Decoder& d, const json& root, Config& cfg) {
  if (const json* j = d.Section(root, "", "dialog", {"session_timeout_minutes"})) {
    d.Integer(*j, "dialog", "session_timeout_minutes", cfg.dialog.session_timeout_minutes, 1,
              7 * 24 * 60);
  }
  if (const json* j = d.Section(root, "", "outbox",
                                {"max_attempts", "initial_backoff_ms", "max_backoff_ms",
                                 "poll_interval_ms", "lease_ms"})) {
    OutboxConfig& o = cfg.outbox;
    d.Integer(*j, "outbox", "max_attempts", o.max_attempts, 1, 1000);
    d.Integer(*j, "outbox", "initial_backoff_ms", o.initial_backoff_ms, 1, 3600 * 1000);
    d.Integer(*j, "outbox", "max_backoff_ms", o.max_backoff_ms, 1, 24 * 3600 * 1000);
    d.Integer(*j, "outbox", "poll_interval_ms", o.poll_interval_ms, 1, 60 * 1000);
    // At least a minute: a send's HTTP calls (10 s timeouts, a long text in parts) must end
    // well inside the lease, or another instance sends the message a second time.
    d.Integer(*j, "outbox", "lease_ms", o.lease_ms, 5 * 1000, 3600 * 1000);
    if (o.max_backoff_ms < o.initial_backoff_ms) {
      d.Error("outbox.max_backoff_ms", "must be >= outbox.initial_backoff_ms (" +
                                           std::to_string(o.initial_backoff_ms) + ") (got " +
                                           std::to_string(o.max_backoff_ms) + ")");
    }
  }
  if (const json* j = d.Section(root, "", "logging", {"level", "json"})) {
    d.Enum(*j, "logging", "level", cfg.logging.level, {"trace", "debug", "info", "warn", "error"});
    d.Bool(*j, "logging", "json", cfg.logging.json);
  }
}

// Reads accept_hours / resolve_hours of one sla level into `times` (which holds the inherited
// values) and checks that accepting is due no later than resolving.
void DecodeSlaTimes(Decoder& d, const json& j, const std::string& path, SlaTimes& times) {
  constexpr int64_t kMaxHours = 24 * 366;
  d.Integer(j, path, "accept_hours", times.accept_hours, 1, kMaxHours);
  d.Integer(j, path, "resolve_hours", times.resolve_hours, 1, kMaxHours);
  if (times.resolve_hours < times.accept_hours) {
    d.Error(Join(path, "resolve_hours"),
            "must be >= " + Join(path, "accept_hours") + " (" + std::to_string(times.accept_hours) +
                ") (got " + std::to_string(times.resolve_hours) + ")");
  }
}

// sla.tiers / sla.categories.<id>.tiers: {"<tier>": {accept_hours, resolve_hours}}.
void DecodeSlaTiers(Decoder& d, const json& parent, const std::string& path, const SlaTimes& base,
                    std::map<std::string, SlaTimes>& out) {
  const json* tiers = d.Section(parent, path, "tiers", {"compound", "community", "street"});
  if (tiers == nullptr) return;
  const std::string tiers_path = Join(path, "tiers");
  for (auto it = tiers->begin(); it != tiers->end(); ++it) {
    const std::string& tier = it.key();
    if (tier != "compound" && tier != "community" && tier != "street") continue;  // reported
    const std::string tier_path = Join(tiers_path, tier);
    if (!it.value().is_object()) {
      d.Error(tier_path, "must be an object (got " + Describe(it.value()) + ")");
      continue;
    }
    d.CheckKeys(it.value(), tier_path, {"accept_hours", "resolve_hours"});
    SlaTimes times = base;
    DecodeSlaTimes(d, it.value(), tier_path, times);
    out[tier] = times;
  }
}

// sla: {accept_hours, resolve_hours, tiers: {...}, categories: {"<id>": {accept_hours,
// resolve_hours, tiers: {...}}}}. Less specific values are inherited (config.h: SlaConfig).
void DecodeSla(Decoder& d, const json& root, Config& cfg) {
  const json* j =
      d.Section(root, "", "sla", {"accept_hours", "resolve_hours", "tiers", "categories",
                                  "deferred_remind_days_before"});
  if (j == nullptr) return;
  SlaConfig& sla = cfg.sla;
  DecodeSlaTimes(d, *j, "sla", sla.defaults);
  DecodeSlaTiers(d, *j, "sla", sla.defaults, sla.tiers);
  d.Integer(*j, "sla", "deferred_remind_days_before", sla.deferred_remind_days_before, 0, 30);
  const json* cats = Decoder::Find(*j, "categories");
  if (cats == nullptr) return;
  if (!cats->is_object()) {
    d.Error("sla.categories", "must be an object (got " + Describe(*cats) + ")");
    return;
  }
  for (auto it = cats->begin(); it != cats->end(); ++it) {
    const std::string& id = it.key();
    const std::string path = Join("sla.categories", id);
    if (std::find(cfg.categories.begin(), cfg.categories.end(), id) == cfg.categories.end()) {
      std::string known;
      for (const std::string& c : cfg.categories) known += (known.empty() ? "" : "|") + c;
      d.Error(path, "unknown category (categories are " + known + ")");
      continue;
    }
    if (!it.value().is_object()) {
      d.Error(path, "must be an object (got " + Describe(it.value()) + ")");
      continue;
    }
    d.CheckKeys(it.value(), path, {"accept_hours", "resolve_hours", "tiers"});
    SlaConfig::Category category;
    category.times = sla.defaults;
    DecodeSlaTimes(d, it.value(), path, category.times);
    DecodeSlaTiers(d, it.value(), path, category.times, category.tiers);
    sla.categories[id] = std::move(category);
  }
}

void DecodeLimits(Decoder& d, const json& root, LimitsConfig& limits) {
  if (const json* j = d.Section(root, "", "limits",
                                {"messages_per_minute", "tickets_per_household_per_day",
                                 "tickets_per_unbound_per_day"})) {
    d.Integer(*j, "limits", "messages_per_minute", limits.messages_per_minute, 1, 10000);
    d.Integer(*j, "limits", "tickets_per_household_per_day", limits.tickets_per_household_per_day,
              1, 10000);
    d.Integer(*j, "limits", "tickets_per_unbound_per_day", limits.tickets_per_unbound_per_day, 1,
              10000);
  }
}

void DecodeRetention(Decoder& d, const json& root, RetentionConfig& retention) {
  if (const json* j = d.Section(root, "", "retention", {"outbox_sent_days", "card_refs_days"})) {
    d.Integer(*j, "retention", "outbox_sent_days", retention.outbox_sent_days, 1, 3650);
    d.Integer(*j, "retention", "card_refs_days", retention.card_refs_days, 1, 3650);
  }
}

void DecodeDecisions(Decoder& d, const json& root, const CompoundConfig& compound,
                     DecisionsConfig& decisions) {
  // building_heads is listed so that its old place gets the "moved" error alone.
  const json* j = d.Section(root, "", "decisions",
                            {"reminder_hours", "appraisal_criteria", "building_heads", "appraisal"});
  if (j == nullptr) return;
  if (Decoder::Find(*j, "building_heads") != nullptr) {
    d.Error("decisions.building_heads", "moved to the top-level key building_heads");
  }
  d.Integer(*j, "decisions", "reminder_hours", decisions.reminder_hours, 0, 720);
  if (const json* arr = d.Array(*j, "decisions", "appraisal_criteria")) {
    std::vector<std::string> out;
    for (size_t i = 0; i < arr->size(); ++i) {
      const json& c = (*arr)[i];
      if (!c.is_string() || c.get<std::string>().empty()) {
        d.Error(Index("decisions.appraisal_criteria", i), "must be a non-empty string");
        continue;
      }
      out.push_back(c.get<std::string>());
    }
    if (arr->empty()) d.Error("decisions.appraisal_criteria", "must be a non-empty array");
    decisions.appraisal_criteria = std::move(out);
  }
  if (const json* a = d.Section(*j, "decisions", "appraisal",
                                {"enabled", "opens_day", "open_days", "buildings"})) {
    AppraisalScheduleConfig& ap = decisions.appraisal;
    d.Bool(*a, "decisions.appraisal", "enabled", ap.enabled);
    d.Integer(*a, "decisions.appraisal", "opens_day", ap.opens_day, 1, 28);
    d.Integer(*a, "decisions.appraisal", "open_days", ap.open_days, 1, 60);
    if (const json* b = Decoder::Find(*a, "buildings")) {
      if (!b->is_array()) {
        d.Error("decisions.appraisal.buildings", "must be an array of building ids");
      } else {
        for (const auto& id : *b) {
          const std::string s = id.is_string() ? id.get<std::string>() : "";
          const bool known = std::any_of(compound.buildings.begin(), compound.buildings.end(),
                                         [&](const Building& x) { return x.id == s; });
          if (!known) {
            d.Error("decisions.appraisal.buildings", "no building " + Quote(s) + " in compound.buildings");
          } else {
            ap.buildings.push_back(s);
          }
        }
      }
    }
  }
}

// building_heads: the compound's building heads (楼栋长), used by paper ballots (代投) and by
// 代许愿. After compound: each names buildings of compound.buildings.
void DecodeBuildingHeads(Decoder& d, const json& root, const CompoundConfig& compound,
                         std::vector<BuildingHead>& heads) {
  if (const json* arr = d.Array(root, "", "building_heads")) {
    for (size_t i = 0; i < arr->size(); ++i) {
      const std::string path = Index("building_heads", i);
      const json& h = (*arr)[i];
      if (!h.is_object()) {
        d.Error(path, "must be an object (got " + Describe(h) + ")");
        continue;
      }
      d.CheckKeys(h, path, {"channel", "user_id", "buildings", "name"});
      BuildingHead head;
      d.RequiredString(h, path, "channel", head.channel);
      d.RequiredString(h, path, "user_id", head.user_id);
      d.String(h, path, "name", head.name, /*non_empty=*/false);
      const json* b = Decoder::Find(h, "buildings");
      if (b == nullptr || !b->is_array() || b->empty()) {
        d.Error(path + ".buildings", "must be a non-empty array of building ids");
      } else {
        for (const auto& id : *b) {
          const std::string s = id.is_string() ? id.get<std::string>() : "";
          const bool known = std::any_of(compound.buildings.begin(), compound.buildings.end(),
                                         [&](const Building& x) { return x.id == s; });
          if (!known) {
            d.Error(path + ".buildings", "no building " + Quote(s) + " in compound.buildings");
          } else {
            head.buildings.push_back(s);
          }
        }
      }
      heads.push_back(std::move(head));
    }
  }
}

// A local clock time "HH:MM" at obj[key] (absent: `out` keeps its default).
void ClockTime(Decoder& d, const json& obj, const std::string& path, const char* key,
               std::string& out) {
  const json* j = Decoder::Find(obj, key);
  if (j == nullptr) return;
  const std::string s = j->is_string() ? j->get<std::string>() : "";
  const bool shape = s.size() == 5 && s[2] == ':' && std::isdigit(static_cast<unsigned char>(s[0])) &&
                     std::isdigit(static_cast<unsigned char>(s[1])) &&
                     std::isdigit(static_cast<unsigned char>(s[3])) &&
                     std::isdigit(static_cast<unsigned char>(s[4]));
  if (!shape || std::stoi(s.substr(0, 2)) > 23 || std::stoi(s.substr(3, 2)) > 59) {
    d.Error(path + "." + key, "must be \"HH:MM\" (00:00 to 23:59) (got " + Describe(*j) + ")");
    return;
  }
  out = s;
}

// digest (issue 11 point 5) and agenda (point 6).
void DecodeStaffPosts(Decoder& d, const json& root, DigestConfig& digest, AgendaConfig& agenda) {
  auto clock_time = [&d](const json& obj, const std::string& path, std::string& out) {
    ClockTime(d, obj, path, "time", out);
  };
  if (const json* j = d.Section(root, "", "digest", {"time", "deferred_near_days"})) {
    clock_time(*j, "digest", digest.time);
    d.Integer(*j, "digest", "deferred_near_days", digest.deferred_near_days, 0, 60);
  }
  if (const json* j = d.Section(root, "", "agenda", {"meeting_day", "days_before", "time"})) {
    d.Integer(*j, "agenda", "meeting_day", agenda.meeting_day, 1, 28);
    d.Integer(*j, "agenda", "days_before", agenda.days_before, 0, 27);
    clock_time(*j, "agenda", agenda.time);
    if (agenda.days_before >= agenda.meeting_day) {
      d.Error("agenda.days_before", "must be less than agenda.meeting_day (" +
                                        std::to_string(agenda.meeting_day) + ") (got " +
                                        std::to_string(agenda.days_before) + ")");
    }
  }
}

void DecodeRating(Decoder& d, const json& root, RatingConfig& rating) {
  if (const json* j = d.Section(root, "", "rating", {"auto_close_days"})) {
    d.Integer(*j, "rating", "auto_close_days", rating.auto_close_days, 1, 365);
  }
}

// An array of ids (a-z 0-9 _, at most 32) at `path`, each once, into `out` (left as it was when
// the key is absent). `non_empty`: an empty array is an error.
void DecodeIdList(Decoder& d, const json& obj, const std::string& parent, std::string_view key,
                  bool non_empty, std::vector<std::string>& out) {
  const json* arr = d.Array(obj, parent, key);
  if (arr == nullptr) return;
  const std::string path = Join(parent, key);
  if (non_empty && arr->empty()) {
    d.Error(path, "must be a non-empty array");
    return;
  }
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& c = (*arr)[i];
    if (!c.is_string()) {
      d.Error(Index(path, i), "must be a string (got " + Describe(c) + ")");
      continue;
    }
    const std::string id = c.get<std::string>();
    if (!IsId(id, 32, /*allow_dash=*/false)) {
      d.Error(Index(path, i), "must be 1-32 characters of a-z 0-9 _ (got " + Quote(id) + ")");
    } else if (!seen.insert(id).second) {
      d.Error(Index(path, i), "duplicate " + Quote(id));
    } else {
      ids.push_back(id);
    }
  }
  out = std::move(ids);
}

void DecodeWishes(Decoder& d, const json& root, WishesConfig& w) {
  const json* j = d.Section(root, "", "wishes",
                            {"categories", "require_approval", "points_per_wish",
                             "points_per_hour", "auto_confirm_days", "claim_reminder_days",
                             "claim_release_days"});
  if (j == nullptr) return;
  DecodeIdList(d, *j, "wishes", "categories", /*non_empty=*/true, w.categories);
  d.Bool(*j, "wishes", "require_approval", w.require_approval);
  d.Integer(*j, "wishes", "points_per_wish", w.points_per_wish, 0, 100000);
  d.Integer(*j, "wishes", "points_per_hour", w.points_per_hour, 0, 100000);
  d.Integer(*j, "wishes", "auto_confirm_days", w.auto_confirm_days, 1, 365);
  d.Integer(*j, "wishes", "claim_reminder_days", w.claim_reminder_days, 1, 365);
  d.Integer(*j, "wishes", "claim_release_days", w.claim_release_days, 1, 365);
  if (w.claim_release_days <= w.claim_reminder_days) {
    d.Error("wishes.claim_release_days",
            "must be > wishes.claim_reminder_days (" + std::to_string(w.claim_reminder_days) +
                ") (got " + std::to_string(w.claim_release_days) + ")");
  }
}

// What a group may be posted: "wishes" (issue 9), "decisions" (issue 10: the results of closed
// decisions), "tickets", "escalations", "reports", "digest", "agenda" (issue 11); later kinds add their names here.
constexpr std::string_view kGroupPosts[] = {"wishes", "decisions", "tickets", "escalations", "reports",
                                            "digest", "agenda"};
constexpr const char* kGroupPostsText = "wishes, decisions, tickets, escalations, reports, digest, agenda";
constexpr std::string_view kGroupTiers[] = {"compound", "community", "street"};

// The entry of `known` closest to `word` (edit distance < 3), "" if none.
template <size_t N>
std::string ClosestOf(const std::string& word, const std::string_view (&known)[N]) {
  std::string_view best;
  size_t best_distance = 3;
  for (std::string_view k : known) {
    const size_t d = ByteEditDistance(word, k);
    if (d < best_distance) {
      best_distance = d;
      best = k;
    }
  }
  return std::string(best);
}

void DecodeGroups(Decoder& d, const json& root, const Config& cfg,
                  std::vector<GroupConfig>& groups) {
  const json* arr = d.Array(root, "", "groups");
  if (arr == nullptr) return;
  std::map<std::string, size_t> names;
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string path = Index("groups", i);
    const json& g = (*arr)[i];
    if (!g.is_object()) {
      d.Error(path, "must be an object (got " + Describe(g) + ")");
      continue;
    }
    d.CheckKeys(g, path, {"name", "channel", "chat_id", "posts", "buildings", "categories", "tiers"});
    GroupConfig group;
    bool ok = d.RequiredString(g, path, "name", group.name);
    if (ok) {
      if (auto [it, inserted] = names.emplace(group.name, i); !inserted) {
        d.Error(path + ".name", "duplicate group name (also " + Index("groups", it->second) + ")");
        ok = false;
      }
    }
    if (d.RequiredString(g, path, "channel", group.channel)) {
      const bool known = std::any_of(cfg.channels.begin(), cfg.channels.end(),
                                     [&](const ChannelConfig& c) { return c.name == group.channel; });
      if (!known) {
        d.Error(path + ".channel", "names no configured channel (got " + Quote(group.channel) + ")");
        ok = false;
      }
    } else {
      ok = false;
    }
    ok = d.RequiredString(g, path, "chat_id", group.chat_id) && ok;
    DecodeIdList(d, g, path, "posts", /*non_empty=*/true, group.posts);
    if (Decoder::Find(g, "posts") == nullptr) {
      d.Error(path + ".posts", "is required (what is posted there: " + std::string(kGroupPostsText) + ")");
      ok = false;
    }
    for (const auto& p : group.posts) {
      if (std::find(std::begin(kGroupPosts), std::end(kGroupPosts), p) == std::end(kGroupPosts)) {
        const std::string best = ClosestOf(p, kGroupPosts);
        d.Error(path + ".posts", "unknown kind " + Quote(p) +
                                     (best.empty() ? "" : " (did you mean " + Quote(best) + "?)") +
                                     " (one of " + kGroupPostsText + ")");
        ok = false;
      }
    }
    DecodeIdList(d, g, path, "categories", /*non_empty=*/false, group.categories);
    for (const auto& c : group.categories) {
      if (std::find(cfg.categories.begin(), cfg.categories.end(), c) == cfg.categories.end()) {
        d.Error(path + ".categories", "names no category of categories (got " + Quote(c) + ")");
        ok = false;
      }
    }
    if (!group.categories.empty() &&
        std::find(group.posts.begin(), group.posts.end(), "tickets") == group.posts.end()) {
      d.Error(path + ".categories", "filters \"tickets\", which posts does not list");
      ok = false;
    }
    DecodeIdList(d, g, path, "tiers", /*non_empty=*/false, group.tiers);
    for (const auto& t : group.tiers) {
      if (std::find(std::begin(kGroupTiers), std::end(kGroupTiers), t) == std::end(kGroupTiers)) {
        const std::string best = ClosestOf(t, kGroupTiers);
        d.Error(path + ".tiers", "unknown tier " + Quote(t) +
                                     (best.empty() ? "" : " (did you mean " + Quote(best) + "?)") +
                                     " (one of compound, community, street)");
        ok = false;
      }
    }
    if (!group.tiers.empty() &&
        std::find(group.posts.begin(), group.posts.end(), "escalations") == group.posts.end()) {
      d.Error(path + ".tiers", "filters \"escalations\", which posts does not list");
      ok = false;
    }
    const json* bs = d.Array(g, path, "buildings");
    if (bs != nullptr) {
      for (size_t k = 0; k < bs->size(); ++k) {
        const json& b = (*bs)[k];
        const std::string bpath = Index(path + ".buildings", k);
        if (!b.is_string()) {
          d.Error(bpath, "must be a string (got " + Describe(b) + ")");
          ok = false;
          continue;
        }
        const std::string id = b.get<std::string>();
        const bool known = std::any_of(cfg.compound.buildings.begin(), cfg.compound.buildings.end(),
                                       [&](const Building& x) { return x.id == id; });
        if (!known) {
          d.Error(bpath, "names no building of compound.buildings (got " + Quote(id) + ")");
          ok = false;
        } else {
          group.buildings.push_back(id);
        }
      }
    }
    if (ok) groups.push_back(std::move(group));
  }
}

// departments[] {id, name, channel, chat_id, remind_hours}: ids and names unique, the channel
// configured, a chat_id unless the channel is a robot.
void DecodeDepartments(Decoder& d, const json& root, const Config& cfg,
                       std::vector<DepartmentConfig>& out) {
  const json* arr = d.Array(root, "", "departments");
  if (arr == nullptr) return;
  std::map<std::string, std::string> ids;    // id -> path
  std::map<std::string, std::string> names;  // name -> path
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string path = Index("departments", i);
    const json& j = (*arr)[i];
    if (!j.is_object()) {
      d.Error(path, "must be an object (got " + Describe(j) + ")");
      continue;
    }
    d.CheckKeys(j, path, {"id", "name", "channel", "chat_id", "remind_hours"});
    DepartmentConfig dep;
    bool ok = d.RequiredString(j, path, "id", dep.id);
    if (ok) {
      const bool shape = std::all_of(dep.id.begin(), dep.id.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
      });
      if (!shape) {
        d.Error(path + ".id", "must be lower-case letters, digits, '_' or '-' (got " + Quote(dep.id) + ")");
        ok = false;
      } else if (auto [it, inserted] = ids.emplace(dep.id, path); !inserted) {
        d.Error(path + ".id", "duplicate department id (also " + it->second + ")");
        ok = false;
      }
    }
    if (d.RequiredString(j, path, "name", dep.name)) {
      if (auto [it, inserted] = names.emplace(dep.name, path); !inserted) {
        d.Error(path + ".name", "duplicate department name (also " + it->second + ")");
        ok = false;
      }
    } else {
      ok = false;
    }
    const ChannelConfig* channel = nullptr;
    if (d.RequiredString(j, path, "channel", dep.channel)) {
      for (const auto& c : cfg.channels) {
        if (c.name == dep.channel) channel = &c;
      }
      if (channel == nullptr) {
        d.Error(path + ".channel", "names no configured channel (got " + Quote(dep.channel) + ")");
        ok = false;
      }
    } else {
      ok = false;
    }
    const bool robot = channel != nullptr && channel->type.size() >= 6 &&
                       channel->type.compare(channel->type.size() - 6, 6, "_robot") == 0;
    if (robot) {
      ok = d.String(j, path, "chat_id", dep.chat_id, /*non_empty=*/false) && ok;
      if (dep.chat_id.empty()) dep.chat_id = dep.channel;  // a robot posts to its one chat
    } else if (channel != nullptr) {
      ok = d.RequiredString(j, path, "chat_id", dep.chat_id) && ok;
    }
    d.Integer(j, path, "remind_hours", dep.remind_hours, 1, 720);
    if (ok) out.push_back(std::move(dep));
  }
}

// property_companies[] {id, name, buildings}: ids unique, buildings known and each served by
// one company only.
void DecodePropertyCompanies(Decoder& d, const json& root, const CompoundConfig& compound,
                             std::vector<PropertyCompany>& out) {
  const json* arr = d.Array(root, "", "property_companies");
  if (arr == nullptr) return;
  std::map<std::string, std::string> ids;        // id -> path
  std::map<std::string, std::string> served_by;  // building -> company id
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string path = Index("property_companies", i);
    const json& c = (*arr)[i];
    if (!c.is_object()) {
      d.Error(path, "must be an object (got " + Describe(c) + ")");
      continue;
    }
    d.CheckKeys(c, path, {"id", "name", "buildings"});
    PropertyCompany pc;
    bool ok = d.RequiredString(c, path, "id", pc.id);
    if (ok) {
      const bool shape = std::all_of(pc.id.begin(), pc.id.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
      });
      if (!shape) {
        d.Error(path + ".id", "must be lower-case letters, digits, '_' or '-' (got " + Quote(pc.id) + ")");
        ok = false;
      } else if (auto [it, inserted] = ids.emplace(pc.id, path); !inserted) {
        d.Error(path + ".id", "duplicate company id (also " + it->second + ")");
        ok = false;
      }
    }
    ok = d.RequiredString(c, path, "name", pc.name) && ok;
    const json* b = Decoder::Find(c, "buildings");
    if (b == nullptr || !b->is_array() || b->empty()) {
      d.Error(path + ".buildings", "must be a non-empty array of building ids");
      ok = false;
    } else {
      for (size_t k = 0; k < b->size(); ++k) {
        const std::string bpath = Index(path + ".buildings", k);
        const std::string s = (*b)[k].is_string() ? (*b)[k].get<std::string>() : "";
        const bool known = std::any_of(compound.buildings.begin(), compound.buildings.end(),
                                       [&](const Building& x) { return x.id == s; });
        if (!known) {
          d.Error(bpath, "names no building of compound.buildings (got " + Describe((*b)[k]) + ")");
          ok = false;
        } else if (auto [it, inserted] = served_by.emplace(s, pc.id); !inserted) {
          d.Error(bpath, "building " + Quote(s) + " is served by company " + Quote(it->second) +
                             " already");
          ok = false;
        } else {
          pc.buildings.push_back(s);
        }
      }
    }
    if (ok) out.push_back(std::move(pc));
  }
}

void DecodeRedBlack(Decoder& d, const json& root, RedBlackConfig& rb) {
  const json* j = d.Section(root, "", "red_black", {"min_tickets", "min_appraisals", "top_n", "bottom_n"});
  if (j == nullptr) return;
  d.Integer(*j, "red_black", "min_tickets", rb.min_tickets, 0, 10000);
  d.Integer(*j, "red_black", "min_appraisals", rb.min_appraisals, 0, 100000);
  d.Integer(*j, "red_black", "top_n", rb.top_n, 0, 100);
  d.Integer(*j, "red_black", "bottom_n", rb.bottom_n, 0, 100);
}

// Spaces do not count: a token of blanks (or a short one padded out) is no secret.
size_t StrongChars(const std::string& token) {
  return static_cast<size_t>(std::count_if(
      token.begin(), token.end(), [](unsigned char c) { return std::isspace(c) == 0; }));
}

void DecodeAdmin(Decoder& d, const json& root, AdminConfig& admin) {
  const json* j = d.Section(root, "", "admin", {"api_token", "api_keys"});
  if (j == nullptr) return;
  std::string token;
  if (d.String(*j, "admin", "api_token", token, /*non_empty=*/false)) {
    const size_t strong = StrongChars(token);
    if (!token.empty() && strong < 24) {
      d.Error("admin.api_token", "must be at least 24 characters when set, not counting "
                                 "whitespace (got " + std::to_string(strong) + ")");
    } else {
      admin.api_token = token;
    }
  }
  const json* arr = d.Array(*j, "admin", "api_keys");
  if (arr == nullptr) return;
  std::map<std::string, size_t> names;
  std::map<std::string, size_t> tokens;
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string path = Index("admin.api_keys", i);
    const json& k = (*arr)[i];
    if (!k.is_object()) {
      d.Error(path, "must be an object (got " + Describe(k) + ")");
      continue;
    }
    d.CheckKeys(k, path, {"name", "token", "tier"});
    AdminApiKey key;
    bool ok = d.RequiredString(k, path, "name", key.name);
    if (ok && !admin.api_token.empty() && key.name == "admin") {
      d.Error(path + ".name", "\"admin\" is the name of admin.api_token");
      ok = false;
    } else if (ok && key.name == "system") {
      // Events name the deadline job "system"; the agenda's overdue list relies on it.
      d.Error(path + ".name", "\"system\" is reserved for the scheduler");
      ok = false;
    } else if (ok) {
      if (auto [it, inserted] = names.emplace(key.name, i); !inserted) {
        d.Error(path + ".name", "duplicate key name (also " + Index("admin.api_keys", it->second) + ")");
        ok = false;
      }
    }
    if (d.RequiredString(k, path, "token", key.token)) {
      const size_t strong = StrongChars(key.token);
      if (strong < 24) {
        d.Error(path + ".token", "must be at least 24 characters, not counting whitespace (got " +
                                     std::to_string(strong) + ")");
        ok = false;
      } else if (key.token == admin.api_token) {
        d.Error(path + ".token", "must differ from admin.api_token");
        ok = false;
      } else if (auto [it, inserted] = tokens.emplace(key.token, i); !inserted) {
        d.Error(path + ".token", "same token as " + Index("admin.api_keys", it->second));
        ok = false;
      }
    } else {
      ok = false;
    }
    if (k.find("tier") == k.end()) {
      d.Error(path + ".tier", "is required");
      ok = false;
    } else {
      key.tier = "";
      d.Enum(k, path, "tier", key.tier, {"grid", "property", "community", "street", "admin"});
      if (key.tier.empty()) ok = false;
    }
    if (ok) admin.api_keys.push_back(std::move(key));
  }
}

// After DecodeAdmin: "admin_key" needs a key to compare against.
void DecodeMetrics(Decoder& d, const json& root, const AdminConfig& admin, MetricsConfig& m) {
  const json* j = d.Section(root, "", "metrics", {"enabled", "access"});
  if (j == nullptr) return;
  d.Bool(*j, "metrics", "enabled", m.enabled);
  d.Enum(*j, "metrics", "access", m.access, {"loopback", "admin_key"});
  if (m.enabled && m.access == "admin_key" && admin.AllKeys().empty()) {
    d.Error("metrics.access", "\"admin_key\" needs admin.api_token or admin.api_keys (or use "
                              "\"loopback\")");
  }
}

void DecodeOpen311(Decoder& d, const json& root, Open311Config& o) {
  const json* j = d.Section(root, "", "open311",
                            {"api_key", "api_keys", "endpoint_url", "contact", "key_service", "type"});
  if (j == nullptr) return;
  std::map<std::string, std::string> seen;  // key -> where it was
  auto add = [&](const std::string& path, const std::string& key) {
    const size_t strong = StrongChars(key);
    if (strong < 24) {
      d.Error(path, "must be at least 24 characters, not counting whitespace (got " +
                        std::to_string(strong) + ")");
    } else if (auto [it, inserted] = seen.emplace(key, path); !inserted) {
      d.Error(path, "same key as " + it->second);
    } else {
      o.api_keys.push_back(key);
    }
  };
  std::string one;
  if (d.String(*j, "open311", "api_key", one, /*non_empty=*/true) && !one.empty()) {
    add("open311.api_key", one);
  }
  if (const json* arr = d.Array(*j, "open311", "api_keys")) {
    for (size_t i = 0; i < arr->size(); ++i) {
      const std::string path = Index("open311.api_keys", i);
      const json& k = (*arr)[i];
      if (!k.is_string()) {
        d.Error(path, "must be a string (got " + Describe(k) + ")");
        continue;
      }
      add(path, k.get<std::string>());
    }
  }
  d.String(*j, "open311", "endpoint_url", o.endpoint_url, /*non_empty=*/false);
  if (!o.endpoint_url.empty() && o.endpoint_url.rfind("https://", 0) != 0 &&
      o.endpoint_url.rfind("http://", 0) != 0) {
    d.Error("open311.endpoint_url", "must start with https:// or http:// (got " +
                                        Quote(o.endpoint_url) + ")");
  }
  d.String(*j, "open311", "contact", o.contact, /*non_empty=*/false);
  d.String(*j, "open311", "key_service", o.key_service, /*non_empty=*/false);
  d.Enum(*j, "open311", "type", o.type, {"production", "test"});
}

StatusOr<std::string> ReadConfigText(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Status::NotFound("cannot read config file " + path + ": is a directory");
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return Status::NotFound("cannot read config file " + path + ": " + std::strerror(err));
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Status::NotFound("cannot read config file " + path + ": read error");
  return buf.str();
}

// After DecodeStorage: the default folder sits beside the database.
void DecodeMedia(Decoder& d, const json& root, Config& cfg) {
  MediaConfig& m = cfg.media;
  if (const json* j = d.Section(root, "", "media",
                                {"dir", "max_bytes", "retention_days", "max_attempts"})) {
    d.String(*j, "media", "dir", m.dir, /*non_empty=*/true);
    d.Integer(*j, "media", "max_bytes", m.max_bytes, 1024, 100 * kMiB);
    d.Integer(*j, "media", "retention_days", m.retention_days, 1, 100 * 366);
    d.Integer(*j, "media", "max_attempts", m.max_attempts, 1, 100);
  }
  if (m.dir.empty()) {
    m.dir = (std::filesystem::path(cfg.storage.sqlite.path).parent_path() / "media").string();
  }
}

// backup (issue 15 point 4). After DecodeStorage: the default folder sits beside the
// database, and only a database file can be copied.
void DecodeBackup(Decoder& d, const json& root, Config& cfg) {
  BackupConfig& b = cfg.backup;
  const json* j = d.Section(root, "", "backup", {"enabled", "dir", "at", "keep"});
  if (j == nullptr) return;
  b.enabled = true;
  d.Bool(*j, "backup", "enabled", b.enabled);
  d.String(*j, "backup", "dir", b.dir, /*non_empty=*/true);
  ClockTime(d, *j, "backup", "at", b.at);
  d.Integer(*j, "backup", "keep", b.keep, 1, 3650);
  if (b.dir.empty()) {
    b.dir = (std::filesystem::path(cfg.storage.sqlite.path).parent_path() / "backups").string();
  }
  const std::string& path = cfg.storage.sqlite.path;
  if (b.enabled && cfg.storage.backend == "postgresql") {
    // Several instances share a PostgreSQL database: back it up with its own tools, once.
    d.Error("backup.enabled",
            "backups copy a SQLite file, but storage.backend is \"postgresql\": back up "
            "PostgreSQL with its own tools (pg_dump, pg_basebackup) and set backup.enabled "
            "to false");
  } else if (b.enabled && (path == ":memory:" || path.rfind("file:", 0) == 0)) {
    d.Error("backup.enabled", "storage.sqlite.path " + Quote(path) +
                                  " is not a file, so there is nothing to back up");
  }
}

// web (issue 12).
void DecodeWeb(Decoder& d, const json& root, WebConfig& w) {
  bool secure_set = false;
  if (const json* j = d.Section(root, "", "web",
                                {"public_url", "session_idle_minutes", "session_max_hours",
                                 "login_link_minutes", "secure_cookies"})) {
    std::string url;
    if (d.String(*j, "web", "public_url", url, /*non_empty=*/false) && !url.empty()) {
      const bool https = url.rfind("https://", 0) == 0;
      const bool http = url.rfind("http://", 0) == 0;
      const size_t scheme = https ? 8 : 7;
      if (!https && !http) {
        d.Error("web.public_url", "must start with https:// (or http:// for a local test), got " +
                                      Quote(url));
      } else if (url.size() <= scheme || url[scheme] == '/') {
        d.Error("web.public_url", "must name a host, got " + Quote(url));
      } else if (url.back() == '/') {
        d.Error("web.public_url", "must not end with '/', got " + Quote(url));
      } else if (std::any_of(url.begin(), url.end(), [](char c) {
                   return c == ' ' || c == '?' || c == '#' || c == '"' || c == '<' || c == '>' ||
                          static_cast<unsigned char>(c) < 0x20;
                 })) {
        d.Error("web.public_url", "must be a plain base URL without spaces, query or fragment");
      } else {
        w.public_url = url;
      }
    }
    d.Integer(*j, "web", "session_idle_minutes", w.session_idle_minutes, 1, 7 * 24 * 60);
    d.Integer(*j, "web", "session_max_hours", w.session_max_hours, 1, 24 * 31);
    d.Integer(*j, "web", "login_link_minutes", w.login_link_minutes, 1, 60);
    if (Decoder::Find(*j, "secure_cookies") != nullptr) {
      secure_set = true;
      d.Bool(*j, "web", "secure_cookies", w.secure_cookies);
    }
  }
  if (!secure_set) w.secure_cookies = w.public_url.rfind("https://", 0) == 0;
}

void DecodeLocale(Decoder& d, const json& root, const std::string& source_path, Config& cfg) {
  namespace fs = std::filesystem;
  const fs::path config_dir = fs::path(source_path).parent_path();
  std::string dir;
  if (d.String(root, "", "locale_dir", dir, /*non_empty=*/true)) {
    if (dir.empty()) {
      cfg.locale_dir = (config_dir / "locales").string();
    } else if (fs::path(dir).is_absolute()) {
      cfg.locale_dir = dir;
    } else {
      cfg.locale_dir = (config_dir / dir).string();
    }
  }
  std::string locale = cfg.locale;
  if (d.String(root, "", "locale", locale, /*non_empty=*/true) && locale != cfg.locale) {
    if (locale == "zh-CN" || locale == "en") {
      cfg.locale = locale;
    } else if (!IsWellFormedLocale(locale)) {
      d.Error("locale", "must be \"zh-CN\" or \"en\" (got " + Quote(locale) + ")");
    } else {
      std::error_code ec;
      const fs::path file = fs::path(cfg.locale_dir) / (locale + ".json");
      if (fs::is_regular_file(file, ec)) {
        cfg.locale = locale;
      } else {
        d.Error("locale", "must be \"zh-CN\" or \"en\", or have a locale file (no " +
                              file.string() + ")");
      }
    }
  }
  std::string tz = cfg.timezone;
  if (d.String(root, "", "timezone", tz, /*non_empty=*/true)) {
    if (std::any_of(tz.begin(), tz.end(), [](char c) { return c == ' ' || c == '\t'; })) {
      d.Error("timezone", "must be an IANA name such as \"Asia/Shanghai\" (got " + Quote(tz) + ")");
    } else {
      cfg.timezone = tz;
    }
  }
}

}  // namespace

bool IsWellFormedLocale(std::string_view locale) {
  if (locale.size() < 2 || locale.size() > 35) return false;
  const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!alpha(locale.front()) || locale.back() == '-') return false;
  for (size_t i = 0; i < locale.size(); ++i) {
    const char c = locale[i];
    if (c == '-') {
      if (locale[i - 1] == '-') return false;
    } else if (!alpha(c) && !(c >= '0' && c <= '9')) {
      return false;
    }
  }
  return true;
}

StatusOr<nlohmann::json> ParseJsonWithComments(std::string_view text,
                                               const std::string& source_path) {
  const std::string where = source_path.empty() ? "<config>" : source_path;
  DuplicateKeyTracker tracker;
  json doc;
  try {
    doc = json::parse(
        text.begin(), text.end(),
        [&tracker](int /*depth*/, json::parse_event_t event, json& parsed) {
          return tracker.OnEvent(event, parsed);
        },
        /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const json::parse_error& e) {
    // e.byte is the 1-based index of the last character read: the offending one. The
    // parser's own message is not used: it quotes the text it read ("last read: '...'"),
    // which may be a secret on that line. File, line and column are enough to find it.
    const auto [line, col] = LineColumn(text, e.byte == 0 ? 0 : e.byte - 1);
    return Status::InvalidArgument(where + ":" + std::to_string(line) + ":" +
                                   std::to_string(col) + ": invalid JSON");
  } catch (const json::exception&) {
    return Status::InvalidArgument(where + ": invalid JSON");
  }
  if (!tracker.errors().empty()) return Invalid(where, tracker.errors());
  return doc;
}

StatusOr<Config> ParseConfig(std::string_view text, const std::string& source_path,
                             const GetenvFn& getenv, EnvPolicy policy) {
  LINLI_ASSIGN_OR_RETURN(json root, ParseJsonWithComments(text, source_path));
  if (!root.is_object()) {
    return Invalid(source_path, {"top level must be a JSON object (got " + Describe(root) + ")"});
  }

  std::vector<std::string> env_errors;
  SubstituteEnv(root, "", getenv, policy, env_errors);
  if (!env_errors.empty()) return Invalid(source_path, env_errors);

  Config cfg;
  cfg.source_path = source_path;
  cfg.locale_dir =
      (std::filesystem::path(source_path).parent_path() / "locales").string();

  Decoder d;
  d.CheckKeys(root, "", {"server", "storage", "locale", "timezone", "locale_dir", "channels",
                         "compound", "staff", "categories", "dialog", "outbox", "logging", "sla",
                         "rating", "admin", "limits", "retention", "wishes", "groups",
                         "volunteers", "points", "decisions", "building_heads",
                         "property_companies", "red_black", "departments",
                         "digest", "agenda", "media", "open311", "web", "metrics", "backup"});
  DecodeServer(d, root, cfg.server);
  DecodeStorage(d, root, cfg.storage);
  DecodeMedia(d, root, cfg);
  DecodeBackup(d, root, cfg);
  DecodeLocale(d, root, source_path, cfg);
  DecodeChannels(d, root, cfg.channels);
  DecodeCompound(d, root, cfg.compound);
  DecodeStaff(d, root, cfg.channels, cfg.staff);
  DecodeVolunteers(d, root, cfg.channels, cfg.volunteers);
  DecodePoints(d, root, cfg.points);
  DecodeCategories(d, root, cfg.categories);
  DecodeSmallSections(d, root, cfg);
  DecodeSla(d, root, cfg);  // after categories: sla.categories keys must name one
  DecodeRating(d, root, cfg.rating);
  DecodeAdmin(d, root, cfg.admin);
  DecodeMetrics(d, root, cfg.admin, cfg.metrics);
  DecodeLimits(d, root, cfg.limits);
  DecodeRetention(d, root, cfg.retention);
  DecodeWishes(d, root, cfg.wishes);
  DecodeGroups(d, root, cfg, cfg.groups);  // after channels and compound: it names them
  DecodeDepartments(d, root, cfg, cfg.departments);  // after channels
  DecodeStaffPosts(d, root, cfg.digest, cfg.agenda);
  DecodeDecisions(d, root, cfg.compound, cfg.decisions);
  DecodeBuildingHeads(d, root, cfg.compound, cfg.building_heads);
  DecodePropertyCompanies(d, root, cfg.compound, cfg.property_companies);
  DecodeRedBlack(d, root, cfg.red_black);
  DecodeOpen311(d, root, cfg.open311);
  DecodeWeb(d, root, cfg.web);
  ResolveMenuUrls(d, cfg.web.public_url, cfg.channels);  // after web: paths are its pages
  if (!d.errors.empty()) return Invalid(source_path, d.errors);
  return cfg;
}

StatusOr<Config> LoadConfigFile(const std::string& path, const GetenvFn& getenv,
                                EnvPolicy policy) {
  LINLI_ASSIGN_OR_RETURN(std::string text, ReadConfigText(path));
  return ParseConfig(text, path, getenv, policy);
}

}  // namespace linli::config
