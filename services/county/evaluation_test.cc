// Member evaluation rules through gRPC, one test per rule, plus
// GetEvaluation.
#include "gtest/gtest.h"
#include "services/county/testing/test_node.h"

namespace reporting::county::testing {
namespace {

using grpc::StatusCode;

const char kUnit[] = "371302-U0042";

class EvaluationTest : public ::testing::Test {
 protected:
  void SetUp() override { node_.Register(kUnit, 1, 3); }

  std::string M(int n) { return TestNode::Member(kUnit, n); }

  grpc::Status Record(const std::string& member,
                      v1::Rating rating = v1::RATING_QUALIFIED,
                      std::vector<std::string> shortcomings = {
                          "学习不够深入"}) {
    v1::EvaluationRecorded e;
    e.set_member_id(member);
    e.set_rating(rating);
    for (auto& s : shortcomings) e.add_shortcomings(s);
    e.set_self_review("个人讲评");
    return node_.Send(&Stub::RecordEvaluation, e);
  }
  grpc::Status Show(const std::string& member) {
    v1::EvaluationShown e;
    e.set_member_id(member);
    e.set_shown_on("2026-05-10");
    return node_.Send(&Stub::ShowEvaluation, e);
  }
  grpc::Status Sign(const std::string& member) {
    v1::EvaluationSigned e;
    e.set_member_id(member);
    e.set_signed_on("2026-05-11");
    return node_.Send(&Stub::SignEvaluation, e);
  }
  grpc::Status Dispute(const std::string& member) {
    v1::EvaluationDisputed e;
    e.set_member_id(member);
    e.set_reason("不同意评定等次");
    return node_.Send(&Stub::DisputeEvaluation, e);
  }
  grpc::Status Revise(const std::string& member,
                      v1::Rating rating = v1::RATING_QUALIFIED) {
    v1::EvaluationRevised e;
    e.set_member_id(member);
    e.set_rating(rating);
    e.add_shortcomings("联系群众不够");
    return node_.Send(&Stub::ReviseEvaluation, e);
  }
  grpc::Status Feedback(const std::string& member) {
    v1::EvaluationFeedbackGiven e;
    e.set_member_id(member);
    e.set_feedback("支部已反馈评议结果");
    return node_.Send(&Stub::GiveEvaluationFeedback, e);
  }
  grpc::Status Assign(const std::string& member,
                      const std::string& measure = "谈心谈话",
                      const std::string& helper = "李书记") {
    v1::TransformationMeasureAssigned e;
    e.set_member_id(member);
    e.set_measure(measure);
    e.set_helper_name(helper);
    return node_.Send(&Stub::AssignTransformationMeasure, e);
  }
  grpc::Status Complete(const std::string& member) {
    v1::TransformationMeasureCompleted e;
    e.set_member_id(member);
    e.set_outcome("已转化");
    return node_.Send(&Stub::CompleteTransformationMeasure, e);
  }
  v1::EvaluationView View(const std::string& member) {
    v1::GetEvaluationRequest request;
    request.set_member_id(member);
    v1::EvaluationView view;
    grpc::ClientContext ctx;
    grpc::Status s = node_.clerk().GetEvaluation(&ctx, request, &view);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return view;
  }

