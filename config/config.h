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

// storage.postgresql (issue 14): the shared store of several instances.
struct PostgresqlConfig {
  // storage.postgresql.dsn: a libpq connection string or postgresql:// URI, usually
  // "${LINLI_PG_DSN}" so the password stays out of the file. Required with backend
  // "postgresql"; never logged (messages name its database, host, port and user only).
  std::string dsn;
  // storage.postgresql.schema: the schema of Linli's tables (it must exist); "" = the server's
  // search_path (normally "public").
  std::string schema;
  // storage.postgresql.statement_timeout_ms: a statement running longer is cancelled (a
  // retryable error); 0 = none. Migrations run without it.
  int statement_timeout_ms = 30000;
};

struct StorageConfig {
  std::string backend = "sqlite";           // storage.backend: "sqlite" | "postgresql"
  SqliteConfig sqlite;
  PostgresqlConfig postgresql;
  int group_commit_max_batch = 256;         // storage.group_commit_max_batch
};

// One button of a channel's custom menu (channels[].menu: the WeChat Official Account's
// 自定义菜单, the WeCom app's menu; `linli wechat menu push`, `linli wecom menu push`).
// Exactly one of `command`, `url` and `sub_buttons` is set (the loader checks it):
//   command      a click button: the chat command it runs ("报事"); WeChat pushes a CLICK
//                event with `key`, which the adapter turns back into the command;
//   url          a view button: the page it opens. After loading always an absolute URL: a
//                path written "/board" is the board's page <web.public_url>/board;
//   sub_buttons  a group (top level only) of 1..5 click or view buttons.
// The byte limits per platform are the registry's (config_check.h MenuLimits).
struct MenuButton {
  std::string name;                     // menu[].name: the label shown, non-empty
  std::string command;                  // menu[].command
  // menu[].key: the CLICK EventKey, [A-Za-z0-9_.:-]+; default DefaultMenuKey(command).
  std::string key;
  std::string url;                      // menu[].url
  std::vector<MenuButton> sub_buttons;  // menu[].sub_buttons
};

// The EventKey a click button gets when the config names none: "LINLI_" + the command's
// UTF-8 bytes in upper-case hex ("报事" -> "LINLI_E68AA5E4BA8B"). Stable (the same command
// keeps its key when buttons move) and ASCII whatever the command's script.
std::string DefaultMenuKey(const std::string& command);

