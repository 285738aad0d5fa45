// Fuzz target: the masking module (domain/common/masking.h). Input: a count byte, that many
// NUL-terminated names, then the free text. Invariants checked on MaskFreeText: no mobile
// number or ID number written alone in the input survives in the output, no mass mention is
// left outside defused markup, valid UTF-8 stays valid, and `changed` is false only for an
// unchanged text; on MaskDoorNumbers: only ASCII digits change, each into '*'.
// Seeds: fuzz/corpus/masking/.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/common/masking.h"
#include "fuzz/fuzz_check.h"

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

struct Run {
  size_t pos;
  size_t len;
};

// Maximal runs of ASCII digits (an ID's trailing X/x included when it makes 18).
std::vector<Run> DigitRuns(std::string_view s) {
  std::vector<Run> out;
  for (size_t i = 0; i < s.size();) {
    if (!IsDigit(s[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && IsDigit(s[j])) ++j;
    out.push_back({i, j - i});
    i = j;
  }
  return out;
}

bool IsMobile(std::string_view d) {
  return d.size() == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}

// The secrets written alone in `text`: 11-digit mobiles and 18-digit IDs bounded by
// non-digits (an ID may end in X: the 17 digits then X/x, not followed by a digit).
std::vector<std::string> SecretsAlone(std::string_view text) {
  std::vector<std::string> out;
  for (const Run& r : DigitRuns(text)) {
    const std::string_view d = text.substr(r.pos, r.len);
    if (IsMobile(d) || d.size() == 18) out.emplace_back(d);
    const size_t after = r.pos + r.len;
    if (r.len == 17 && after < text.size() && (text[after] == 'X' || text[after] == 'x') &&
        (after + 1 >= text.size() || !IsDigit(text[after + 1]))) {
      out.emplace_back(text.substr(r.pos, 18));
    }
  }
  return out;
}

size_t Occurrences(std::string_view hay, std::string_view needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string_view::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace d = linli::domain;
  linli::fuzz::InputReader in(data, size);
  std::vector<std::string> names(in.Byte() % 4);
  for (std::string& n : names) n = in.String(12);
  const std::string_view text = in.Rest();

  const d::MaskedText masked = d::MaskFreeText(text, names);
  const std::string& out = masked.text;
  if (!masked.changed) FUZZ_CHECK(out == text, "changed is false only when nothing changed");
  // UTF-8 in, UTF-8 out (the header's promise; names come from the roster and config as UTF-8).
  bool valid = linli::fuzz::IsValidUtf8(text);
  for (const std::string& n : names) valid = valid && linli::fuzz::IsValidUtf8(n);
  if (valid) FUZZ_CHECK(linli::fuzz::IsValidUtf8(out), "valid UTF-8 stays valid");
  // Masking never makes digits, so each occurrence of a secret in the output is one of the
  // input's that was not alone (inside an order number, glued to more digits).
  const std::vector<std::string> secrets = SecretsAlone(text);
  for (const std::string& secret : secrets) {
    size_t alone = 0;
    for (const std::string& other : secrets) alone += other == secret;
    FUZZ_CHECK(Occurrences(out, secret) + alone <= Occurrences(text, secret),
               "a phone or ID number written alone never survives masking");
  }
  // Markup is always defused; a mass mention may be left only inside defused markup
  // ("<@all>" -> "＜@all>", as tests/domain/common/masking_test.cc pins it).
  const std::string lower = AsciiLower(out);
  for (std::string_view markup : {"<at", "<@"}) {
    FUZZ_CHECK(lower.find(markup) == std::string::npos, "no mention markup is left");
  }
  for (std::string_view mention : {"@all", "@所有人", "@everyone", "@here"}) {
    for (size_t at = lower.find(mention); at != std::string::npos; at = lower.find(mention, at + 1)) {
      FUZZ_CHECK(at >= 3 && lower.compare(at - 3, 3, "\uFF1C") == 0, "no mass mention is left");
    }
  }

  const std::string doors = d::MaskDoorNumbers(text);
  FUZZ_CHECK(doors.size() == text.size(), "MaskDoorNumbers keeps the length");
  for (size_t i = 0; i < text.size(); ++i) {
    FUZZ_CHECK(doors[i] == text[i] || (IsDigit(text[i]) && doors[i] == '*'),
               "MaskDoorNumbers only turns digits into '*'");
  }

  const std::string id = d::MaskPlatformId(text);
  FUZZ_CHECK(id.size() >= 4 && id.size() <= 8 && id.compare(id.size() - 4, 4, "****") == 0,
             "MaskPlatformId: at most 4 characters and ****");
  if (!text.empty()) {
    FUZZ_CHECK(d::MaskPhone(text).size() == text.size(), "MaskPhone keeps the length");
    FUZZ_CHECK(d::MaskIdNumber(text).size() == text.size(), "MaskIdNumber keeps the length");
    FUZZ_CHECK(d::MaskName(text).find('*') != std::string::npos, "MaskName masks something");
  }
  return 0;
}
