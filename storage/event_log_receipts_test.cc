// A copy's receipt chain (storage/receipt.h): one receipt per replicated
// write that adds events, chained, written with the events, read back by
// sequence; a copy written before receipts gets them at open; damage to the
// last receipt stops Open.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/event_types.h"
#include "reporting/v1/events.pb.h"
#include "storage/event_log.h"
#include "storage/event_log_testing.h"
#include "storage/hash_chain.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::storage {
namespace {

using ::testing::HasSubstr;

constexpr char kNode[] = "371302";

EventLogOptions Options() {
  EventLogOptions o;
  o.node_id = kNode;
  o.sync = false;
  return o;
}

std::unique_ptr<EventLog> MustOpen(const std::string& dir) {
  auto log = EventLog::Open(dir, Options());
  EXPECT_TRUE(log.ok()) << log.status();
  return log.ok() ? std::move(*log) : nullptr;
}

class ReceiptsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::unique_ptr<EventLog> source = MustOpen(source_dir_.path());
    for (int i = 1; i <= 50; ++i) {
      v1::UnitRegistered u;
      u.set_unit_id(absl::StrCat(kNode, "-U", i));
      u.set_name("unit");
      AppendRequest r;
      r.command_id = absl::StrCat("c", i);
      r.actor = "clerk:test";
      r.events.push_back(NewEvent{absl::StrCat("unit/", kNode, "-U", i),
                                  events::TypeOf<v1::UnitRegistered>(),
                                  u.SerializeAsString()});
      ASSERT_TRUE(source->Append(r).ok());
    }
    auto all = source->Read(1, ReadLimits{100, 1 << 20});
    ASSERT_TRUE(all.ok());
    events_ = *all;
    ASSERT_EQ(events_.size(), 50u);
    copy_ = MustOpen(copy_dir_.path());
  }

  std::vector<StoredEvent> Slice(uint64_t from, uint64_t to) const {
    return std::vector<StoredEvent>(events_.begin() + (from - 1),
                                    events_.begin() + to);
  }

  std::vector<Receipt> All() const {
    auto r = copy_->ReadReceipts(1, 1000);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : std::vector<Receipt>();
  }

  // Every receipt recomputes and links onto the one before it.
  void ExpectChainHolds(const std::vector<Receipt>& receipts) {
    std::string prev = ZeroHash();
    for (size_t i = 0; i < receipts.size(); ++i) {
      const Receipt& r = receipts[i];
      EXPECT_EQ(r.number, i + 1);
      EXPECT_EQ(r.prev_hash, prev) << r.number;
      EXPECT_EQ(r.hash, ReceiptHash(kNode, r)) << r.number;
      EXPECT_EQ(r.last_hash, events_[r.last_sequence - 1].hash) << r.number;
      prev = r.hash;
    }
  }

  testutil::TempDir source_dir_{"receipts-src"};
  testutil::TempDir copy_dir_{"receipts-copy"};
  std::vector<StoredEvent> events_;
  std::unique_ptr<EventLog> copy_;
};

