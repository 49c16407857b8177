// Member evaluation (DOMAIN.md aggregate 1, evaluation.h), decided and
// folded without a node: each rule's acceptance, its refusal (code and the
// words a clerk acts on) and what the fold makes of the events.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/evaluation.h"
#include "services/domain/testing/test_stream.h"

namespace reporting::domain {
namespace {

using ::testing::HasSubstr;

constexpr char kMember[] = "371302-U0042-M0007";

class EvaluationTest : public ::testing::Test {
 protected:
  EvaluationTest()
      : member_(testing::TestMember()),
        stream_(std::string("evaluation/") + kMember + "/1") {}

  // Records the decided event in the stream and refolds it.
  template <typename M>
  void Accept(const absl::StatusOr<M>& decided) {
    ASSERT_TRUE(decided.ok()) << decided.status();
    stream_.Add(*decided);
    absl::StatusOr<EvaluationState> folded = FoldEvaluation(stream_.events());
    ASSERT_TRUE(folded.ok()) << folded.status();
    state_ = *folded;
  }

  v1::EvaluationRecorded Opinion(v1::Rating rating) const {
    v1::EvaluationRecorded r;
    r.set_member_id(kMember);
    r.set_rating(rating);
    r.add_shortcomings("理论学习不够深入");
    return r;
  }
  absl::StatusOr<v1::EvaluationShown> Show() const {
    v1::EvaluationShown r;
    r.set_member_id(kMember);
    r.set_shown_on("2026-07-01");
    return DecideShowEvaluation(state_, r);
  }
  absl::StatusOr<v1::EvaluationSigned> Sign() const {
    v1::EvaluationSigned r;
    r.set_member_id(kMember);
    r.set_signed_on("2026-07-02");
    return DecideSignEvaluation(state_, r);
  }
  absl::StatusOr<v1::EvaluationDisputed> Dispute() const {
    v1::EvaluationDisputed r;
    r.set_member_id(kMember);
    r.set_reason("the second shortcoming is not mine");
    return DecideDisputeEvaluation(state_, r);
  }
  absl::StatusOr<v1::EvaluationRevised> Revise(v1::Rating rating) const {
    v1::EvaluationRevised r;
    r.set_member_id(kMember);
    r.set_rating(rating);
    r.add_shortcomings("联系群众不够紧密");
    return DecideReviseEvaluation(state_, r);
  }
  absl::StatusOr<v1::TransformationMeasureAssigned> Assign(
      const std::string& helper) const {
    v1::TransformationMeasureAssigned r;
    r.set_member_id(kMember);
    r.set_measure("weekly study with the branch secretary");
    r.set_helper_name(helper);
    return DecideAssignMeasure(state_, r);
  }
  absl::StatusOr<v1::TransformationMeasureCompleted> CompleteMeasure() const {
    v1::TransformationMeasureCompleted r;
    r.set_member_id(kMember);
    r.set_outcome("attends and speaks at every meeting");
    return DecideCompleteMeasure(state_, r);
  }

  RosterMember member_;
  testing::TestStream stream_;
  EvaluationState state_;
};

TEST_F(EvaluationTest, RecordedWithTheRosterFactsFilledIn) {
  absl::StatusOr<v1::EvaluationRecorded> decided =
      DecideRecordEvaluation(state_, member_, Opinion(v1::RATING_QUALIFIED));
  ASSERT_TRUE(decided.ok()) << decided.status();
  EXPECT_EQ(decided->unit_id(), "371302-U0042");
  EXPECT_EQ(decided->branch_id(), "371302-U0042-B01");
  EXPECT_EQ(decided->batch(), v1::BATCH_FIRST);
  Accept(decided);
  EXPECT_EQ(state_.phase, EvaluationPhase::kRecorded);
  EXPECT_EQ(state_.member_id, kMember);
  EXPECT_EQ(state_.rating, v1::RATING_QUALIFIED);
  EXPECT_EQ(state_.shortcomings, std::vector<std::string>{"理论学习不够深入"});
  EXPECT_EQ(state_.version, 1u);
}

TEST_F(EvaluationTest, AnOpinionMustStateShortcomings) {
  v1::EvaluationRecorded none = Opinion(v1::RATING_EXCELLENT);
  none.clear_shortcomings();
  absl::Status refused = DecideRecordEvaluation(state_, member_, none).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("at least one shortcoming"));
  EXPECT_THAT(refused.message(), HasSubstr("实事求是地提出缺点和不足"));

