#include "bot/server/db_copy_command.h"

#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "bot/server/startup.h"
#include "bot/server/status_command.h"
#include "storage/migrations.h"
#include "storage/open_database.h"

namespace linli {
namespace {

// Checksums in the table: the first 16 hex digits (64 bits) of each SHA-256; the comparison
// itself is of the whole digest.
constexpr size_t kShownChecksum = 16;
constexpr int kBarWidth = 30;

// Rows of cells aligned by display width (the header may be Chinese); numbers to the right.
std::string AlignedTable(const std::vector<std::vector<std::string>>& rows,
                         const std::vector<bool>& right) {
  std::vector<size_t> widths(right.size(), 0);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      widths[c] = std::max(widths[c], DisplayWidth(row[c]));
    }
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      const std::string pad(widths[c] - DisplayWidth(row[c]), ' ');
      if (c > 0) line += "  ";
      line += right[c] ? pad + row[c] : row[c] + pad;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace

std::string CopyProgressBar(const storage::CopyProgress& p, const std::string& phase, int width) {
  const int64_t percent = p.rows > 0 ? std::min<int64_t>(100, p.rows_done * 100 / p.rows) : 100;
  const int filled = static_cast<int>(percent * width / 100);
  return phase + " [" + std::string(static_cast<size_t>(filled), '#') +
         std::string(static_cast<size_t>(width - filled), '-') + "] " +
         std::string(percent < 10 ? "  " : percent < 100 ? " " : "") + std::to_string(percent) +
         "%  " + std::to_string(p.rows_done) + "/" + std::to_string(p.rows) + "  " + p.table;
}

int RunDbCopyCommand(const std::vector<std::string>& args, const config::GetenvFn& getenv,
                     std::ostream& out, std::ostream& err) {
  return RunDbCopyCommand(args, getenv, out, err, &err == &std::cerr && isatty(STDERR_FILENO) != 0);
}

int RunDbCopyCommand(const std::vector<std::string>& args, const config::GetenvFn& getenv,
                     std::ostream& out, std::ostream& err, bool terminal) {
  auto usage = [&err](const std::string& problem) {
    err << "linli: " << problem << "\nusage: linli db copy --from CONFIG_A --to CONFIG_B\n";
    return 2;
  };
  if (args.empty() || args[0] != "copy") return usage("db needs copy");
  std::string from_path, to_path;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& s = args[i];
    if ((s == "--from" || s == "--to") && i + 1 < args.size()) {
      (s == "--from" ? from_path : to_path) = args[++i];
    } else {
      return usage("db copy: unexpected argument " + s);
    }
  }
  if (from_path.empty()) return usage("db copy needs --from CONFIG_A");
  if (to_path.empty()) return usage("db copy needs --to CONFIG_B");
  auto from = LoadAndValidate(from_path, getenv, ChannelSecretsFor("db"));
  if (!from.ok()) {
    err << "linli: " << from.status().message() << "\n";
    return 1;
  }
  auto to = LoadAndValidate(to_path, getenv, ChannelSecretsFor("db"));
  if (!to.ok()) {
    err << "linli: " << to.status().message() << "\n";
    return 1;
  }
  const config::Texts& texts = from->texts;
  const std::string& locale = from->config.locale;
  auto say = [&](const std::string& key, const config::TextArgs& a = {}) {
    return texts.Get(locale, "cli.db_copy_" + key, a);
  };
  const storage::DatabaseOptions source = DatabaseOptionsFor(from->config.storage);
  const storage::DatabaseOptions target = DatabaseOptionsFor(to->config.storage);
  const std::string source_name = storage::DescribeDatabase(source);
  const std::string target_name = storage::DescribeDatabase(target);

