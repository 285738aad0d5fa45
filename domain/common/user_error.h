#pragma once
// A refusal the user is told of: a Status whose message is a text key (config/texts) followed
// by ";name=value" for each argument of that text. TicketService::ErrorKey and ErrorArgs read
// it back; the front ends turn it into the sentence in the user's language.
#include <string>
#include <utility>

#include "bot/status.h"
#include "config/texts.h"

namespace linli::domain {

inline Status UserError(StatusCode code, const std::string& key,
                        const config::TextArgs& args = {}) {
  std::string m = key;
  for (const auto& [k, v] : args) m += ";" + k + "=" + v;
  return Status(code, std::move(m));
}

}  // namespace linli::domain