// One messaging channel. Platform fields are kept as strings; a key its type does not declare
// (adapters/registry.cc) stops start-up, and the adapter factory validates the values.
struct ChannelConfig {
  std::string name;                         // channels[].name: unique, [a-z0-9_-]+
  std::string type;                         // channels[].type: "telegram", "wechat_mp", ...
  std::string api_base;                     // channels[].api_base: platform API root
  std::map<std::string, std::string> fields;  // every other key of the channel object
  // channels[].menu: the channel's custom menu, top-level buttons in order; default none.
  // Only types whose registry entry takes a menu accept one (config_check.h).
  std::vector<MenuButton> menu;

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

// One config `volunteers` entry (issue 9): an active volunteer from the start, synced at every
// start like staff (a volunteer removed from the list stops being one; volunteers who
// registered by chat or were set by staff are left alone).
struct VolunteerMember {
  std::string channel;       // volunteers[].channel (a configured channel or "console")
  std::string user_id;       // volunteers[].user_id
  std::string name;          // volunteers[].name: the display name groups see (required)
  std::string organisation;  // volunteers[].organisation: workplace / party branch, may be ""
};

// One item of the redemption catalogue (points.catalogue[]).
struct CatalogueItem {
  std::string id;                             // id: [a-z0-9_-], unique; what 兑换 <item> names
  std::map<std::string, std::string> labels;  // label: {"zh-CN": "...", "en": "..."}, or
  std::string label_key;                      // label_key: a text key of the locale files
  int64_t cost = 0;                           // cost: points, >= 1
  int64_t stock = -1;                         // stock: how many there are, -1 = unlimited
};

struct PointsConfig {
  // points.catalogue: what points can be exchanged for. Empty (the default): 兑换 says so.
  std::vector<CatalogueItem> catalogue;
  // points.exchange_day: day of the month (1..28) when requested items are handed out.
  // Requests are accepted every day and hold the points at once; the reply names the next
  // exchange day.
  int exchange_day = 15;
  // points.leaderboard_size: how many volunteers 最美志愿者 shows.
  int leaderboard_size = 10;
};

struct DialogConfig {
  int session_timeout_minutes = 30;         // dialog.session_timeout_minutes
};

struct OutboxConfig {
  int max_attempts = 12;                    // outbox.max_attempts before "failed"
  int initial_backoff_ms = 1000;            // outbox.initial_backoff_ms, doubled per attempt
  int max_backoff_ms = 300000;              // outbox.max_backoff_ms
  int poll_interval_ms = 500;               // outbox.poll_interval_ms (also woken on enqueue)
  // outbox.lease_ms: how long a claimed message belongs to the instance sending it; after
  // that (the instance was killed or hangs) another instance on the same PostgreSQL takes it
  // back and sends it again. 5000..3600000; keep it well above the longest send (the channels'
  // timeout_ms times a long text's parts): a lease that runs out mid-send sends twice.
  int lease_ms = 120000;
};

// media: photos attached to reports, fetched from the platform at intake into a folder
// (issue 11 point 4; domain/media/ticket_media.h).
struct MediaConfig {
  // media.dir: the folder of the fetched files. Default "" = "<folder of
  // storage.sqlite.path>/media" (set by the loader); a relative path is relative to the cwd.
  std::string dir;
  int64_t max_bytes = 10 * 1024 * 1024;     // media.max_bytes: larger photos are refused
  int retention_days = 180;                 // media.retention_days: files and rows older go
  int max_attempts = 8;                     // media.max_attempts: fetch tries before "failed"
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

// metrics: GET /metrics in the Prometheus text format (issue 13; bot/server/metrics_route.h,
// packaging/prometheus/). Who may read it:
//   "loopback" (the default): requests whose socket peer is 127.0.0.0/8 or ::1 - a Prometheus
//     on the same host; every other peer gets 404, as if there were no such path. Behind a
//     reverse proxy on the same host every request comes from loopback: do not proxy /metrics
//     then, or use "admin_key".
//   "admin_key": "Authorization: Bearer <token>" of one of the admin API's keys (admin.api_token
//     / admin.api_keys, checked as the admin API checks them: 401 without one), from anywhere;
//     the loader refuses it when no admin key is configured.
struct MetricsConfig {
  bool enabled = true;              // metrics.enabled: false = no /metrics (404)
  std::string access = "loopback";  // metrics.access: loopback | admin_key
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

// wishes: micro-wishes (微心愿, issue 9).
struct WishesConfig {
  // wishes.categories: ids of wish categories; labels come from the locale files
  // ("wish.category.<id>"). Default: 生活帮扶, 就医陪护, 维修, 代购, 其他.
  std::vector<std::string> categories = {"life", "medical", "repair", "shopping", "other"};
  // wishes.require_approval: a new wish waits for staff (待审核: 通过 N / 驳回 N 原因) before
  // its card is posted to the groups.
  bool require_approval = true;
  int points_per_wish = 10;      // wishes.points_per_wish: credited to each helper on confirm
  int points_per_hour = 0;       // wishes.points_per_hour: x the hours a helper reported
  int auto_confirm_days = 3;     // wishes.auto_confirm_days: done but unconfirmed -> confirmed
  int claim_reminder_days = 2;   // wishes.claim_reminder_days: claim without progress -> reminder
  int claim_release_days = 4;    // wishes.claim_release_days: -> released (> reminder days)
};

// digest: the daily digest to staff groups (issue 11 point 5; groups[] whose posts has "digest").
struct DigestConfig {
  std::string time = "08:30";  // digest.time: "HH:MM", local time in config.timezone
  // digest.deferred_near_days: a deferred ticket is listed once its promised date is at most
  // this many days ahead (or past).
  int deferred_near_days = 3;
};

// agenda: the monthly joint-meeting agenda (一月一议, issue 11 point 6) posted to groups[] whose
// posts has "agenda", days_before days before the meeting day, covering the previous month.
struct AgendaConfig {
  int meeting_day = 15;        // agenda.meeting_day: day of the month of the meeting, 1..28
  int days_before = 3;         // agenda.days_before: 0..27, less than meeting_day
  std::string time = "09:00";  // agenda.time: "HH:MM" local time of the post on that day
};

// departments[]: the outside departments a ticket can be referred to (联动处置, issue 11 point 8:
// 城管, 派出所, 消防, 供水...) with `转交 N 部门 备注`. A department's destination is a group robot
// (a channel whose type ends in "_robot": its chat_id may be left out) or a chat of a configured
// channel. Only the ticket's public projection and the masked staff note are sent there.
struct DepartmentConfig {
  std::string id;        // departments[].id: unique, lower-case letters, digits, '_' or '-'
  std::string name;      // departments[].name: unique, what staff type and residents read ("城管")
  std::string channel;   // departments[].channel: a configured channel's name
  std::string chat_id;   // departments[].chat_id: required unless the channel is a robot
  int remind_hours = 24; // departments[].remind_hours: 1..720; unanswered this long -> staff reminded
};

// groups[]: a group chat the bot posts to (volunteer groups, building groups). Groups are
// public: only what the group rules allow is posted (building level, masked text).
struct GroupConfig {
  std::string name;                     // groups[].name: unique, for logs and staff
  std::string channel;                  // groups[].channel: a configured channel's name
  std::string chat_id;                  // groups[].chat_id: the platform's chat id
  // groups[].posts: what is posted there: "wishes" (wish cards), "decisions" (results of
  // closed decisions, totals only), "reports" (the confirmed red/black list), "tickets" (a card per new
  // ticket, staff act by replying to it in a two-way chat), "escalations" (a short card per
  // escalation or transfer to a tier of `tiers`), "digest" (daily), "agenda" (monthly). Required, non-empty.
  std::vector<std::string> posts;
  std::vector<std::string> buildings;   // groups[].buildings: only these buildings' (empty = all)
  // groups[].categories: "tickets" only of these categories (ids of `categories`; empty = all).
  std::vector<std::string> categories;
  // groups[].tiers: "escalations" only to these tiers ("compound", "community", "street";
  // empty = all).
  std::vector<std::string> tiers;

