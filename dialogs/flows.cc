#include "dialogs/flows.h"

namespace linli::dialogs {

std::vector<FlowSpec> AllFlows() {
  std::vector<FlowSpec> flows = {ReportFlow(), StatusFlow(), LinkFlow(), RatingFlow()};
  for (auto& f : StaffFlows()) flows.push_back(std::move(f));
  for (auto& f : ReferralFlows()) flows.push_back(std::move(f));
  flows.push_back(VolunteerFlow());
  for (auto& f : VolunteerStaffFlows()) flows.push_back(std::move(f));
  for (auto& f : PointsFlows()) flows.push_back(std::move(f));
  for (auto* f : {BindFlow, UnbindFlow, BindForFlow, MeFlow, MyDataFlow, ExportFlow, EraseFlow}) {
    flows.push_back(f());
  }
  for (auto* f : {WishFlow, WishForFlow, ClaimFlow, ReleaseFlow, DoneFlow, WishConfirmFlow, WishRateFlow}) {
    flows.push_back(f());
  }
  for (auto& f : WishListFlows()) flows.push_back(std::move(f));
  for (auto& f : DecisionFlows()) flows.push_back(std::move(f));
  flows.push_back(RedBlackConfirmFlow());
  flows.push_back(LoginFlow());
  return flows;
}

}  // namespace linli::dialogs
