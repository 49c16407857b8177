// Restart: the real county-node binary runs a scenario twice, once straight
// through and once stopped with SIGTERM (exit code 0 checked) and started
// again between commands, including a retry across the restart. Every
// answer, every view and every stored event must be identical (event ids
// and times aside).
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "reporting/v1/clerk.grpc.pb.h"
#include "reporting/v1/command.grpc.pb.h"
#include "reporting/v1/envelope.pb.h"
#include "storage/event_log.h"
#include "tests/testutil/process.h"
#include "tests/testutil/temp_dir.h"

namespace reporting {
namespace {

using Stub = v1::CommandService::Stub;
const char kNode[] = "371302";
const char kUnit[] = "371302-U0042";

// One running county-node.
class Node {
 public:
  Node(const std::string& data_dir, const std::string& log_path)
      : port_(testutil::FreePort()) {
    auto start = std::chrono::steady_clock::now();
    process_ = std::make_unique<testutil::Process>(
        std::vector<std::string>{
            COUNTY_NODE_BINARY, absl::StrCat("--node_id=", kNode),
            absl::StrCat("--data_dir=", data_dir),
            absl::StrCat("--listen=127.0.0.1:", port_), "--insecure"},
        log_path);
    EXPECT_TRUE(testutil::WaitForPort(port_, 10000))
        << "county-node did not start";
    startup_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
    auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_),
                                       grpc::InsecureChannelCredentials());
    commands_ = v1::CommandService::NewStub(channel);
    clerk_ = v1::ClerkService::NewStub(channel);
  }

  // SIGTERM; the node must drain and exit 0.
  void Stop() {
    process_->Signal(SIGTERM);
    int status = process_->Wait(15000);
    ASSERT_NE(status, -1) << "county-node did not exit after SIGTERM";
    ASSERT_TRUE(WIFEXITED(status)) << "county-node died by a signal";
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }

  // SIGKILL: no drain, no close; what was acknowledged must be on disk.
  void Kill() { process_->Kill(); }

  Stub& commands() { return *commands_; }
  v1::ClerkService::Stub& clerk() { return *clerk_; }
  int64_t startup_ms() const { return startup_ms_; }

 private:
  int port_;
  int64_t startup_ms_ = 0;
  std::unique_ptr<testutil::Process> process_;
  std::unique_ptr<Stub> commands_;
  std::unique_ptr<v1::ClerkService::Stub> clerk_;
};

// What a step's answer was: status code + message + result.
std::string Answer(const grpc::Status& s, const v1::CommandResult& r) {
  return absl::StrCat(s.error_code(), " ", s.error_message(), " | ",
                      r.ShortDebugString());
}

template <typename Req, typename Body>
std::function<std::string(Stub&)> Cmd(
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&,
                                 v1::CommandResult*),
    const std::string& command_id, Body body) {
  return [=](Stub& stub) {
    Req request;
    request.mutable_meta()->set_command_id(command_id);
    request.mutable_meta()->set_actor("clerk:wang.li@371302");
    *request.mutable_body() = body;
    v1::CommandResult result;
    grpc::ClientContext ctx;
    grpc::Status s = (stub.*method)(&ctx, request, &result);
    return Answer(s, result);
  };
}

std::string Member(int n) { return absl::StrCat(kUnit, "-M000", n); }

