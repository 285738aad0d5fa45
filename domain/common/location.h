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
  std::string room;      // a room typed after the unit ("3号楼2单元301" -> "301"), may be empty
  // A named public place of the compound (compound.places): kOk with building, unit and room
  // empty.
  std::string place;        // its id, e.g. "south_gate"
  std::string place_label;  // its label, e.g. "南门"
};

// A text naming a configured place (its id, or containing its label; the longest label wins)
// is that place, whatever numbers it holds ("停车场B2" is the car park). Otherwise reads the
// first number as the building, the second (if any) as the unit and a third as the room
// (kept for staff: never shown to groups). Accepts ASCII, full-width and simple Chinese
// numerals (一 .. 九十九).
ParsedLocation ParseLocation(std::string_view text, const config::CompoundConfig& compound);

// FormatLocation plus the room ("3号楼2单元301室", "Bldg 3 Unit 2 Room 301"); the room only
// with a unit. For staff and the reporter only.
std::string FormatLocationWithRoom(const std::string& building, const std::string& unit,
                                   const std::string& room, const std::string& locale);

// The room kept in a ticket's location_text (the report flow stores it there, formatted by
// FormatLocationWithRoom in zh-CN), "" if none.
std::string RoomOf(const std::string& location_text, const config::CompoundConfig& compound);

// "3号楼2单元" / "3号楼" (zh) or "Bldg 3 Unit 2" (en): the normalized display form.
std::string FormatLocation(const std::string& building, const std::string& unit,
                           const std::string& locale);

}  // namespace linli::domain
