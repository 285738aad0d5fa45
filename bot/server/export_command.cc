#include "bot/server/export_command.h"

#include <fstream>

#include "bot/clock.h"
#include "bot/server/startup.h"
#include "domain/deps.h"
#include "storage/open_database.h"
#include "web/console_export.h"
#include "web/console_filter.h"

namespace linli {

int RunExportCommand(const std::vector<std::string>& args, const config::GetenvFn& getenv,
                     std::ostream& out, std::ostream& err) {
  auto usage = [&err](const std::string& problem) {
    err << "linli: " << problem
        << "\nusage: linli export tickets --config FILE [--from YYYY-MM-DD] [--to YYYY-MM-DD] "
           "[--events] [--out FILE]\n";
    return 2;
  };
  if (args.empty() || args[0] != "tickets") return usage("export needs tickets");
  std::string config_path, out_path;
  bool events = false;
  HttpRequest query;  // the console's filter parameters, read by the same parser
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& s = args[i];
    if ((s == "--config" || s == "--out") && i + 1 < args.size()) {
      (s == "--config" ? config_path : out_path) = args[++i];
    } else if ((s == "--from" || s == "--to") && i + 1 < args.size()) {
      query.query[s.substr(2)] = args[++i];
    } else if (s == "--events") {
      events = true;
    } else {
      return usage("export: unexpected argument " + s);
    }
  }
  if (config_path.empty()) return usage("export needs --config FILE");
  auto checked = LoadAndValidate(config_path, getenv, ChannelSecretsFor("export"));
  if (!checked.ok()) {
    err << "linli: " << checked.status().message() << "\n";
    return 1;
  }
  const config::Config& config = checked->config;
  const SystemClock clock;
  const domain::Deps deps{config, checked->texts, clock};
  auto filter = web::ParseConsoleFilter(deps, query);
  if (!filter.ok()) return usage(filter.status().message() + " (dates are YYYY-MM-DD)");
  filter->sort = "oldest";
  auto db = storage::OpenDatabase(DatabaseOptionsFor(config.storage));
  if (!db.ok()) {
    err << "linli: " << db.status().message() << "\n";
    return 1;
  }
  auto csv = events ? web::EventsCsv(*db->db, deps, *filter, config.locale)
                    : web::TicketsCsv(*db->db, deps, *filter, config.locale);
  if (!csv.ok()) {
    err << "linli: " << csv.status().message() << "\n";
    return 1;
  }
  if (out_path.empty()) {
    out << *csv;
    return 0;
  }
  std::ofstream f(out_path, std::ios::binary | std::ios::trunc);
  f << *csv;
  f.close();
  if (!f) {
    err << "linli: cannot write " << out_path << "\n";
    return 1;
  }
  return 0;
}

}  // namespace linli
