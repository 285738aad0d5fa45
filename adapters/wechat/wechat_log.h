// One named spdlog logger per module (STYLE.md 9), shared with the app's registry so
// spdlog::set_level applies. Never log tokens, secrets, OpenIDs or message text.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace linli::adapters::wechat {

// The registered logger `name`, created as a clone of the default logger on first use.
std::shared_ptr<spdlog::logger> ModuleLogger(const std::string& name);

}  // namespace linli::adapters::wechat