// The scenario: registration, evaluations (one disputed and revised, one
// needing a transformation measure), material returned and resubmitted, a
// meeting circulated, and some refusals.
std::vector<std::function<std::string(Stub&)>> Scenario() {
  std::vector<std::function<std::string(Stub&)>> steps;
  v1::NodeRegistered node;
  node.set_node_id(kNode);
  node.set_name("兰山区");
  node.set_kind(v1::NODE_KIND_DISTRICT);
  steps.push_back(Cmd(&Stub::RegisterNode, "s01", node));
  v1::UnitRegistered unit;
  unit.set_unit_id(kUnit);
  unit.set_name("兰山区委组织部");
  unit.set_batch(v1::BATCH_FIRST);
  unit.set_member_count(3);
  steps.push_back(Cmd(&Stub::RegisterUnit, "s02", unit));
  v1::BranchRegistered branch;
  branch.set_branch_id(absl::StrCat(kUnit, "-B01"));
  branch.set_name("第一党支部");
  steps.push_back(Cmd(&Stub::RegisterBranch, "s03", branch));
  for (int m = 1; m <= 3; ++m) {
    v1::MemberRegistered member;
    member.set_member_id(Member(m));
    member.set_branch_id(branch.branch_id());
    member.set_name(absl::StrCat("党员", m));
    steps.push_back(
        Cmd(&Stub::RegisterMember, absl::StrCat("s04-", m), member));
  }
  for (int m = 1; m <= 3; ++m) {
    v1::EvaluationRecorded e;
    e.set_member_id(Member(m));
    e.set_rating(m == 3 ? v1::RATING_BASICALLY_QUALIFIED
                        : v1::RATING_QUALIFIED);
    e.add_shortcomings("理论学习不够深入");
    steps.push_back(Cmd(&Stub::RecordEvaluation, absl::StrCat("s05-", m), e));
  }
  v1::EvaluationSigned sign;
  sign.set_member_id(Member(1));
  sign.set_signed_on("2026-05-11");
  steps.push_back(
      Cmd(&Stub::SignEvaluation, "s06-refused", sign));  // not shown
  for (int m = 1; m <= 3; ++m) {
    v1::EvaluationShown shown;
    shown.set_member_id(Member(m));
    shown.set_shown_on("2026-05-10");
    steps.push_back(Cmd(&Stub::ShowEvaluation, absl::StrCat("s07-", m), shown));
  }
  steps.push_back(Cmd(&Stub::SignEvaluation, "s08", sign));
  v1::EvaluationDisputed dispute;
  dispute.set_member_id(Member(2));
  dispute.set_reason("不同意所列缺点");
  steps.push_back(Cmd(&Stub::DisputeEvaluation, "s09", dispute));
  v1::EvaluationRevised revised;
  revised.set_member_id(Member(2));
  revised.set_rating(v1::RATING_QUALIFIED);
  revised.add_shortcomings("联系群众不够紧密");
  steps.push_back(Cmd(&Stub::ReviseEvaluation, "s10", revised));
  v1::EvaluationShown shown2;
  shown2.set_member_id(Member(2));
  shown2.set_shown_on("2026-05-12");
  steps.push_back(Cmd(&Stub::ShowEvaluation, "s11", shown2));
  for (int m : {2, 3}) {
    v1::EvaluationSigned s;
    s.set_member_id(Member(m));
    s.set_signed_on("2026-05-13");
    steps.push_back(Cmd(&Stub::SignEvaluation, absl::StrCat("s12-", m), s));
  }
  v1::TransformationMeasureAssigned measure;
  measure.set_member_id(Member(3));
  measure.set_measure("每月谈心谈话");
  measure.set_helper_name("李书记");
  steps.push_back(Cmd(&Stub::AssignTransformationMeasure, "s13", measure));
  v1::PartySpiritMaterialSubmitted material;
  material.set_member_id(Member(1));
  material.set_summary("党性分析材料");
  steps.push_back(Cmd(&Stub::SubmitMaterial, "s14", material));
  v1::PartySpiritMaterialReturned returned;
  returned.set_member_id(Member(1));
  returned.add_reasons(v1::MATERIAL_RETURN_REASON_ANALYSIS_SHALLOW);
  steps.push_back(Cmd(&Stub::ReturnMaterial, "s15", returned));
  steps.push_back(Cmd(&Stub::SubmitMaterial, "s16", material));
  v1::PartySpiritMaterialAccepted accepted;
  accepted.set_member_id(Member(1));
  steps.push_back(Cmd(&Stub::AcceptMaterial, "s17", accepted));
  v1::SpecialMeetingHeld meeting;
  meeting.set_meeting_id(absl::StrCat(kUnit, "-S01"));
  meeting.set_kind(v1::MEETING_KIND_LEADERSHIP_DEMOCRATIC_LIFE);
  meeting.set_stage(v1::STAGE_ANALYSIS_EVALUATION);
  meeting.set_held_on("2026-05-20");
  meeting.set_attendees(9);
  steps.push_back(Cmd(&Stub::HoldSpecialMeeting, "s18", meeting));
  v1::SpecialMeetingResultsCirculated circulated;
  circulated.set_meeting_id(meeting.meeting_id());
  circulated.set_scope("全体党员");
  steps.push_back(Cmd(&Stub::CirculateMeetingResults, "s19", circulated));
  steps.push_back(
      Cmd(&Stub::CirculateMeetingResults, "s20-refused", circulated));
  return steps;
}

