// Fuzz target: the resident's free-text location (domain/common/location.h ParseLocation)
// against a fixed compound, and the room kept in a ticket's location text (RoomOf, which
// reads FormatLocationWithRoom's zh-CN form back). Seeds: fuzz/corpus/location_parser/.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/config.h"
#include "domain/common/location.h"
#include "fuzz/fuzz_check.h"

namespace {

linli::config::CompoundConfig MakeCompound() {
  linli::config::CompoundConfig c;
  c.name = "幸福里小区";
  for (const char* b : {"1", "2", "3", "10", "12", "A"}) {
    c.buildings.push_back({b, {"1", "2", "3"}});
  }
  c.buildings.push_back({"5", {}});
  c.places = {{"south_gate", "南门"}, {"car_park", "停车场"}, {"square", "中心广场"}};
  return c;
}

const linli::config::Building* FindBuilding(const linli::config::CompoundConfig& c,
                                            const std::string& id) {
  for (const auto& b : c.buildings) {
    if (b.id == id) return &b;
  }
  return nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using linli::domain::ParsedLocation;
  static const linli::config::CompoundConfig compound = MakeCompound();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ParsedLocation p = linli::domain::ParseLocation(text, compound);
  if (p.result != ParsedLocation::Result::kOk) {
    FUZZ_CHECK(p.place.empty(), "a place only with kOk");
    return 0;
  }
  if (!p.place.empty()) {
    FUZZ_CHECK(p.building.empty() && p.unit.empty() && p.room.empty(),
               "a place has no building, unit or room");
    FUZZ_CHECK(std::any_of(compound.places.begin(), compound.places.end(),
                           [&](const auto& pl) { return pl.id == p.place && pl.label == p.place_label; }),
               "the place is a configured one");
    return 0;
  }
  const linli::config::Building* b = FindBuilding(compound, p.building);
  FUZZ_CHECK(b != nullptr, "kOk names a building of the roster");
  FUZZ_CHECK(p.unit.empty() || std::find(b->units.begin(), b->units.end(), p.unit) != b->units.end(),
             "kOk names a unit of that building");
  FUZZ_CHECK(!linli::domain::FormatLocation(p.building, p.unit, "zh-CN").empty(),
             "a location formats");
  const std::string stored =
      linli::domain::FormatLocationWithRoom(p.building, p.unit, p.room, "zh-CN");
  const std::string room = linli::domain::RoomOf(stored, compound);
  FUZZ_CHECK(room == (p.unit.empty() ? "" : p.room), "RoomOf reads back the stored room");
  return 0;
}
