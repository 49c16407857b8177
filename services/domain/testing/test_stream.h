// For the domain's pure unit tests: one stream's envelopes, built in order
// from event messages (the n-th event gets stream_version n and
// recorded_at_us 1000 * n, as a node's log would number them), and a
// registered member as the member's commands see it.
#ifndef REPORTING_SERVICES_DOMAIN_TESTING_TEST_STREAM_H_
#define REPORTING_SERVICES_DOMAIN_TESTING_TEST_STREAM_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "google/protobuf/message.h"
#include "reporting/v1/envelope.pb.h"
#include "services/domain/registration.h"

namespace reporting::domain::testing {

class TestStream {
 public:
  explicit TestStream(std::string stream_id)
      : stream_id_(std::move(stream_id)) {}

  // Appends `event` as the stream's next envelope and returns it.
  const v1::EventEnvelope& Add(const google::protobuf::Message& event) {
    v1::EventEnvelope e = Next(event.GetDescriptor()->full_name());
    e.set_payload(event.SerializeAsString());
    events_.push_back(std::move(e));
    return events_.back();
  }

  // Appends an envelope of type `event_type` whose payload does not parse
  // (a stored event a fold must refuse as INTERNAL).
  const v1::EventEnvelope& AddUnparsable(const std::string& event_type) {
    v1::EventEnvelope e = Next(event_type);
    e.set_payload("\xff\xff\xff");
    events_.push_back(std::move(e));
    return events_.back();
  }

  const std::vector<v1::EventEnvelope>& events() const { return events_; }

 private:
  v1::EventEnvelope Next(const std::string& event_type) const {
    const uint64_t n = events_.size() + 1;
    v1::EventEnvelope e;
    e.set_stream_id(stream_id_);
    e.set_stream_version(n);
    e.set_sequence(n);
    e.set_event_type(event_type);
    e.set_recorded_at_us(static_cast<int64_t>(1000 * n));
    return e;
  }

  std::string stream_id_;
  std::vector<v1::EventEnvelope> events_;
};

// Member 371302-U0042-M0007 of unit 371302-U0042, branch 371302-U0042-B01,
// in the unit's first batch.
inline RosterMember TestMember() {
  RosterMember member;
  member.member_id = "371302-U0042-M0007";
  member.unit_id = "371302-U0042";
  member.branch_id = "371302-U0042-B01";
  member.batch = v1::BATCH_FIRST;
  return member;
}

}  // namespace reporting::domain::testing

#endif  // REPORTING_SERVICES_DOMAIN_TESTING_TEST_STREAM_H_
