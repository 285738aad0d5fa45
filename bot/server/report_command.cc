#include "bot/server/report_command.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "bot/server/log.h"
#include "bot/server/startup.h"
#include "domain/reports/red_black_service.h"
#include "storage/open_database.h"
#include "storage/report_store.h"

namespace linli {

int RunReportCommand(const std::vector<std::string>& args, const config::GetenvFn& getenv,
                     std::ostream& out, std::ostream& err) {
  auto usage = [&err](const std::string& problem) {
    err << "linli: " << problem
        << "\nusage: linli report quarterly --config FILE --quarter YYYY-Qn [--csv FILE]\n";
    return 2;
  };
  if (args.empty() || args[0] != "quarterly") return usage("report needs quarterly");
  std::string config_path, quarter, csv;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& s = args[i];
    if ((s == "--config" || s == "--quarter" || s == "--csv") && i + 1 < args.size()) {
      (s == "--config" ? config_path : s == "--quarter" ? quarter : csv) = args[++i];
    } else {
      return usage("report: unexpected argument " + s);
    }
  }
  if (config_path.empty()) return usage("report needs --config FILE");
  if (quarter.empty()) return usage("report needs --quarter YYYY-Qn");
  auto checked = LoadAndValidate(config_path, getenv, ChannelSecretsFor("report"));
  if (!checked.ok()) {
    err << "linli: " << checked.status().message() << "\n";
    return 1;
  }
  const config::Config& config = checked->config;
  namespace dr = domain::reports;
  if (auto range = dr::QuarterRange(quarter, config.timezone); !range.ok()) {
    err << "linli: " << range.status().message() << "\n";
    return 2;
  }
  auto db = storage::OpenDatabase(DatabaseOptionsFor(config.storage));
  if (!db.ok()) {
    err << "linli: " << db.status().message() << "\n";
    return 1;
  }
  auto stored = storage::ReportStore::Get(*db->db, dr::kRedBlackKind, quarter);
  if (!stored.ok()) {
    err << "linli: " << stored.status().message() << "\n";
    return 1;
  }
  StatusOr<dr::RedBlackList> list = Status::Internal("unset");
  bool confirmed = false;
  if (*stored) {
    list = dr::RedBlackFromJson(nlohmann::json::parse((*stored)->body, nullptr, false));
    confirmed = (*stored)->state == "confirmed";
  } else {
    list = dr::ComputeQuarter(*db->db, config, quarter);
  }
  if (!list.ok()) {
    err << "linli: " << list.status().message() << "\n";
    return 1;
  }
  out << dr::RenderRedBlack(checked->texts, config.locale, config.compound.name, *list, confirmed)
      << "\n";
  if (!csv.empty()) {
    std::ofstream f(csv, std::ios::binary | std::ios::trunc);
    f << dr::RedBlackCsv(*list);
    f.close();
    if (!f) {
      err << "linli: cannot write " << csv << "\n";
      return 1;
    }
    err << checked->texts.Get(config.locale, "cli.report_csv_written", {{"file", csv}}) << "\n";
  }
  return 0;
}

}  // namespace linli
