// Recorded refusals (event_log.h: AppendRequest::refusal): the form in
// which a refusal is stored and answered. AnswerRepeat and
// EventLog::LookupCommand are defined beside it (command_record.cc).
//
// Thread safety: pure functions.
#ifndef REPORTING_STORAGE_COMMAND_RECORD_H_
#define REPORTING_STORAGE_COMMAND_RECORD_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "storage/event_log.h"

namespace reporting::storage {

// The refusal as it is recorded and answered, the first time and every
// time after: its code, and its message cut to kMaxRefusalMessageBytes
// bytes at a UTF-8 character boundary ("..." ending a cut one); no
// payloads.
absl::Status RecordedRefusal(const absl::Status& refusal);

// A repeat of `command_id` is the same request unless both digests are
// non-empty and differ: then ALREADY_EXISTS naming the id ("was already
// used for a different request").
absl::Status CheckSameRequest(absl::string_view command_id,
                              absl::string_view recorded_digest,
                              absl::string_view request_digest);

}  // namespace reporting::storage

#endif  // REPORTING_STORAGE_COMMAND_RECORD_H_