TEST_F(ReceiptsTest, OneChainedReceiptPerWriteThatAddsEvents) {
  ASSERT_TRUE(copy_->AppendReplicated(Slice(1, 20), 1000).ok());
  ASSERT_TRUE(copy_->AppendReplicated(Slice(1, 20), 1500).ok());   // held
  ASSERT_TRUE(copy_->AppendReplicated(Slice(11, 30), 2000).ok());  // overlap
  ASSERT_TRUE(copy_->AppendReplicated(Slice(31, 50), 3000).ok());
  std::vector<Receipt> receipts = All();
  ASSERT_EQ(receipts.size(), 3u);
  EXPECT_EQ(receipts[0].first_sequence, 1u);
  EXPECT_EQ(receipts[0].last_sequence, 20u);
  EXPECT_EQ(receipts[0].received_at_us, 1000);
  EXPECT_EQ(receipts[1].first_sequence, 21u);  // only what was new
  EXPECT_EQ(receipts[1].last_sequence, 30u);
  EXPECT_EQ(receipts[1].received_at_us, 2000);
  EXPECT_EQ(receipts[2].first_sequence, 31u);
  ExpectChainHolds(receipts);

  // The exact bytes hashed (storage/receipt.h's grammar).
  const std::string bytes = ReceiptBytes(kNode, receipts[0]);
  EXPECT_EQ(bytes.substr(0, 8), "RECEIPT1");
  EXPECT_EQ(bytes[8], 6);
  EXPECT_EQ(bytes.substr(9, 6), kNode);
  EXPECT_EQ(bytes.size(), 8 + 1 + 6 + 3 * 8 + 32 + 8u);

  auto covering = copy_->ReceiptFor(25);
  ASSERT_TRUE(covering.ok()) << covering.status();
  EXPECT_EQ(covering->number, 2u);
  EXPECT_EQ(*copy_->ReceivedAt(25), 2000);
  EXPECT_EQ(copy_->ReceiptFor(51).status().code(), absl::StatusCode::kNotFound);

  // From a sequence, at most n.
  auto some = copy_->ReadReceipts(25, 1);
  ASSERT_TRUE(some.ok());
  ASSERT_EQ(some->size(), 1u);
  EXPECT_EQ((*some)[0].number, 2u);

  // Kept across a reopen, and the next write continues the chain.
  copy_.reset();
  copy_ = MustOpen(copy_dir_.path());
  EXPECT_EQ(All().size(), 3u);
  EXPECT_EQ(copy_->ReceiptFor(25)->number, 2u);
}

TEST_F(ReceiptsTest, AReceiptIsVisibleOnceItsWriteIsDurable) {
  ASSERT_TRUE(copy_->WriteReplicated(Slice(1, 10), 7).ok());
  EXPECT_TRUE(All().empty());
  EXPECT_EQ(copy_->ReceiptFor(5).status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(copy_->AwaitDurable(10).ok());
  ASSERT_EQ(All().size(), 1u);
  EXPECT_EQ(copy_->ReceiptFor(5)->received_at_us, 7);
}

TEST_F(ReceiptsTest, ANodesOwnLogAndARestoredLogHoldNone) {
  std::unique_ptr<EventLog> source = MustOpen(source_dir_.path());
  EXPECT_EQ(source->ReceiptFor(1).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(source->ReadReceipts(1, 10)->empty());
  ASSERT_TRUE(copy_->AppendRestored(Slice(1, 10)).ok());
  EXPECT_TRUE(All().empty());
}

TEST_F(ReceiptsTest, ACopyWrittenBeforeReceiptsGetsThemAtOpen) {
  ASSERT_TRUE(copy_->AppendReplicated(Slice(1, 10), 100).ok());
  ASSERT_TRUE(copy_->AppendReplicated(Slice(11, 25), 200).ok());
  ASSERT_TRUE(copy_->AppendReplicated(Slice(26, 30), 300).ok());
  const std::vector<Receipt> written = All();
  copy_.reset();
  ASSERT_TRUE(testing::ReceiptsToReceiveTimes(copy_dir_.path()).ok());
  copy_ = MustOpen(copy_dir_.path());
  // The same receipts, made from the stored receive times.
  const std::vector<Receipt> made = All();
  ASSERT_EQ(made.size(), written.size());
  for (size_t i = 0; i < made.size(); ++i) {
    EXPECT_EQ(made[i].hash, written[i].hash) << i;
    EXPECT_EQ(made[i].received_at_us, written[i].received_at_us) << i;
  }
  ASSERT_TRUE(copy_->AppendReplicated(Slice(31, 50), 400).ok());
  std::vector<Receipt> receipts = All();
  ASSERT_EQ(receipts.size(), 4u);
  ExpectChainHolds(receipts);
}

TEST_F(ReceiptsTest, OpenRefusesALastReceiptThatDoesNotHold) {
  ASSERT_TRUE(copy_->AppendReplicated(Slice(1, 10), 100).ok());
  ASSERT_TRUE(copy_->AppendReplicated(Slice(11, 20), 200).ok());
  copy_.reset();
  ASSERT_TRUE(testing::EditReceipt(copy_dir_.path(), 2, [](Receipt& r) {
                r.received_at_us += 86400000000;  // a day later
              }).ok());
  auto log = EventLog::Open(copy_dir_.path(), Options());
  EXPECT_EQ(log.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(log.status().message(),
              HasSubstr("receipt 2: stored hash does not match its fields"));
}

}  // namespace
}  // namespace reporting::storage
