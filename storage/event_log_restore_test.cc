// EventLog::AppendRestored: a node's own log rebuilt from a copy of its
// stored events holds the same bytes, answers old command ids as
// duplicates with their original sequences (also for a command split over
// two batches), records no receive times, and keeps appending the chain.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "proto/event_types.h"
#include "reporting/v1/events.pb.h"
#include "storage/event_log.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::storage {
namespace {

const std::string kUnitType = events::TypeOf<v1::UnitRegistered>();

std::unique_ptr<EventLog> MustOpen(const std::string& dir) {
  EventLogOptions o;
  o.node_id = "371302";
  o.sync = false;
  auto log = EventLog::Open(dir, std::move(o));
  EXPECT_TRUE(log.ok()) << log.status();
  return log.ok() ? std::move(*log) : nullptr;
}

AppendRequest Command(const std::string& id, int events) {
  AppendRequest r;
  r.command_id = id;
  r.actor = "clerk:test";
  for (int i = 0; i < events; ++i) {
    v1::UnitRegistered u;
    u.set_unit_id(absl::StrCat("371302-U", id, "-", i));
    u.set_name("单位");
    r.events.push_back(NewEvent{absl::StrCat("unit/", id, "-", i), kUnitType,
                                u.SerializeAsString()});
  }
  return r;
}

std::vector<StoredEvent> ReadAll(const EventLog& log) {
  auto events = log.Read(1, ReadLimits{100000, 1 << 30});
  EXPECT_TRUE(events.ok());
  return events.ok() ? *events : std::vector<StoredEvent>{};
}

TEST(EventLogRestoreTest, RebuildsTheLogWithItsCommandIndex) {
  testutil::TempDir dir;
  auto source = MustOpen(dir.Sub("source"));
  ASSERT_TRUE(source->Append(Command("a", 1)).ok());
  ASSERT_TRUE(source->Append(Command("b", 3)).ok());  // sequences 2..4
  ASSERT_TRUE(source->Append(Command("c", 1)).ok());
  const std::vector<StoredEvent> all = ReadAll(*source);
  ASSERT_EQ(all.size(), 5u);

  auto restored = MustOpen(dir.Sub("restored"));
  // Split command b over two batches.
  ASSERT_TRUE(restored->AppendRestored({all[0], all[1], all[2]}).ok());
  auto head = restored->AppendRestored({all[3], all[4]});
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->sequence, 5u);
  EXPECT_EQ(head->hash, source->GetHead().hash);
  EXPECT_TRUE(restored->Verify().ok());

  for (const std::string id : {"a", "b", "c"}) {
    auto want = source->LookupCommand(id);
    auto got = restored->LookupCommand(id);
    ASSERT_TRUE(got.ok()) << id << ": " << got.status();
    EXPECT_EQ(got->first_sequence, want->first_sequence) << id;
    EXPECT_EQ(got->last_sequence, want->last_sequence) << id;
    EXPECT_EQ(got->stream_versions, want->stream_versions) << id;
  }
  // A retried command is a duplicate; a new one continues the chain.
  auto again = restored->Append(Command("b", 3));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->first_sequence, 2u);
  auto next = restored->Append(Command("d", 1));
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->first_sequence, 6u);
  EXPECT_TRUE(restored->Verify().ok());
  EXPECT_EQ(restored->ReceivedAt(1).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(EventLogRestoreTest, CommandsRestoredAfterAnAppendAreStillDuplicates) {
  // The append path's command filter is built by the first Append; what
  // a restore writes after that must reach it too.
  testutil::TempDir dir;
  auto source = MustOpen(dir.Sub("source"));
  ASSERT_TRUE(source->Append(Command("a", 1)).ok());
  ASSERT_TRUE(source->Append(Command("b", 2)).ok());
  const std::vector<StoredEvent> all = ReadAll(*source);
  ASSERT_EQ(all.size(), 3u);

  auto restored = MustOpen(dir.Sub("restored"));
  ASSERT_TRUE(restored->AppendRestored({all[0]}).ok());
  auto a = restored->Append(Command("a", 1));  // builds the filter
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_TRUE(a->duplicate);
  ASSERT_TRUE(restored->AppendRestored({all[1], all[2]}).ok());
  auto b = restored->Append(Command("b", 2));
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_TRUE(b->duplicate);
  EXPECT_EQ(b->first_sequence, 2u);
  EXPECT_EQ(restored->GetHead().sequence, 3u);
}

TEST(EventLogRestoreTest, RefusesAGapAndChangesNothing) {
  testutil::TempDir dir;
  auto source = MustOpen(dir.Sub("source"));
  ASSERT_TRUE(source->Append(Command("a", 1)).ok());
  ASSERT_TRUE(source->Append(Command("b", 1)).ok());
  const std::vector<StoredEvent> all = ReadAll(*source);
  auto restored = MustOpen(dir.Sub("restored"));
  EXPECT_EQ(restored->AppendRestored({all[1]}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(restored->GetHead().sequence, 0u);
  EXPECT_EQ(restored->LookupCommand("b").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace reporting::storage
