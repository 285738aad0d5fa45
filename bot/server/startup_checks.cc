#include "bot/server/startup_checks.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "adapters/wechat/wechat_mp_adapter.h"
#include "config/secret_check.h"

namespace linli {
namespace {

std::string Octal(unsigned mode) {
  std::ostringstream out;
  out << std::oct << (mode & 0777);
  return out.str();
}

std::vector<std::string> ChannelWarnings(const config::Config& config) {
  std::vector<std::string> out;
  for (const auto& channel : config.channels) {
    if (channel.type != "wechat_mp") continue;
    auto options = adapters::wechat::WechatMpOptionsFromConfig(channel);
    if (options.ok() && options->mode == adapters::wechat::SecurityMode::kPlain) {
      out.push_back("channels[" + channel.name +
                    "]: WeChat plain mode is unauthenticated beyond the token: its signature "
                    "does not cover the message, so anyone who sees one request can send any "
                    "message as any user for 5 minutes; use mode \"safe\" in production");
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> StartupWarnings(const config::Config& config,
                                         std::string_view config_text, unsigned config_mode) {
  std::vector<std::string> out = ChannelWarnings(config);
  if (config::ReadableByGroupOrOthers(config_mode)) {
    auto literal = config::LiteralSecretKeys(config_text, config.source_path);
    if (literal.ok() && !literal->empty()) {
      std::string keys;
      for (const auto& k : *literal) keys += (keys.empty() ? "" : ", ") + k;
      const std::string file = config.source_path.empty() ? "the config file" : config.source_path;
      out.push_back(file + " is readable by group or others (mode " + Octal(config_mode) +
                    ") and holds secrets written out (" + keys +
                    "): write them as ${ENV_VAR} or chmod 600 the file");
    }
  }
  return out;
}

std::vector<std::string> StartupWarningsForFile(const config::Config& config) {
  struct stat st {};
  std::ifstream in(config.source_path, std::ios::binary);
  if (config.source_path.empty() || ::stat(config.source_path.c_str(), &st) != 0 || !in) {
    return ChannelWarnings(config);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return StartupWarnings(config, text.str(), static_cast<unsigned>(st.st_mode));
}

}  // namespace linli
