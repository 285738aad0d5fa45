#include "domain/decisions/public_decision.h"

#include <algorithm>

#include "domain/common/known_names.h"
#include "domain/common/masking.h"
#include "domain/decisions/decision_result.h"
#include "domain/decisions/decision_service.h"
#include "storage/decision_store.h"

namespace linli::domain::decisions {

StatusOr<std::vector<PublicDecision>> ListPublicDecisions(storage::Database& db, const Deps& deps,
                                                          const std::string& kind,
                                                          const std::string& locale, int limit) {
  LINLI_ASSIGN_OR_RETURN(auto all, storage::DecisionStore::List(db, kind, "", 200));
  LINLI_ASSIGN_OR_RETURN(const auto names_list, KnownNames(db, deps.config));
  const MaskNames& names = *names_list;
  auto mask = [&names](const std::string& text) { return MaskFreeText(text, names).text; };
  std::vector<PublicDecision> out;
  for (const auto& d : all) {
    if (d.status == "draft" || !d.on_board) continue;
    PublicDecision p;
    p.id = d.id;
    p.kind = d.kind;
    p.matter = d.matter;
    p.status = d.status;
    p.title = mask(d.title);
    p.body = mask(d.body);
    p.opens_at_ms = d.opens_at_ms;
    p.closes_at_ms = d.closes_at_ms;
    p.closed_at_ms = d.closed_at_ms;
    LINLI_ASSIGN_OR_RETURN(auto result, DecisionService::ResultOf(db, d.id));
    if (result) {
      p.has_result = true;
      p.adopted = Adopted(*result);
      p.result_text = mask(ResultText(deps.texts, locale, d, *result));
    }
    out.push_back(std::move(p));
  }
  std::stable_sort(out.begin(), out.end(), [](const PublicDecision& a, const PublicDecision& b) {
    return (a.status == "open") > (b.status == "open");
  });
  if (static_cast<int>(out.size()) > limit) out.resize(static_cast<size_t>(limit));
  return out;
}

}  // namespace linli::domain::decisions
