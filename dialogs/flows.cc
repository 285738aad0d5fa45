#include "dialogs/flows.h"

namespace linli::dialogs {

std::vector<FlowSpec> AllFlows() { return {ReportFlow(), StatusFlow()}; }

}  // namespace linli::dialogs
