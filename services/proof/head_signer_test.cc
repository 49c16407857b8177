// HeadSigner: signs the head at start, follows appends at most once per
// `every`, signs at once on SignNow, and stops promptly.
#include "services/proof/head_signer.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "proto/event_types.h"
#include "reporting/v1/events.pb.h"
#include "services/proof/key_history.h"
#include "storage/hash_chain.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::proof {
namespace {

class HeadSignerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::EventLogOptions o;
    o.node_id = "371302";
    o.sync = false;
    auto log = storage::EventLog::Open(dir_.Sub("log"), o);
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
    auto ring = KeyRing::Open(dir_.Sub("signing"), "371302");
    ASSERT_TRUE(ring.ok()) << ring.status();
    ring_ = std::move(*ring);
  }

  void Append(int i) {
    v1::UnitRegistered u;
    u.set_unit_id(absl::StrCat("371302-U", i));
    u.set_name("unit");
    storage::AppendRequest r;
    r.command_id = absl::StrCat("c", i);
    r.actor = "clerk:test";
    r.events.push_back({absl::StrCat("unit/371302-U", i),
                        events::TypeOf<v1::UnitRegistered>(),
                        u.SerializeAsString()});
    ASSERT_TRUE(log_->Append(r).ok());
  }

  void ExpectSignedHead(const v1::SignedHead& head, uint64_t sequence) {
    EXPECT_EQ(head.node_id(), "371302");
    EXPECT_EQ(head.sequence(), sequence);
    if (sequence == 0) {
      EXPECT_EQ(head.hash(), storage::ZeroHash());
    } else {
      EXPECT_EQ(head.hash(), log_->ReadOne(sequence)->hash);
    }
    EXPECT_TRUE(VerifySignedHead(head, ring_->history()).ok());
  }

  testutil::TempDir dir_{"head-signer"};
  std::unique_ptr<storage::EventLog> log_;
  std::unique_ptr<KeyRing> ring_;
};

TEST_F(HeadSignerTest, SignsAtStartThenFollowsAppends) {
  HeadSigner signer(log_.get(), ring_.get(),
                    {"371302", absl::Milliseconds(100), nullptr});
  signer.Start();
  ExpectSignedHead(signer.Latest(), 0);
  for (int i = 1; i <= 3; ++i) Append(i);
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (signer.Latest().sequence() < 3 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  ExpectSignedHead(signer.Latest(), 3);
  signer.Stop();
}

TEST_F(HeadSignerTest, AtMostOncePerEveryButSignNowAtOnce) {
  HeadSigner signer(log_.get(), ring_.get(),
                    {"371302", absl::Hours(1), nullptr});
  signer.Start();
  Append(1);
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(signer.Latest().sequence(), 0u);  // not due for an hour
  const v1::SignedHead now = signer.SignNow();
  ExpectSignedHead(now, 1);
  EXPECT_EQ(signer.Latest().sequence(), 1u);
  // Stop wakes the wait for the hour.
  const absl::Time before = absl::Now();
  Append(2);
  absl::SleepFor(absl::Milliseconds(50));
  signer.Stop();
  EXPECT_LT(absl::Now() - before, absl::Seconds(5));
}

TEST_F(HeadSignerTest, ARotatedKeySignsFromThenOn) {
  HeadSigner signer(log_.get(), ring_.get(),
                    {"371302", absl::Hours(1), nullptr});
  signer.Start();
  EXPECT_EQ(signer.Latest().key_number(), 1u);
  ASSERT_TRUE(ring_->Rotate().ok());
  Append(1);
  const v1::SignedHead head = signer.SignNow();
  EXPECT_EQ(head.key_number(), 2u);
  ExpectSignedHead(head, 1);
  signer.Stop();
}

}  // namespace
}  // namespace reporting::proof
