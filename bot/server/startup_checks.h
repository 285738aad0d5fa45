// What `linli serve` warns about at start: settings that work but leave the service open.
// Warnings, not errors: a test install may want them; production should not.
//   - a WeChat OA channel in plain mode: unauthenticated beyond the token (its `signature`
//     does not cover the body; adapters/wechat/wechat_mp_adapter.h);
//   - a config file readable by group or others that holds a secret written out instead of
//     as ${ENV_VAR} (config/secret_check.h).
// Messages name channels, files and key paths, never values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace linli {

// Pure: `config_text` and `config_mode` (st_mode) are the file's that `config` came from.
std::vector<std::string> StartupWarnings(const config::Config& config,
                                         std::string_view config_text, unsigned config_mode);

// Reads config.source_path (text and mode) and returns StartupWarnings for it; if the file
// cannot be read again, only the warnings that need no file.
std::vector<std::string> StartupWarningsForFile(const config::Config& config);

}  // namespace linli
