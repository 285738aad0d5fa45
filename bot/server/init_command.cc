#include "bot/server/init_command.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>

#include "bot/server/locale_dir.h"
#include "bot/text.h"
#include "bot/server/startup.h"
#include "config/config_loader.h"
#include "config/secret_check.h"
#include "config/time_zones.h"
#include "domain/people/roster_import.h"

namespace linli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kInitUsage =
    "usage: linli init [--name NAME] [--roster FILE.csv] [--channels telegram,wechat,...]\n"
    "                  [--public-url https://HOST] [--out linli.json] [--env-out linli.env]\n"
    "                  [--locale zh-CN|en] [--timezone ZONE] [--database PATH] [--port N]\n";

struct Flags {
  std::optional<std::string> name, roster, channels, public_url;
  std::string out = "linli.json";
  std::string env_out;  // default: linli.env beside --out
  std::string locale = "zh-CN";
  std::string timezone = "Asia/Shanghai";
  std::string database = "/var/lib/linli/linli.db";
  int port = 8080;
};

bool Exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;  // a dangling symlink counts: it would be written through
}

std::string ErrnoText(int e) { return std::strerror(e); }

// Writes all of `data` to `fd`. False with errno set on failure.
bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Creates `path` with `data`, never replacing anything there: the data goes to a temporary
// file in the same folder, is synced, and is hard-linked to `path` (link() fails if the name
// exists). Where the file system has no hard links, `path` is created with O_EXCL and written
// directly (removed again if that fails). `exact_mode`: fchmod to it (else the umask rules).
// AlreadyExists if `path` exists; Internal naming the path for other failures.
Status WriteNewFile(const std::string& path, const std::string& data,
                    std::optional<mode_t> exact_mode) {
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  auto fail = [&](const std::string& what, int e) {
    return Status::Internal("cannot write " + path + ": " + what + ": " + ErrnoText(e));
  };
  std::string tmp;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    auto suffix = DrawSecret(10);
    if (!suffix.ok()) return suffix.status();
    tmp = (dir / ("." + target.filename().string() + ".init-" + *suffix)).string();
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, exact_mode ? 0600 : 0666);
    if (fd < 0 && errno != EEXIST) return fail("creating a temporary file", errno);
  }
  if (fd < 0) return fail("creating a temporary file", EEXIST);
  bool ok = (!exact_mode || ::fchmod(fd, *exact_mode) == 0) && WriteAll(fd, data) &&
            ::fsync(fd) == 0;
  int e = errno;
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    ::unlink(tmp.c_str());
    return fail("writing", e);
  }
  if (::link(tmp.c_str(), path.c_str()) == 0) {
    ::unlink(tmp.c_str());
  } else {
    e = errno;
    ::unlink(tmp.c_str());
    if (e == EEXIST) return Status::AlreadyExists(path);
    if (e != EPERM && e != EOPNOTSUPP && e != EXDEV && e != EMLINK) return fail("linking", e);
    // No hard links here (FAT, some network file systems): create the name exclusively.
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, exact_mode ? 0600 : 0666);
    if (fd < 0) return errno == EEXIST ? Status::AlreadyExists(path) : fail("creating", errno);
    ok = (!exact_mode || ::fchmod(fd, *exact_mode) == 0) && WriteAll(fd, data) &&
         ::fsync(fd) == 0;
    e = errno;
    ok = ::close(fd) == 0 && ok;
    if (!ok) {
      ::unlink(path.c_str());
      return fail("writing", e);
    }
  }
  if (int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    (void)::fsync(dfd);  // the new name itself survives a crash
    ::close(dfd);
  }
  return Status::Ok();
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

// Returns a usage error (exit code 2).
int Usage(std::ostream& err, const std::string& problem) {
  err << "linli: " << problem << "\n" << kInitUsage;
  return 2;
}