  err << say("start", {{"from", source_name}, {"to", target_name}}) << "\n";
  storage::CopyOptions options;
  const std::string copy_word = say("phase_copy");
  const std::string verify_word = say("phase_verify");
  int64_t last_percent = -1;
  std::string last_table;
  bool bar_open = false;
  options.progress = [&](const storage::CopyProgress& p) {
    using Phase = storage::CopyProgress::Phase;
    const bool last = p.table_done && p.table_index + 1 == p.tables;
    if (terminal) {
      const int64_t percent = p.rows > 0 ? p.rows_done * 100 / p.rows : 100;
      if (percent != last_percent || p.table != last_table || last) {
        err << "\r" << CopyProgressBar(p, p.phase == Phase::kCopy ? copy_word : verify_word,
                                       kBarWidth)
            << "\x1b[K" << std::flush;
        bar_open = true;
        last_percent = percent;
        last_table = p.table;
      }
      if (last) {
        err << "\n";
        bar_open = false;
        last_percent = -1;
      }
      return;
    }
    if (p.phase == Phase::kCopy && p.table_done) {
      err << say("table_copied", {{"index", std::to_string(p.table_index + 1)},
                                  {"tables", std::to_string(p.tables)},
                                  {"table", p.table},
                                  {"rows", std::to_string(p.table_rows_done)}})
          << "\n";
      if (last) {
        err << say("verifying", {{"rows", std::to_string(p.rows)},
                                 {"tables", std::to_string(p.tables)},
                                 {"to", target_name}})
            << "\n";
      }
    }
  };

  auto copied = storage::CopyDatabase(source, target, options);
  if (bar_open) err << "\n";
  if (!copied.ok()) {
    err << "linli: " << say("failed", {{"error", copied.status().message()}, {"to", target_name}})
        << "\n";
    return 1;
  }
  const config::TextArgs about = {
      {"from", source_name},
      {"to", target_name},
      {"config", from_path},
      {"version", std::to_string(copied->schema_version)},
      {"latest", std::to_string(storage::LatestSchemaVersion())},
      {"table", copied->table},
      {"rows", std::to_string(copied->rows)},
      {"detail", copied->detail}};
  using R = storage::CopyRefusal;
  const char* refusal = nullptr;
  switch (copied->refusal) {
    case R::kNone: break;
    case R::kMismatch: break;
    case R::kSourceMissing: refusal = "source_missing"; break;
    case R::kSameDatabase: refusal = "same"; break;
    case R::kSourceInUse: refusal = "source_in_use"; break;
    case R::kTargetInUse: refusal = "target_in_use"; break;
    case R::kSourceOlderSchema: refusal = "source_older"; break;
    case R::kSourceNewerSchema: refusal = "source_newer"; break;
    case R::kTargetNotEmpty: refusal = "target_not_empty"; break;
    case R::kSchemaDiffers: refusal = "schema_differs"; break;
  }
  if (refusal != nullptr) {
    err << "linli: " << say(refusal, about) << "\n";
    return 1;
  }

  // The checks, table by table.
  std::vector<std::vector<std::string>> rows = {{say("col_table"), say("col_source_rows"),
                                                 say("col_target_rows"), say("col_source_sum"),
                                                 say("col_target_sum"), say("col_result")}};
  int64_t source_total = 0, target_total = 0;
  std::string failed_tables;
  size_t failed = 0;
  for (const storage::TableCheck& c : copied->tables) {
    rows.push_back({c.table, std::to_string(c.source_rows), std::to_string(c.target_rows),
                    c.source_checksum.substr(0, kShownChecksum),
                    c.target_checksum.substr(0, kShownChecksum),
                    say(c.ok() ? "match" : "differs")});
    source_total += c.source_rows;
    target_total += c.target_rows;
    if (!c.ok()) {
      failed_tables += (failed_tables.empty() ? "" : ", ") + c.table;
      ++failed;
    }
  }
  rows.push_back({say("total"), std::to_string(source_total), std::to_string(target_total), "",
                  "", ""});
  out << AlignedTable(rows, {false, true, true, false, false, false});
  if (copied->refusal == R::kMismatch) {
    err << "linli: "
        << say("mismatch", {{"count", std::to_string(failed)},
                            {"tables", failed_tables},
                            {"to", target_name}})
        << "\n";
    return 1;
  }
  out << say("done", {{"rows", std::to_string(copied->rows_copied)},
                      {"tables", std::to_string(copied->tables.size())},
                      {"from", source_name},
                      {"to", target_name},
                      {"version", std::to_string(copied->schema_version)}})
      << "\n";
  return 0;
}

}  // namespace linli
