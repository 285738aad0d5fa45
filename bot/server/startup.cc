#include "bot/server/startup.h"

#include "bot/server/locale_dir.h"

#include <mutex>
#include <utility>

#include "adapters/registry.h"
#include "bot/server/log.h"
#include "config/time_zones.h"

namespace linli {

ChannelSecrets ChannelSecretsFor(std::string_view command) {
  static constexpr std::string_view kOffline[] = {"agenda", "report", "digest", "roster",
                                                  "outbox", "privacy", "migrate",
                                                  "export", "backup", "restore", "status",
                                                  "db"};
  for (std::string_view c : kOffline) {
    if (command == c) return ChannelSecrets::kNotNeeded;
  }
  return ChannelSecrets::kRequired;
}

StatusOr<CheckedConfig> LoadAndValidate(const std::string& path, const config::GetenvFn& getenv,
                                        ChannelSecrets secrets) {
  const config::EnvPolicy policy = secrets == ChannelSecrets::kNotNeeded
                                       ? config::EnvPolicy::kChannelSecretsOptional
                                       : config::EnvPolicy::kStrict;
  LINLI_ASSIGN_OR_RETURN(config::Config loaded, config::LoadConfigFile(path, getenv, policy));
  LINLI_ASSIGN_OR_RETURN(config::Texts texts, LoadTexts(loaded));
  LINLI_RETURN_IF_ERROR(CheckLoadedConfig(loaded, texts));
  return CheckedConfig{std::move(loaded), std::move(texts)};
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
  o.postgresql.dsn = storage.postgresql.dsn;
  o.postgresql.schema = storage.postgresql.schema;
  o.postgresql.statement_timeout_ms = storage.postgresql.statement_timeout_ms;
  return o;
}

}  // namespace linli