  bool Posts(const std::string& kind) const {
    for (const auto& p : posts) {
      if (p == kind) return true;
    }
    return false;
  }
  static bool In(const std::vector<std::string>& list, const std::string& v) {
    if (list.empty()) return true;
    for (const auto& x : list) {
      if (x == v) return true;
    }
    return false;
  }
  // Whether a ticket of `category` is posted here (with Serves for its building).
  bool TakesCategory(const std::string& category) const { return In(categories, category); }
  // Whether an escalation to `tier` is posted here.
  bool TakesTier(const std::string& tier) const { return In(tiers, tier); }
  // Whether something about `building` ("" = unknown) is posted here.
  bool Serves(const std::string& building) const {
    if (buildings.empty()) return true;
    for (const auto& b : buildings) {
      if (b == building) return true;
    }
    return false;
  }
};

// A building head (楼栋长), one concept for the whole compound: records paper ballots (代投,
// issue 10 point 5) and posts wishes (代许愿, issue 9) for the households and persons of their
// buildings only.
struct BuildingHead {
  std::string channel;                    // building_heads[].channel
  std::string user_id;                    // building_heads[].user_id
  std::vector<std::string> buildings;     // building_heads[].buildings: compound ids, non-empty
  std::string name;                       // building_heads[].name: shown as the actor; optional
};

// decisions.appraisal: the quarterly appraisal (民主评议) the `appraisal` job drafts and opens
// by itself, once per quarter. Off by default: it pushes a questionnaire to every household,
// so a community turns it on when it has agreed to it (and its roster is bound), rather than
// an upgrade surprising everyone on the first quarter's last month.
struct AppraisalScheduleConfig {
  bool enabled = false;  // decisions.appraisal.enabled
  // decisions.appraisal.opens_day: the day (1..28) of the quarter's last month (March, June,
  // September, December) on which it opens, at 00:00 config.timezone.
  int opens_day = 1;
  // decisions.appraisal.open_days: how long it stays open (1..60 days).
  int open_days = 14;
  std::vector<std::string> buildings;  // decisions.appraisal.buildings; empty = whole compound
};

// Residents' decisions (issue 10): covenants, polls, appraisals, elections.
struct DecisionsConfig {
  // decisions.reminder_hours: households that have not voted are reminded this many hours
  // before the close (1..720); 0 = no reminders.
  int reminder_hours = 24;
  // decisions.appraisal_criteria: the criteria (ids; labels decision.criterion.<id> in the
  // locale files, else the id itself) each household rates 1-5 in the quarterly appraisal.
  std::vector<std::string> appraisal_criteria = {"service", "cleaning", "security", "repairs",
                                                 "greenery"};
  AppraisalScheduleConfig appraisal;         // decisions.appraisal
};

// property_companies[]: who serves which buildings (物业公司), for the quarterly red/black
// list (红黑榜, issue 11 point 7). Company names are public; nothing here names a person.
struct PropertyCompany {
  std::string id;                       // property_companies[].id: unique, [a-z0-9_-]
  std::string name;                     // property_companies[].name: shown in the list
  std::vector<std::string> buildings;   // property_companies[].buildings: compound ids, each
                                        // served by one company only
};

// red_black: how the quarterly red/black list ranks the companies (domain/reports/red_black.h).
struct RedBlackConfig {
  // red_black.min_tickets: a company with fewer tickets received in the quarter is listed
  // as unranked (0..10000).
  int min_tickets = 5;
  // red_black.min_appraisals: ... fewer households that answered the quarter's appraisal
  // (0..100000).
  int min_appraisals = 10;
  // red_black.top_n / red_black.bottom_n: how many ranked companies make the red list (the
  // best scores) and the black list (the worst); a company is never on both (0..100).
  int top_n = 1;
  int bottom_n = 1;
};

// web: the web front end (issue 12): the staff console's login links and sessions (and the
// resident's page's sessions).
struct WebConfig {
  // web.public_url: the https base URL the links are made with, e.g.
  // "https://linli.example.org" (no trailing slash; a path prefix is allowed). Required for
  // login links: without it 登录 answers that the console is not set up. Default "".
  std::string public_url;
  int session_idle_minutes = 30;  // web.session_idle_minutes: a session unused this long ends
  int session_max_hours = 12;     // web.session_max_hours: a session ends this long after login
  int login_link_minutes = 5;     // web.login_link_minutes: a login link is valid this long
  // web.secure_cookies: cookies carry Secure (sent only over https). Default: true when
  // public_url starts with "https://", else false (set by the loader).
  bool secure_cookies = false;
};

struct LoggingConfig {
  std::string level = "info";               // logging.level: trace|debug|info|warn|error
  bool json = false;                        // logging.json: JSON lines instead of text
};

// open311: the Open311 GeoReport v2 API under /open311/v2/ (issue 12 point 5, docs/open311.md).
// Reading (discovery, services, requests) needs no key; creating a request (POST requests)
// needs one of the keys. Without any key (the default) the whole API is off: every
// /open311/v2/ path answers 404.
struct Open311Config {
  // open311.api_key (one key) and open311.api_keys (an array of keys): each at least 24
  // characters not counting whitespace, all different; write them as "${ENV}". api_key comes
  // first here, then api_keys.
  std::vector<std::string> api_keys;
  // open311.endpoint_url: the endpoint's public URL that discovery names (http:// or
  // https://, e.g. "https://linli.example.org/open311/v2"); default "" names the path
  // "/open311/v2".
  std::string endpoint_url;
  // open311.contact / open311.key_service: discovery's "how to reach the provider" and "how
  // to get a key"; default "" shows the locale's open311.contact / open311.key_service text.
  std::string contact;
  std::string key_service;
  std::string type = "production";  // open311.type: production|test (discovery's endpoint type)

