// A command id's first answer is final, refusals included (command.proto;
// issue 19): through gRPC, across a restart of the node, through
// ImportBatch; a command id reused for a different request is refused.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/county/testing/test_node.h"

namespace reporting::county::testing {
namespace {

using grpc::StatusCode;
using ::testing::HasSubstr;

const char kUnit[] = "371302-U0001";
const char kItem[] = "371302-U0001-R0";

v1::RectificationItemIdentified Identified() {
  v1::RectificationItemIdentified e;
  e.set_item_id(kItem);
  e.set_kind(v1::RECTIFICATION_KIND_CONDUCT);
  e.set_description("会议过多");
  return e;
}
v1::RectificationItemPlanned Planned() {
  v1::RectificationItemPlanned e;
  e.set_item_id(kItem);
  e.set_measures("精简会议");
  e.set_responsible_person("王书记");
  e.set_deadline("2026-09-30");
  e.set_class_(v1::RECTIFICATION_CLASS_IMMEDIATE);
  return e;
}
v1::RectificationItemCompleted Completed(const std::string& evidence = "纪要") {
  v1::RectificationItemCompleted e;
  e.set_item_id(kItem);
  e.set_evidence(evidence);
  e.set_completed_on("2026-06-01");
  return e;
}

template <typename Request, typename Body>
v1::ImportCommand Row(const std::string& label, const std::string& method,
                      const std::string& command_id, const Body& body) {
  Request request;
  request.mutable_meta()->set_command_id(command_id);
  request.mutable_meta()->set_actor("clerk:test@371302");  // as Meta()'s
  *request.mutable_body() = body;
  v1::ImportCommand row;
  row.set_label(label);
  row.set_method(method);
  row.set_request(request.SerializeAsString());
  return row;
}

class FirstAnswerTest : public ::testing::Test {
 protected:
  void SetUp() override { node_.Register(kUnit, 1, 1); }

  uint64_t Head() { return node_.log().GetHead().sequence; }
  grpc::Status Send(const std::string& command_id,
                    const v1::RectificationItemCompleted& body,
                    v1::CommandResult* result = nullptr) {
    v1::CommandMeta meta = node_.Meta(command_id);
    return node_.Send(&Stub::CompleteRectification, body, result, &meta);
  }
  grpc::Status Import(const std::string& batch_id,
                      std::vector<v1::ImportCommand> rows,
                      v1::ImportBatchResponse* response = nullptr) {
    v1::ImportBatchRequest request;
    request.set_batch_id(batch_id);
    request.set_actor("clerk:test");
    for (auto& row : rows) *request.add_commands() = std::move(row);
    v1::ImportBatchResponse ignored;
    grpc::ClientContext ctx;
    return node_.clerk().ImportBatch(&ctx, request,
                                     response ? response : &ignored);
  }

