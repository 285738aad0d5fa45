// What the platform commands share (`linli check`, `linli telegram ...`, `linli wechat|wecom
// menu ...`, issue 15): loading the config with the channel secrets, picking the channel a
// command acts on, the webhook URL a channel is reached at, building its adapter against the
// real outbound HTTP client, and the one line a probe (Adapter::Probe) prints - in the
// configured locale (the "cli." texts of config/locales).
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "adapters/registry.h"
#include "bot/adapter.h"
#include "bot/clock.h"
#include "bot/server/httplib_client.h"
#include "bot/server/startup.h"
#include "bot/status.h"
#include "config/config.h"
#include "config/texts.h"

namespace linli {

// A "cli.<key>" text of the config's locale.
class CliSay {
 public:
  CliSay(const config::Texts& texts, std::string locale)
      : texts_(texts), locale_(std::move(locale)) {}
  std::string operator()(const std::string& key, const config::TextArgs& args = {}) const;
  // Whether "cli.<key>" exists (hints without a text fall back to a generic one).
  bool Has(const std::string& key) const;

 private:
  const config::Texts& texts_;
  std::string locale_;
};

// The channel of `type` a command acts on: the one named `name` (it must be of that type),
// or, with no name, the only channel of that type. kInvalidArgument naming the problem: no
// channel of the type, several and no name (they are listed), or `name` not one of them.
StatusOr<const config::ChannelConfig*> PickChannel(const config::Config& config,
                                                   const std::string& type,
                                                   const std::string& name);

// "<public_url>/webhook/<channel>" (trailing '/' of public_url dropped); "" when public_url
// is empty. Where the webhook server (bot/server/routes.cc) takes the channel's deliveries.
std::string ChannelWebhookUrl(const std::string& public_url, const std::string& channel);

// The outside world of a platform command: the system clock and the production HTTP client.
struct PlatformIo {
  SystemClock clock;
  HttplibClient http;
  adapters::AdapterDeps deps() { return {clock, http}; }
};

// One problem as a sentence: "<code> - <hint text>" ("cli.check_hint_<hint>").
std::string FindingText(const CliSay& say, const ProbeFinding& finding);

// `probe` as the one line `linli check` prints for a channel: "<name> (<type>): ok - <notes>"
// or "<name> (<type>): <code> - <hint>; <code> - <hint> [<notes>]"; each hint "cli.check_hint_<hint>" (a
// generic text naming the hint when the locale has none), each note "cli.check_note_<hint>".
std::string ProbeLine(const CliSay& say, const config::ChannelConfig& channel,
                      const ProbeResult& probe);

}  // namespace linli
