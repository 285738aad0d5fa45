#include "config/config.h"

namespace linli::config {

const std::string& ChannelConfig::Field(const std::string& key) const {
  static const std::string* const kEmpty = new std::string();
  auto it = fields.find(key);
  return it == fields.end() ? *kEmpty : it->second;
}

std::string DefaultMenuKey(const std::string& command) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string key = "LINLI_";
  for (unsigned char c : command) {
    key.push_back(kHex[c >> 4]);
    key.push_back(kHex[c & 15]);
  }
  return key;
}

}  // namespace linli::config
