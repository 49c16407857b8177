#include "services/generator/generate_script.h"

#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/descriptor.h"
#include "reporting/v1/clerk.pb.h"
#include "reporting/v1/command.pb.h"
#include "services/domain/blocking_side.h"
#include "services/domain/campaign_walker.h"

namespace reporting::generator {
namespace {

using v1::BlockingReasonCode;

// How a unit's last stage ends (the stage it is left in).
enum class End {
  kNone,                 // completed the campaign
  kCheckFailed,          // step 1: a look-back check recorded as failed
  kChecksPassed,         // step 1: all eight passed, not completed
  kSurveyMissing,        // step 2: no survey yet
  kRemediationRequired,  // step 2: survey over 10%
  kResurveyRequired,     // step 2: remediation recorded
  kReportDue,            // step 3: passing survey, no report yet
  kReportReturned,       // step 3: the review returned the report
  kApprovalRejected,     // step 3: the approval was rejected
  kAwaitingReview,       // step 4
  kAwaitingApproval,     // step 5
  kAwaitingMeeting,      // step 6
};

// The walk (campaign_walker.h) that ends a stage where `end` says.
domain::StageWalk WalkTo(End end) {
  using domain::TransitionAct;
  domain::StageWalk walk;
  switch (end) {
    case End::kNone:
      break;
    case End::kCheckFailed:
      walk.failed_check = 3;
      break;
    case End::kChecksPassed:
      walk.last = TransitionAct::kRecordCheck;
      break;
    case End::kSurveyMissing:
      walk.last = TransitionAct::kCompleteSelfInspection;
      break;
    case End::kRemediationRequired:
      walk.failed_surveys = 1;
      walk.last = TransitionAct::kRecordSurvey;
      break;
    case End::kResurveyRequired:
      walk.failed_surveys = 1;
      walk.last = TransitionAct::kRecordRemediation;
      break;
    case End::kReportDue:
      walk.last = TransitionAct::kRecordSurvey;
      break;
    case End::kReportReturned:
      walk.returned_reports = 1;
      walk.last = TransitionAct::kRecordReview;
      break;
    case End::kApprovalRejected:
      walk.rejected_approvals = 1;
      walk.last = TransitionAct::kRecordApproval;
      break;
    case End::kAwaitingReview:
      walk.last = TransitionAct::kSubmitReport;
      break;
    case End::kAwaitingApproval:
      walk.last = TransitionAct::kRecordReview;
      break;
    case End::kAwaitingMeeting:
      walk.last = TransitionAct::kRecordApproval;
      break;
  }
  return walk;
}

// What keeps an analysis-and-evaluation unit from leaving (its roster).
enum class Defect {
  kNone,
  kMemberMissing,
  kOpinionMissing,
  kUnsigned,
  kNoMeasure
};

struct Fate {
  const char* name;
  v1::Stage stage;  // the stage the unit is left in
  End end;
  Defect defect;
  BlockingReasonCode code;  // its only blocking reason (UNSPECIFIED: none)
};

constexpr v1::Stage kStudy = v1::STAGE_STUDY_MOBILISATION;
constexpr v1::Stage kAnalysis = v1::STAGE_ANALYSIS_EVALUATION;
constexpr v1::Stage kRectify = v1::STAGE_RECTIFICATION_IMPROVEMENT;

const Fate kFates[kFateCount] = {
    {"completed", v1::STAGE_COMPLETED, End::kNone, Defect::kNone,
     v1::BLOCKING_REASON_CODE_UNSPECIFIED},
    {"rectification: report due", kRectify, End::kReportDue, Defect::kNone,
     v1::BLOCKING_REASON_CODE_UNSPECIFIED},
    {"study: a check failed", kStudy, End::kCheckFailed, Defect::kNone,
     v1::BLOCKING_REASON_CODE_SELF_INSPECTION_INCOMPLETE},
    {"study: survey missing", kStudy, End::kSurveyMissing, Defect::kNone,
     v1::BLOCKING_REASON_CODE_SURVEY_MISSING},
    {"study: awaiting approval", kStudy, End::kAwaitingApproval, Defect::kNone,
     v1::BLOCKING_REASON_CODE_AWAITING_APPROVAL},
    {"analysis: member not registered", kAnalysis, End::kChecksPassed,
     Defect::kMemberMissing, v1::BLOCKING_REASON_CODE_MEMBERS_NOT_REGISTERED},
    {"analysis: opinion missing", kAnalysis, End::kChecksPassed,
     Defect::kOpinionMissing, v1::BLOCKING_REASON_CODE_EVALUATION_MISSING},
    {"analysis: opinion unsigned", kAnalysis, End::kChecksPassed,
     Defect::kUnsigned, v1::BLOCKING_REASON_CODE_EVALUATION_UNSIGNED},
    {"analysis: measure missing", kAnalysis, End::kChecksPassed,
     Defect::kNoMeasure,
     v1::BLOCKING_REASON_CODE_TRANSFORMATION_MEASURE_MISSING},
    {"analysis: survey over 10%", kAnalysis, End::kRemediationRequired,
     Defect::kNone, v1::BLOCKING_REASON_CODE_REMEDIATION_REQUIRED},
    {"analysis: resurvey required", kAnalysis, End::kResurveyRequired,
     Defect::kNone, v1::BLOCKING_REASON_CODE_RESURVEY_REQUIRED},
    {"analysis: awaiting review", kAnalysis, End::kAwaitingReview,
     Defect::kNone, v1::BLOCKING_REASON_CODE_AWAITING_REVIEW},
    {"rectification: report returned", kRectify, End::kReportReturned,
     Defect::kNone, v1::BLOCKING_REASON_CODE_REPORT_RETURNED},
    {"rectification: approval rejected", kRectify, End::kApprovalRejected,
     Defect::kNone, v1::BLOCKING_REASON_CODE_APPROVAL_REJECTED},
    {"rectification: awaiting meeting", kRectify, End::kAwaitingMeeting,
     Defect::kNone, v1::BLOCKING_REASON_CODE_AWAITING_MEETING},
};

// Fates 0 and 1 walk analysis-and-evaluation through a failed survey and a
// disputed, revised opinion.
bool RichAnalysis(int fate) { return fate <= 1; }

constexpr const char* kOrgans[] = {"组织部",     "宣传部",
                                   "财政局",     "教育和体育局",
                                   "民政局",     "人力资源和社会保障局",
                                   "自然资源局", "住房和城乡建设局",
                                   "交通运输局", "农业农村局",
                                   "卫生健康局", "市场监督管理局",
                                   "审计局",     "司法局",
                                   "商务局",     "应急管理局",
                                   "水利局"};
constexpr const char* kPlaces[] = {
    "银雀山", "金雀山", "柳青", "枣园", "白沙埠", "义堂", "汪沟",   "李官",
    "方城",   "半程",   "朱保", "涑河", "沂河",   "蒙山", "孟良崮", "马陵山"};
constexpr const char* kSecondBatch[][2] = {{"街道", "街道党工委"},
                                           {"社区", "社区党委"},
                                           {"学校", "中学党总支"},
                                           {"企业", "集团公司党委"},
                                           {"乡镇", "镇党委"}};
constexpr const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵",
                                     "黄", "周", "吴", "徐", "孙", "朱", "高",
                                     "林", "郭", "马", "宋", "郑", "韩"};
constexpr const char* kGiven[] = {"伟", "芳", "娜", "秀英", "敏",   "静",  "丽",
                                  "强", "磊", "军", "洋",   "勇",   "艳",  "杰",
                                  "娟", "涛", "明", "超",   "桂兰", "建国"};
constexpr const char* kShortcomings[] = {
    "理论学习不够系统深入", "联系群众不够紧密", "开展批评与自我批评不够大胆",
    "工作作风不够扎实",     "创新意识不强",     "发挥先锋模范作用不够"};

template <typename T, size_t N>
constexpr size_t Size(const T (&)[N]) {
  return N;
}

uint64_t SplitMix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A hash that is the same on every platform (std::hash is not), so a seed
// gives the same campaign everywhere.
uint64_t Fnv1a(const std::string& text) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

int StageNumber(v1::Stage stage) { return static_cast<int>(stage); }

}  // namespace

