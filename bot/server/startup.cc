#include "bot/server/startup.h"

#include <mutex>
#include <utility>

#include "adapters/registry.h"
#include "bot/server/log.h"
#include "config/time_zones.h"

namespace linli {

StatusOr<CheckedConfig> LoadAndValidate(const std::string& path, const config::GetenvFn& getenv) {
  LINLI_ASSIGN_OR_RETURN(config::Config loaded, config::LoadConfigFile(path, getenv));
  LINLI_ASSIGN_OR_RETURN(config::Texts texts, LoadTexts(loaded));
  LINLI_RETURN_IF_ERROR(CheckLoadedConfig(loaded, texts));
  return CheckedConfig{std::move(loaded), std::move(texts)};
}

StatusOr<config::Texts> LoadTexts(const config::Config& cfg) {
  auto texts = config::Texts::Load(cfg.locale_dir, {cfg.locale, "zh-CN", "en"});
  if (!texts.ok() && texts.status().code() == StatusCode::kNotFound) {
    // A config kept elsewhere (/etc/linli) without its own locales/: use the shipped texts.
    // Said once per process, though the command line and App::Create both load the texts.
    static std::once_flag warned;
    std::call_once(warned, [&texts] {
      GetLogger("config")->warn("{}; using the built-in texts in {}", texts.status().message(),
                                LINLI_DEFAULT_LOCALE_DIR);
    });
    texts = config::Texts::Load(LINLI_DEFAULT_LOCALE_DIR, {cfg.locale, "zh-CN", "en"});
  }
  return texts;
}

config::ChannelKeysByType ChannelKeysOfAllTypes() {
  config::ChannelKeysByType keys = adapters::KnownChannelKeys();
  keys["console"] = {};
  return keys;
}

Status CheckLoadedConfig(const config::Config& cfg, const config::Texts& texts) {
  static const config::ChannelKeysByType* const kKeys =
      new config::ChannelKeysByType(ChannelKeysOfAllTypes());
  return config::CheckConfig(cfg, {texts, *kKeys, config::DefaultZoneInfoDir()});
}

storage::DatabaseOptions DatabaseOptionsFor(const config::StorageConfig& storage) {
  storage::DatabaseOptions o;
  o.backend = storage.backend;
  o.sqlite.path = storage.sqlite.path;
  o.sqlite.synchronous = storage.sqlite.synchronous;
  o.sqlite.busy_timeout_ms = storage.sqlite.busy_timeout_ms;
  return o;
}

}  // namespace linli