  v1::EvaluationRecorded blank = Opinion(v1::RATING_EXCELLENT);
  blank.add_shortcomings("  \t");
  refused = DecideRecordEvaluation(state_, member_, blank).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("shortcoming 2 is empty"));
}

TEST_F(EvaluationTest, RatingIsRequired) {
  absl::Status refused =
      DecideRecordEvaluation(state_, member_, Opinion(v1::RATING_UNSPECIFIED))
          .status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("rating is required"));
  refused = DecideRecordEvaluation(state_, member_,
                                   Opinion(static_cast<v1::Rating>(99)))
                .status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(EvaluationTest, GivenRosterFactsMustMatchTheRoster) {
  v1::EvaluationRecorded r = Opinion(v1::RATING_QUALIFIED);
  r.set_unit_id("371302-U0043");
  EXPECT_THAT(DecideRecordEvaluation(state_, member_, r).status().message(),
              HasSubstr("is not the member's unit 371302-U0042"));
  r = Opinion(v1::RATING_QUALIFIED);
  r.set_branch_id("371302-U0042-B02");
  EXPECT_THAT(DecideRecordEvaluation(state_, member_, r).status().message(),
              HasSubstr("is not the member's branch"));
  r = Opinion(v1::RATING_QUALIFIED);
  r.set_batch(v1::BATCH_SECOND);
  absl::Status refused = DecideRecordEvaluation(state_, member_, r).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("batch 2 is not the batch"));
}

TEST_F(EvaluationTest, RecordedOncePerMemberAndBatch) {
  Accept(
      DecideRecordEvaluation(state_, member_, Opinion(v1::RATING_QUALIFIED)));
  absl::Status refused =
      DecideRecordEvaluation(state_, member_, Opinion(v1::RATING_EXCELLENT))
          .status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(refused.message(),
              HasSubstr("already recorded (rated qualified)"));
  EXPECT_THAT(refused.message(), HasSubstr("ReviseEvaluation"));
}

TEST_F(EvaluationTest, NothingBeforeTheOpinionIsRecorded) {
  for (const absl::Status& refused :
       {Show().status(), Sign().status(), Dispute().status(),
        Revise(v1::RATING_QUALIFIED).status(), Assign("王芳").status(),
        CompleteMeasure().status()}) {
    EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(refused.message(), HasSubstr("RecordEvaluation first"));
  }
}

TEST_F(EvaluationTest, SignedOnlyAfterItWasShown) {
  Accept(
      DecideRecordEvaluation(state_, member_, Opinion(v1::RATING_QUALIFIED)));
  absl::Status refused = Sign().status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.message(), HasSubstr("has not been shown"));
  EXPECT_THAT(Dispute().status().message(), HasSubstr("has not been shown"));

  Accept(Show());
  EXPECT_EQ(state_.phase, EvaluationPhase::kShown);
  EXPECT_TRUE(state_.ever_shown);
  refused = Show().status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.message(), HasSubstr("already shown"));

  Accept(Sign());
  EXPECT_TRUE(state_.is_signed());
  EXPECT_EQ(state_.signed_on, "2026-07-02");
}

TEST_F(EvaluationTest, ASignedOpinionIsFinal) {
  Accept(
      DecideRecordEvaluation(state_, member_, Opinion(v1::RATING_QUALIFIED)));
  Accept(Show());
  Accept(Sign());
  for (const absl::Status& refused : {Sign().status(), Dispute().status()}) {
    EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(refused.message(),
                HasSubstr("already signed it on 2026-07-02"));
  }
  EXPECT_THAT(Show().status().message(), HasSubstr("nothing more to show"));
  EXPECT_THAT(Revise(v1::RATING_EXCELLENT).status().message(),
              HasSubstr("signed (final)"));
}

