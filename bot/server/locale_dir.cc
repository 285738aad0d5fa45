#include "bot/server/locale_dir.h"

#include <filesystem>
#include <system_error>

#include "bot/server/log.h"

namespace linli {

namespace fs = std::filesystem;

std::vector<std::string> LocaleDirs::InOrder() const {
  std::vector<std::string> out;
  for (const std::string* dir : {&configured, &beside_executable, &installed, &source}) {
    if (dir->empty()) continue;
    bool seen = false;
    for (const std::string& d : out) seen = seen || d == *dir;
    if (!seen) out.push_back(*dir);
  }
  return out;
}

std::string LocaleDirBesideExecutable(std::string_view exe_path, std::string_view relative) {
  if (exe_path.empty()) return "";
  return (fs::path(exe_path).parent_path() / fs::path(relative)).lexically_normal().string();
}

LocaleDirs ProcessLocaleDirs(const std::string& configured) {
  LocaleDirs dirs;
  dirs.configured = configured;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    dirs.beside_executable = LocaleDirBesideExecutable(exe.string(), LINLI_LOCALE_DIR_FROM_BINDIR);
  }
  dirs.installed = LINLI_INSTALLED_LOCALE_DIR;
  dirs.source = LINLI_SOURCE_LOCALE_DIR;
  return dirs;
}

StatusOr<std::string> FindLocaleDir(const std::vector<std::string>& dirs,
                                    const std::vector<std::string>& locales) {
  std::string tried;
  for (const std::string& dir : dirs) {
    bool all = true;
    for (const std::string& locale : locales) {
      std::error_code ec;
      all = all && fs::is_regular_file(fs::path(dir) / (locale + ".json"), ec);
    }
    if (all) return dir;
    tried += (tried.empty() ? "" : ", ") + dir;
  }
  std::string wanted;
  for (const std::string& locale : locales) wanted += (wanted.empty() ? "" : ", ") + locale;
  return Status::NotFound("no locale files (" + wanted + ") in any of: " +
                          (tried.empty() ? std::string("(no directory)") : tried));
}

std::vector<std::string> WantedLocales(const config::Config& config) {
  std::vector<std::string> out{config.locale};
  for (const char* shipped : {"zh-CN", "en"}) {
    if (config.locale != shipped) out.emplace_back(shipped);
  }
  return out;
}

StatusOr<config::Texts> LoadTexts(const config::Config& config) {
  const LocaleDirs dirs = ProcessLocaleDirs(config.locale_dir);
  LINLI_ASSIGN_OR_RETURN(std::string dir, FindLocaleDir(dirs.InOrder(), WantedLocales(config)));
  auto log = GetLogger("config");
  if (dir == dirs.configured) {
    log->debug("texts from {}", dir);
  } else if (dir == dirs.source) {
    log->warn("no locale files in {}; using the source tree's texts in {} (not installed?)",
              dirs.configured, dir);
  } else {
    // The packaged case (/etc/linli has no locales/): expected, so not on every command's stderr.
    log->debug("no locale files in {}; using the installed texts in {}", dirs.configured, dir);
  }
  return config::Texts::Load(dir, WantedLocales(config));
}

}  // namespace linli
