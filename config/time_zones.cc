#include "config/time_zones.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "config/did_you_mean.h"

namespace linli::config {

namespace {

namespace fs = std::filesystem;

bool IsNameByte(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '+' || c == '-';
}

bool WellFormed(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  size_t start = 0;
  while (true) {
    const size_t slash = name.find('/', start);
    const std::string_view part =
        name.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (!std::all_of(part.begin(), part.end(), IsNameByte)) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

bool IsTzifFile(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  in.read(magic, sizeof magic);
  return in.gcount() == 4 && std::string_view(magic, 4) == "TZif";
}

std::string Folded(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ' ') c = '_';
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    out.push_back(c);
  }
  return out;
}

std::string CityPart(const std::string& zone) {
  const size_t slash = zone.rfind('/');
  return slash == std::string::npos ? zone : zone.substr(slash + 1);
}

// Names people write for the zones of China (and its neighbours) that are not zone names.
// Keys are Folded().
const std::map<std::string, std::string>& Aliases() {
  static const auto* const kAliases = new std::map<std::string, std::string>{
      {"beijing", "Asia/Shanghai"},   {"peking", "Asia/Shanghai"},    {"china", "Asia/Shanghai"},
      {"prc", "Asia/Shanghai"},       {"cn", "Asia/Shanghai"},        {"guangzhou", "Asia/Shanghai"},
      {"shenzhen", "Asia/Shanghai"},  {"hangzhou", "Asia/Shanghai"},  {"nanjing", "Asia/Shanghai"},
      {"suzhou", "Asia/Shanghai"},    {"tianjin", "Asia/Shanghai"},   {"wuhan", "Asia/Shanghai"},
      {"chengdu", "Asia/Shanghai"},   {"xian", "Asia/Shanghai"},      {"xi'an", "Asia/Shanghai"},
      {"qingdao", "Asia/Shanghai"},   {"xiamen", "Asia/Shanghai"},    {"shenyang", "Asia/Shanghai"},
      {"北京", "Asia/Shanghai"},      {"上海", "Asia/Shanghai"},      {"中国", "Asia/Shanghai"},
      {"广州", "Asia/Shanghai"},      {"深圳", "Asia/Shanghai"},      {"杭州", "Asia/Shanghai"},
      {"南京", "Asia/Shanghai"},      {"成都", "Asia/Shanghai"},      {"重庆", "Asia/Shanghai"},
      {"武汉", "Asia/Shanghai"},      {"天津", "Asia/Shanghai"},      {"西安", "Asia/Shanghai"},
      {"urumqi", "Asia/Urumqi"},      {"乌鲁木齐", "Asia/Urumqi"},    {"hongkong", "Asia/Hong_Kong"},
      {"hong_kong", "Asia/Hong_Kong"}, {"香港", "Asia/Hong_Kong"},    {"macao", "Asia/Macau"},
      {"澳门", "Asia/Macau"},         {"台北", "Asia/Taipei"},
  };
  return *kAliases;
}

}  // namespace

std::string DefaultZoneInfoDir() {
  const char* dir = std::getenv("TZDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/usr/share/zoneinfo";
}

bool IsTimeZone(std::string_view name, const std::string& zoneinfo_dir) {
  return WellFormed(name) && IsTzifFile(fs::path(zoneinfo_dir) / std::string(name));
}

std::vector<std::string> ListTimeZones(const std::string& zoneinfo_dir) {
  std::vector<std::string> out;
  std::error_code ec;
  const fs::path root(zoneinfo_dir);
  fs::recursive_directory_iterator it(root, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string rel = it->path().lexically_relative(root).generic_string();
    if (it->is_directory(ec)) {
      if (rel == "posix" || rel == "right") it.disable_recursion_pending();
      continue;
    }
    if (WellFormed(rel) && IsTzifFile(it->path())) out.push_back(rel);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string SuggestTimeZone(std::string_view name, const std::vector<std::string>& zones) {
  auto known = [&zones](const std::string& z) {
    return std::find(zones.begin(), zones.end(), z) != zones.end();
  };
  const std::string folded = Folded(name);
  std::string compact = folded;  // "Hong Kong" and "hongkong" alike
  compact.erase(std::remove(compact.begin(), compact.end(), '_'), compact.end());
  for (const std::string& key : {folded, compact}) {
    if (auto a = Aliases().find(key); a != Aliases().end() && known(a->second)) return a->second;
  }
  for (const std::string& z : zones) {
    if (Folded(z) == folded || Folded(CityPart(z)) == folded) return z;
  }
  if (std::string full = ClosestMatch(name, zones); !full.empty()) return full;
  std::vector<std::string> cities;
  cities.reserve(zones.size());
  for (const std::string& z : zones) cities.push_back(CityPart(z));
  const std::string city = ClosestMatch(name, cities);
  if (city.empty()) return "";
  for (const std::string& z : zones) {
    if (CityPart(z) == city) return z;
  }
  return "";
}

}  // namespace linli::config
