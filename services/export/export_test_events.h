// Test helper for the export tests: a small valid hash chain of
// UnitRegistered events of node 371302, as AuditedEvents.
#ifndef REPORTING_SERVICES_EXPORT_EXPORT_TEST_EVENTS_H_
#define REPORTING_SERVICES_EXPORT_EXPORT_TEST_EVENTS_H_

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "openssl/sha.h"
#include "reporting/v1/audit.pb.h"
#include "reporting/v1/envelope.pb.h"
#include "reporting/v1/events.pb.h"

namespace reporting::audit {

// Serializes `envelope` with `prev_hash` into `event` and sets its hash.
inline void Rehash(v1::AuditedEvent* event, v1::EventEnvelope envelope,
                   const std::string& prev_hash) {
  envelope.set_prev_hash(prev_hash);
  std::string bytes;
  envelope.SerializeToString(&bytes);
  const std::string input = prev_hash + bytes;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(),
         digest);
  event->set_sequence(envelope.sequence());
  event->set_envelope(bytes);
  event->set_hash(std::string(reinterpret_cast<char*>(digest), 32));
}

// Events 1..n, recorded one second apart from 2024-07-01T00:00:00Z; with a
// receive time (a city's export), all covered by receipt 1.
inline std::vector<v1::AuditedEvent> TestChain(int n, int64_t received_at_us) {
  std::vector<v1::AuditedEvent> out;
  std::string prev(32, '\0');
  for (int i = 1; i <= n; ++i) {
    v1::UnitRegistered unit;
    unit.set_unit_id(absl::StrCat("371302-U000", i));
    unit.set_name("兰山区委组织部");
    unit.set_member_count(3);
    v1::EventEnvelope e;
    e.set_node_id("371302");
    e.set_sequence(i);
    e.set_stream_id(absl::StrCat("unit/", unit.unit_id()));
    e.set_stream_version(1);
    e.set_event_id(absl::StrCat("00000000-0000-4000-8000-00000000000", i));
    e.set_event_type("reporting.v1.UnitRegistered");
    e.set_recorded_at_us(1719792000000000 + (i - 1) * 1000000);
    e.set_actor("clerk:wang.li@371302");
    e.set_command_id(absl::StrCat("cmd-", i));
    unit.SerializeToString(e.mutable_payload());
    v1::AuditedEvent event;
    Rehash(&event, e, prev);
    if (received_at_us != 0) {
      event.set_received_at_us(received_at_us);
      event.set_receipt_number(1);
    }
    prev = event.hash();
    out.push_back(event);
  }
  return out;
}

}  // namespace reporting::audit

#endif  // REPORTING_SERVICES_EXPORT_EXPORT_TEST_EVENTS_H_
