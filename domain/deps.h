// What every domain call reads besides the database: the configuration, the localized texts
// and the clock. Borrowed; the owner (bot/server/app) keeps them alive for the process.
// Front ends (dialogs/, the HTTP API, the scheduler's jobs) pass the same Deps to the domain.
#pragma once

#include "bot/clock.h"
#include "config/config.h"
#include "config/texts.h"

namespace linli::domain {

struct Deps {
  const config::Config& config;
  const config::Texts& texts;
  const Clock& clock;
};

}  // namespace linli::domain
