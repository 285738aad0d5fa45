// linli - the command line: serve, chat, migrate.
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "bot/app.h"
#include "bot/console_channel.h"
#include "bot/log.h"
#include "config/config_loader.h"
#include "storage/migrations.h"
#include "storage/sqlite_database.h"

namespace {

constexpr const char* kUsage = R"(linli - the neighbourhood (邻里) chat-bot service

Usage:
  linli serve   --config FILE [--json-logs]   run the webhook server
  linli chat    --config FILE --user ID       talk to the bot on stdin/stdout (console channel)
  linli migrate --config FILE                 apply database migrations and exit
  linli --version
  linli --help

Secrets in the config file may be written as ${ENV_VAR}.
)";

struct Args {
  std::string command;
  std::string config;
  std::string user;
  bool json_logs = false;
};

int Fail(const std::string& message) {
  std::cerr << "linli: " << message << "\n(see linli --help)\n";
  return 2;
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
    } else if (s.rfind("-", 0) == 0) {
      return Fail("unknown option " + s);
    } else if (args->command.empty()) {
      args->command = s;
    } else {
      return Fail("unexpected argument " + s);
    }
  }
  if (args->command != "serve" && args->command != "chat" && args->command != "migrate") {
    return Fail(args->command.empty() ? "no command given" : "unknown command " + args->command);
  }
  if (args->config.empty()) return Fail(args->command + " needs --config FILE");
  if (args->command == "chat" && args->user.empty()) return Fail("chat needs --user ID");
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (int code = ParseArgs(argc, argv, &args); code >= 0) return code;

  auto loaded = linli::config::LoadConfigFile(args.config);
  if (!loaded.ok()) {
    std::cerr << "linli: " << loaded.status().message() << "\n";  // names file and key
    return 1;
  }
  linli::config::Config config = std::move(loaded).value();
  const bool chat = args.command == "chat";
  // The console keeps stdout for the conversation: only warnings go to stderr there.
  linli::SetupLogging(chat ? "warn" : config.logging.level, args.json_logs || config.logging.json);
  setenv("TZ", config.timezone.c_str(), 1);
  tzset();

  if (args.command == "migrate") {
    linli::storage::SqliteOptions o;
    o.path = config.storage.sqlite.path;
    o.synchronous = config.storage.sqlite.synchronous;
    auto db = linli::storage::OpenSqlite(o);
    if (!db.ok()) {
      std::cerr << "linli: " << db.status().message() << "\n";
      return 1;
    }
    auto version = linli::storage::Migrate(**db);
    if (!version.ok()) {
      std::cerr << "linli: migration failed: " << version.status().message() << "\n";
      return 1;
    }
    std::cout << "database " << o.path << " is at schema version " << *version << "\n";
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
  const int code = linli::RunConsoleChat((*app)->router(), (*app)->console(), (*app)->clock(),
                                         args.user, std::cin, interactive);
  return code;
}
