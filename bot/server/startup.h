// What every command does before it runs (serve, chat, migrate, agenda, roster, outbox): load
// the config file and check it whole, the same way on every path, and open the database
// through the one door (storage/open_database.h). A bad config stops start-up with one line
// per problem naming the file, the key and a hint; nothing has been written by then.
#pragma once

#include <string>
#include <string_view>

#include "bot/status.h"
#include "config/config.h"
#include "config/config_check.h"
#include "config/config_loader.h"
#include "bot/server/locale_dir.h"
#include "config/texts.h"
#include "storage/open_database.h"

namespace linli {

// A config that passed the whole check, with the texts it was checked against.
struct CheckedConfig {
  config::Config config;
  config::Texts texts;
};

// Whether a command needs the channels' secrets. Yes for `serve` and `chat` (they build the
// App, whose adapters and outbox call the platforms); no for the offline commands (agenda, report,
// digest --preview, roster, outbox, privacy, migrate and anything else that only reads or writes the
// database): for them an unset ${ENV} inside a channel entry is not an error
// (config::EnvPolicy::kChannelSecretsOptional). Unknown commands count as needing them.
enum class ChannelSecrets { kRequired, kNotNeeded };
ChannelSecrets ChannelSecretsFor(std::string_view command);

// The one validation entry point of the command line: LoadConfigFile (syntax, types, ranges,
// unknown sections), then LoadTexts and CheckLoadedConfig. Errors as those; every message
// names the file. `secrets` as ChannelSecretsFor the command being run.
StatusOr<CheckedConfig> LoadAndValidate(const std::string& path,
                                        const config::GetenvFn& getenv = ::getenv,
                                        ChannelSecrets secrets = ChannelSecrets::kRequired);

// The texts come from LoadTexts (bot/server/locale_dir.h): the one locale lookup.

// config::CheckConfig with the channel keys of the adapter registry (plus "console", which
// takes none) and the system tz database (config::DefaultZoneInfoDir()). App::Create runs it
// too, so a Config built in code is held to the same rules as a file.
Status CheckLoadedConfig(const config::Config& config, const config::Texts& texts);

// The registry's channel keys plus "console".
config::ChannelKeysByType ChannelKeysOfAllTypes();

// The storage part of the config in storage's own terms.
storage::DatabaseOptions DatabaseOptionsFor(const config::StorageConfig& storage);

}  // namespace linli
