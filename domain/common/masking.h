// The one masking module (SECURITY.md, Privacy; issue 8 point 2). Everything rendered for a
// group chat and every public field (public notes, deferral reason and plan, summaries, the
// agenda, the board) passes through it. Pure; UTF-8 in, UTF-8 out; never throws.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace linli::domain {

// Keeps the first character (UTF-8 code point) and replaces every other one with '*', at
// least one: "张三" -> "张*", "张" -> "张*", "欧阳娜娜" -> "欧***". "" stays "".
std::string MaskName(std::string_view name);

// Keeps the first 3 and last 4 digits of a phone number: "13812341234" -> "138****1234".
// Shorter numbers (fewer than 8 characters) become all '*'. "" stays "".
std::string MaskPhone(std::string_view phone);

// A PRC resident ID number (18 characters: 17 digits and a digit or X; or the old 15-digit
// form): keeps the first 3 and the last 2 - "110105199001011234" -> "110*************34".
// Anything else of that length is masked the same way. "" stays "".
std::string MaskIdNumber(std::string_view id);

// A platform user id (openid, Telegram id) shown to staff: enough to tell recipients apart,
// not enough to identify anyone - up to the first 4 ASCII characters then "****"
// ("oLinAbcdef" -> "oLin****"); ids of 4 characters or fewer become "****".
std::string MaskPlatformId(std::string_view id);

struct MaskedText {
  std::string text;
  bool changed = false;  // something was masked: tell the staff member who wrote it
};

// Free text (a staff note or a resident's description shown outside the assigned staff): masks
// mobile numbers (11 digits starting 1[3-9], also written 3-4-4 with spaces or dashes), landline
// numbers (0 + 2-3 digit area code, '-' and 7-8 digits), 18- and 15-character ID numbers, and
// every name in `names` (roster owner and staff names; one-character names ignored); a digit run
// inside a longer one (an order number) is kept unless exactly an ID's length. Mass mentions
// (@all @所有人 @everyone @here) and mention markup (<at ..>, <@..>) get a full-width ＠ / ＜.
// At a position where several names match, the longest wins ("张伟国" before "张伟"). `more`
// adds names for one call (a wish's contact name) without rebuilding `names`.
class MaskNames;
MaskedText MaskFreeText(std::string_view text, const MaskNames& names);
MaskedText MaskFreeText(std::string_view text, const MaskNames& names, const MaskNames& more);
MaskedText MaskFreeText(std::string_view text);

// The names MaskFreeText masks, prepared once: an index by each name's
// first two bytes lets a text find the names that can occur in it without a pass over all of
// them (a street's roster holds 100k; the board masks every text of a page). Names of fewer
// than two code points are kept in names() but never matched. Immutable: safe to share between
// threads (KnownNames, domain/common/known_names.h, caches one).
class MaskNames {
 public:
  MaskNames() = default;
  // Implicit, so a std::vector<std::string> or a braced list of names can be passed as is.
  MaskNames(std::vector<std::string> names);  // NOLINT(google-explicit-constructor)
  MaskNames(std::initializer_list<std::string> names);

  const std::vector<std::string>& names() const { return names_; }

  // The names that can match somewhere in `text` (their first two bytes occur next to each
  // other in it), in names() order.
  std::vector<const std::string*> Candidates(std::string_view text) const;

 private:
  std::vector<std::string> names_;
  std::vector<std::pair<uint16_t, uint32_t>> index_;  // (first two bytes, position), sorted
};

// Door numbers in free text about to be published where only the building may show (a wish
// card, issue 9): a unit ("2单元"), a room ("301室", "301房", "301号"), a building-unit-room
// ("3-2-301", every part), and any other run of 3 or 4 ASCII digits (a room number written
// alone, "住301"). Each masked digit becomes '*'. A building ("3号楼", "3栋", "3楼") and other
// numbers ("2盒", "10点"), years ("2026年") and dates ("2026-12-01", "2026-12") are kept.
// Apply after MaskFreeText (which needs whole phone numbers).
std::string MaskDoorNumbers(std::string_view text);

}  // namespace linli::domain
