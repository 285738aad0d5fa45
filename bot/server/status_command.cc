#include "bot/server/status_command.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "bot/clock.h"
#include "bot/server/backup_command.h"
#include "bot/server/jobs.h"
#include "bot/server/startup.h"
#include "domain/common/schedule.h"
#include "domain/deps.h"
#include "storage/migrations.h"
#include "storage/open_database.h"
#include "storage/ticket_state.h"

namespace linli {
namespace {

// Decodes one UTF-8 sequence at s[*i] (advancing *i); a malformed byte reads as itself.
uint32_t NextCodePoint(const std::string& s, size_t* i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(*i);
  const int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
  if (extra == 0 || *i + extra >= s.size()) {
    ++*i;
    return c;
  }
  uint32_t cp = extra == 3 ? c & 0x07 : extra == 2 ? c & 0x0F : c & 0x1F;
  for (int k = 1; k <= extra; ++k) {
    if ((byte(*i + k) & 0xC0) != 0x80) {
      ++*i;
      return c;
    }
    cp = (cp << 6) | (byte(*i + k) & 0x3F);
  }
  *i += extra + 1;
  return cp;
}

bool IsWide(uint32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
         (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

// Rows of cells, the first the header; columns aligned, numbers to the right.
class Table {
 public:
  explicit Table(std::vector<bool> right) : right_(std::move(right)) {}
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  bool empty() const { return rows_.empty(); }

  std::string Render(const std::string& indent) const {
    std::vector<size_t> widths(right_.size(), 0);
    for (const auto& row : rows_) {
      for (size_t c = 0; c < row.size() && c < widths.size(); ++c) {
        widths[c] = std::max(widths[c], DisplayWidth(row[c]));
      }
    }
    std::string out;
    for (const auto& row : rows_) {
      std::string line = indent;
      for (size_t c = 0; c < row.size() && c < widths.size(); ++c) {
        const std::string pad(widths[c] - DisplayWidth(row[c]), ' ');
        if (c > 0) line += "  ";
        line += right_[c] ? pad + row[c] : row[c] + pad;
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
    return out;
  }

 private:
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

std::string LocalMinute(const domain::TimeZone& zone, int64_t ms) {
  const domain::CivilTime t = zone.ToLocal(ms / 1000);
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d", t.year, t.month, t.day, t.hour,
                t.minute);
  return text;
}

// `s` on one line, cut to about `max` bytes at a character boundary.
std::string OneLine(std::string s, size_t max) {
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (s.size() <= max) return s;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "...";
}

// A job's schedule as the operator reads it: "每天 03:30", "every 5 min".
std::string ScheduleText(const domain::Schedule& schedule, const domain::TimeZone& zone,
                         const std::function<std::string(const std::string&,
                                                         const config::TextArgs&)>& say) {
  auto two = [](int n) { return std::string(n < 10 ? "0" : "") + std::to_string(n); };
  switch (schedule.kind) {
    case domain::Schedule::Kind::kEvery: {
      for (auto [unit, ms] : {std::pair{"d", 86'400'000LL}, {"h", 3'600'000LL}, {"m", 60'000LL}}) {
        if (schedule.every_ms % ms == 0) {
          return say(std::string("schedule_every_") + unit,
                     {{"n", std::to_string(schedule.every_ms / ms)}});
        }
      }
      return say("schedule_every_s", {{"n", std::to_string(schedule.every_ms / 1000)}});
    }
    case domain::Schedule::Kind::kDaily:
      return say("schedule_daily", {{"time", two(schedule.hour) + ":" + two(schedule.minute)}});
    case domain::Schedule::Kind::kMonthly:
      return say("schedule_monthly", {{"day", std::to_string(schedule.day)},
                                      {"time", two(schedule.hour) + ":" + two(schedule.minute)}});
    case domain::Schedule::Kind::kOnce:
      return say("schedule_once", {{"time", LocalMinute(zone, schedule.at_ms)}});
  }
  return "";
}

}  // namespace

size_t DisplayWidth(const std::string& text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) width += IsWide(NextCodePoint(text, &i)) ? 2 : 1;
  return width;
}

std::string RenderStatus(const StatusSnapshot& s, const config::Texts& texts,
                         const std::string& locale, const domain::TimeZone& zone,
                         int64_t now_ms) {
  auto say = [&](const std::string& key, const config::TextArgs& args = {}) {
    return texts.Get(locale, "cli.status_" + key, args);
  };
  const std::string indent = "  ";
  std::string out = say("title", {{"time", LocalMinute(zone, now_ms)}, {"zone", zone.name()}}) + "\n";

  // The database.
  Table about({false, false});
  about.Add({say("database"), s.database});
  if (s.postgres) {
    about.Add({say("size"),
               say("size_value_pg", {{"schema", FormatBytes(s.postgres->schema_bytes)},
                                     {"name", s.postgres->schema},
                                     {"db", FormatBytes(s.postgres->database_bytes)}})});
  } else {
    about.Add({say("size"), say(s.size.wal_bytes > 0 ? "size_value_wal" : "size_value",
                                {{"db", FormatBytes(s.size.database_bytes)},
                                 {"wal", FormatBytes(s.size.wal_bytes)}})});
  }
  const config::TextArgs versions = {
      {"version", std::to_string(s.schema_version)},
      {"latest", std::to_string(s.build_schema_version)},
      {"pending", std::to_string(std::max(0, s.build_schema_version - s.schema_version))}};
  about.Add({say("schema"), say(s.schema_version == s.build_schema_version ? "schema_value"
                                : s.schema_version < s.build_schema_version ? "schema_pending"
                                                                            : "schema_newer",
                                versions)});
  out += about.Render(indent);

  // Tickets by state and tier, with the overdue ones of each state.
  out += "\n" + say("tickets") + "\n";
  std::vector<std::string> tiers;
  for (storage::Tier t : storage::kAllTiers) tiers.push_back(storage::NameOf(t));
  std::map<std::string, std::map<std::string, int64_t>> grid;  // state -> tier -> count
  for (const auto& c : s.tickets) grid[c.state][c.tier] += c.tickets;
  std::map<std::string, int64_t> overdue;
  for (const auto& c : s.open_tickets) overdue[c.state] += c.overdue;
  if (grid.empty()) {
    out += indent + say("no_tickets") + "\n";
  } else {
    std::vector<bool> right(tiers.size() + 3, true);
    right[0] = false;  // the state's name
    Table t(right);
    std::vector<std::string> header = {""};
    for (const auto& tier : tiers) header.push_back(say("tier_" + tier));
    header.push_back(say("total"));
    header.push_back(say("overdue"));
    t.Add(header);
    std::vector<std::string> states;
    for (storage::TicketStatus st : storage::kAllTicketStatuses) states.push_back(storage::NameOf(st));
    for (const auto& [state, by_tier] : grid) {  // a name outside the enum: listed last
      if (std::find(states.begin(), states.end(), state) == states.end()) states.push_back(state);
    }
    std::map<std::string, int64_t> tier_totals;
    int64_t all = 0, all_overdue = 0;
    for (const std::string& state : states) {
      auto row_it = grid.find(state);
      if (row_it == grid.end()) continue;
      const std::string key = "ticket.status." + state;
      std::vector<std::string> row = {texts.Has(locale, key) ? texts.Get(locale, key) : state};
      int64_t total = 0;
      for (const auto& [tier, n] : row_it->second) total += n;
      for (const auto& tier : tiers) {
        auto n = row_it->second.find(tier);
        const int64_t v = n == row_it->second.end() ? 0 : n->second;
        row.push_back(std::to_string(v));
        tier_totals[tier] += v;
      }
      row.push_back(std::to_string(total));
      row.push_back(state == "closed" ? "-" : std::to_string(overdue[state]));
      all += total;
      all_overdue += overdue[state];
      t.Add(row);
    }
    std::vector<std::string> totals = {say("total")};
    for (const auto& tier : tiers) totals.push_back(std::to_string(tier_totals[tier]));
    totals.push_back(std::to_string(all));
    totals.push_back(std::to_string(all_overdue));
    t.Add(totals);
    out += t.Render(indent);
  }

  // The outbox: what waits, and dead letters, by channel.
  out += "\n" + say("outbox") + "\n";
  static const char* const kColumns[] = {"pending", "sending", "deferred", "failed"};
  std::map<std::string, std::map<std::string, int64_t>> depth;  // channel -> status -> n
  for (const auto& d : s.outbox) depth[d.channel][d.status] += d.messages;
  if (depth.empty()) {
    out += indent + say("outbox_empty") + "\n";
  } else {
    Table t({false, true, true, true, true});
    t.Add({say("channel"), say("outbox_pending"), say("outbox_sending"), say("outbox_deferred"),
           say("outbox_failed")});
    for (const auto& [channel, by_status] : depth) {
      std::vector<std::string> row = {channel};
      for (const char* col : kColumns) {
        auto n = by_status.find(col);
        row.push_back(std::to_string(n == by_status.end() ? 0 : n->second));
      }
      t.Add(row);
    }
    out += t.Render(indent);
  }

  // Scheduled jobs: the last run of each, and what failed since.
  out += "\n" + say("jobs") + "\n";
  Table jobs({false, false, false, true, true, false});
  jobs.Add({say("job"), say("job_schedule"), say("job_last_run"), say("job_runs"),
            say("job_failures"), say("job_last_failure")});
  std::vector<std::string> failing;
  for (const auto& line : s.jobs) {
    const auto& r = line.record;
    const bool ran = r && r->runs > 0;
    const bool failed = r && r->failures > 0;
    jobs.Add({line.name,
              line.schedule ? ScheduleText(*line.schedule, zone, say) : say("not_scheduled"),
              ran ? LocalMinute(zone, r->last_run_at_ms) : say("never"),
              std::to_string(r ? r->runs : 0), std::to_string(r ? r->failures : 0),
              failed ? LocalMinute(zone, r->last_failed_at_ms) : "-"});
    if (failed && r->last_failed_at_ms > r->last_run_at_ms) {
      failing.push_back(indent + say("job_failing", {{"job", line.name},
                                                     {"error", OneLine(r->last_error, 160)}}));
    }
  }
  out += jobs.Render(indent);
  for (const auto& f : failing) out += f + "\n";
  return out;
}

int RunStatusCommand(const std::vector<std::string>& args, const config::GetenvFn& getenv,
                     std::ostream& out, std::ostream& err) {
  auto usage = [&err](const std::string& problem) {
    err << "linli: " << problem << "\nusage: linli status --config FILE [--locale zh-CN|en]\n";
    return 2;
  };
  std::string config_path, locale;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& s = args[i];
    if ((s == "--config" || s == "--locale") && i + 1 < args.size()) {
      (s == "--config" ? config_path : locale) = args[++i];
    } else {
      return usage("status: unexpected argument " + s);
    }
  }
  if (config_path.empty()) return usage("status needs --config FILE");
  auto checked = LoadAndValidate(config_path, getenv, ChannelSecretsFor("status"));
  if (!checked.ok()) {
    err << "linli: " << checked.status().message() << "\n";
    return 1;
  }
  const config::Config& config = checked->config;
  const config::Texts& texts = checked->texts;
  if (locale.empty()) locale = config.locale;
  const std::vector<std::string> known = texts.locales();
  if (std::find(known.begin(), known.end(), locale) == known.end()) {
    std::string list;
    for (const auto& l : known) list += (list.empty() ? "" : ", ") + l;
    return usage("--locale must be one of " + list);
  }
  auto say = [&](const std::string& key, const config::TextArgs& a = {}) {
    return texts.Get(locale, "cli.status_" + key, a);
  };

  storage::DatabaseOptions options = DatabaseOptionsFor(config.storage);
  const bool postgresql = config.storage.backend == "postgresql";
  StatusSnapshot snap;
  snap.database = postgresql ? storage::DescribeDatabase(options) : config.storage.sqlite.path;
  snap.build_schema_version = storage::LatestSchemaVersion();
  auto failed = [&](const Status& st) {
    err << "linli: " << say("failed", {{"error", st.message()}}) << "\n";
    return 1;
  };
  if (!postgresql) {
    auto size = storage::DatabaseSize(options);
    if (!size.ok()) {
      if (size.status().code() != StatusCode::kNotFound) return failed(size.status());
      err << "linli: " << say("no_database", {{"path", snap.database}}) << "\n";
      return 1;
    }
    snap.size = *size;
  }

  options.sqlite.read_only = true;
  auto reader = storage::OpenReader(options);
  if (!reader.ok()) return failed(reader.status());
  storage::Database& db = **reader;
  if (postgresql) {
    // No file here: the server says how much room the schema and the database take.
    auto measured = storage::MeasurePostgres(db);
    if (!measured.ok()) return failed(measured.status());
    snap.postgres = *measured;
  }
  auto version = storage::SchemaVersion(db);
  if (!version.ok()) return failed(version.status());
  snap.schema_version = *version;
  const SystemClock clock;
  const int64_t now = clock.NowMillis();
  // A database of an older schema may lack a table (or a column) read below; what cannot be
  // read is left empty rather than failing the screen.
  if (auto tickets = storage::CountTickets(db); tickets.ok()) snap.tickets = *tickets;
  if (auto open = storage::CountOpenTickets(db, now); open.ok()) snap.open_tickets = *open;
  if (auto outbox = storage::CountOutboxDepth(db); outbox.ok()) snap.outbox = *outbox;
  std::map<std::string, storage::JobRun> records;
  if (auto runs = storage::JobStore::List(db); runs.ok()) {
    for (auto& r : *runs) records[r.name] = r;
  }
  // The jobs this config schedules, in their order (built only to read names and schedules).
  const domain::Deps deps{config, texts, clock};
  std::set<std::string> listed;
  for (const Job& job : ServerJobs(JobDeps{deps, nullptr})) {
    StatusSnapshot::JobLine line{job.name, job.schedule, std::nullopt};
    if (auto it = records.find(job.name); it != records.end()) line.record = it->second;
    listed.insert(job.name);
    snap.jobs.push_back(std::move(line));
  }
  for (const auto& [name, record] : records) {
    if (!listed.count(name)) snap.jobs.push_back({name, std::nullopt, record});
  }

  auto zone = domain::LoadTimeZone(config.timezone);
  const domain::TimeZone utc = domain::TimeZone::Utc();
  out << RenderStatus(snap, texts, locale, zone.ok() ? **zone : utc, now);
  return 0;
}

}  // namespace linli
