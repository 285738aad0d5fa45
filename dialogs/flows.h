// The list of flows the bot offers, in menu order. Each flow lives in its own file.
#pragma once

#include <vector>

#include "dialogs/flow.h"

namespace linli::dialogs {

FlowSpec ReportFlow();  // 报事 /report  (dialogs/report_flow.cc)
FlowSpec StatusFlow();  // 进度 /status  (dialogs/status_flow.cc)
FlowSpec LinkFlow();    // 关联 /link    (dialogs/link_flow.cc)
FlowSpec RatingFlow();  // 评价 /rate N 满意 (dialogs/rating_flow.cc)
// Staff commands: 工单 /tickets, 受理 /accept, ... (dialogs/staff_flow.cc)
std::vector<FlowSpec> StaffFlows();

// Roster binding (dialogs/bind_flow.cc): 绑定 /bind <code>, 解绑 /unbind, 代绑 /bindfor <code>
// <channel>:<user_id> (staff only), 我的信息 /me.
FlowSpec BindFlow();
FlowSpec UnbindFlow();
FlowSpec BindForFlow();
FlowSpec MeFlow();

// Residents' data (dialogs/privacy_flow.cc): 我的数据 /mydata, 导出我的数据 /export,
// 注销 /erase (with a confirmation).
FlowSpec MyDataFlow();
FlowSpec ExportFlow();
FlowSpec EraseFlow();

// Residents' decisions (dialogs/decision_flow.cc): 投票 /vote, 公约 /rules, 问卷 /poll (and the
// questionnaire), 意见 /comment, 提名 /nominate; staff 起草公约 /draft, 公约列表 /decisions,
// 投票情况 /turnout and the decision actions (domain/decisions/decision_actions.h).
std::vector<FlowSpec> DecisionFlows();

// All flows, in menu order.
std::vector<FlowSpec> AllFlows();

}  // namespace linli::dialogs
