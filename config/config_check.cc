#include "config/config_check.h"

#include <algorithm>
#include <filesystem>

#include "config/did_you_mean.h"
#include "config/time_zones.h"

namespace linli::config {

namespace {

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

void CheckTimezone(const Config& config, const std::string& zoneinfo_dir,
                   std::vector<std::string>& errors) {
  if (IsTimeZone(config.timezone, zoneinfo_dir)) return;
  std::error_code ec;
  if (!std::filesystem::is_directory(zoneinfo_dir, ec)) {
    errors.push_back("timezone: cannot check " + Quote(config.timezone) +
                     ": no time zone database at " + zoneinfo_dir + " (install tzdata)");
    return;
  }
  std::string error = "timezone: " + Quote(config.timezone) + " is not an IANA time zone";
  const std::string guess = SuggestTimeZone(config.timezone, ListTimeZones(zoneinfo_dir));
  error += guess.empty() ? " (such as Asia/Shanghai)" : " (did you mean " + guess + "?)";
  errors.push_back(std::move(error));
}

// Every id of `ids` (the config's `path`) has the label "<prefix><id>" in every locale file.
void CheckLabels(const std::vector<std::string>& ids, std::string_view path,
                 std::string_view kPrefix, const Texts& texts, std::vector<std::string>& errors) {
  const std::vector<std::string> locales = texts.locales();
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string& id = ids[i];
    const std::string key = std::string(kPrefix) + id;
    std::string files;  // the locale files without the label
    std::string guess;  // the closest labelled id in the first of them
    for (const std::string& locale : locales) {
      if (texts.Has(locale, key)) continue;
      files += (files.empty() ? "" : ", ") + texts.path(locale);
      if (!guess.empty()) continue;
      std::vector<std::string> labelled;
      for (const std::string& k : texts.KeysWithPrefix(locale, kPrefix)) {
        labelled.push_back(k.substr(kPrefix.size()));
      }
      guess = ClosestMatch(id, labelled);
    }
    if (files.empty()) continue;
    std::string error = std::string(path) + "[" + std::to_string(i) + "]: " + Quote(id) + " has no label " +
                        Quote(key) + " in " + files;
    if (!guess.empty()) error += " (did you mean " + guess + "?)";
    errors.push_back(std::move(error));
  }
}

void CheckCategories(const Config& config, const Texts& texts, std::vector<std::string>& errors) {
  CheckLabels(config.categories, "categories", "category.", texts, errors);
  CheckLabels(config.wishes.categories, "wishes.categories", "wish.category.", texts, errors);
}

bool KnownKey(const std::string& key, const ChannelKeys& known) {
  if (std::find(known.keys.begin(), known.keys.end(), key) != known.keys.end()) return true;
  return std::any_of(known.prefixes.begin(), known.prefixes.end(), [&key](const std::string& p) {
    return key.size() > p.size() && key.compare(0, p.size(), p) == 0;
  });
}

void CheckMenuButton(const MenuButton& b, const std::string& path, bool top,
                     const MenuLimits& limits, std::vector<std::string>& errors) {
  auto bytes = [&](const std::string& value, size_t max, const std::string& at,
                   const std::string& extra) {
    if (value.size() <= max) return;
    errors.push_back(at + ": " + std::to_string(value.size()) + " bytes, at most " +
                     std::to_string(max) + extra);
  };
  bytes(b.name, top ? limits.name_bytes : limits.sub_name_bytes, path + ".name",
        " (a Chinese character is 3 bytes)");
  if (!b.command.empty()) {
    bytes(b.key, limits.key_bytes, path + ".key",
          b.key == DefaultMenuKey(b.command) ? " (the default key of the command: set a key or "
                                               "shorten the command)"
                                             : "");
  }
  bytes(b.url, limits.url_bytes, path + ".url", "");
  if (!top || !b.command.empty() || !b.url.empty()) return;  // not a group
  const std::string subs = path + ".sub_buttons";
  if (b.sub_buttons.empty()) {
    errors.push_back(subs + ": no buttons, at least 1");
  } else if (b.sub_buttons.size() > limits.sub_buttons) {
    errors.push_back(subs + ": " + std::to_string(b.sub_buttons.size()) + " buttons, at most " +
                     std::to_string(limits.sub_buttons));
  }
  for (size_t i = 0; i < b.sub_buttons.size(); ++i) {
    CheckMenuButton(b.sub_buttons[i], subs + "[" + std::to_string(i) + "]", /*top=*/false, limits,
                    errors);
  }
}

void CheckMenu(const ChannelConfig& channel, const ChannelKeysByType& channel_keys,
               const ChannelKeys& keys, std::vector<std::string>& errors) {
  if (channel.menu.empty()) return;
  const std::string path = "channels[" + channel.name + "].menu";
  if (!keys.menu) {
    std::vector<std::string> with_menu;
    for (const auto& [type, k] : channel_keys) {
      if (k.menu) with_menu.push_back(type);
    }
    errors.push_back(path + ": " + channel.type + " takes no menu (menus: " +
                     JoinNames(with_menu) + ")");
    return;
  }
  if (channel.menu.size() > keys.menu->buttons) {
    errors.push_back(path + ": " + std::to_string(channel.menu.size()) + " buttons, at most " +
                     std::to_string(keys.menu->buttons));
  }
  for (size_t i = 0; i < channel.menu.size(); ++i) {
    CheckMenuButton(channel.menu[i], path + "[" + std::to_string(i) + "]", /*top=*/true,
                    *keys.menu, errors);
  }
}

void CheckChannels(const Config& config, const ChannelKeysByType& channel_keys,
                   std::vector<std::string>& errors) {
  std::vector<std::string> types;
  for (const auto& [type, keys] : channel_keys) types.push_back(type);
  for (const ChannelConfig& channel : config.channels) {
    const std::string path = "channels[" + channel.name + "]";
    auto known = channel_keys.find(channel.type);
    if (known == channel_keys.end()) {
      std::string error = path + ".type: unknown type " + Quote(channel.type);
      const std::string guess = ClosestMatch(channel.type, types);
      error += guess.empty() ? " (known: " + JoinNames(types) + ")" : " (did you mean " + guess + "?)";
      errors.push_back(std::move(error));
      continue;
    }
    for (const auto& [key, value] : channel.fields) {
      if (KnownKey(key, known->second)) continue;
      std::string error = path + "." + key + ": unknown key";
      const std::string guess = ClosestMatch(key, known->second.keys);
      if (!guess.empty()) {
        error += " (did you mean " + guess + "?)";
      } else {
        std::vector<std::string> all = known->second.keys;
        for (const std::string& p : known->second.prefixes) all.push_back(p + "...");
        error += all.empty() ? " (" + channel.type + " takes none)"
                             : " (known: " + JoinNames(all) + ")";
      }
      errors.push_back(std::move(error));
    }
    CheckMenu(channel, channel_keys, known->second, errors);
  }
}

}  // namespace

Status CheckConfig(const Config& config, const CheckContext& context) {
  std::vector<std::string> errors;
  CheckTimezone(config, context.zoneinfo_dir, errors);
  CheckCategories(config, context.texts, errors);
  CheckChannels(config, context.channel_keys, errors);
  if (errors.empty()) return Status::Ok();
  std::string message;
  for (const std::string& e : errors) {
    if (!message.empty()) message += "\n";
    if (!config.source_path.empty()) message += config.source_path + ": ";
    message += e;
  }
  return Status::InvalidArgument(std::move(message));
}

}  // namespace linli::config
