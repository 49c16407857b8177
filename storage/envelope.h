// Building and encoding the event envelope (reporting.v1.EventEnvelope).
// An envelope is serialized exactly once, here, and those bytes are what
// the log stores and hashes; nobody re-encodes them.
//
// Thread safety: pure functions, safe from any thread.
#ifndef REPORTING_STORAGE_ENVELOPE_H_
#define REPORTING_STORAGE_ENVELOPE_H_

#include <string>

#include "reporting/v1/envelope.pb.h"

namespace reporting::storage {

// A random (version 4) UUID in lower-case 8-4-4-4-12 text form, from
// OpenSSL's RAND_bytes.
std::string NewEventId();

// Deterministic serialization of env (fields in field-number order).
std::string SerializeEnvelope(const v1::EventEnvelope& env);

}  // namespace reporting::storage

#endif  // REPORTING_STORAGE_ENVELOPE_H_
