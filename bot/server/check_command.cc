#include "bot/server/check_command.h"

#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>

#include "bot/server/platform_cli.h"
#include "bot/server/server_metrics.h"
#include "bot/server/startup_checks.h"
#include "dialogs/engine.h"
#include "dialogs/flows.h"
#include "domain/deps.h"

namespace linli {

namespace {

constexpr char kUsage[] = "usage: linli check --config FILE [--online] [--public-url URL]";

// The database's folder must exist and be writable (serve creates the file and its journal
// there); an existing file must be readable and writable. Nothing is opened or created.
std::string DatabaseProblem(const config::Config& config) {
  namespace fs = std::filesystem;
  const fs::path file(config.storage.sqlite.path);
  fs::path dir = file.parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return dir.string();
  if (::access(dir.c_str(), W_OK | X_OK) != 0) return dir.string();
  if (fs::exists(file, ec) && ::access(file.c_str(), R_OK | W_OK) != 0) return file.string();
  return "";
}

}  // namespace

int RunCheckCommand(const std::vector<std::string>& args, const config::GetenvFn& getenv,
                    std::ostream& out, std::ostream& err) {
  auto usage = [&err](const std::string& problem) {
    err << "linli: " << problem << "\n" << kUsage << "\n";
    return 2;
  };
  std::string config_path, public_url;
  bool online = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& s = args[i];
    if ((s == "--config" || s == "--public-url") && i + 1 < args.size()) {
      (s == "--config" ? config_path : public_url) = args[++i];
    } else if (s == "--online") {
      online = true;
    } else {
      return usage("check: unexpected argument " + s);
    }
  }
  if (config_path.empty()) return usage("check needs --config FILE");
  if (!public_url.empty() && public_url.rfind("https://", 0) != 0 &&
      public_url.rfind("http://", 0) != 0) {
    return usage("--public-url must start with https:// (or http:// for a local test)");
  }

  // What serve checks first: the file, the texts, the whole config (secrets set).
  auto checked = LoadAndValidate(config_path, getenv, ChannelSecrets::kRequired);
  if (!checked.ok()) {
    err << "linli: " << checked.status().message() << "\n";
    return 1;
  }
  const config::Config& config = checked->config;
  const CliSay say(checked->texts, config.locale);
  if (public_url.empty()) public_url = config.web.public_url;

  for (const std::string& w : StartupWarningsForFile(config)) {
    out << say("check_warning", {{"warning", w}}) << "\n";
  }

  // Then what App::Create checks before it writes anything.
  std::vector<std::string> problems;
  std::vector<std::string> names;
  for (const auto& c : config.channels) names.push_back(c.name);
  if (Status st = ServerMetrics(names).Check(); !st.ok()) problems.push_back(st.message());
  PlatformIo io;
  std::map<std::string, std::unique_ptr<Adapter>> adapters;
  for (const auto& channel : config.channels) {
    if (channel.type == "console") continue;
    auto adapter = adapters::CreateAdapter(channel, io.deps());
    if (!adapter.ok()) {
      problems.push_back(adapter.status().message());
      continue;
    }
    adapters[channel.name] = std::move(adapter).value();
  }
  const domain::Deps deps{config, checked->texts, io.clock};
  if (auto engine = dialogs::Engine::Create(deps, dialogs::AllFlows()); !engine.ok()) {
    problems.push_back(engine.status().message());
  }
  if (const std::string where = DatabaseProblem(config); !where.empty()) {
    problems.push_back(say("check_database", {{"path", where}}));
  }
  if (!problems.empty()) {
    for (const auto& p : problems) err << config.source_path << ": " << p << "\n";
    return 1;
  }
  std::string channel_list;
  for (const auto& c : config.channels) {
    channel_list += (channel_list.empty() ? "" : ", ") + c.name + " (" + c.type + ")";
  }
  out << say("check_config_ok", {{"file", config.source_path},
                                 {"count", std::to_string(config.channels.size())},
                                 {"channels", channel_list.empty() ? "-" : channel_list}})
      << "\n";
  if (!online) {
    if (!adapters.empty()) out << say("check_offline") << "\n";
    return 0;
  }

  size_t failed = 0, checked_online = 0;
  for (const auto& channel : config.channels) {
    auto it = adapters.find(channel.name);
    if (it == adapters.end()) continue;  // console
    const ProbeResult probe = it->second->Probe({ChannelWebhookUrl(public_url, channel.name)});
    out << ProbeLine(say, channel, probe) << "\n";
    if (!probe.supported) continue;
    ++checked_online;
    if (!probe.ok()) ++failed;
  }
  out << (failed == 0 ? say("check_all_ok", {{"count", std::to_string(checked_online)}})
                      : say("check_some_failed", {{"failed", std::to_string(failed)},
                                                  {"count", std::to_string(checked_online)}}))
      << "\n";
  return failed == 0 ? 0 : 1;
}

}  // namespace linli