  TestNode node_;
};

// The reproduction of issue 19: Identify; Complete refused (not planned);
// Plan; the same Complete again must be the same refusal, and append
// nothing, also after the node restarted.
TEST_F(FirstAnswerTest, ARefusedCommandStaysRefusedAfterTheStateMovedOn) {
  ASSERT_TRUE(node_.Send(&Stub::IdentifyRectification, Identified()).ok());
  const grpc::Status refused = Send("c1", Completed());
  ASSERT_EQ(refused.error_code(), StatusCode::FAILED_PRECONDITION)
      << Describe(refused);
  ASSERT_TRUE(node_.Send(&Stub::PlanRectification, Planned()).ok());
  const uint64_t head = Head();

  v1::CommandResult result;
  grpc::Status again = Send("c1", Completed(), &result);
  EXPECT_EQ(again.error_code(), refused.error_code());
  EXPECT_EQ(again.error_message(), refused.error_message());
  EXPECT_EQ(Head(), head);

  node_.Restart();
  again = Send("c1", Completed(), &result);
  EXPECT_EQ(again.error_code(), refused.error_code());
  EXPECT_EQ(again.error_message(), refused.error_message());
  EXPECT_EQ(Head(), head);

  // A new command id is decided afresh: accepted now.
  EXPECT_TRUE(Send("c2", Completed()).ok());
  EXPECT_EQ(Head(), head + 1);
}

TEST_F(FirstAnswerTest, AnIdReusedForADifferentRequestIsAlreadyExists) {
  ASSERT_TRUE(node_.Send(&Stub::IdentifyRectification, Identified()).ok());
  ASSERT_TRUE(node_.Send(&Stub::PlanRectification, Planned()).ok());
  v1::CommandResult first;
  ASSERT_TRUE(Send("c1", Completed("纪要"), &first).ok());
  const uint64_t head = Head();

  grpc::Status other = Send("c1", Completed("另一份纪要"));
  EXPECT_EQ(other.error_code(), StatusCode::ALREADY_EXISTS) << Describe(other);
  EXPECT_THAT(other.error_message(), HasSubstr("\"c1\""));
  EXPECT_THAT(other.error_message(), HasSubstr("different request"));
  // Another actor is another request too; another method as well.
  v1::CommandMeta meta = node_.Meta("c1");
  meta.set_actor("clerk:someone.else@371302");
  EXPECT_EQ(
      node_
          .Send(&Stub::CompleteRectification, Completed("纪要"), nullptr, &meta)
          .error_code(),
      StatusCode::ALREADY_EXISTS);
  meta = node_.Meta("c1");
  EXPECT_EQ(
      node_.Send(&Stub::IdentifyRectification, Identified(), nullptr, &meta)
          .error_code(),
      StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Head(), head);

  // The same request, with or without an expected version: the original.
  v1::CommandResult again;
  ASSERT_TRUE(Send("c1", Completed("纪要"), &again).ok());
  EXPECT_TRUE(again.duplicate());
  EXPECT_EQ(again.first_sequence(), first.first_sequence());

  // A refused id reused for a different request: ALREADY_EXISTS as well.
  const grpc::Status refused = Send("c3", Completed("纪要"));  // done already
  ASSERT_EQ(refused.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Send("c3", Completed("别的")).error_code(),
            StatusCode::ALREADY_EXISTS);
  node_.Restart();
  EXPECT_EQ(Send("c1", Completed("另一份纪要")).error_code(),
            StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Head(), head);
}

TEST_F(FirstAnswerTest, TransientRefusalsAreNotRecorded) {
  ASSERT_TRUE(node_.Send(&Stub::IdentifyRectification, Identified()).ok());
  ASSERT_TRUE(node_.Send(&Stub::PlanRectification, Planned()).ok());
  // ABORTED (expected_version did not match): re-read and resend under the
  // same id, with the version read; it is decided afresh.
  v1::CommandMeta meta = node_.Meta("c-retry");
  meta.set_expected_version(7);
  grpc::Status aborted =
      node_.Send(&Stub::CompleteRectification, Completed(), nullptr, &meta);
  ASSERT_EQ(aborted.error_code(), StatusCode::ABORTED) << Describe(aborted);
  meta.set_expected_version(2);  // identified, planned
  grpc::Status retried =
      node_.Send(&Stub::CompleteRectification, Completed(), nullptr, &meta);
  EXPECT_TRUE(retried.ok()) << Describe(retried);
}

TEST_F(FirstAnswerTest, AnImportBatchsRefusalIsFinal) {
  ASSERT_TRUE(node_.Send(&Stub::IdentifyRectification, Identified()).ok());
  auto rows = [] {
    std::vector<v1::ImportCommand> r;
    r.push_back(Row<v1::CompleteRectificationRequest>(
        "f:2", "CompleteRectification", "row-complete", Completed()));
    return r;
  };
  const grpc::Status refused = Import("batch-1", rows());
  ASSERT_EQ(refused.error_code(), StatusCode::FAILED_PRECONDITION)
      << Describe(refused);
  EXPECT_THAT(refused.error_message(), HasSubstr("f:2: "));
  ASSERT_TRUE(node_.Send(&Stub::PlanRectification, Planned()).ok());
  const uint64_t head = Head();

  grpc::Status again = Import("batch-1", rows());
  EXPECT_EQ(again.error_code(), refused.error_code());
  EXPECT_EQ(again.error_message(), refused.error_message());
  EXPECT_EQ(Head(), head);
  node_.Restart();
  again = Import("batch-1", rows());
  EXPECT_EQ(again.error_code(), refused.error_code());
  EXPECT_EQ(again.error_message(), refused.error_message());
  EXPECT_EQ(Head(), head);

  // Another batch under the same id: ALREADY_EXISTS, nothing appended.
  std::vector<v1::ImportCommand> other = rows();
  other[0].set_label("f:3");
  grpc::Status reused = Import("batch-1", std::move(other));
  EXPECT_EQ(reused.error_code(), StatusCode::ALREADY_EXISTS)
      << Describe(reused);
  EXPECT_THAT(reused.error_message(), HasSubstr("different request"));
  EXPECT_EQ(Head(), head);

  // The same rows under a new batch id are decided afresh (accepted), and
  // that batch's answer is final too.
  v1::ImportBatchResponse response;
  ASSERT_TRUE(Import("batch-2", rows(), &response).ok());
  EXPECT_EQ(Head(), head + 1);
  ASSERT_TRUE(Import("batch-2", rows(), &response).ok());
  EXPECT_TRUE(response.result().duplicate());
  EXPECT_EQ(Head(), head + 1);
}

TEST_F(FirstAnswerTest, AnImportRowGetsTheFirstAnswerOfItsCommandId) {
  ASSERT_TRUE(node_.Send(&Stub::IdentifyRectification, Identified()).ok());
  const grpc::Status refused = Send("c1", Completed());
  ASSERT_EQ(refused.error_code(), StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(node_.Send(&Stub::PlanRectification, Planned()).ok());
  const uint64_t head = Head();
  // The row would be accepted now, but its command id was refused.
  std::vector<v1::ImportCommand> rows;
  rows.push_back(Row<v1::CompleteRectificationRequest>(
      "f:2", "CompleteRectification", "c1", Completed()));
  const grpc::Status batch = Import("batch-r", std::move(rows));
  EXPECT_EQ(batch.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(batch.error_message(),
              HasSubstr(absl::StrCat("f:2: ", refused.error_message())));
  EXPECT_EQ(Head(), head);
}

}  // namespace
}  // namespace reporting::county::testing
