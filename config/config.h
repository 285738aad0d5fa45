// The typed configuration. Loaded from one JSON file (comments allowed, ${ENV_VAR} substitution)
// by LoadConfigFile (config_loader.h) and checked whole (config_check.h) by every command.
// Defaults here are the documented defaults; config/linli.example.json shows every key.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace linli::config {

struct ServerConfig {
  std::string host = "127.0.0.1";           // server.host
  int port = 8080;                          // server.port (0 = ephemeral, tests)
  int64_t max_body_bytes = 1 << 20;         // server.max_body_bytes: larger bodies get 413
  int64_t max_header_bytes = 16 * 1024;     // server.max_header_bytes: whole header block
  int request_timeout_ms = 10000;           // server.request_timeout_ms: whole request read
  int max_connections = 4096;               // server.max_connections
};

struct SqliteConfig {
  std::string path = "linli.db";            // storage.sqlite.path (relative to the cwd)
  // storage.sqlite.synchronous: FULL makes every acknowledged webhook survive power loss
  // (SECURITY.md); NORMAL survives a killed process only.
  std::string synchronous = "FULL";
  int busy_timeout_ms = 5000;               // storage.sqlite.busy_timeout_ms
};

struct StorageConfig {
  std::string backend = "sqlite";           // storage.backend: "sqlite" (postgres later)
  SqliteConfig sqlite;
  int group_commit_max_batch = 256;         // storage.group_commit_max_batch
};

// One messaging channel. Platform fields are kept as strings; a key its type does not declare
// (adapters/registry.cc) stops start-up, and the adapter factory validates the values.
struct ChannelConfig {
  std::string name;                         // channels[].name: unique, [a-z0-9_-]+
  std::string type;                         // channels[].type: "telegram", "wechat_mp", ...
  std::string api_base;                     // channels[].api_base: platform API root
  std::map<std::string, std::string> fields;  // every other key of the channel object

  // Empty string when absent.
  const std::string& Field(const std::string& key) const;
};

struct Building {
  std::string id;                           // "3" for 3号楼
  std::vector<std::string> units;           // {"1","2","3"}
};

// A named public place of the compound (南门, 停车场, 广场): a valid report location with no
// building.
struct Place {
  std::string id;                           // compound.places[].id: unique, e.g. "south_gate"
  std::string label;                        // compound.places[].label: unique, e.g. "南门"
};

struct CompoundConfig {
  std::string name;                         // compound.name, e.g. "幸福里小区"
  std::vector<Building> buildings;          // compound.buildings[] {id, units[]}
  std::vector<Place> places;                // compound.places[] {id, label}; default none
};

struct StaffMember {
  std::string channel;                      // staff[].channel
  std::string user_id;                      // staff[].user_id
  std::string name;                         // staff[].name (display, never shown to residents)
  std::string tier = "grid";                // staff[].tier: grid|property|community|street
  std::string role = "staff";               // staff[].role: staff|admin
};

struct DialogConfig {
  int session_timeout_minutes = 30;         // dialog.session_timeout_minutes
};

struct OutboxConfig {
  int max_attempts = 12;                    // outbox.max_attempts before "failed"
  int initial_backoff_ms = 1000;            // outbox.initial_backoff_ms, doubled per attempt
  int max_backoff_ms = 300000;              // outbox.max_backoff_ms
  int poll_interval_ms = 500;               // outbox.poll_interval_ms (also woken on enqueue)
};

// Deadlines of a ticket at one tier: time to accept and time to resolve, counted from the
// moment the ticket reaches the tier (creation, escalation or reopening).
struct SlaTimes {
  int accept_hours = 24;                    // sla[...].accept_hours
  int resolve_hours = 72;                   // sla[...].resolve_hours
};

// sla: default times, overridable per ticket tier (compound|community|street) and per
// category (and per tier within a category). Keys left out of a more specific level inherit
// from the less specific one when the file is loaded, so every entry here is complete.
struct SlaConfig {
  SlaTimes defaults;                              // sla.accept_hours, sla.resolve_hours
  std::map<std::string, SlaTimes> tiers;          // sla.tiers.<tier>
  struct Category {
    SlaTimes times;                               // sla.categories.<id>.{accept,resolve}_hours
    std::map<std::string, SlaTimes> tiers;        // sla.categories.<id>.tiers.<tier>
  };
  std::map<std::string, Category> categories;     // sla.categories.<id>
  // sla.deferred_remind_days_before: a deferred (暂缓) ticket reminds its tier's staff this
  // many days before its promised date (0 = on the day; 0..30), once per deferral.
  int deferred_remind_days_before = 0;

