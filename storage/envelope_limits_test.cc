// kMaxEnvelopeBytes (event_log.h) holds: an event with every field at its
// limit fits, every registered event type is within kMaxEventTypeBytes, and
// a longer node id is refused at Open.
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "proto/event_types.h"
#include "reporting/v1/events.pb.h"
#include "storage/event_log.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::storage {
namespace {

// A UnitRegistered payload of exactly `bytes` bytes.
std::string PayloadOf(size_t bytes) {
  v1::UnitRegistered u;
  u.set_unit_id("371302-U0001");
  for (size_t name = bytes; name > 0; --name) {
    u.set_name(std::string(name, 'n'));
    if (u.ByteSizeLong() == bytes) return u.SerializeAsString();
  }
  return "";
}

TEST(EnvelopeLimits, EveryRegisteredTypeNameIsWithinTheLimit) {
  for (const std::string& type : events::AllTypes()) {
    EXPECT_LE(type.size(), kMaxEventTypeBytes) << type;
  }
}

TEST(EnvelopeLimits, AnEventWithEveryFieldAtItsLimitFits) {
  testutil::TempDir dir("envelope-limits");
  EventLogOptions options;
  options.node_id = std::string(kMaxNodeIdBytes, '3');
  auto log = EventLog::Open(dir.path(), std::move(options));
  ASSERT_TRUE(log.ok()) << log.status();
  AppendRequest request;
  request.command_id = std::string(kMaxCommandIdBytes, 'c');
  request.actor = std::string(kMaxActorBytes, 'a');
  const std::string payload = PayloadOf(kMaxPayloadBytes);
  ASSERT_EQ(payload.size(), kMaxPayloadBytes);
  const std::string type = events::TypeOf<v1::UnitRegistered>();
  request.events.push_back(
      NewEvent{std::string(kMaxStreamIdBytes, 's'), type, payload});
  ASSERT_TRUE((*log)->Append(request).ok());
  absl::StatusOr<StoredEvent> stored = (*log)->ReadOne(1);
  ASSERT_TRUE(stored.ok()) << stored.status();
  // With the longest type name the limit allows, it would still fit.
  const size_t largest =
      stored->envelope.size() - type.size() + kMaxEventTypeBytes;
  EXPECT_LE(largest, kMaxEnvelopeBytes);
  std::cout << "largest envelope: " << largest << " bytes; limit "
            << kMaxEnvelopeBytes << "\n";
}

TEST(EnvelopeLimits, ALongerNodeIdIsRefusedAtOpen) {
  testutil::TempDir dir("envelope-node-id");
  EventLogOptions options;
  options.node_id = std::string(kMaxNodeIdBytes + 1, '3');
  auto log = EventLog::Open(dir.path(), std::move(options));
  EXPECT_EQ(log.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace reporting::storage