// Parses the words after "init". A non-negative result is the exit code to stop with.
int ParseFlags(const std::vector<std::string>& args, Flags& f, std::ostream& out,
               std::ostream& err) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& s = args[i];
    if (s == "--help" || s == "-h") {
      out << kInitUsage;
      return 0;
    }
    std::string* text = nullptr;
    std::optional<std::string>* answer = nullptr;
    if (s == "--name") answer = &f.name;
    else if (s == "--roster") answer = &f.roster;
    else if (s == "--channels") answer = &f.channels;
    else if (s == "--public-url") answer = &f.public_url;
    else if (s == "--out") text = &f.out;
    else if (s == "--env-out") text = &f.env_out;
    else if (s == "--locale") text = &f.locale;
    else if (s == "--timezone") text = &f.timezone;
    else if (s == "--database") text = &f.database;
    std::string port_text;
    if (s == "--port") text = &port_text;
    if (text == nullptr && answer == nullptr) return Usage(err, "init: unexpected argument " + s);
    if (i + 1 >= args.size()) return Usage(err, "init: " + s + " needs a value");
    const std::string& value = args[++i];
    if (answer != nullptr) {
      *answer = value;
    } else {
      *text = value;
    }
    if (s == "--port") {
      int port = 0;
      for (char c : port_text) {
        if (c < '0' || c > '9' || port > 65535) {
          port = -1;
          break;
        }
        port = port * 10 + (c - '0');
      }
      if (port_text.empty() || port < 1 || port > 65535) {
        return Usage(err, "init: --port must be 1..65535 (got " + port_text + ")");
      }
      f.port = port;
    }
  }
  if (f.locale != "zh-CN" && f.locale != "en") {
    return Usage(err, "init: --locale must be zh-CN or en (got " + f.locale + ")");
  }
  if (!config::IsTimeZone(f.timezone, config::DefaultZoneInfoDir())) {
    const std::string guess =
        config::SuggestTimeZone(f.timezone, config::ListTimeZones(config::DefaultZoneInfoDir()));
    return Usage(err, "init: --timezone " + f.timezone + " is not an IANA time zone" +
                          (guess.empty() ? "" : " (did you mean " + guess + "?)"));
  }
  if (f.out.empty()) return Usage(err, "init: --out needs a file name");
  if (f.database.empty()) return Usage(err, "init: --database needs a path");
  if (f.env_out.empty()) {
    const fs::path out(f.out);
    f.env_out = (out.has_parent_path() ? out.parent_path() / "linli.env" : fs::path("linli.env"))
                    .string();
  }
  if (fs::path(f.env_out).lexically_normal() == fs::path(f.out).lexically_normal()) {
    return Usage(err, "init: --out and --env-out name the same file");
  }
  return -1;
}

class Init {
 public:
  Init(std::istream& in, bool terminal, std::ostream& out, std::ostream& err,
       const config::Texts& texts, std::string locale)
      : in_(in), terminal_(terminal), out_(out), err_(err), texts_(texts),
        locale_(std::move(locale)) {}

  std::string Say(const std::string& key, const config::TextArgs& args = {}) const {
    return texts_.Get(locale_, "cli." + key, args);
  }

  // The value of a needed answer: `given` (the flag) checked by `accept`, or when absent an
  // answer to `question` on a terminal, asked again until `accept` takes it. `accept` returns
  // "" when it took the value, else the problem to show. Exit code on failure: 2 for a
  // missing flag, end of input or a bad flag value; `accept` may set `failure_code` to 1 for
  // problems that are not usage errors (an unreadable roster).
  bool Answer(const std::optional<std::string>& given, const std::string& flag,
              const std::string& question, const std::function<std::string(const std::string&)>& accept,
              int& exit_code) {
    failure_code_ = 2;
    if (given) {
      const std::string problem = accept(*given);
      if (problem.empty()) return true;
      err_ << "linli: " << flag << ": " << problem << "\n";
      exit_code = failure_code_;
      return false;
    }
    if (!terminal_) {
      exit_code = Usage(err_, "init needs " + flag + " (there is no terminal to ask on)");
      return false;
    }
    for (;;) {
      out_ << question << " " << std::flush;
      std::string line;
      if (!std::getline(in_, line)) {
        out_ << "\n";
        err_ << "linli: " << Say("init_no_answer", {{"flag", flag}}) << "\n";
        exit_code = 2;
        return false;
      }
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const std::string problem = accept(line);
      if (problem.empty()) return true;
      err_ << problem << "\n";
    }
  }

  void set_failure_code(int code) { failure_code_ = code; }

 private:
  std::istream& in_;
  bool terminal_;
  std::ostream& out_;
  std::ostream& err_;
  const config::Texts& texts_;
  std::string locale_;
  int failure_code_ = 2;
};

std::string Join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : separator) + s;
  return out;
}

}  // namespace

