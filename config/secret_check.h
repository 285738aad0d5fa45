// Secrets written out in the config file. The loader accepts a secret either literally or as
// ${ENV_VAR} (config_loader.h); a literal one is as safe as the file's permissions, so
// `linli serve` warns when the file is readable by group or others and holds one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bot/status.h"

namespace linli::config {

// True for key names that hold secrets, case-insensitively: those containing "secret",
// "token", "password" or "passwd", or ending in "aes_key", "encrypt_key", "private_key" or
// "api_key" (so "app_key", DingTalk's public AppKey, is not one), and exactly "key" (a WeCom
// group robot's webhook key).
bool IsSecretKeyName(std::string_view key);

// The key paths ("admin.api_token", "channels[0].token") of every secret-named key (anywhere
// in the document) whose value is a non-empty string other than exactly one ${NAME}
// reference. Parses `text` as the loader does (comments allowed); its errors are the
// loader's (InvalidArgument naming file, line and column). Never returns a value.
StatusOr<std::vector<std::string>> LiteralSecretKeys(std::string_view text,
                                                     const std::string& source_path);

// True if a file of mode `st_mode` can be read by its group or by others.
bool ReadableByGroupOrOthers(unsigned st_mode);

}  // namespace linli::config
