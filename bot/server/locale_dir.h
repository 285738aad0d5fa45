// Where the service's texts come from (config/texts.h), for App and every CLI command.
//
// The directories tried, in order; the first that holds "<dir>/<locale>.json" for every
// wanted locale wins:
//   1. the config's locale_dir (default: "locales" beside the config file);
//   2. beside the running binary: "<dir of /proc/self/exe>/../share/linli/locales" (the
//      relative part follows GNUInstallDirs), so an install into any prefix
//      (cmake --install build --prefix P) finds its own texts;
//   3. the data directory the binary was built for: <CMAKE_INSTALL_FULL_DATADIR>/linli/locales;
//   4. the source tree's config/locales (a binary run from its build tree, in development).
// Only the presence of the files chooses: a directory whose files are there but broken is an
// error, never skipped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bot/status.h"
#include "config/config.h"
#include "config/texts.h"

namespace linli {

struct LocaleDirs {
  std::string configured;         // 1. the config's locale_dir
  std::string beside_executable;  // 2. "" when the binary's path is unknown
  std::string installed;          // 3.
  std::string source;             // 4.

  // The non-empty ones in the order above, without repeats.
  std::vector<std::string> InOrder() const;
};

// Pure: "<directory of exe_path>/<relative>", lexically normalised
// ("/opt/linli/bin/linli", "../share/linli/locales" -> "/opt/linli/share/linli/locales").
// "" when exe_path is empty.
std::string LocaleDirBesideExecutable(std::string_view exe_path, std::string_view relative);

// This process's directories: `configured`, the binary from /proc/self/exe, and the
// installed and source directories compiled in (bot/server/CMakeLists.txt).
LocaleDirs ProcessLocaleDirs(const std::string& configured);

// The first of `dirs` that has "<dir>/<locale>.json" as a regular file for every one of
// `locales`. NotFound naming each directory tried when none has them all.
StatusOr<std::string> FindLocaleDir(const std::vector<std::string>& dirs,
                                    const std::vector<std::string>& locales);

// The locales every command loads: the configured one and the two the service ships.
std::vector<std::string> WantedLocales(const config::Config& config);

// The one lookup: FindLocaleDir(ProcessLocaleDirs(config.locale_dir).InOrder(),
// WantedLocales(config)), then Texts::Load from that directory. Logs the directory chosen
// ("config" logger: info, or a warning when only the source tree had the files - the binary
// is not installed). Errors: FindLocaleDir's NotFound; Texts::Load's InvalidArgument for a
// broken file in the chosen directory.
StatusOr<config::Texts> LoadTexts(const config::Config& config);

}  // namespace linli
