#include "config/config.h"

namespace linli::config {

const std::string& ChannelConfig::Field(const std::string& key) const {
  static const std::string* const kEmpty = new std::string();
  auto it = fields.find(key);
  return it == fields.end() ? *kEmpty : it->second;
}

}  // namespace linli::config