  bool enabled() const { return !api_keys.empty(); }
};

// backup (issue 15 point 4): the daily backup job. Each day at `at` (local time in
// config.timezone) a consistent copy of the database goes into `dir` as
// linli-YYYYMMDD-HHMM.db (the minute it was taken); the newest `keep` such files are kept and
// older ones deleted (only files named like that). SQLite file databases only.
struct BackupConfig {
  // backup.enabled: default true when the section is present, false without it.
  bool enabled = false;
  // backup.dir: default "" = "<folder of storage.sqlite.path>/backups" (set by the loader);
  // created (0700) by the first run if missing. A folder on another disk is better.
  std::string dir;
  std::string at = "03:30";  // backup.at: "HH:MM"
  int keep = 7;              // backup.keep: 1..3650 files
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
  std::vector<VolunteerMember> volunteers;  // volunteers: see VolunteerMember
  PointsConfig points;
  // categories: ids of report categories; labels come from the locale files
  // ("category.<id>"). Default: the eight of issue 2.
  std::vector<std::string> categories = {"sanitation", "repair", "parking",  "pets",
                                         "noise",      "safety", "property", "other"};
  DialogConfig dialog;
  OutboxConfig outbox;
  MediaConfig media;
  BackupConfig backup;  // backup
  SlaConfig sla;
  RatingConfig rating;
  AdminConfig admin;
  MetricsConfig metrics;  // metrics
  LimitsConfig limits;
  RetentionConfig retention;
  WishesConfig wishes;
  std::vector<GroupConfig> groups;
  std::vector<DepartmentConfig> departments;  // departments; default none
  DigestConfig digest;
  AgendaConfig agenda;
  DecisionsConfig decisions;
  std::vector<BuildingHead> building_heads;  // building_heads (top level); default none
  std::vector<PropertyCompany> property_companies;  // property_companies
  RedBlackConfig red_black;                         // red_black
  WebConfig web;                                    // web
  Open311Config open311;                            // open311
  LoggingConfig logging;

  std::string source_path;                  // the file this was loaded from
};

}  // namespace linli::config
