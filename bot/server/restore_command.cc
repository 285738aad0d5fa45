#include "bot/server/restore_command.h"

#include <cstdio>

#include "bot/server/startup.h"
#include "domain/common/time_zone.h"
#include "storage/migrations.h"
#include "storage/open_database.h"

namespace linli {

int RunRestoreCommand(const std::vector<std::string>& args, const config::GetenvFn& getenv,
                      const Clock& clock, std::ostream& out, std::ostream& err) {
  auto usage = [&err](const std::string& problem) {
    err << "linli: " << problem << "\nusage: linli restore --config FILE --from FILE\n";
    return 2;
  };
  std::string config_path, from;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& s = args[i];
    if ((s == "--config" || s == "--from") && i + 1 < args.size()) {
      (s == "--config" ? config_path : from) = args[++i];
    } else {
      return usage("restore: unexpected argument " + s);
    }
  }
  if (config_path.empty()) return usage("restore needs --config FILE");
  if (from.empty()) return usage("restore needs --from FILE");
  auto checked = LoadAndValidate(config_path, getenv, ChannelSecretsFor("restore"));
  if (!checked.ok()) {
    err << "linli: " << checked.status().message() << "\n";
    return 1;
  }
  const config::Config& config = checked->config;
  auto say = [&](const std::string& key, const config::TextArgs& a) {
    return checked->texts.Get(config.locale, "cli." + key, a);
  };
  const std::string& db = config.storage.sqlite.path;

  // The kept file's name: local time (the zone was checked with the config).
  auto zone = domain::LoadTimeZone(config.timezone);
  const int64_t now_s = clock.NowMillis() / 1000;
  const domain::CivilTime t =
      zone.ok() ? (*zone)->ToLocal(now_s) : domain::CivilFromSeconds(now_s);
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "%04d%02d%02d-%02d%02d%02d", t.year, t.month, t.day, t.hour,
                t.minute, t.second);

  auto restored = storage::RestoreDatabase(DatabaseOptionsFor(config.storage), from, stamp);
  if (!restored.ok()) {
    err << "linli: " << say("restore_failed", {{"error", restored.status().message()}}) << "\n";
    return 1;
  }
  const config::TextArgs about = {{"file", from},
                                  {"db", db},
                                  {"detail", restored->detail},
                                  {"version", std::to_string(restored->schema_version)},
                                  {"latest", std::to_string(storage::LatestSchemaVersion())}};
  using R = storage::RestoreRefusal;
  const char* refusal = nullptr;
  switch (restored->refusal) {
    case R::kNone: break;
    case R::kInUse: refusal = "restore_in_use"; break;
    case R::kMissing: refusal = "restore_missing"; break;
    case R::kSameFile: refusal = "restore_same_file"; break;
    case R::kNotDatabase: refusal = "restore_not_database"; break;
    case R::kCorrupt: refusal = "restore_corrupt"; break;
    case R::kNotLinli: refusal = "restore_not_linli"; break;
    case R::kNewerSchema: refusal = "restore_newer"; break;
  }
  if (refusal != nullptr) {
    err << "linli: " << say(refusal, about) << "\n";
    return 1;
  }
  out << say("restore_done", about) << "\n";
  if (!restored->kept_as.empty()) out << say("restore_kept", {{"kept", restored->kept_as}}) << "\n";
  if (restored->schema_version < storage::LatestSchemaVersion()) {
    out << say("restore_migrations", about) << "\n";
  }
  return 0;
}

}  // namespace linli
