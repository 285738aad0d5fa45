// linli - the command line: serve, chat, migrate, roster, outbox, agenda, digest, privacy,
// volunteers, check, telegram, wechat, wecom.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bot/server/app.h"
#include "bot/server/backup_command.h"
#include "bot/server/check_command.h"
#include "bot/server/console_channel.h"
#include "bot/server/db_copy_command.h"
#include "bot/server/export_command.h"
#include "bot/server/init_command.h"
#include "bot/server/locale_dir.h"
#include "bot/server/log.h"
#include "bot/server/menu_command.h"
#include "bot/server/report_command.h"
#include "bot/server/restore_command.h"
#include "bot/server/startup.h"
#include "bot/server/startup_checks.h"
#include "bot/server/staff_posts.h"
#include "bot/server/status_command.h"
#include "bot/server/telegram_command.h"
#include "config/config_loader.h"
#include "domain/tickets/agenda.h"
#include "domain/common/masking.h"
#include "domain/people/invite_code.h"
#include "domain/people/privacy.h"
#include "domain/volunteers/service_record.h"
#include "domain/decisions/decision_actions.h"
#include "domain/decisions/decision_audit.h"
#include "domain/deps.h"
#include "domain/people/roster_import.h"
#include "storage/identity_store.h"
#include "storage/open_database.h"
#include "storage/outbox_store.h"
#include "storage/roster_store.h"

