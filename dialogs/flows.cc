#include "dialogs/flows.h"

namespace linli::dialogs {

std::vector<FlowSpec> AllFlows() { return {ReportFlow(), StatusFlow(), LinkFlow()}; }

}  // namespace linli::dialogs
