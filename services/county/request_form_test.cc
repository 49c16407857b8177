// request_form.h through gRPC (issue 20, points 2, 3 and 6): text limits
// per field, repeated entries, the whole body, unknown fields however deep,
// the batch import's actor and its bound on disk. Every refusal is
// INVALID_ARGUMENT (RESOURCE_EXHAUSTED for the batch bound) naming the
// field, and writes nothing.
#include "services/county/request_form.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/unknown_field_set.h"
#include "gtest/gtest.h"
#include "services/county/staged_log.h"
#include "services/county/testing/test_node.h"

namespace reporting::county::testing {
namespace {

using grpc::StatusCode;
using ::testing::HasSubstr;

const char kUnit[] = "371302-U0001";

v1::RectificationItemIdentified Item(const std::string& description) {
  v1::RectificationItemIdentified e;
  e.set_item_id("371302-U0001-R1");
  e.set_kind(v1::RECTIFICATION_KIND_CONDUCT);
  e.set_description(description);
  return e;
}

// `depth` length-delimited fields (number 1) nested in each other.
std::string Nested(int depth) {
  std::string bytes = "x";
  for (int i = 0; i < depth; ++i) {
    google::protobuf::UnknownFieldSet set;
    set.AddLengthDelimited(1, bytes);
    bytes.clear();
    set.SerializeToString(&bytes);
  }
  return bytes;
}

class RequestFormTest : public ::testing::Test {
 protected:
  void SetUp() override { node_.Register(kUnit, 1, 1); }
  uint64_t Head() { return node_.log().GetHead().sequence; }
  grpc::Status Identify(const v1::RectificationItemIdentified& body,
                        const std::string& command_id = "") {
    v1::CommandMeta meta = node_.Meta(command_id);
    return node_.Send(&Stub::IdentifyRectification, body, nullptr, &meta);
  }
  TestNode node_;
};

TEST_F(RequestFormTest, EveryStringFieldHasTheLimitOfItsKind) {
  const auto* item = v1::RectificationItemPlanned::descriptor();
  EXPECT_EQ(TextLimit(*item->FindFieldByName("item_id")), kMaxCodeBytes);
  EXPECT_EQ(TextLimit(*item->FindFieldByName("deadline")), kMaxCodeBytes);
  EXPECT_EQ(TextLimit(*item->FindFieldByName("responsible_person")),
            kMaxNameBytes);
  EXPECT_EQ(TextLimit(*item->FindFieldByName("measures")), kMaxTextBytes);
  const auto* unit = v1::UnitRegistered::descriptor();
  EXPECT_EQ(TextLimit(*unit->FindFieldByName("name")), kMaxNameBytes);
  EXPECT_EQ(TextLimit(*unit->FindFieldByName("category")), kMaxNameBytes);
  const auto* shown = v1::EvaluationShown::descriptor();
  EXPECT_EQ(TextLimit(*shown->FindFieldByName("shown_on")), kMaxCodeBytes);
}

TEST_F(RequestFormTest, TextAtItsLimitIsAcceptedOneByteMoreIsRefused) {
  const uint64_t head = Head();
  grpc::Status over = Identify(Item(std::string(kMaxTextBytes + 1, 'x')));
  EXPECT_EQ(over.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(over.error_message(),
              HasSubstr(absl::StrCat("body.description has ", kMaxTextBytes + 1,
                                     " bytes; the limit")));
  EXPECT_EQ(Head(), head);

  v1::UnitRegistered unit;
  unit.set_unit_id("371302-U0002");
  unit.set_name(std::string(kMaxNameBytes + 1, 'n'));
  unit.set_batch(v1::BATCH_FIRST);
  unit.set_member_count(1);
  grpc::Status name = node_.Send(&Stub::RegisterUnit, unit);
  EXPECT_EQ(name.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(name.error_message(), HasSubstr("body.name has 257 bytes"));
  EXPECT_EQ(Head(), head);

  EXPECT_TRUE(Identify(Item(std::string(kMaxTextBytes, 'x'))).ok());
  EXPECT_EQ(Head(), head + 1);
}

TEST_F(RequestFormTest, RepeatedEntriesAndTheWholeBodyAreBounded) {
  const uint64_t head = Head();
  v1::EvaluationRecorded e;
  e.set_member_id(TestNode::Member(kUnit, 1));
  e.set_rating(v1::RATING_QUALIFIED);
  for (int i = 0; i <= kMaxEntries; ++i) e.add_shortcomings("不足");
  grpc::Status many = node_.Send(&Stub::RecordEvaluation, e);
  EXPECT_EQ(many.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(many.error_message(),
              HasSubstr("body.shortcomings has 101 entries; the limit is 100"));

  e.clear_shortcomings();
  for (int i = 0; i < 8; ++i)
    e.add_shortcomings(std::string(kMaxTextBytes, 's'));
  grpc::Status big = node_.Send(&Stub::RecordEvaluation, e);
  EXPECT_EQ(big.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(big.error_message(),
              HasSubstr(absl::StrCat("; the limit is ", kMaxBodyBytes)));
  EXPECT_EQ(Head(), head);
}

TEST_F(RequestFormTest, UnknownFieldsAreRefusedNamingTheNumber) {
  const uint64_t head = Head();
  v1::RectificationItemIdentified body = Item("会议过多");
  body.GetReflection()->MutableUnknownFields(&body)->AddVarint(99, 1);
  grpc::Status s = Identify(body, "c-unknown");
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("body holds field number 99"));
  EXPECT_THAT(s.error_message(),
              HasSubstr("reporting.v1.RectificationItemIdentified"));
  EXPECT_EQ(Head(), head);
  // Nothing was recorded under the id either: the clean request is new.
  EXPECT_TRUE(Identify(Item("会议过多"), "c-unknown").ok());
  EXPECT_EQ(Head(), head + 1);
}

TEST_F(RequestFormTest, DeepNestingAndUnknownMetaFieldsAreRefused) {
  const uint64_t head = Head();
  v1::RectificationItemIdentified body = Item("会议过多");
  body.set_item_id("371302-U0001-R2");
  body.GetReflection()->MutableUnknownFields(&body)->AddLengthDelimited(
      98, Nested(200));
  grpc::Status deep = Identify(body);
  EXPECT_EQ(deep.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(deep.error_message(), HasSubstr("field number 98"));

  v1::CommandMeta meta = node_.Meta();
  meta.GetReflection()->MutableUnknownFields(&meta)->AddFixed32(7, 1);
  grpc::Status in_meta = node_.Send(&Stub::IdentifyRectification,
                                    Item("会议过多"), nullptr, &meta);
  EXPECT_EQ(in_meta.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(in_meta.error_message(), HasSubstr("meta holds field number 7"));
  EXPECT_EQ(Head(), head);
}

// Issue 20 point 3: 1,000 commands and a 1 MB actor wrote 1.0 GB.
TEST_F(RequestFormTest, AnImportWithAMegabyteActorIsRefusedAndWritesNothing) {
  const uint64_t head = Head();
  v1::ImportBatchRequest request;
  request.set_batch_id("big-actor");
  request.set_actor(std::string(1 << 20, 'a'));
  for (int i = 0; i < 1000; ++i) {
    v1::RectificationItemIdentified body = Item("会议过多");
    body.set_item_id(absl::StrCat("371302-U0001-R", 100 + i));
    v1::IdentifyRectificationRequest row;
    row.mutable_meta()->set_command_id(absl::StrCat("row-", i));
    row.mutable_meta()->set_actor("clerk:test");
    *row.mutable_body() = body;
    v1::ImportCommand* command = request.add_commands();
    command->set_label(absl::StrCat("f:", i + 2));
    command->set_method("IdentifyRectification");
    command->set_request(row.SerializeAsString());
  }
  v1::ImportBatchResponse response;
  grpc::ClientContext ctx;
  grpc::Status s = node_.clerk().ImportBatch(&ctx, request, &response);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(),
              HasSubstr("meta.actor has 1048576 bytes; the limit is 128"));
  EXPECT_EQ(Head(), head);
  EXPECT_EQ(node_.log().FindCommand("big-actor").status().code(),
            absl::StatusCode::kNotFound);

  // A row with a field the schema does not define: refused by its label.
  request.set_actor("clerk:test");
  v1::IdentifyRectificationRequest row;
  ASSERT_TRUE(row.ParseFromString(request.commands(3).request()));
  row.GetReflection()->MutableUnknownFields(&row)->AddVarint(50, 1);
  request.mutable_commands(3)->set_request(row.SerializeAsString());
  grpc::ClientContext ctx2;
  s = node_.clerk().ImportBatch(&ctx2, request, &response);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("f:5: the request holds field "
                                           "number 50"));
  EXPECT_EQ(Head(), head);
}

TEST_F(RequestFormTest, AnImportBatchTakesAtMostItsBoundOnDisk) {
  const uint64_t head = Head();
  StagedLog staged(&node_.log(), "371302", 1);
  storage::AppendRequest request;
  request.command_id = "rows";
  request.actor = "clerk:test";
  request.events.push_back(
      storage::NewEvent{"unit/371302-U0001", "reporting.v1.UnitRegistered",
                        std::string(storage::kMaxPayloadBytes, 'p')});
  size_t appended = 0;
  absl::StatusOr<storage::AppendResult> r;
  for (int i = 0; i < 1000 && (r = staged.Append(request)).ok(); ++i) {
    request.command_id = absl::StrCat("rows-", i);
    ++appended;
  }
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("split the file"));
  EXPECT_EQ(appended, kMaxImportBatchBytes /
                          (storage::kMaxPayloadBytes + kEnvelopeOverheadBytes));
  EXPECT_EQ(Head(), head);  // staged, never committed
}

}  // namespace
}  // namespace reporting::county::testing