std::string Views(v1::ClerkService::Stub& clerk) {
  std::string out;
  for (int m = 1; m <= 3; ++m) {
    v1::GetEvaluationRequest request;
    request.set_member_id(Member(m));
    v1::EvaluationView view;
    grpc::ClientContext ctx;
    grpc::Status s = clerk.GetEvaluation(&ctx, request, &view);
    absl::StrAppend(&out, s.error_code(), " ", view.ShortDebugString(), "\n");
  }
  return out;
}

// The log's content without event ids and recording times (which differ
// between runs by design).
std::vector<std::string> LogContents(const std::string& dir) {
  storage::EventLogOptions options;
  options.node_id = kNode;
  options.create_if_missing = false;
  auto log = storage::EventLog::Open(dir, options);
  EXPECT_TRUE(log.ok()) << log.status();
  if (!log.ok()) return {};
  EXPECT_TRUE((*log)->Verify().ok());
  std::vector<std::string> out;
  for (uint64_t from = 1;;) {
    auto batch = (*log)->Read(from);
    EXPECT_TRUE(batch.ok());
    if (!batch.ok() || batch->empty()) break;
    for (const auto& stored : *batch) {
      v1::EventEnvelope e;
      EXPECT_TRUE(e.ParseFromString(stored.envelope));
      e.clear_event_id();
      e.clear_recorded_at_us();
      e.clear_prev_hash();
      out.push_back(e.ShortDebugString());
      from = stored.sequence + 1;
    }
  }
  EXPECT_TRUE((*log)->Close().ok());
  return out;
}

TEST(RestartTest, StoppedAndRestartedRunEqualsUninterruptedRun) {
  testutil::TempDir dir("county-restart");
  const auto steps = Scenario();

  std::vector<std::string> straight_answers;
  std::string straight_views;
  {
    Node node(dir.Sub("straight"), dir.Sub("straight.log"));
    for (const auto& step : steps)
      straight_answers.push_back(step(node.commands()));
    straight_views = Views(node.clerk());
    node.Stop();
  }

  // Restart after these many steps (the second also retries the step just
  // before it with its command id: the first answer, marked duplicate).
  const std::vector<size_t> stops = {4, 11, 17};
  std::vector<std::string> restarted_answers;
  std::string restarted_views;
  {
    auto node =
        std::make_unique<Node>(dir.Sub("restarted"), dir.Sub("restarted.log"));
    for (size_t i = 0; i < steps.size(); ++i) {
      if (std::find(stops.begin(), stops.end(), i) != stops.end()) {
        node->Stop();
        node = std::make_unique<Node>(dir.Sub("restarted"),
                                      dir.Sub("restarted.log"));
        EXPECT_LT(node->startup_ms(), 5000);
        std::string retry = steps[i - 1](node->commands());
        std::string first = restarted_answers.back();
        // The retry is the first answer with duplicate set.
        EXPECT_NE(retry.find("duplicate: true"), std::string::npos) << retry;
        EXPECT_EQ(retry.substr(0, retry.find(" duplicate")),
                  first.substr(0, first.find(" duplicate")));
      }
      restarted_answers.push_back(steps[i](node->commands()));
    }
    restarted_views = Views(node->clerk());
    node->Stop();
  }

  ASSERT_EQ(straight_answers.size(), restarted_answers.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    EXPECT_EQ(straight_answers[i], restarted_answers[i]) << "step " << i;
  }
  EXPECT_EQ(straight_views, restarted_views);
  EXPECT_NE(
      straight_answers[9].find("9 member 371302-U0042-M0001: cannot sign"),
      std::string::npos)
      << "the scenario includes a refusal: " << straight_answers[9];
  std::vector<std::string> a = LogContents(dir.Sub("straight"));
  std::vector<std::string> b = LogContents(dir.Sub("restarted"));
  EXPECT_EQ(a.size(), steps.size() - 2);  // two refusals wrote nothing
  EXPECT_EQ(a, b);
}