  TestNode node_;
};

#define EXPECT_CODE(call, code)                       \
  do {                                                \
    grpc::Status s_ = (call);                         \
    EXPECT_EQ(s_.error_code(), code) << Describe(s_); \
  } while (0)

TEST_F(EvaluationTest, OpinionWithoutShortcomingIsRefused) {
  const uint64_t head = node_.log().GetHead().sequence;
  grpc::Status s = Record(M(1), v1::RATING_EXCELLENT, {});
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("shortcoming"), std::string::npos);
  EXPECT_CODE(Record(M(1), v1::RATING_EXCELLENT, {"  "}),
              StatusCode::INVALID_ARGUMENT);
  EXPECT_CODE(Record(M(1), v1::RATING_UNSPECIFIED),
              StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(node_.log().GetHead().sequence, head);
  EXPECT_CODE(Record(M(1)), StatusCode::OK);
}

TEST_F(EvaluationTest, RecordedOncePerMemberAndBatch) {
  EXPECT_CODE(Record(M(1)), StatusCode::OK);
  EXPECT_CODE(Record(M(1)), StatusCode::ALREADY_EXISTS);
}

TEST_F(EvaluationTest, UnknownMemberIsNotFoundAndForeignIsDenied) {
  EXPECT_CODE(Record(M(9)), StatusCode::NOT_FOUND);
  EXPECT_CODE(Record("371302-U0099-M0001"), StatusCode::NOT_FOUND);
  EXPECT_CODE(Record("371311-U0042-M0001"), StatusCode::PERMISSION_DENIED);
  EXPECT_CODE(Record("M0001"), StatusCode::INVALID_ARGUMENT);
}

TEST_F(EvaluationTest, DerivedFieldsMustMatchTheRoster) {
  v1::EvaluationRecorded e;
  e.set_member_id(M(1));
  e.set_rating(v1::RATING_QUALIFIED);
  e.add_shortcomings("x");
  e.set_branch_id(TestNode::Branch(kUnit, 2));
  EXPECT_CODE(node_.Send(&Stub::RecordEvaluation, e),
              StatusCode::INVALID_ARGUMENT);
  e.clear_branch_id();
  e.set_batch(v1::BATCH_SECOND);
  EXPECT_CODE(node_.Send(&Stub::RecordEvaluation, e),
              StatusCode::INVALID_ARGUMENT);
}

TEST_F(EvaluationTest, SignBeforeShownIsRefused) {
  ASSERT_TRUE(Record(M(1)).ok());
  grpc::Status s = Sign(M(1));
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(s.error_message(),
            "member 371302-U0042-M0001: cannot sign the opinion: it has not "
            "been shown to the member yet (ShowEvaluation first)");
}

TEST_F(EvaluationTest, SignBeforeRecordedIsRefused) {
  grpc::Status s = Sign(M(1));
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("RecordEvaluation"), std::string::npos);
}

TEST_F(EvaluationTest, SignTwiceIsRefused) {
  ASSERT_TRUE(Record(M(1)).ok());
  ASSERT_TRUE(Show(M(1)).ok());
  EXPECT_CODE(Sign(M(1)), StatusCode::OK);
  grpc::Status s = Sign(M(1));
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("already signed"), std::string::npos);
  EXPECT_EQ(View(M(1)).status(), v1::EVALUATION_STATUS_SIGNED);
}

TEST_F(EvaluationTest, DisputedOpinionMustBeRevisedAndShownBeforeSigning) {
  ASSERT_TRUE(Record(M(1)).ok());
  ASSERT_TRUE(Show(M(1)).ok());
  ASSERT_TRUE(Dispute(M(1)).ok());
  grpc::Status s = Sign(M(1));
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("ReviseEvaluation"), std::string::npos);
  EXPECT_CODE(Show(M(1)), StatusCode::FAILED_PRECONDITION);  // revise first
  ASSERT_TRUE(Revise(M(1)).ok());
  s = Sign(M(1));
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("revised opinion has not been shown"),
            std::string::npos);
  ASSERT_TRUE(Show(M(1)).ok());
  EXPECT_CODE(Sign(M(1)), StatusCode::OK);
  v1::EvaluationView view = View(M(1));
  EXPECT_EQ(view.revisions(), 1u);
  EXPECT_EQ(view.shortcomings(0), "联系群众不够");
}

TEST_F(EvaluationTest, DisputeOnlyWhenShown) {
  ASSERT_TRUE(Record(M(1)).ok());
  EXPECT_CODE(Dispute(M(1)), StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Show(M(1)).ok());
  EXPECT_CODE(Dispute(M(1)), StatusCode::OK);
  EXPECT_CODE(Dispute(M(1)), StatusCode::FAILED_PRECONDITION);
  v1::EvaluationDisputed no_reason;
  no_reason.set_member_id(M(2));
  EXPECT_CODE(node_.Send(&Stub::DisputeEvaluation, no_reason),
              StatusCode::INVALID_ARGUMENT);
}

TEST_F(EvaluationTest, ReviseOnlyWhenDisputedAndWithAShortcoming) {
  ASSERT_TRUE(Record(M(1)).ok());
  EXPECT_CODE(Revise(M(1)), StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Show(M(1)).ok());
  EXPECT_CODE(Revise(M(1)), StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Dispute(M(1)).ok());
  v1::EvaluationRevised no_shortcoming;
  no_shortcoming.set_member_id(M(1));
  no_shortcoming.set_rating(v1::RATING_QUALIFIED);
  EXPECT_CODE(node_.Send(&Stub::ReviseEvaluation, no_shortcoming),
              StatusCode::INVALID_ARGUMENT);
  EXPECT_CODE(Revise(M(1)), StatusCode::OK);
  EXPECT_EQ(View(M(1)).status(), v1::EVALUATION_STATUS_RECORDED);
}

TEST_F(EvaluationTest, ShowTwiceIsRefusedAndDateIsRequired) {
  ASSERT_TRUE(Record(M(1)).ok());
  v1::EvaluationShown bad;
  bad.set_member_id(M(1));
  bad.set_shown_on("2026-02-30");
  EXPECT_CODE(node_.Send(&Stub::ShowEvaluation, bad),
              StatusCode::INVALID_ARGUMENT);
  EXPECT_CODE(Show(M(1)), StatusCode::OK);
  EXPECT_CODE(Show(M(1)), StatusCode::FAILED_PRECONDITION);
}