namespace {

constexpr const char* kUsage = R"(linli - the neighbourhood (邻里) chat-bot service

Usage:
  linli init [--name NAME] [--roster FILE.csv] [--channels telegram,wechat,wecom,feishu,dingtalk]
             [--public-url https://HOST] [--out linli.json] [--env-out linli.env]
             [--locale zh-CN|en] [--timezone ZONE] [--database PATH] [--port N]
                                              write a new config for the compound (buildings
                                              and units from the roster, every secret a ${ENV})
                                              and its environment file (mode 0600; generated
                                              secrets, the platforms' ones to fill in); asks on
                                              a terminal for what is missing; never overwrites
  linli serve   --config FILE [--json-logs]   run the webhook server
  linli chat    --config FILE --user ID       talk to the bot on stdin/stdout (console channel)
  linli migrate --config FILE                 apply database migrations and exit
  linli agenda  --config FILE --month YYYY-MM the month's joint-meeting agenda (Markdown)
  linli report quarterly --config FILE --quarter YYYY-Qn [--csv FILE]
                                              the quarterly red/black list of the property
                                              companies (红黑榜); --csv also writes it as CSV
  linli digest --preview --config FILE [--group NAME]
                                              the daily digest each group whose posts has
                                              "digest" (or the named group) would get now,
                                              since the last digest sent; sends nothing
  linli export tickets --config FILE [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--events] [--out FILE]
                                              tickets created from..to (or, with --events, their
                                              events) as CSV for spreadsheets (UTF-8 with BOM);
                                              no reporter name or phone
  linli roster import FILE.csv|- --config FILE [--update]
                                              import households (all lines or none; - reads
                                              standard input); optional
                                              columns owner_id, developer; --update replaces
                                              area/owner/phone/owner_id/developer of existing ones
  linli roster list  --config FILE [--full]   the roster by building/unit; names and phones
                                              masked unless --full
  linli roster codes --config FILE [--building B]
                                              one unused invite code per household (created if
                                              missing), tab-separated, for printing
  linli outbox  --config FILE [--status S]    messages not yet delivered (S: pending, sending,
                                              deferred, failed or sent): id, channel, masked
                                              recipient, notice, status, attempts, age, error
  linli privacy export --config FILE (--person ID | --channel C --user U)
                                              everything Linli holds about the person (JSON)
  linli privacy erase  --config FILE (--person ID | --channel C --user U) [--yes]
                                              erases the person for good (identities, names,
                                              phones, their texts; tickets kept unlinked);
                                              refuses without --yes
  linli volunteers report --config FILE --org NAME --from YYYY-MM-DD --to YYYY-MM-DD
                                              CSV on stdout, one row per volunteer of the
                                              organisation: display name, wishes fulfilled,
                                              hours, points earned, mean rating (both days
                                              included, in the configured timezone)
  linli covenant export ID --config FILE [--out FILE.csv]
                                              the audit CSV of a closed covenant: one row per
                                              household (secret ballots: commitments, never a
                                              choice), receipts, totals, the text's SHA-256
  linli check --config FILE [--online] [--public-url URL]
                                              validates what serve would (writes nothing); with
                                              --online calls each channel's platform once and
                                              prints one line per channel: ok, or the
                                              platform's code with a hint
  linli telegram set-webhook --config FILE [--channel NAME] [--public-url URL]
                 [--drop-pending-updates]     registers <public URL>/webhook/<channel> with
                                              Telegram (the channel's secret_token, the update
                                              kinds Linli handles)
  linli telegram webhook-info --config FILE [--channel NAME] [--public-url URL]
                                              what Telegram holds: url, pending updates, the
                                              last delivery error; then the check line
  linli wechat menu push|show --config FILE [--channel NAME]
                                              push: the channel's "menu" section becomes the
                                              Official Account's custom menu; show: the menu
                                              WeChat holds, keys mapped to their commands
  linli wecom menu push|show --config FILE [--channel NAME]
                                              the same for the WeCom app's menu
  linli backup  --config FILE --to FILE [--force]
                                              a consistent copy of the database, also while
                                              linli serve runs; checked (integrity_check);
                                              an existing FILE only with --force
  linli restore --config FILE --from FILE     replaces the database of a STOPPED instance by a
                                              checked backup; the old one is kept as
                                              <db>.before-restore-<time>
  linli db copy --from CONFIG_A --to CONFIG_B
                                              copies every table of A's database into B's
                                              (SQLite <-> PostgreSQL, either way) in one
                                              transaction, then checks each table's row count
                                              and SHA-256 on both sides; B must be new (freshly
                                              migrated, empty); stop the service on A first
  linli status  --config FILE [--locale L]    one screen: database size, schema version,
                                              tickets by state and tier, outbox backlog and dead
                                              letters by channel, last run of every job
                                              (read-only; works while linli serve runs)
  linli --version
  linli --help

Secrets in the config file may be written as ${ENV_VAR}.
)";

struct Args {
  std::string command;
  std::string config;
  std::string user;
  bool json_logs = false;
  std::string status;  // outbox: --status
  // roster
  std::string subcommand;  // import|list|codes
  std::string file;        // import: the CSV
  std::string building;    // codes: --building
  bool update = false;     // import: --update
  bool full = false;       // list: --full
};

int Fail(const std::string& message) {
  std::cerr << "linli: " << message << "\n(see linli --help)\n";
  return 2;
}

// Prints "linli: <message>" for a failure that is not a usage error; returns exit code 1.
int Error(const linli::Status& status) {
  std::cerr << "linli: " << status.message() << "\n";
  return 1;
}

// The command line's own messages in the configured locale (the "cli" texts of
// config/locales). Usage errors before the config is read and the config's own errors stay
// in English: they name keys and options, not things a resident says.
class CliText {
 public:
  CliText(const linli::config::Texts& texts, std::string locale)
      : texts_(texts), locale_(std::move(locale)) {}
  std::string operator()(const std::string& key, const linli::config::TextArgs& args = {}) const {
    return texts_.Get(locale_, "cli." + key, args);
  }
  const linli::config::Texts& texts() const { return texts_; }
  const std::string& locale() const { return locale_; }

 private:
  const linli::config::Texts& texts_;
  std::string locale_;
};

// The configured database, migrated (storage/open_database.h), or the error.
linli::StatusOr<linli::storage::OpenedDatabase> OpenDatabase(const linli::config::Config& config) {
  return linli::storage::OpenDatabase(linli::DatabaseOptionsFor(config.storage));
}

// linli agenda --config FILE --month YYYY-MM: the monthly joint-meeting agenda as Markdown on
// stdout (domain/tickets/agenda.h). Parsed apart from the other commands to stay self-contained.
int RunAgendaCommand(int argc, char** argv) {
  std::string config_path;
  std::string month;
  for (int i = 2; i < argc; ++i) {
    const std::string s = argv[i];
    if ((s == "--config" || s == "--month") && i + 1 < argc) {
      (s == "--config" ? config_path : month) = argv[++i];
    } else {
      return Fail("agenda: unexpected argument " + s);
    }
  }
  if (config_path.empty()) return Fail("agenda needs --config FILE");
  if (month.empty()) return Fail("agenda needs --month YYYY-MM");
  auto checked = linli::LoadAndValidate(config_path, ::getenv,
                                        linli::ChannelSecretsFor("agenda"));
  if (!checked.ok()) return Error(checked.status());
  const linli::config::Config& config = checked->config;
  linli::SetupLogging("warn", config.logging.json);
  auto db = OpenDatabase(config);
  if (!db.ok()) return Error(db.status());
  auto agenda =
      linli::domain::RenderAgenda(*db->db, config, checked->texts, month, config.locale);
  if (!agenda.ok()) {
    std::cerr << "linli: " << agenda.status().message() << "\n";
    return agenda.status().code() == linli::StatusCode::kInvalidArgument ? 2 : 1;
  }
  std::cout << *agenda;
  return 0;
}

// linli digest --preview --config FILE [--group NAME]: what the digest job would send now
// (bot/server/staff_posts.h), per group, on stdout; writes nothing. Offline: no channel secrets.
int RunDigestCommand(int argc, char** argv) {
  std::string config_path, group_name;
  bool preview = false;
  for (int i = 2; i < argc; ++i) {
    const std::string s = argv[i];
    if ((s == "--config" || s == "--group") && i + 1 < argc) {
      (s == "--config" ? config_path : group_name) = argv[++i];
    } else if (s == "--preview") {
      preview = true;
    } else {
      return Fail("digest: unexpected argument " + s);
    }
  }
  if (!preview) return Fail("digest needs --preview (the job sends; the command only shows)");
  if (config_path.empty()) return Fail("digest needs --config FILE");
  auto checked = linli::LoadAndValidate(config_path, ::getenv, linli::ChannelSecretsFor("digest"));
  if (!checked.ok()) return Error(checked.status());
  const linli::config::Config& config = checked->config;
  const CliText say(checked->texts, config.locale);
  linli::SetupLogging("warn", config.logging.json);
  std::vector<linli::config::GroupConfig> groups;
  for (const auto& g : config.groups) {
    if (group_name.empty() ? g.Posts("digest") : g.name == group_name) groups.push_back(g);
  }
  if (!group_name.empty() && groups.empty()) {
    std::string known;
    for (const auto& g : config.groups) known += (known.empty() ? "" : ", ") + g.name;
    std::cerr << "linli: " << say("digest_no_group", {{"group", group_name}, {"known", known.empty() ? "-" : known}})
              << "\n";
    return 2;
  }
  if (groups.empty()) {
    std::cerr << say("digest_no_groups") << "\n";
    linli::config::GroupConfig all;
    all.name = "-";
    groups.push_back(all);
  }
  auto db = OpenDatabase(config);
  if (!db.ok()) return Error(db.status());
  const linli::SystemClock clock;
  const int64_t now = clock.NowMillis();
  auto since = linli::DigestSince(*db->db, now);
  if (!since.ok()) return Error(since.status());
  for (size_t i = 0; i < groups.size(); ++i) {
    auto text = linli::DigestText(*db->db, config, checked->texts, groups[i], *since, now);
    if (!text.ok()) return Error(text.status());
    if (i > 0) std::cout << "\n";
    std::cout << say("digest_group", {{"group", groups[i].name}}) << "\n" << *text;
  }
  return 0;
}

// linli volunteers report --config FILE --org NAME --from YYYY-MM-DD --to YYYY-MM-DD: the
// service records of an organisation's volunteers as CSV (domain/volunteers/service_record.h).
int RunVolunteersCommand(int argc, char** argv) {
  const std::string sub = argc > 2 ? argv[2] : "";
  if (sub != "report") return Fail("volunteers needs report");
  std::string config_path, org, from, to;
  bool has_org = false;
  for (int i = 3; i < argc; ++i) {
    const std::string s = argv[i];
    if ((s == "--config" || s == "--org" || s == "--from" || s == "--to") && i + 1 < argc) {
      std::string& into = s == "--config" ? config_path : s == "--org" ? org : s == "--from" ? from : to;
      into = argv[++i];
      has_org = has_org || s == "--org";
    } else {
      return Fail("volunteers report: unexpected argument " + s);
    }
  }
  if (config_path.empty()) return Fail("volunteers report needs --config FILE");
  if (!has_org) return Fail("volunteers report needs --org NAME");
  if (from.empty() || to.empty()) return Fail("volunteers report needs --from and --to YYYY-MM-DD");
  auto checked = linli::LoadAndValidate(config_path);  // names file, key and hint
  if (!checked.ok()) return Error(checked.status());
  const linli::config::Config& config = checked->config;
  auto period = linli::domain::ReportPeriod(from, to, config.timezone);
  if (!period.ok()) return Fail(period.status().message());
  linli::SetupLogging("warn", config.logging.json);
  auto opened = OpenDatabase(config);
  if (!opened.ok()) return Error(opened.status());
  auto records =
      linli::domain::ServiceRecords(*opened->db, org, period->first, period->second);
  if (!records.ok()) return Error(records.status());
  std::cout << linli::domain::ServiceRecordsCsv(*records);
  return 0;
}

// linli covenant export ID --config FILE [--out FILE]: the audit CSV of a closed covenant
// (domain/decisions/decision_audit.h) on stdout or into FILE. Read-only.
int RunCovenantCommand(int argc, char** argv) {
  const std::string sub = argc > 2 ? argv[2] : "";
  if (sub != "export") return Fail("covenant needs export ID");
  std::string config_path, out, id_text;
  for (int i = 3; i < argc; ++i) {
    const std::string s = argv[i];
    if ((s == "--config" || s == "--out") && i + 1 < argc) {
      (s == "--config" ? config_path : out) = argv[++i];
    } else if (id_text.empty() && !s.empty() && s.size() <= 15 &&
               s.find_first_not_of("0123456789") == std::string::npos) {
      id_text = s;
    } else {
      return Fail("covenant export: unexpected argument " + s);
    }
  }
  if (id_text.empty()) return Fail("covenant export needs the covenant's number");
  if (config_path.empty()) return Fail("covenant export needs --config FILE");
  auto checked = linli::LoadAndValidate(config_path);
  if (!checked.ok()) return Error(checked.status());
  const linli::config::Config& config = checked->config;
  linli::SetupLogging("warn", config.logging.json);
  auto db = OpenDatabase(config);
  if (!db.ok()) return Error(db.status());
  linli::SystemClock clock;
  const linli::domain::Deps deps{config, checked->texts, clock};
  auto csv = linli::domain::decisions::ExportAudit(*db->db, deps, std::stoll(id_text));
  if (!csv.ok()) {
    auto refusal = linli::domain::decisions::DescribeDecisionRefusal(checked->texts, config.locale,
                                                                     csv.status());
    std::cerr << "linli: " << (refusal ? refusal->text : csv.status().message()) << "\n";
    return 1;
  }
  if (out.empty()) {
    std::cout << *csv;
    return 0;
  }
  std::ofstream f(out, std::ios::binary | std::ios::trunc);
  f << *csv;
  if (!f.good()) return Error(linli::Status::Internal("cannot write " + out));
  std::cerr << "wrote " << out << "\n";
  return 0;
}

// linli privacy export|erase --config FILE (--person ID | --channel C --user U) [--yes]: the
// admin's side of residents' rights (domain/people/privacy.h). Export prints
// PersonalExportJson; erase runs ErasePerson in one transaction and only with --yes.
int RunPrivacyCommand(int argc, char** argv) {
  const std::string sub = argc > 2 ? argv[2] : "";
  if (sub != "export" && sub != "erase") return Fail("privacy needs export or erase");
  std::string config_path, person, channel, user;
  bool yes = false;
  for (int i = 3; i < argc; ++i) {
    const std::string s = argv[i];
    if (s == "--yes" && sub == "erase") {
      yes = true;
    } else if ((s == "--config" || s == "--person" || s == "--channel" || s == "--user") &&
               i + 1 < argc) {
      std::string& into = s == "--config" ? config_path
                          : s == "--person" ? person
                          : s == "--channel" ? channel
                                             : user;
      into = argv[++i];
    } else {
      return Fail("privacy " + sub + ": unexpected argument " + s);
    }
  }
  if (config_path.empty()) return Fail("privacy " + sub + " needs --config FILE");
  const bool by_id = !person.empty() && channel.empty() && user.empty();
  const bool by_user = person.empty() && !channel.empty() && !user.empty();
  if (!by_id && !by_user) {
    return Fail("privacy " + sub + " needs --person ID or --channel C --user U");
  }
  int64_t person_id = 0;
  if (!person.empty()) {
    char* end = nullptr;
    person_id = std::strtoll(person.c_str(), &end, 10);
    if (*end != '\0' || person_id <= 0) return Fail("--person must be a positive number");
  }
  auto checked = linli::LoadAndValidate(config_path, ::getenv,
                                        linli::ChannelSecretsFor("privacy"));
  if (!checked.ok()) return Error(checked.status());
  const linli::config::Config& config = checked->config;
  linli::SetupLogging("warn", config.logging.json);
  auto opened = OpenDatabase(config);
  if (!opened.ok()) return Error(opened.status());
  linli::storage::Database& db = *opened->db;
  const CliText say(checked->texts, config.locale);
  if (person_id == 0) {
    auto identity = linli::storage::IdentityStore::FindIdentity(db, channel, user);
    if (!identity.ok()) return Error(identity.status());
    if (!*identity) {
      std::cerr << "linli: " << say("no_person_user", {{"user", user}, {"channel", channel}}) << "\n";
      return 1;
    }
    person_id = (*identity)->person_id;
  }
  const std::string id_text = std::to_string(person_id);
  if (sub == "export") {
    auto exported = linli::domain::PersonalExportJson(db, person_id);
    if (!exported.ok()) {
      std::cerr << "linli: " << (exported.status().code() == linli::StatusCode::kNotFound
                                     ? say("no_person", {{"id", id_text}})
                                     : exported.status().message())
                << "\n";
      return 1;
    }
    std::cout << *exported << "\n";
    return 0;
  }
  if (!yes) {
    std::cerr << "linli: " << say("erase_refused", {{"id", id_text}}) << "\n";
    return 2;
  }
  linli::Status st = db.Begin();
  if (st.ok()) st = linli::domain::ErasePerson(db, person_id);
  if (st.ok()) {
    st = db.Commit();
  } else if (db.in_transaction()) {
    (void)db.Rollback();
  }
  if (!st.ok()) {
    std::cerr << "linli: "
              << (st.code() == linli::StatusCode::kNotFound ? say("no_person", {{"id", id_text}})
                                                            : st.message())
              << "\n";
    return 1;
  }
  std::cout << say("erased", {{"id", id_text}}) << "\n";
  return 0;
}

// Parses argv; returns a non-negative exit code when the process should stop at once.
int ParseArgs(int argc, char** argv, Args* args) {
  std::vector<std::string> a(argv + 1, argv + argc);
  if (a.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string& s = a[i];
    auto value = [&](std::string* out) -> bool {
      if (i + 1 >= a.size() || a[i + 1].rfind("--", 0) == 0) return false;
      *out = a[++i];
      return true;
    };
    if (s == "--help" || s == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (s == "--version") {
      std::cout << "linli " << LINLI_VERSION << "\n";
      return 0;
    } else if (s == "--config") {
      if (!value(&args->config)) return Fail("--config needs a file");
    } else if (s == "--user") {
      if (!value(&args->user)) return Fail("--user needs an id");
    } else if (s == "--json-logs") {
      args->json_logs = true;
    } else if (s == "--status") {
      if (!value(&args->status)) return Fail("--status needs pending|sending|deferred|failed|sent");
    } else if (s == "--building") {
      if (!value(&args->building)) return Fail("--building needs a building id");
    } else if (s == "--update") {
      args->update = true;
    } else if (s == "--full") {
      args->full = true;
    } else if (s.rfind("-", 0) == 0 && s != "-") {  // "-": roster import's standard input
      return Fail("unknown option " + s);
    } else if (args->command.empty()) {
      args->command = s;
    } else if (args->command == "roster" && args->subcommand.empty()) {
      args->subcommand = s;
    } else if (args->command == "roster" && args->subcommand == "import" && args->file.empty()) {
      args->file = s;
    } else {
      return Fail("unexpected argument " + s);
    }
  }
  if (args->command != "serve" && args->command != "chat" && args->command != "migrate" &&
      args->command != "roster" && args->command != "outbox") {
    return Fail(args->command.empty() ? "no command given" : "unknown command " + args->command);
  }
  if (args->config.empty()) return Fail(args->command + " needs --config FILE");
  if (!args->status.empty()) {
    if (args->command != "outbox") return Fail("--status is for outbox");
    static const char* const kStatuses[] = {"pending", "sending", "deferred", "failed", "sent"};
    bool known = false;
    for (const char* k : kStatuses) known = known || args->status == k;
    if (!known) return Fail("--status must be pending, sending, deferred, failed or sent");
  }
  if (args->command == "chat" && args->user.empty()) return Fail("chat needs --user ID");
  if (args->command == "roster") {
    if (args->subcommand != "import" && args->subcommand != "list" && args->subcommand != "codes") {
      return Fail(args->subcommand.empty() ? "roster needs import, list or codes"
                                           : "unknown roster command " + args->subcommand);
    }
    if (args->subcommand == "import" && args->file.empty()) return Fail("roster import needs FILE.csv");
    if (args->update && args->subcommand != "import") return Fail("--update is for roster import");
    if (args->full && args->subcommand != "list") return Fail("--full is for roster list");
    if (!args->building.empty() && args->subcommand != "codes") {
      return Fail("--building is for roster codes");
    }
  } else if (args->update || args->full || !args->building.empty()) {
    return Fail("--update, --full and --building are roster options");
  }
  return -1;
}

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// linli roster import|list|codes: staff tools at the console, straight on the database.
int RunRoster(const Args& args, const linli::config::Config& config, const CliText& say) {
  auto opened = OpenDatabase(config);
  if (!opened.ok()) return Error(opened.status());
  linli::storage::Database* db = opened->db.get();
  const auto& compound = config.compound;

  if (args.subcommand == "import") {
    // "-": standard input, so `... | runuser -u linli -- linli roster import -` reads a roster
    // the service's user may not open itself (docs/DEPLOY.md section 2).
    std::ifstream file;
    if (args.file != "-") file.open(args.file, std::ios::binary);
    std::istream& in = args.file == "-" ? std::cin : file;
    std::ostringstream text;
    if (in) text << in.rdbuf();
    if (!in || in.bad()) {
      std::cerr << "linli: " << say("cannot_read", {{"file", args.file}}) << "\n";
      return 1;
    }
    auto report = linli::domain::ImportRoster(*db, text.str(), compound, args.update, NowMillis());
    if (!report.ok()) {
      std::cerr << "linli: " << say("import_failed", {{"error", report.status().message()}}) << "\n";
      return 1;
    }
    if (!report->errors.empty()) {
      for (const auto& e : report->errors) std::cerr << args.file << ": " << e << "\n";
      std::cerr << "linli: "
                << say("import_nothing", {{"count", std::to_string(report->errors.size())}}) << "\n";
      return 1;
    }
    std::cout << say(args.update ? "imported_updated" : "imported",
                     {{"inserted", std::to_string(report->inserted)},
                      {"updated", std::to_string(report->updated)},
                      {"file", args.file}})
              << "\n";
    return 0;
  }

  if (args.subcommand == "list") {
    auto list = linli::storage::RosterStore::List(*db);
    if (!list.ok()) {
      std::cerr << "linli: " << list.status().message() << "\n";
      return 1;
    }
    std::cout << linli::domain::FormatRosterList(compound, std::move(list).value(), args.full,
                                                 say.texts(), say.locale());
    return 0;
  }

  // codes
  if (!args.building.empty()) {
    bool known = false;
    std::string ids;
    for (const auto& b : compound.buildings) {
      known = known || b.id == args.building;
      ids += (ids.empty() ? "" : ", ") + b.id;
    }
    if (!known) {
      std::cerr << "linli: "
                << say("unknown_building", {{"building", args.building}, {"buildings", ids}}) << "\n";
      return 2;
    }
  }
  auto codes = linli::storage::RosterStore::EnsureCodes(*db, args.building, NowMillis(),
                                                        linli::domain::DrawInviteCode);
  if (!codes.ok()) {
    std::cerr << "linli: " << codes.status().message() << "\n";
    return 1;
  }
  if (codes->empty()) {
    std::cerr << "linli: "
              << (args.building.empty() ? say("no_households")
                                        : say("no_households_in", {{"building", args.building}}))
              << "\n";
    return 1;
  }
  size_t created = 0;
  for (const auto& c : *codes) created += c.created ? 1 : 0;
  std::cout << linli::domain::FormatInviteCodes(compound, *codes);
  std::cerr << say("codes_done", {{"count", std::to_string(codes->size())},
                                  {"created", std::to_string(created)}})
            << "\n";
  return 0;
}

std::string FormatAge(int64_t ms) {
  const int64_t s = ms < 0 ? 0 : ms / 1000;
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m";
  if (s < 86400) return std::to_string(s / 3600) + "h" + std::to_string(s % 3600 / 60) + "m";
  return std::to_string(s / 86400) + "d" + std::to_string(s % 86400 / 3600) + "h";
}

// `s` on one line (tabs and newlines become spaces), cut to about `max` bytes at a UTF-8
// character boundary.
std::string OneLine(std::string s, size_t max) {
  for (char& c : s) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  if (s.size() > max) {
    size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s = s.substr(0, cut) + "...";
  }
  return s;
}

// linli outbox: what waits to be delivered, for staff. Reads the database only.
int RunOutbox(const Args& args, const linli::config::Config& config, const CliText& say) {
  auto opened = OpenDatabase(config);
  if (!opened.ok()) return Error(opened.status());
  linli::storage::Database* db = opened->db.get();
  constexpr int kLimit = 1000;
  auto items = linli::storage::OutboxStore::ListByStatus(*db, args.status, kLimit);
  if (!items.ok()) {
    std::cerr << "linli: " << items.status().message() << "\n";
    return 1;
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::cout << "id\tchannel\trecipient\tnotice\tstatus\tattempts\tage\tlast_error\n";
  for (const auto& item : *items) {
    const auto& m = item.message;
    std::cout << item.id << "\t" << OneLine(m.to.channel, 32) << "\t" << linli::domain::MaskPlatformId(m.to.user_id)
              << "\t" << (m.notice.empty() ? "-" : OneLine(m.notice, 32)) << "\t" << item.status
              << "\t" << item.attempts << "\t" << FormatAge(now - item.created_at_ms) << "\t"
              << (item.last_error.empty() ? "-" : OneLine(item.last_error, 120)) << "\n";
  }
  const std::string more = items->size() >= static_cast<size_t>(kLimit) ? say("outbox_more") : "";
  std::cerr << (args.status.empty()
                    ? say("outbox_count", {{"count", std::to_string(items->size())}, {"more", more}})
                    : say("outbox_count_status", {{"count", std::to_string(items->size())},
                                                  {"status", args.status},
                                                  {"more", more}}))
            << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "init") {
    linli::SetupLogging("warn", false);
    return linli::RunInitCommand(std::vector<std::string>(argv + 2, argv + argc), std::cin,
                                 isatty(STDIN_FILENO) != 0, std::cout, std::cerr);
  }
  if (argc > 1 && std::string(argv[1]) == "agenda") return RunAgendaCommand(argc, argv);
  if (argc > 1 && std::string(argv[1]) == "report") {
    linli::SetupLogging("warn", false);
    return linli::RunReportCommand(std::vector<std::string>(argv + 2, argv + argc), ::getenv,
                                   std::cout, std::cerr);
  }
  if (argc > 1 && std::string(argv[1]) == "digest") return RunDigestCommand(argc, argv);
  if (argc > 1 && std::string(argv[1]) == "export") {
    linli::SetupLogging("warn", false);
    return linli::RunExportCommand(std::vector<std::string>(argv + 2, argv + argc), ::getenv,
                                   std::cout, std::cerr);
  }
  if (argc > 1 && std::string(argv[1]) == "check") {
    linli::SetupLogging("off", false);
    return linli::RunCheckCommand(std::vector<std::string>(argv + 2, argv + argc), ::getenv,
                                  std::cout, std::cerr);
  }
  if (argc > 1 && std::string(argv[1]) == "telegram") {
    linli::SetupLogging("off", false);
    return linli::RunTelegramCommand(std::vector<std::string>(argv + 2, argv + argc), ::getenv,
                                     std::cout, std::cerr);
  }
  if (argc > 1 && (std::string(argv[1]) == "wechat" || std::string(argv[1]) == "wecom")) {
    linli::SetupLogging("off", false);
    const std::vector<std::string> rest(argv + 2, argv + argc);
    return std::string(argv[1]) == "wechat"
               ? linli::RunWechatCommand(rest, ::getenv, std::cout, std::cerr)
               : linli::RunWecomCommand(rest, ::getenv, std::cout, std::cerr);
  }
  if (argc > 1 && std::string(argv[1]) == "backup") {
    linli::SetupLogging("warn", false);
    return linli::RunBackupCommand(std::vector<std::string>(argv + 2, argv + argc), ::getenv,
                                   std::cout, std::cerr);
  }
  if (argc > 1 && std::string(argv[1]) == "restore") {
    linli::SetupLogging("warn", false);
    return linli::RunRestoreCommand(std::vector<std::string>(argv + 2, argv + argc), ::getenv,
                                    linli::SystemClock(), std::cout, std::cerr);
  }
  if (argc > 1 && std::string(argv[1]) == "db") {
    linli::SetupLogging("warn", false);
    return linli::RunDbCopyCommand(std::vector<std::string>(argv + 2, argv + argc), ::getenv,
                                   std::cout, std::cerr);
  }
  if (argc > 1 && std::string(argv[1]) == "status") {
    linli::SetupLogging("warn", false);
    return linli::RunStatusCommand(std::vector<std::string>(argv + 2, argv + argc), ::getenv,
                                   std::cout, std::cerr);
  }
  if (argc > 1 && std::string(argv[1]) == "privacy") return RunPrivacyCommand(argc, argv);
  if (argc > 1 && std::string(argv[1]) == "volunteers") return RunVolunteersCommand(argc, argv);
  if (argc > 1 && std::string(argv[1]) == "covenant") return RunCovenantCommand(argc, argv);
  Args args;
  if (int code = ParseArgs(argc, argv, &args); code >= 0) return code;

  // names file, key and hint; offline commands need no channel secrets
  auto checked =
      linli::LoadAndValidate(args.config, ::getenv, linli::ChannelSecretsFor(args.command));
  if (!checked.ok()) return Error(checked.status());
  linli::config::Config config = std::move(checked->config);
  const linli::config::Texts texts = std::move(checked->texts);
  const CliText say(texts, config.locale);
  // The console keeps stdout for the conversation (and roster output): only warnings go to
  // stderr there.
  const bool quiet = args.command == "chat" || args.command == "roster" || args.command == "outbox";
  linli::SetupLogging(quiet ? "warn" : config.logging.level, args.json_logs || config.logging.json);
  setenv("TZ", config.timezone.c_str(), 1);
  tzset();
  if (args.command == "serve") {
    for (const std::string& w : linli::StartupWarningsForFile(config)) {
      linli::GetLogger("config")->warn("{}", w);
    }
  }

  if (args.command == "roster") return RunRoster(args, config, say);
  if (args.command == "outbox") return RunOutbox(args, config, say);

  if (args.command == "migrate") {
    auto opened = OpenDatabase(config);
    if (!opened.ok()) return Error(opened.status());
    std::cout << say("schema_version", {{"path", linli::storage::DescribeDatabase(
                                                     linli::DatabaseOptionsFor(config.storage))},
                                        {"version", std::to_string(opened->schema_version)}})
              << "\n";
    return 0;
  }

  auto app = linli::App::Create(std::move(config));
  if (!app.ok()) {
    std::cerr << "linli: " << app.status().message() << "\n";
    return 1;
  }
  if (args.command == "serve") return (*app)->Serve();

  const bool interactive = isatty(STDIN_FILENO) != 0;
  if (interactive) std::cout << "linli chat - type 帮助 for help, /quit to leave\n";
  const int code = linli::RunConsoleChat((*app)->router(), (*app)->console(), (*app)->outbox(),
                                         (*app)->clock(), args.user, std::cin, interactive);
  return code;
}
