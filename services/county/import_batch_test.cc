// ClerkService.ImportBatch (all or nothing over the CommandService rules)
// and GetReplicationStatus, in-process.
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/county/testing/test_node.h"

namespace reporting::county::testing {
namespace {

template <typename Request, typename Body>
v1::ImportCommand Command(const std::string& label, const std::string& method,
                          const Body& body) {
  Request request;
  request.mutable_meta()->set_command_id(absl::StrCat("row-", label));
  request.mutable_meta()->set_actor("clerk:test");
  *request.mutable_body() = body;
  v1::ImportCommand command;
  command.set_label(label);
  command.set_method(method);
  command.set_request(request.SerializeAsString());
  return command;
}

v1::ImportCommand Record(const std::string& label, const std::string& member,
                         bool with_shortcoming = true) {
  v1::EvaluationRecorded e;
  e.set_member_id(member);
  e.set_rating(v1::RATING_QUALIFIED);
  if (with_shortcoming) e.add_shortcomings("理论学习不够深入");
  return Command<v1::RecordEvaluationRequest>(label, "RecordEvaluation", e);
}

v1::ImportCommand Show(const std::string& label, const std::string& member) {
  v1::EvaluationShown e;
  e.set_member_id(member);
  e.set_shown_on("2026-05-10");
  return Command<v1::ShowEvaluationRequest>(label, "ShowEvaluation", e);
}

class ImportBatchTest : public ::testing::Test {
 protected:
  void SetUp() override { node_.Register(kUnit, 1, 3); }

  grpc::Status Import(const std::string& batch_id,
                      std::vector<v1::ImportCommand> commands,
                      v1::ImportBatchResponse* response) {
    v1::ImportBatchRequest request;
    request.set_batch_id(batch_id);
    request.set_actor("clerk:test");
    for (auto& c : commands) *request.add_commands() = std::move(c);
    grpc::ClientContext ctx;
    return node_.clerk().ImportBatch(&ctx, request, response);
  }
  uint64_t Head() { return node_.log().GetHead().sequence; }

  static constexpr char kUnit[] = "371302-U0001";
  TestNode node_;
};

TEST_F(ImportBatchTest, LaterCommandsSeeEarlierOnesAndAllLandInOneAppend) {
  const uint64_t before = Head();
  const std::string m1 = TestNode::Member(kUnit, 1);
  const std::string m2 = TestNode::Member(kUnit, 2);
  v1::ImportBatchResponse response;
  grpc::Status s =
      Import("batch-1", {Record("f:2", m1), Show("f:3", m1), Record("f:4", m2)},
             &response);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_FALSE(response.result().duplicate());
  EXPECT_EQ(response.commands(), 3u);
  EXPECT_EQ(response.result().first_sequence(), before + 1);
  EXPECT_EQ(Head(), before + 3);
  // One append: one command id for every event of the batch.
  absl::StatusOr<storage::AppendResult> lookup =
      node_.log().LookupCommand("batch-1");
  ASSERT_TRUE(lookup.ok());
  EXPECT_EQ(lookup->last_sequence, before + 3);

  v1::GetEvaluationRequest request;
  request.set_member_id(m1);
  v1::EvaluationView view;
  grpc::ClientContext ctx;
  ASSERT_TRUE(node_.clerk().GetEvaluation(&ctx, request, &view).ok());
  EXPECT_EQ(view.status(), v1::EVALUATION_STATUS_SHOWN);

  // The same batch again: the original answer, nothing appended.
  v1::ImportBatchResponse again;
  ASSERT_TRUE(Import("batch-1",
                     {Record("f:2", m1), Show("f:3", m1), Record("f:4", m2)},
                     &again)
                  .ok());
  EXPECT_TRUE(again.result().duplicate());
  EXPECT_EQ(again.result().first_sequence(), before + 1);
  EXPECT_EQ(Head(), before + 3);
}

TEST_F(ImportBatchTest, AnyRefusalWritesNothingAndListsEveryBadCommand) {
  const uint64_t before = Head();
  const std::string m1 = TestNode::Member(kUnit, 1);
  v1::ImportBatchResponse response;
  grpc::Status s = Import(
      "batch-2",
      {Record("f:2", m1), Record("f:3", "371302-U0001-M0099"),
       Record("f:4", TestNode::Member(kUnit, 2), /*with_shortcoming=*/false),
       Record("f:5", m1)},
      &response);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(s);
  const std::string& m = s.error_message();
  EXPECT_NE(m.find("3 of 4 commands refused; nothing was recorded"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("\nf:3: "), std::string::npos) << m;
  EXPECT_NE(m.find("\nf:4: "), std::string::npos) << m;
  EXPECT_NE(m.find("\nf:5: "), std::string::npos) << m;  // f:2 recorded it
  EXPECT_EQ(m.find("\nf:2: "), std::string::npos) << m;
  EXPECT_EQ(Head(), before);
  EXPECT_FALSE(node_.log().LookupCommand("batch-2").ok());
}

TEST_F(ImportBatchTest, RefusesMalformedBatches) {
  v1::ImportBatchResponse response;
  EXPECT_EQ(Import("", {Record("f:2", TestNode::Member(kUnit, 1))}, &response)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Import("b1", {}, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::ImportCommand unknown;
  unknown.set_label("f:2");
  unknown.set_method("DropDatabase");
  grpc::Status s = Import("b2", {unknown}, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("f:2: no CommandService method"),
            std::string::npos);
}

TEST_F(ImportBatchTest, ReplicationStatusWithoutCity) {
  v1::ReplicationStatusView view;
  grpc::ClientContext ctx;
  ASSERT_TRUE(
      node_.clerk()
          .GetReplicationStatus(&ctx, v1::GetReplicationStatusRequest(), &view)
          .ok());
  EXPECT_EQ(view.node_id(), "371302");
  EXPECT_EQ(view.head_sequence(), Head());
  EXPECT_GT(view.head_recorded_at_us(), 0);
  EXPECT_FALSE(view.configured());
}

}  // namespace
}  // namespace reporting::county::testing