const char* FateName(int fate) {
  return fate >= 0 && fate < kFateCount ? kFates[fate].name : "?";
}

NodeScript::NodeScript(const CampaignOptions& options, absl::CivilDay today,
                       NodePlan* plan)
    : options_(options),
      today_(today),
      plan_(plan),
      actor_(absl::StrCat("generator:clerk@", plan->node_id)),
      rng_(SplitMix(options.seed ^ SplitMix(Fnv1a(plan->node_id)))) {
  v1::NodeRegistered node;
  node.set_node_id(plan->node_id);
  node.set_name(plan->name);
  node.set_kind(plan->kind);
  Add("RegisterNode", plan->node_id, "register", node);
}

void NodeScript::Add(const std::string& method, const std::string& subject,
                     const std::string& action,
                     const google::protobuf::Message& body) {
  static const google::protobuf::ServiceDescriptor* service =
      v1::CommandMeta::descriptor()->file()->FindServiceByName(
          "CommandService");
  const google::protobuf::MethodDescriptor* rpc =
      service->FindMethodByName(method);
  const google::protobuf::FieldDescriptor* body_field =
      rpc == nullptr ? nullptr : rpc->input_type()->FindFieldByName("body");
  if (body_field == nullptr ||
      body_field->message_type() != body.GetDescriptor()) {
    // A bug of this file, never input: stop loudly.
    std::cerr << "generate: no CommandService." << method << " taking "
              << body.GetTypeName() << "\n";
    std::abort();
  }
  std::shared_ptr<google::protobuf::Message> request(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(rpc->input_type())
          ->New());
  const google::protobuf::Reflection* reflection = request->GetReflection();
  auto* meta = static_cast<v1::CommandMeta*>(reflection->MutableMessage(
      request.get(), rpc->input_type()->FindFieldByName("meta")));
  meta->set_command_id(
      absl::StrCat("gen", options_.seed, ":", subject, ":", action));
  meta->set_actor(actor_);
  reflection->MutableMessage(request.get(), body_field)->CopyFrom(body);
  plan_->commands.push_back(Command{method, std::move(request)});
  ++plan_->expected.events;
}

