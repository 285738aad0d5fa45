// THE list of adapters: adding a platform = one folder under adapters/ + one line in
// registry.cc (its type, factory and channel keys) + its tests.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bot/adapter.h"
#include "bot/clock.h"
#include "bot/http_client.h"
#include "bot/status.h"
#include "bot/token_store.h"
#include "config/config.h"
#include "config/config_check.h"

namespace linli::adapters {

// What an adapter may use. Borrowed; they outlive every adapter.
struct AdapterDeps {
  Clock& clock;
  HttpClient& http;
  // Platform tokens shared with the other instances on the database (bot/token_store.h);
  // nullptr: each adapter keeps its token to itself (command lines, tests).
  TokenStore* tokens = nullptr;
};

// Builds the adapter for `channel.type`. Errors (kInvalidArgument) name the channel and the
// field: "channels[tg].token: missing". Unknown type: kInvalidArgument naming the known types.
StatusOr<std::unique_ptr<Adapter>> CreateAdapter(const config::ChannelConfig& channel,
                                                 const AdapterDeps& deps);

// The types CreateAdapter accepts ("console" is built by the app, not here).
std::vector<std::string> KnownAdapterTypes();

// The channels[] keys each type of KnownAdapterTypes() accepts besides name, type and
// api_base, for the whole-config check (config/config_check.h). Without "console".
config::ChannelKeysByType KnownChannelKeys();

}  // namespace linli::adapters
