// Small text helpers shared by adapters and dialogs. Pure; UTF-8 in, UTF-8 out.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bot/message.h"

namespace linli {

// Trims ASCII whitespace and U+3000 (the ideographic space, E3 80 80) at both ends.
std::string TrimText(std::string_view s);

// How a platform without buttons lays out numbered choices (see RenderNumberedChoices).
struct NumberedChoicesStyle {
  std::string_view gap = "\n\n";  // between the text and the first choice, when the text is
                                   // not empty
  std::string_view indent;         // before each number
};

// The text followed by its choices as numbered lines ("1. 满意"), one per line, for platforms
// without buttons; the dialogs accept the number, the label or the button payload back
// (dialogs::MatchOption). `text` alone when there are no choices. Pure.
std::string RenderNumberedChoices(std::string_view text, const std::vector<Choice>& choices,
                                  const NumberedChoicesStyle& style = {});

}  // namespace linli
