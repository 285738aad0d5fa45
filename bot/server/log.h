// Logging set-up: one named spdlog logger per module sharing one sink (text or JSON lines).
// Never log tokens, secrets, message text or residents' personal data (STYLE.md 9).
#pragma once

#include <memory>
#include <string>

#include <spdlog/logger.h>

namespace linli {

// Configures the shared sink (stderr), level and format. Call once at start; later loggers
// pick it up. `level`: trace|debug|info|warn|error|off.
void SetupLogging(const std::string& level, bool json);
// The logger of a module ("http", "outbox", "router", ...), created on first use.
std::shared_ptr<spdlog::logger> GetLogger(const std::string& name);

}  // namespace linli