int RunInitCommand(const std::vector<std::string>& args, std::istream& in, bool terminal,
                   std::ostream& out, std::ostream& err, const DrawSecretFn& draw) {
  Flags flags;
  if (int code = ParseFlags(args, flags, out, err); code >= 0) return code;

  // The texts, found the way the config will find them (its locale_dir default beside it,
  // then the installed ones).
  config::Config probe;
  probe.locale = flags.locale;
  probe.locale_dir = (fs::path(flags.out).parent_path() / "locales").string();
  auto texts = LoadTexts(probe);
  if (!texts.ok()) {
    err << "linli: " << texts.status().message() << "\n";
    return 1;
  }
  Init init(in, terminal, out, err, *texts, flags.locale);

  for (const std::string& file : {flags.out, flags.env_out}) {
    if (Exists(file)) {
      err << "linli: " << init.Say("init_exists", {{"file", file}}) << "\n";
      return 1;
    }
  }

  InitAnswers answers;
  answers.locale = flags.locale;
  answers.timezone = flags.timezone;
  answers.database = flags.database;
  answers.port = flags.port;
  answers.env_file_name = fs::path(flags.env_out).filename().string();
  int exit_code = 0;

  if (!init.Answer(flags.name, "--name", init.Say("init_ask_name"),
                   [&](const std::string& v) -> std::string {
                     auto name = NormalizeCompoundName(v);
                     if (!name.ok()) return init.Say("init_bad_name");
                     answers.compound_name = *name;
                     return "";
                   },
                   exit_code)) {
    return exit_code;
  }

  std::string roster_path;
  size_t households = 0;
  if (!init.Answer(flags.roster, "--roster", init.Say("init_ask_roster"),
                   [&](const std::string& v) -> std::string {
                     const std::string path = TrimText(v);
                     init.set_failure_code(1);
                     if (path.empty()) return init.Say("cannot_read", {{"file", "\"\""}});
                     const auto text = ReadFile(path);
                     if (!text) return init.Say("cannot_read", {{"file", path}});
                     domain::RosterCompound roster = domain::CompoundOfRosterCsv(*text);
                     if (!roster.errors.empty()) {  // each line as `linli roster import` says it
                       for (const std::string& e : roster.errors) err << path << ": " << e << "\n";
                       return init.Say("init_roster_bad",
                                       {{"file", path}, {"count", std::to_string(roster.errors.size())}});
                     }
                     roster_path = path;
                     households = roster.households;
                     answers.buildings = std::move(roster.buildings);
                     return "";
                   },
                   exit_code)) {
    return exit_code;
  }

  const std::string kinds = Join(InitChannelKinds(), ", ");
  if (!init.Answer(flags.channels, "--channels", init.Say("init_ask_channels", {{"kinds", kinds}}),
                   [&](const std::string& v) -> std::string {
                     auto chosen = ParseChannelKinds(v);
                     if (!chosen.ok()) {
                       return init.Say("init_bad_channels",
                                       {{"kinds", kinds}, {"error", chosen.status().message()}});
                     }
                     answers.channels = *chosen;
                     return "";
                   },
                   exit_code)) {
    return exit_code;
  }

  if (!init.Answer(flags.public_url, "--public-url", init.Say("init_ask_public_url"),
                   [&](const std::string& v) -> std::string {
                     auto url = NormalizePublicUrl(v);
                     if (!url.ok()) return init.Say("init_bad_public_url");
                     answers.public_url = *url;
                     return "";
                   },
                   exit_code)) {
    return exit_code;
  }

  std::vector<InitEnvValue> values;
  auto files = RenderInitFiles(answers, *texts, draw, &values);
  if (!files.ok()) {
    err << "linli: " << files.status().message() << "\n";
    return 1;
  }

  // The config must load as `linli serve` will load it, with the environment file's values
  // (platform ones still empty: the loader accepts them, the adapters will name them).
  std::map<std::string, std::string> env;
  for (const InitEnvValue& v : values) env[v.name] = v.value;
  const config::GetenvFn from_env_file = [&env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  Status self_check = Status::Ok();
  auto loaded = config::ParseConfig(files->config, flags.out, from_env_file);
  if (!loaded.ok()) {
    self_check = loaded.status();
  } else if (auto loaded_texts = LoadTexts(*loaded); !loaded_texts.ok()) {
    self_check = loaded_texts.status();
  } else {
    self_check = CheckLoadedConfig(*loaded, *loaded_texts);
  }
  if (self_check.ok()) {
    auto literal = config::LiteralSecretKeys(files->config, flags.out);
    if (!literal.ok()) {
      self_check = literal.status();
    } else if (!literal->empty()) {
      self_check = Status::Internal("secrets written out: " + Join(*literal, ", "));
    }
  }
  if (!self_check.ok()) {
    err << "linli: " << init.Say("init_self_check", {{"error", self_check.message()}}) << "\n";
    return 1;
  }

  // The environment file first: if the config cannot follow, it is removed again.
  if (Status st = WriteNewFile(flags.env_out, files->env, 0600); !st.ok()) {
    err << "linli: "
        << (st.code() == StatusCode::kAlreadyExists ? init.Say("init_exists", {{"file", flags.env_out}})
                                                    : st.message())
        << "\n";
    return 1;
  }
  if (Status st = WriteNewFile(flags.out, files->config, std::nullopt); !st.ok()) {
    ::unlink(flags.env_out.c_str());
    err << "linli: "
        << (st.code() == StatusCode::kAlreadyExists ? init.Say("init_exists", {{"file", flags.out}})
                                                    : st.message())
        << "\n";
    return 1;
  }

  size_t units = 0;
  for (const config::Building& b : answers.buildings) units += b.units.size();
  std::vector<std::string> missing, webhooks;
  for (const InitEnvValue& v : values) {
    if (v.value.empty()) missing.push_back(v.name);
  }
  for (const std::string& kind : answers.channels) {
    webhooks.push_back(kind + ": " + answers.public_url + "/webhook/" + kind);
  }
  out << init.Say("init_wrote", {{"file", flags.out},
                                 {"compound", answers.compound_name},
                                 {"buildings", std::to_string(answers.buildings.size())},
                                 {"units", std::to_string(units)},
                                 {"households", std::to_string(households)},
                                 {"channels", Join(answers.channels, ", ")}})
      << "\n"
      << init.Say("init_wrote_env", {{"file", flags.env_out}, {"missing", Join(missing, ", ")}})
      << "\n"
      << init.Say("init_next", {{"env", flags.env_out},
                                {"config", flags.out},
                                {"roster", roster_path},
                                {"webhooks", Join(webhooks, "\n     ")}})
      << "\n";
  return 0;
}

}  // namespace linli
