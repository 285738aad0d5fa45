#include "bot/server/backup_command.h"

#include <cstdio>

#include "bot/server/startup.h"
#include "storage/open_database.h"

namespace linli {

std::string FormatBytes(int64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  static const char* const kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes) / 1024.0;
  size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
    value /= 1024.0;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
  return text;
}

int RunBackupCommand(const std::vector<std::string>& args, const config::GetenvFn& getenv,
                     std::ostream& out, std::ostream& err) {
  auto usage = [&err](const std::string& problem) {
    err << "linli: " << problem << "\nusage: linli backup --config FILE --to FILE [--force]\n";
    return 2;
  };
  std::string config_path, to;
  bool force = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& s = args[i];
    if ((s == "--config" || s == "--to") && i + 1 < args.size()) {
      (s == "--config" ? config_path : to) = args[++i];
    } else if (s == "--force") {
      force = true;
    } else {
      return usage("backup: unexpected argument " + s);
    }
  }
  if (config_path.empty()) return usage("backup needs --config FILE");
  if (to.empty()) return usage("backup needs --to FILE");
  auto checked = LoadAndValidate(config_path, getenv, ChannelSecretsFor("backup"));
  if (!checked.ok()) {
    err << "linli: " << checked.status().message() << "\n";
    return 1;
  }
  const config::Config& config = checked->config;
  auto say = [&](const std::string& key, const config::TextArgs& a) {
    return checked->texts.Get(config.locale, "cli." + key, a);
  };
  storage::BackupOptions options;
  options.overwrite = force;
  auto done = storage::BackupDatabase(DatabaseOptionsFor(config.storage), to, options);
  if (!done.ok()) {
    err << "linli: "
        << (done.status().code() == StatusCode::kAlreadyExists
                ? say("backup_exists", {{"file", to}})
                : say("backup_failed", {{"error", done.status().message()}}))
        << "\n";
    return 1;
  }
  out << say("backup_done", {{"db", config.storage.sqlite.path},
                             {"file", done->path},
                             {"size", FormatBytes(done->bytes)},
                             {"version", std::to_string(done->schema_version)}})
      << "\n";
  return 0;
}

}  // namespace linli