TEST_F(EvaluationTest, ADisputedOpinionIsRevisedAndShownAgain) {
  Accept(
      DecideRecordEvaluation(state_, member_, Opinion(v1::RATING_QUALIFIED)));
  Accept(Show());
  absl::Status refused = Revise(v1::RATING_EXCELLENT).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.message(), HasSubstr("only a disputed opinion"));

  Accept(Dispute());
  EXPECT_EQ(state_.phase, EvaluationPhase::kDisputed);
  EXPECT_EQ(state_.dispute_reason, "the second shortcoming is not mine");
  EXPECT_THAT(Sign().status().message(), HasSubstr("the member disputed it"));
  EXPECT_THAT(Show().status().message(), HasSubstr("revise it first"));

  Accept(Revise(v1::RATING_EXCELLENT));
  EXPECT_EQ(state_.phase, EvaluationPhase::kRecorded);
  EXPECT_EQ(state_.rating, v1::RATING_EXCELLENT);
  EXPECT_EQ(state_.shortcomings, std::vector<std::string>{"联系群众不够紧密"});
  EXPECT_EQ(state_.revisions, 1u);
  refused = Sign().status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.message(),
              HasSubstr("revised opinion has not been shown"));
  Accept(Show());
  Accept(Sign());
  EXPECT_TRUE(state_.is_signed());
}

TEST_F(EvaluationTest, ARevisionNeedsRatingShortcomingsAndADisputeReason) {
  Accept(
      DecideRecordEvaluation(state_, member_, Opinion(v1::RATING_QUALIFIED)));
  Accept(Show());
  v1::EvaluationDisputed no_reason;
  no_reason.set_member_id(kMember);
  absl::Status refused = DecideDisputeEvaluation(state_, no_reason).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("reason is required"));

  Accept(Dispute());
  v1::EvaluationRevised r;
  r.set_member_id(kMember);
  r.set_rating(v1::RATING_QUALIFIED);
  refused = DecideReviseEvaluation(state_, r).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("at least one shortcoming"));
  EXPECT_EQ(Revise(v1::RATING_UNSPECIFIED).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(EvaluationTest, DatesMustBeRealCalendarDays) {
  Accept(
      DecideRecordEvaluation(state_, member_, Opinion(v1::RATING_QUALIFIED)));
  v1::EvaluationShown shown;
  shown.set_member_id(kMember);
  shown.set_shown_on("2026-02-30");
  absl::Status refused = DecideShowEvaluation(state_, shown).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(),
              HasSubstr("shown_on \"2026-02-30\" is not a date"));
  Accept(Show());
  v1::EvaluationSigned signed_on;
  signed_on.set_member_id(kMember);
  EXPECT_THAT(DecideSignEvaluation(state_, signed_on).status().message(),
              HasSubstr("signed_on \"\" is not a date"));
}

TEST_F(EvaluationTest, FeedbackOnlyOnAnOpinionTheMemberHasSeen) {
  Accept(
      DecideRecordEvaluation(state_, member_, Opinion(v1::RATING_QUALIFIED)));
  v1::EvaluationFeedbackGiven f;
  f.set_member_id(kMember);
  f.set_feedback("talked it through");
  absl::Status refused = DecideGiveFeedback(state_, f).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.message(), HasSubstr("has not seen"));
  Accept(Show());
  Accept(DecideGiveFeedback(state_, f));
  Accept(DecideGiveFeedback(state_, f));  // more than once
  EXPECT_EQ(state_.feedback_count, 2u);
  f.set_feedback(" ");
  EXPECT_THAT(DecideGiveFeedback(state_, f).status().message(),
              HasSubstr("feedback is required"));
}

