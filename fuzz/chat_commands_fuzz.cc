// Fuzz target: the chat-word parsers of dialogs/ and domain/ on one typed line - words,
// ticket numbers, "N rest", every ticket and points action's chat arguments, ratings, wish
// hours and helper counts, and the numbered-choice matcher (dialogs::MatchOption).
// Seeds: fuzz/corpus/chat_commands/.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bot/text.h"
#include "dialogs/engine.h"
#include "domain/tickets/ticket_actions.h"
#include "domain/tickets/ticket_service.h"
#include "domain/volunteers/points_actions.h"
#include "domain/wishes/wish_rules.h"
#include "fuzz/fuzz_check.h"

namespace {

namespace d = linli::domain;

void CheckWords(const std::string& text) {
  for (const std::string& w : d::ChatWords(text)) {
    FUZZ_CHECK(!w.empty(), "no empty word");
    FUZZ_CHECK(w.find_first_of(" \t\n") == std::string::npos && w.find("\u3000") == std::string::npos,
               "a word holds no separator");
  }
}

void CheckNumbers(const std::string& text) {
  const int64_t n = d::ParseTicketNumber(text);
  FUZZ_CHECK(n >= 0 && n <= 999'999'999'999, "a ticket number has at most 12 digits");
  if (n > 0) {
    FUZZ_CHECK(d::ParseTicketNumber(std::to_string(n)) == n, "the number reads back");
    FUZZ_CHECK(d::ParseTicketNumber("#" + std::to_string(n)) == n, "#N reads as N");
  }
  const auto [number, rest] = d::NumberAndRest(text);
  FUZZ_CHECK(number >= 0, "NumberAndRest: no negative number");
  FUZZ_CHECK(linli::TrimText(rest) == rest, "NumberAndRest: the rest is trimmed");
  FUZZ_CHECK(d::ParseId(text) >= 0, "ParseId: 0 or a positive id");
}

void CheckActions(const std::string& text) {
  for (const d::TicketAction& action : d::TicketActions()) {
    for (const d::ChatCommand& command : action.chat) {
      for (const char* photo : {"", "photo-ref"}) {
        auto args = d::ArgsFromChat(action, command, text, photo);
        if (!args.ok()) {
          FUZZ_CHECK(args.status().code() == linli::StatusCode::kInvalidArgument &&
                         args.status().message() == command.usage_key,
                     "a malformed command answers with its usage key");
          continue;
        }
        if (action.param.kind == d::ParamKind::kTicket) {
          FUZZ_CHECK(args->ticket > 0, "a ticket parameter is a positive number");
        }
        if (action.param.kind == d::ParamKind::kDeferral) {
          FUZZ_CHECK(!args->reason.empty() && !args->plan.empty() && !args->until.empty(),
                     "a deferral has its reason, plan and date");
        }
        if (action.param.kind == d::ParamKind::kAssignee) {
          FUZZ_CHECK(!args->assignee.empty(), "an assignee is named");
        }
      }
    }
  }
  for (const d::PointsAction& action : d::PointsActions()) {
    auto args = d::PointsArgsFromChat(action, text);
    if (!args.ok()) {
      FUZZ_CHECK(args.status().code() == linli::StatusCode::kInvalidArgument,
                 "a malformed points command is kInvalidArgument");
      continue;
    }
    if (action.param == d::PointsParam::kAmountReason) {
      FUZZ_CHECK(args->amount > 0 && !args->text.empty(), "an amount and a reason");
    }
  }
}

void CheckSmallParsers(const std::string& text) {
  static const std::set<std::string> kRatings = {"", d::kRatingSatisfied, d::kRatingBasic,
                                                 d::kRatingUnsatisfied};
  FUZZ_CHECK(kRatings.count(d::ParseRating(text)) == 1, "a rating is one of three or none");
  if (auto hours = d::ParseHoursTenths(text)) {
    FUZZ_CHECK(*hours >= 0 && *hours <= d::kMaxHoursTenths, "hours within the limit");
    FUZZ_CHECK(d::ParseHoursTenths(d::FormatHoursTenths(*hours)) == hours,
               "formatted hours read back");
  }
  if (auto helpers = d::ParseHelpers(text)) {
    FUZZ_CHECK(*helpers >= 1 && *helpers <= d::kMaxHelpers, "helpers within 1..20");
  }
}

void CheckMatchOption(const std::string& text) {
  const std::vector<std::string> payloads = {"/report", "/status", "wish:claim", "vote:agree"};
  std::vector<std::string> labels = d::ChatWords(text);
  labels.resize(payloads.size());
  const int picked = linli::dialogs::MatchOption(text, payloads, labels);
  FUZZ_CHECK(picked >= -1 && picked < static_cast<int>(payloads.size()), "an index or -1");
  for (size_t k = 0; k < payloads.size(); ++k) {
    FUZZ_CHECK(linli::dialogs::MatchOption(payloads[k], payloads, labels) == static_cast<int>(k),
               "a button payload picks its option");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  CheckWords(text);
  CheckNumbers(text);
  CheckActions(text);
  CheckSmallParsers(text);
  CheckMatchOption(text);
  return 0;
}
