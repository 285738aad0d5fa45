// Normalizes a resident's free-text location ("3号楼2单元", "3-2", "３栋二单元", "building 3
// unit 2") against the compound roster. Pure; unit-tested in tests/domain/common/location_test.cc.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace linli::domain {

struct ParsedLocation {
  enum class Result {
    kOk,             // building (and unit, if given) exist in the roster
    kNoBuilding,     // no number found in the text
    kUnknownBuilding,
    kUnknownUnit,
  };
  Result result = Result::kNoBuilding;
  std::string building;  // roster id, e.g. "3"
  std::string unit;      // roster unit id, may be empty (a building-wide or common-area issue)
};

// Reads the first number as the building and the second (if any) as the unit. Accepts
// ASCII, full-width and simple Chinese numerals (一 .. 九十九). A room number after the unit
// ("3-2-301") is ignored: rooms are never stored with a ticket's location.
ParsedLocation ParseLocation(std::string_view text, const config::CompoundConfig& compound);

// "3号楼2单元" / "3号楼" (zh) or "Bldg 3 Unit 2" (en): the normalized display form.
std::string FormatLocation(const std::string& building, const std::string& unit,
                           const std::string& locale);

}  // namespace linli::domain