TEST_F(EvaluationTest, OnlyWeakRatingsGetATransformationMeasure) {
  EXPECT_FALSE(NeedsTransformation(v1::RATING_EXCELLENT));
  EXPECT_FALSE(NeedsTransformation(v1::RATING_QUALIFIED));
  EXPECT_TRUE(NeedsTransformation(v1::RATING_BASICALLY_QUALIFIED));
  EXPECT_TRUE(NeedsTransformation(v1::RATING_UNQUALIFIED));

  Accept(
      DecideRecordEvaluation(state_, member_, Opinion(v1::RATING_QUALIFIED)));
  EXPECT_FALSE(state_.transformation_required());
  absl::Status refused = Assign("王芳").status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.message(),
              HasSubstr("only for basically qualified or unqualified"));
}

TEST_F(EvaluationTest, AMeasureNamesItsHelperAndIsCompletedOnce) {
  Accept(DecideRecordEvaluation(state_, member_,
                                Opinion(v1::RATING_BASICALLY_QUALIFIED)));
  EXPECT_TRUE(state_.transformation_required());
  EXPECT_FALSE(state_.has_measure_with_helper());
  absl::Status refused = Assign("").status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("helper_name is required"));
  refused = CompleteMeasure().status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.message(), HasSubstr("none is assigned"));

  Accept(Assign("王芳"));
  Accept(Assign("李强"));  // reassigned before completion
  EXPECT_TRUE(state_.has_measure_with_helper());
  EXPECT_EQ(state_.helper_name, "李强");
  Accept(CompleteMeasure());
  EXPECT_TRUE(state_.measure_completed);
  EXPECT_THAT(CompleteMeasure().status().message(),
              HasSubstr("already completed"));
  refused = Assign("张伟").status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.message(), HasSubstr("cannot be reassigned"));
}

TEST_F(EvaluationTest, FoldRefusesAPayloadThatDoesNotParseAndSkipsOthers) {
  Accept(
      DecideRecordEvaluation(state_, member_, Opinion(v1::RATING_QUALIFIED)));
  v1::MemberRegistered foreign;  // not an evaluation event: skipped
  foreign.set_member_id(kMember);
  stream_.Add(foreign);
  absl::StatusOr<EvaluationState> folded = FoldEvaluation(stream_.events());
  ASSERT_TRUE(folded.ok()) << folded.status();
  EXPECT_EQ(folded->phase, EvaluationPhase::kRecorded);
  EXPECT_EQ(folded->version, 2u);

  stream_.AddUnparsable("reporting.v1.EvaluationSigned");
  folded = FoldEvaluation(stream_.events());
  EXPECT_EQ(folded.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(folded.status().message(),
              HasSubstr("is not a reporting.v1.EvaluationSigned"));
}

TEST_F(EvaluationTest, ApplyingOneEventAtATimeGivesTheFold) {
  Accept(
      DecideRecordEvaluation(state_, member_, Opinion(v1::RATING_UNQUALIFIED)));
  Accept(Show());
  Accept(Dispute());
  Accept(Revise(v1::RATING_BASICALLY_QUALIFIED));
  Accept(Show());
  Accept(Assign("王芳"));
  Accept(Sign());
  EvaluationState one_by_one;
  EvaluationPayloads scratch;
  for (const v1::EventEnvelope& e : stream_.events()) {
    ASSERT_TRUE(ApplyEvaluationEvent(one_by_one, e, scratch).ok());
  }
  EXPECT_EQ(one_by_one.phase, state_.phase);
  EXPECT_EQ(one_by_one.rating, v1::RATING_BASICALLY_QUALIFIED);
  EXPECT_EQ(one_by_one.shortcomings, state_.shortcomings);
  EXPECT_EQ(one_by_one.revisions, 1u);
  EXPECT_EQ(one_by_one.helper_name, "王芳");
  EXPECT_EQ(one_by_one.signed_on, "2026-07-02");
  EXPECT_EQ(one_by_one.version, 7u);
}

}  // namespace
}  // namespace reporting::domain
