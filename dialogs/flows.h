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

// Micro-wishes (issue 9): 心愿 /wish and 代许愿 /wishfor (dialogs/wish_flow.cc); 认领 /claim
// (also as a reply to a wish card), 放弃 /release, 完成 /done and the requester's
// confirmation (dialogs/wish_claim_flow.cc); 心愿列表, 我的心愿, 心愿管理 and the staff actions
// 通过 / 驳回 / 撤销心愿 / 确认心愿 (dialogs/wish_list_flow.cc).
FlowSpec WishFlow();
FlowSpec WishForFlow();
FlowSpec ClaimFlow();
FlowSpec ReleaseFlow();
FlowSpec DoneFlow();
FlowSpec WishConfirmFlow();
FlowSpec WishRateFlow();  // the requester rates a confirmed wish 1..5 (or skips)
std::vector<FlowSpec> WishListFlows();
// Volunteers (dialogs/volunteer_flow.cc): 报到 /volunteer; staff 志愿者列表, 确认志愿者 N,
// 拒绝志愿者 N, 设为志愿者 P, 取消志愿者 P.
FlowSpec VolunteerFlow();
std::vector<FlowSpec> VolunteerStaffFlows();
// Points (dialogs/points_flow.cc): 积分 /points, 兑换 /redeem [item], 最美志愿者 /leaderboard;
// staff 兑换单 and the points actions (domain/volunteers/points_actions.h).
std::vector<FlowSpec> PointsFlows();
// Residents' decisions (dialogs/decision_flow.cc): 投票 /vote, 公约 /rules, 问卷 /poll (and the
// questionnaire), 意见 /comment, 提名 /nominate; staff 起草公约 /draft, 公约列表 /decisions,
// 投票情况 /turnout and the decision actions (domain/decisions/decision_actions.h).
std::vector<FlowSpec> DecisionFlows();
// Staff create polls, elections and appraisals (dialogs/decision_create_flow.cc): 发起问卷
// /newpoll, 发起选举 /newelection, 发起评议 /newappraisal. Part of DecisionFlows().
std::vector<FlowSpec> DecisionCreateFlows();

// 认定 红黑榜 2026-Q3 /confirmlist (dialogs/red_black_flow.cc): community or street staff
// confirm the quarterly red/black list, which is then published.
FlowSpec RedBlackConfirmFlow();

// 转交 /refer N 部门 说明 and 部门答复 /deptanswer N 文字 (dialogs/referral_flow.cc): staff refer
// a ticket to an outside department (domain/tickets/referrals.h) and record its answer.
std::vector<FlowSpec> ReferralFlows();

// 登录 /login (dialogs/login_flow.cc): staff get a one-time link to the web console.
FlowSpec LoginFlow();

// All flows, in menu order.
std::vector<FlowSpec> AllFlows();

}  // namespace linli::dialogs
