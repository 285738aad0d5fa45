#include "adapters/wechat/wechat_log.h"

namespace linli::adapters::wechat {

std::shared_ptr<spdlog::logger> ModuleLogger(const std::string& name) {
  if (auto existing = spdlog::get(name)) return existing;
  auto logger = spdlog::default_logger()->clone(name);
  try {
    spdlog::register_logger(logger);
  } catch (const spdlog::spdlog_ex&) {
    if (auto existing = spdlog::get(name)) return existing;  // another thread won the race
  }
  return logger;
}

}  // namespace linli::adapters::wechat