// Issue 19's reproduction against the real binary, with a SIGKILL between
// the refusal and its resend: a refusal is answered only once it is
// recorded on disk, so the resend after the restart gets it again, though
// the item has been planned meanwhile and a new command id is accepted.
TEST(RestartTest, ARefusalAnsweredBeforeASigkillIsTheAnswerAfterIt) {
  testutil::TempDir dir("county-restart-refusal");
  const std::string data = dir.Sub("node");
  const std::string log = dir.Sub("node.log");
  const auto steps = Scenario();  // s01 registers the node, s02 the unit
  const std::string item = absl::StrCat(kUnit, "-R0");
  v1::RectificationItemIdentified identified;
  identified.set_item_id(item);
  identified.set_kind(v1::RECTIFICATION_KIND_CONDUCT);
  identified.set_description("会议过多");
  v1::RectificationItemPlanned planned;
  planned.set_item_id(item);
  planned.set_measures("精简会议");
  planned.set_responsible_person("王书记");
  planned.set_deadline("2026-09-30");
  planned.set_class_(v1::RECTIFICATION_CLASS_IMMEDIATE);
  v1::RectificationItemCompleted completed;
  completed.set_item_id(item);
  completed.set_evidence("会议纪要");
  completed.set_completed_on("2026-06-01");
  const auto complete = Cmd(&Stub::CompleteRectification, "c1", completed);

  std::string refused;
  {
    Node node(data, log);
    for (size_t i = 0; i < 2; ++i) {
      ASSERT_EQ(steps[i](node.commands()).substr(0, 2), "0 ");
    }
    ASSERT_EQ(
        Cmd(&Stub::IdentifyRectification, "r1", identified)(node.commands())
            .substr(0, 2),
        "0 ");
    refused = complete(node.commands());
    ASSERT_EQ(refused.substr(0, 2), "9 ") << refused;  // FAILED_PRECONDITION
    node.Kill();
  }
  {
    Node node(data, log);
    ASSERT_EQ(Cmd(&Stub::PlanRectification, "r2", planned)(node.commands())
                  .substr(0, 2),
              "0 ");
    EXPECT_EQ(complete(node.commands()), refused);
    EXPECT_EQ(complete(node.commands()), refused);
    const std::string fresh =
        Cmd(&Stub::CompleteRectification, "c2", completed)(node.commands());
    EXPECT_EQ(fresh.substr(0, 2), "0 ") << fresh;
    node.Stop();
  }
  // c1 appended nothing: the log holds the two registrations, the item's
  // identification, plan and one completion (c2's).
  std::vector<std::string> events = LogContents(data);
  ASSERT_EQ(events.size(), 5u);
  for (const std::string& e : events) {
    EXPECT_EQ(e.find("command_id: \"c1\""), std::string::npos) << e;
  }
}

}  // namespace
}  // namespace reporting