  // The most specific entry: categories.<c>.tiers.<t>, categories.<c>, tiers.<t>, defaults.
  SlaTimes For(const std::string& category, const std::string& tier) const {
    if (auto c = categories.find(category); c != categories.end()) {
      auto t = c->second.tiers.find(tier);
      return t != c->second.tiers.end() ? t->second : c->second.times;
    }
    auto t = tiers.find(tier);
    return t != tiers.end() ? t->second : defaults;
  }
};

struct RatingConfig {
  // rating.auto_close_days: a resolved ticket the reporter has not rated after this many days
  // is closed as unrated.
  int auto_close_days = 3;
};

// One named key of the admin HTTP API (issue 8): the events it causes record `name` as the
// actor, and its actions run with the authority of `tier` (domain/tickets/authority.h).
struct AdminApiKey {
  std::string name;   // admin.api_keys[].name: required, unique, not "system" (the scheduler),
                      // not "admin" when api_token is set
  std::string token;  // admin.api_keys[].token: required, >= 24 non-space characters, "${ENV}"
  std::string tier;   // admin.api_keys[].tier: required, grid|property|community|street|admin
};

struct AdminConfig {
  // admin.api_token: bearer token of the admin HTTP API (/api/admin/...). At least 24
  // characters when set; use "${ENV}". It is one key named "admin" with tier admin.
  std::string api_token;
  // admin.api_keys: further named keys. With neither api_token nor api_keys (the default) the
  // admin API is disabled (404). Tokens must differ from each other and from api_token.
  std::vector<AdminApiKey> api_keys;

  // Every key: api_token first (as {"admin", api_token, "admin"}) when set, then api_keys.
  std::vector<AdminApiKey> AllKeys() const {
    std::vector<AdminApiKey> all;
    if (!api_token.empty()) all.push_back({"admin", api_token, "admin"});
    all.insert(all.end(), api_keys.begin(), api_keys.end());
    return all;
  }
};

// Abuse limits (issue 8): generous for people, tight for scripts.
struct LimitsConfig {
  // limits.messages_per_minute: per identity; beyond it one "please wait" and then silence
  // (nothing processed) until a minute has passed since the window's first message.
  int messages_per_minute = 20;
  // limits.tickets_per_household_per_day: new tickets in 24 hours by all members of a bound
  // household together.
  int tickets_per_household_per_day = 10;
  // limits.tickets_per_unbound_per_day: new tickets in 24 hours by a person bound to no
  // household.
  int tickets_per_unbound_per_day = 3;
};

// How long data is kept (PIPL: minimise what is stored).
struct RetentionConfig {
  int outbox_sent_days = 30;  // retention.outbox_sent_days: sent messages and their texts
  int card_refs_days = 90;    // retention.card_refs_days: which bot message showed what
};

struct LoggingConfig {
  std::string level = "info";               // logging.level: trace|debug|info|warn|error
  bool json = false;                        // logging.json: JSON lines instead of text
};

struct Config {
  ServerConfig server;
  StorageConfig storage;
  std::string locale = "zh-CN";             // locale: default language of replies
  std::string timezone = "Asia/Shanghai";   // timezone (IANA name in the system tz database)
  std::string locale_dir;                   // locale_dir: default "<config dir>/locales"
  std::vector<ChannelConfig> channels;
  CompoundConfig compound;
  std::vector<StaffMember> staff;
  // categories: ids of report categories; labels come from the locale files
  // ("category.<id>"). Default: the eight of issue 2.
  std::vector<std::string> categories = {"sanitation", "repair", "parking",  "pets",
                                         "noise",      "safety", "property", "other"};
  DialogConfig dialog;
  OutboxConfig outbox;
  SlaConfig sla;
  RatingConfig rating;
  AdminConfig admin;
  LimitsConfig limits;
  RetentionConfig retention;
  LoggingConfig logging;

  std::string source_path;                  // the file this was loaded from
};

}  // namespace linli::config