std::string NodeScript::Day(int offset) const {
  const absl::CivilDay d = today_ + offset;
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

std::string NodeScript::PersonName() {
  return absl::StrCat(kSurnames[Rand(Size(kSurnames))],
                      kGiven[Rand(Size(kGiven))]);
}

void NodeScript::AddUnit(int number, int fate_index) {
  const Fate& fate = kFates[fate_index];
  Unit unit;
  unit.number = number;
  unit.fate = fate_index;
  unit.id = absl::StrFormat("%s-U%04d", plan_->node_id, number);
  unit.batch = number % 2 == 1 ? v1::BATCH_FIRST : v1::BATCH_SECOND;
  unit.node_leadership = number == 1;
  Register(unit);

  OverviewLine& e = plan_->expected;
  ++e.units;
  ++plan_->fates[fate_index];
  if (fate.code != v1::BLOCKING_REASON_CODE_UNSPECIFIED) {
    ++(domain::SideOf(fate.code) == domain::ReasonSide::kWaiting ? e.waiting
                                                                 : e.blocked);
    ++plan_->blocked_by_reason[fate.code];
  }
  switch (fate.stage) {
    case kStudy:
      ++e.study;
      break;
    case kAnalysis:
      ++e.analysis;
      break;
    case kRectify:
      ++e.rectification;
      break;
    default:
      ++e.completed;
      break;
  }

  for (v1::Stage stage : {kStudy, kAnalysis, kRectify}) {
    if (StageNumber(stage) > StageNumber(fate.stage)) break;
    if (stage == kAnalysis) {
      Evaluations(unit);
      Materials(unit);
      Meetings(unit);
    }
    if (stage == kRectify) Items(unit);
    if (stage == fate.stage) {
      StopInStage(unit, stage);
    } else {
      WalkStage(unit, stage);
    }
  }
  if (fate.stage == kAnalysis) {
    // Fixing while reviewing (边查边改): a problem found, not planned yet.
    v1::RectificationItemIdentified item;
    item.set_item_id(absl::StrCat(unit.id, "-R001"));
    item.set_kind(static_cast<v1::RectificationKind>(items_++ % 4 + 1));
    item.set_description("评议中群众反映的办事效率问题");
    Add("IdentifyRectification", item.item_id(), "identify", item);
    ++e.items;
    ++e.items_open;
  }
  if (unit.batch == v1::BATCH_SECOND) Census(unit);
}

void NodeScript::Register(Unit& unit) {
  const Fate& fate = kFates[unit.fate];
  const int members = options_.members_per_unit;
  v1::UnitRegistered body;
  body.set_unit_id(unit.id);
  body.set_batch(unit.batch);
  if (unit.batch == v1::BATCH_FIRST) {
    body.set_category("机关");
    body.set_name(absl::StrCat(plan_->name, kOrgans[Rand(Size(kOrgans))]));
  } else {
    const auto& kind = kSecondBatch[Rand(Size(kSecondBatch))];
    body.set_category(kind[0]);
    body.set_name(absl::StrCat(kPlaces[Rand(Size(kPlaces))], kind[1]));
  }
  if (unit.node_leadership) {
    body.set_node_leadership(true);
    body.set_name(absl::StrCat("中共", plan_->name, "委员会"));
  }
  // The unit reports one member more than gets registered.
  body.set_member_count(members +
                        (fate.defect == Defect::kMemberMissing ? 1 : 0));
  Add("RegisterUnit", unit.id, "register", body);

  const int branches = members >= 6 ? 2 : 1;
  for (int b = 1; b <= branches; ++b) {
    v1::BranchRegistered branch;
    branch.set_branch_id(absl::StrFormat("%s-B%02d", unit.id, b));
    branch.set_unit_id(unit.id);
    branch.set_name(absl::StrFormat("第%d党支部", b));
    Add("RegisterBranch", branch.branch_id(), "register", branch);
    unit.branches.push_back(branch.branch_id());
  }
  for (int m = 1; m <= members; ++m) {
    Member member;
    member.id = absl::StrFormat("%s-M%04d", unit.id, m);
    member.branch_id = unit.branches[(m - 1) % branches];
    v1::MemberRegistered body;
    body.set_member_id(member.id);
    body.set_unit_id(unit.id);
    body.set_branch_id(member.branch_id);
    body.set_name(PersonName());
    body.set_leading_cadre(m == 1);
    Add("RegisterMember", member.id, "register", body);
    unit.members.push_back(member);
  }
}

// ------------------------------------------------------------ transition --

void NodeScript::Check(const Unit& unit, v1::Stage stage, int c, bool passed) {
  v1::SelfInspectionCheckRecorded check;
  check.set_unit_id(unit.id);
  check.set_stage(stage);
  check.set_check(static_cast<v1::LookBackCheck>(c));
  check.set_passed(passed);
  check.set_finding(passed ? "对照检查, 落实到位"
                           : "查摆问题不够具体, 需重新查摆");
  Add("RecordSelfInspectionCheck", unit.id,
      absl::StrCat("s", StageNumber(stage), ".check", c), check);
}

void NodeScript::CompleteSelfInspection(const Unit& unit, v1::Stage stage) {
  v1::SelfInspectionCompleted done;
  done.set_unit_id(unit.id);
  done.set_stage(stage);
  Add("CompleteSelfInspection", unit.id,
      absl::StrCat("s", StageNumber(stage), ".inspected"), done);
}

void NodeScript::Survey(const Unit& unit, v1::Stage stage, int number,
                        bool pass) {
  const uint32_t respondents = 30 + Rand(51);
  const uint32_t dissatisfied =
      pass ? Rand(respondents / 10 + 1) : respondents / 10 + 1 + Rand(3);
  const uint32_t basically = Rand(respondents - dissatisfied + 1) / 3;
  v1::SatisfactionSurveyRecorded survey;
  survey.set_unit_id(unit.id);
  survey.set_stage(stage);
  survey.set_respondents(respondents);
  survey.set_dissatisfied(dissatisfied);
  survey.set_basically_satisfied(basically);
  survey.set_satisfied(respondents - dissatisfied - basically);
  Add("RecordSurvey", unit.id,
      absl::StrCat("s", StageNumber(stage), ".survey", number), survey);
}

void NodeScript::Remediate(const Unit& unit, v1::Stage stage) {
  v1::RemediationRecorded remediation;
  remediation.set_unit_id(unit.id);
  remediation.set_stage(stage);
  remediation.set_measures(
      "补课: 再次组织专题学习, 逐户走访群众, 公开整改承诺");
  Add("RecordRemediation", unit.id,
      absl::StrCat("s", StageNumber(stage), ".remediation"), remediation);
}

void NodeScript::Report(const Unit& unit, v1::Stage stage, int number) {
  v1::TransitionReportSubmitted report;
  report.set_unit_id(unit.id);
  report.set_stage(stage);
  report.set_situation("本阶段各项工作按计划完成");
  report.set_satisfaction_result("群众满意度测评达到要求");
  report.set_next_stage_plan("下一阶段工作安排与责任分工");
  Add("SubmitTransitionReport", unit.id,
      absl::StrCat("s", StageNumber(stage), ".report", number), report);
}

void NodeScript::Review(const Unit& unit, v1::Stage stage, int number,
                        bool passed) {
  v1::SupervisoryReviewRecorded review;
  review.set_unit_id(unit.id);
  review.set_stage(stage);
  review.set_passed(passed);
  review.set_reviewer("第三督导组");
  review.set_comments(passed ? "同意转段" : "报告过于简单, 问题查摆不具体");
  Add("RecordSupervisoryReview", unit.id,
      absl::StrCat("s", StageNumber(stage), ".review", number), review);
}

void NodeScript::Approve(const Unit& unit, v1::Stage stage, int number,
                         bool approved) {
  v1::TransitionApprovalRecorded approval;
  approval.set_unit_id(unit.id);
  approval.set_stage(stage);
  approval.set_approved(approved);
  if (unit.node_leadership) {
    approval.set_approver(v1::APPROVER_CITY_LEADING_GROUP);
    approval.set_approving_body("市委教育实践活动领导小组");
  } else {
    approval.set_approver(v1::APPROVER_NEXT_LEVEL_UP);
    approval.set_approving_body(absl::StrCat("中共", plan_->name, "委员会"));
  }
  approval.set_comments(approved ? "同意" : "整改计划不够明确");
  Add("RecordApproval", unit.id,
      absl::StrCat("s", StageNumber(stage), ".approval", number), approval);
}

void NodeScript::TransitionMeeting(const Unit& unit, v1::Stage stage) {
  v1::TransitionMeetingHeld meeting;
  meeting.set_unit_id(unit.id);
  meeting.set_stage(stage);
  meeting.set_held_on(Day(-200 + 60 * StageNumber(stage)));
  meeting.set_secretary_name(PersonName());
  Add("HoldTransitionMeeting", unit.id,
      absl::StrCat("s", StageNumber(stage), ".meeting"), meeting);
}

void NodeScript::Summary(const Unit& unit, v1::Stage stage) {
  v1::StageWorkSummaryFiled summary;
  summary.set_unit_id(unit.id);
  summary.set_stage(stage);
  summary.set_basic_situation("基本情况");
  summary.set_main_practices("主要做法");
  summary.set_initial_results("初步成效");
  summary.set_basic_experience("基本经验");
  summary.set_prominent_problems("突出问题");
  summary.set_improvement_measures("改进措施");
  summary.set_suggestions("意见建议");
  Add("FileWorkSummary", unit.id,
      absl::StrCat("s", StageNumber(stage), ".summary"), summary);
  ++plan_->expected.summaries;
}

// The walk's acts as this script's commands for one unit and stage.
class NodeScript::StageActs : public domain::TransitionActs {
 public:
  StageActs(NodeScript& script, const Unit& unit, v1::Stage stage)
      : script_(script), unit_(unit), stage_(stage) {}

  bool RecordCheck(v1::LookBackCheck check, bool passed) override {
    script_.Check(unit_, stage_, static_cast<int>(check), passed);
    return true;
  }
  bool CompleteSelfInspection() override {
    script_.CompleteSelfInspection(unit_, stage_);
    return true;
  }
  bool RecordSurvey(int number, bool passes) override {
    script_.Survey(unit_, stage_, number, passes);
    return true;
  }
  bool RecordRemediation() override {
    script_.Remediate(unit_, stage_);
    return true;
  }
  bool SubmitReport(int report) override {
    script_.Report(unit_, stage_, report);
    return true;
  }
  bool RecordReview(int report, bool passed) override {
    script_.Review(unit_, stage_, report, passed);
    return true;
  }
  bool RecordApproval(int report, bool approved) override {
    script_.Approve(unit_, stage_, report, approved);
    return true;
  }
  bool HoldMeeting() override {
    script_.TransitionMeeting(unit_, stage_);
    return true;
  }

 private:
  NodeScript& script_;
  const Unit& unit_;
  const v1::Stage stage_;
};

void NodeScript::WalkStage(const Unit& unit, v1::Stage stage) {
  domain::StageWalk walk;
  if (stage == kAnalysis && RichAnalysis(unit.fate)) walk.failed_surveys = 1;
  // The completed unit's rectification report is returned once by the
  // supervisory group, then passed.
  if (stage == kRectify && unit.fate == 0) walk.returned_reports = 1;
  StageActs acts(*this, unit, stage);
  domain::WalkStage(walk, acts);
  Summary(unit, stage);
}

void NodeScript::StopInStage(const Unit& unit, v1::Stage stage) {
  StageActs acts(*this, unit, stage);
  domain::WalkStage(WalkTo(kFates[unit.fate].end), acts);
}

// ---------------------------------------------------- member aggregates --

void NodeScript::Evaluations(Unit& unit) {
  const Fate& fate = kFates[unit.fate];
  const bool leaves = StageNumber(fate.stage) > StageNumber(kAnalysis);
  OverviewLine& e = plan_->expected;
  const int count = static_cast<int>(unit.members.size());
  for (int m = 1; m <= count; ++m) {
    Member& member = unit.members[m - 1];
    if (fate.defect == Defect::kOpinionMissing && m == count) continue;
    const int roll = Rand(100);
    member.rating = roll < 20   ? v1::RATING_EXCELLENT
                    : roll < 85 ? v1::RATING_QUALIFIED
                    : roll < 95 ? v1::RATING_BASICALLY_QUALIFIED
                                : v1::RATING_UNQUALIFIED;
    if (fate.defect == Defect::kNoMeasure && m == 1) {
      member.rating = v1::RATING_BASICALLY_QUALIFIED;
    }
    const std::string& id = member.id;
    v1::EvaluationRecorded record;
    record.set_member_id(id);
    record.set_rating(member.rating);
    record.add_shortcomings(kShortcomings[Rand(Size(kShortcomings))]);
    record.set_self_review("个人讲评: 对照党章党规查找差距");
    record.set_peer_review("党员互评: 同志们提出了中肯意见");
    record.set_public_review("群众参评: 服务群众态度较好");
    record.set_opinions_gathered("征求意见 12 条");
    Add("RecordEvaluation", id, "eval.record", record);
    ++e.opinions;
    v1::EvaluationShown shown;
    shown.set_member_id(id);
    shown.set_shown_on(Day(-130));
    Add("ShowEvaluation", id, "eval.show1", shown);

    const bool disputes = (RichAnalysis(unit.fate) && m == 2) ||
                          (fate.defect == Defect::kUnsigned && m == 2);
    if (disputes) {
      v1::EvaluationDisputed dispute;
      dispute.set_member_id(id);
      dispute.set_reason("对评议意见中的部分表述有不同看法");
      Add("DisputeEvaluation", id, "eval.dispute", dispute);
    }
    const bool signs =
        !(fate.defect == Defect::kUnsigned && (m == 2 || m == 3));
    if (disputes && signs) {
      v1::EvaluationRevised revised;
      revised.set_member_id(id);
      revised.set_rating(member.rating);
      revised.add_shortcomings("联系群众不够紧密, 服务意识有待增强");
      revised.set_revision_note("根据本人意见核实后修改表述");
      Add("ReviseEvaluation", id, "eval.revise", revised);
      shown.set_shown_on(Day(-127));
      Add("ShowEvaluation", id, "eval.show2", shown);
    }
    if (signs) {
      v1::EvaluationSigned signature;
      signature.set_member_id(id);
      signature.set_signed_on(Day(-126));
      Add("SignEvaluation", id, "eval.sign", signature);
      ++e.signed_opinions;
      if (m == 1) {
        v1::EvaluationFeedbackGiven feedback;
        feedback.set_member_id(id);
        feedback.set_feedback("支部书记与本人谈话反馈评议结果");
        Add("GiveEvaluationFeedback", id, "eval.feedback", feedback);
      }
    } else if (disputes) {
      ++e.disputed;
    }
    const bool needs = member.rating == v1::RATING_BASICALLY_QUALIFIED ||
                       member.rating == v1::RATING_UNQUALIFIED;
    if (!needs) continue;
    ++e.transformation_required;
    if (fate.defect == Defect::kNoMeasure && m == 1) continue;
    v1::TransformationMeasureAssigned measure;
    measure.set_member_id(id);
    measure.set_measure("谈心谈话, 每月一次专题学习, 结对帮扶");
    measure.set_helper_name(PersonName());
    Add("AssignTransformationMeasure", id, "eval.measure", measure);
    ++e.transformation_assigned;
    if (leaves) {
      v1::TransformationMeasureCompleted completed;
      completed.set_member_id(id);
      completed.set_outcome("思想认识明显提高, 转化到位");
      Add("CompleteTransformationMeasure", id, "eval.measure.done", completed);
    }
  }
}

void NodeScript::Materials(const Unit& unit) {
  const bool leaves =
      StageNumber(kFates[unit.fate].stage) > StageNumber(kAnalysis);
  const int count = static_cast<int>(unit.members.size());
  for (int m = 1; m <= count; ++m) {
    const std::string& id = unit.members[m - 1].id;
    v1::PartySpiritMaterialSubmitted submitted;
    submitted.set_member_id(id);
    submitted.set_unit_id(unit.id);
    submitted.set_summary("党性分析材料: 查摆问题, 剖析根源, 明确整改方向");
    Add("SubmitMaterial", id, "material.submit1", submitted);
    if (m % 3 == 2) {
      v1::PartySpiritMaterialReturned returned;
      returned.set_member_id(id);
      returned.add_reasons(
          static_cast<v1::MaterialReturnReason>((m / 3) % 3 + 1));
      returned.set_note("请结合工作实际深入剖析");
      Add("ReturnMaterial", id, "material.return", returned);
      submitted.set_summary("修改后的党性分析材料");
      Add("SubmitMaterial", id, "material.submit2", submitted);
    }
    if (!leaves && m == count) continue;  // awaits review
    v1::PartySpiritMaterialAccepted accepted;
    accepted.set_member_id(id);
    Add("AcceptMaterial", id, "material.accept", accepted);
    ++plan_->expected.materials_accepted;
  }
}

void NodeScript::Meetings(const Unit& unit) {
  const bool circulate =
      StageNumber(kFates[unit.fate].stage) > StageNumber(kAnalysis);
  int number = 0;
  auto hold = [&](const std::string& branch_id, uint32_t attendees) {
    v1::SpecialMeetingHeld held;
    held.set_meeting_id(absl::StrFormat("%s-S%02d", unit.id, ++number));
    held.set_unit_id(unit.id);
    held.set_branch_id(branch_id);
    held.set_kind(branch_id.empty()
                      ? v1::MEETING_KIND_LEADERSHIP_DEMOCRATIC_LIFE
                      : v1::MEETING_KIND_BRANCH_ORGANISATIONAL_LIFE);
    held.set_stage(kAnalysis);
    held.set_held_on(Day(-140));
    held.set_attendees(attendees);
    Add("HoldSpecialMeeting", held.meeting_id(), "hold", held);
    ++plan_->expected.meetings;
    if (!circulate) return;
    v1::SpecialMeetingResultsCirculated circulated;
    circulated.set_meeting_id(held.meeting_id());
    circulated.set_scope(branch_id.empty() ? "单位内部" : "全体党员");
    Add("CirculateMeetingResults", held.meeting_id(), "circulate", circulated);
  };
  hold("", static_cast<uint32_t>(unit.members.size() / 2 + 1));
  for (const std::string& branch : unit.branches) {
    uint32_t attendees = 0;
    for (const Member& m : unit.members) attendees += m.branch_id == branch;
    hold(branch, attendees);
  }
}

// ------------------------------------------------- rectification, census --

void NodeScript::Items(const Unit& unit) {
  OverviewLine& e = plan_->expected;
  const int fate = unit.fate;
  // Fates 1 and 12 leave two items overdue; 13 and 14 one open item not yet
  // due; the completed unit closes all three.
  const bool overdue = fate == 1 || fate == 12;
  for (int k = 1; k <= 3; ++k) {
    const auto item_class = static_cast<v1::RectificationClass>(k);
    const std::string id = absl::StrFormat("%s-R%03d", unit.id, k);
    v1::RectificationItemIdentified identified;
    identified.set_item_id(id);
    identified.set_unit_id(unit.id);
    identified.set_kind(static_cast<v1::RectificationKind>(items_++ % 4 + 1));
    identified.set_description(k == 1 ? "窗口服务态度生硬, 群众反映强烈"
                               : k == 2
                                   ? "村级集体经济薄弱, 增收渠道单一"
                                   : "老旧小区供暖管网老化, 改造资金缺口大");
    Add("IdentifyRectification", id, "identify", identified);
    ++e.items;

    const bool closes = fate == 0 || k == 1 || (k == 3 && !overdue);
    v1::RectificationItemPlanned planned;
    planned.set_item_id(id);
    planned.set_measures("明确责任, 建立台账, 限期整改");
    planned.set_responsible_person(PersonName());
    planned.set_deadline(closes ? Day(-60) : overdue ? Day(-20) : Day(40));
    planned.set_class_(item_class);
    Add("PlanRectification", id, "plan", planned);
    if (k >= 2) {
      v1::RectificationProgressReported progress;
      progress.set_item_id(id);
      progress.set_progress("已完成阶段性任务");
      progress.set_percent_done(closes ? 80 : 40);
      Add("ReportRectificationProgress", id, "progress", progress);
    }
    if (!closes) {
      ++e.items_open;
      if (overdue) ++e.items_overdue;
      continue;
    }
    if (item_class == v1::RECTIFICATION_CLASS_HARD_FOR_NOW) {
      v1::RectificationExplanationPublished explained;
      explained.set_item_id(id);
      explained.set_cause("涉及跨部门资金和规划调整, 一时难以解决");
      explained.set_next_steps("纳入明年城市更新计划, 每季度公开进展");
      explained.set_published_on(Day(-70));
      Add("PublishRectificationExplanation", id, "explain", explained);
      ++e.items_explained;
    } else {
      v1::RectificationItemCompleted completed;
      completed.set_item_id(id);
      completed.set_evidence("整改前后照片及群众回访记录");
      completed.set_completed_on(Day(-75));
      Add("CompleteRectification", id, "complete", completed);
      ++e.items_completed;
    }
  }
}

void NodeScript::Census(const Unit& unit) {
  v1::CensusReported census;
  census.set_unit_id(unit.id);
  const int roll = Rand(10);
  census.set_condition(roll < 7   ? v1::ORGANISATION_CONDITION_NORMAL
                       : roll < 9 ? v1::ORGANISATION_CONDITION_WEAK_AND_LAX
                                  : v1::ORGANISATION_CONDITION_PARALYSED);
  census.set_should_have_organisation_but_none(Rand(10) == 0);
  census.set_leadership_incomplete(Rand(5) == 0);
  census.set_secretary_able_to_lead(Rand(6) != 0);
  v1::FloatingMembers* floating = census.mutable_floating();
  const uint32_t total = Rand(7);
  const uint32_t transferred = Rand(total + 1);
  const uint32_t lost = Rand(total + 1) / 2;
  floating->set_total(total);
  floating->set_relation_transferred(transferred);
  floating->set_temporary_relation(Rand(total - transferred + 1));
  floating->set_with_certificate(Rand(total + 1));
  floating->set_not_contactable(lost);
  floating->set_contactable(total - lost);
  const int problems = Rand(3);
  for (int p = 1; p <= problems; ++p) {
    v1::CensusProblem* problem = census.add_main_problems();
    problem->set_problem_id(absl::StrCat("P", p));
    problem->set_description(p == 1 ? "支部班子成员配备不齐"
                                    : "流动党员管理不够规范");
  }
  Add("ReportCensus", unit.id, "census", census);
  OverviewLine& e = plan_->expected;
  ++e.census_units;
  e.census_problems_open += problems;
  if (problems > 0 && Rand(2) == 0) {
    v1::CensusProblemResolved resolved;
    resolved.set_unit_id(unit.id);
    resolved.set_problem_id("P1");
    resolved.set_resolution("已选配支部委员, 班子配齐");
    Add("ResolveCensusProblem", unit.id, "census.resolve.P1", resolved);
    --e.census_problems_open;
  }
}

}  // namespace reporting::generator