TEST_F(EvaluationTest, FeedbackAfterTheOpinionWasShown) {
  ASSERT_TRUE(Record(M(1)).ok());
  EXPECT_CODE(Feedback(M(1)), StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Show(M(1)).ok());
  EXPECT_CODE(Feedback(M(1)), StatusCode::OK);
  ASSERT_TRUE(Sign(M(1)).ok());
  EXPECT_CODE(Feedback(M(1)), StatusCode::OK);
  v1::EvaluationFeedbackGiven empty;
  empty.set_member_id(M(1));
  EXPECT_CODE(node_.Send(&Stub::GiveEvaluationFeedback, empty),
              StatusCode::INVALID_ARGUMENT);
}

TEST_F(EvaluationTest, MeasureOnlyForBasicallyQualifiedOrUnqualified) {
  ASSERT_TRUE(Record(M(1), v1::RATING_QUALIFIED).ok());
  grpc::Status s = Assign(M(1));
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("rated qualified"), std::string::npos);
  ASSERT_TRUE(Record(M(2), v1::RATING_BASICALLY_QUALIFIED).ok());
  EXPECT_CODE(Assign(M(2)), StatusCode::OK);
  ASSERT_TRUE(Record(M(3), v1::RATING_UNQUALIFIED).ok());
  EXPECT_CODE(Assign(M(3)), StatusCode::OK);
  v1::EvaluationView view = View(M(3));
  EXPECT_TRUE(view.transformation_required());
  EXPECT_EQ(view.helper_name(), "李书记");
  EXPECT_FALSE(View(M(1)).transformation_required());
}

TEST_F(EvaluationTest, MeasureNeedsMeasureAndNamedHelper) {
  ASSERT_TRUE(Record(M(1), v1::RATING_UNQUALIFIED).ok());
  grpc::Status s = Assign(M(1), "谈心谈话", "");
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("helper_name"), std::string::npos);
  EXPECT_CODE(Assign(M(1), " ", "李书记"), StatusCode::INVALID_ARGUMENT);
  EXPECT_CODE(Assign(M(2)), StatusCode::FAILED_PRECONDITION);  // not recorded
}

TEST_F(EvaluationTest, MeasureCompletedOnceAndOnlyWhenAssigned) {
  ASSERT_TRUE(Record(M(1), v1::RATING_BASICALLY_QUALIFIED).ok());
  EXPECT_CODE(Complete(M(1)), StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Assign(M(1)).ok());
  ASSERT_TRUE(Assign(M(1), "结对帮扶", "张委员").ok());  // reassigned
  EXPECT_CODE(Complete(M(1)), StatusCode::OK);
  EXPECT_CODE(Complete(M(1)), StatusCode::FAILED_PRECONDITION);
  EXPECT_CODE(Assign(M(1)), StatusCode::FAILED_PRECONDITION);
  v1::EvaluationView view = View(M(1));
  EXPECT_TRUE(view.transformation_completed());
  EXPECT_EQ(view.helper_name(), "张委员");
}

TEST_F(EvaluationTest, GetEvaluationRefusals) {
  v1::GetEvaluationRequest request;
  v1::EvaluationView view;
  request.set_member_id(M(1));
  {
    grpc::ClientContext ctx;
    EXPECT_EQ(node_.clerk().GetEvaluation(&ctx, request, &view).error_code(),
              StatusCode::NOT_FOUND);  // nothing recorded yet
  }
  request.set_member_id("371311-U0042-M0001");
  {
    grpc::ClientContext ctx;
    EXPECT_EQ(node_.clerk().GetEvaluation(&ctx, request, &view).error_code(),
              StatusCode::PERMISSION_DENIED);
  }
  request.set_member_id("nobody");
  {
    grpc::ClientContext ctx;
    EXPECT_EQ(node_.clerk().GetEvaluation(&ctx, request, &view).error_code(),
              StatusCode::INVALID_ARGUMENT);
  }
}

TEST_F(EvaluationTest, ViewShowsTheRecordedOpinion) {
  ASSERT_TRUE(Record(M(2), v1::RATING_EXCELLENT, {"a", "b"}).ok());
  v1::EvaluationView view = View(M(2));
  EXPECT_EQ(view.member_id(), M(2));
  EXPECT_EQ(view.batch(), v1::BATCH_FIRST);
  EXPECT_EQ(view.rating(), v1::RATING_EXCELLENT);
  EXPECT_EQ(view.shortcomings_size(), 2);
  EXPECT_EQ(view.status(), v1::EVALUATION_STATUS_RECORDED);
  EXPECT_EQ(view.stream_version(), 1u);
}

}  // namespace
}  // namespace reporting::county::testing
