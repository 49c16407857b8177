// A command id's first answer (event_log.h: CommandRecord): what a repeat
// of the id is answered, and the refusal as it is recorded.
#include "storage/command_record.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "storage/hash_chain.h"
#include "storage/status_macros.h"

namespace reporting::storage {

absl::Status CheckSameRequest(absl::string_view command_id,
                              absl::string_view recorded_digest,
                              absl::string_view request_digest) {
  if (request_digest.empty() || recorded_digest.empty() ||
      request_digest == recorded_digest) {
    return absl::OkStatus();
  }
  return absl::AlreadyExistsError(absl::StrCat(
      "command id \"", command_id,
      "\" was already used for a different request (recorded digest ",
      HexHash(recorded_digest).substr(0, 16), "..., this request's ",
      HexHash(request_digest).substr(0, 16),
      "...); nothing was recorded: give each intended action its own id"));
}

absl::StatusOr<AppendResult> AnswerRepeat(const CommandRecord& record,
                                          absl::string_view command_id,
                                          absl::string_view request_digest) {
  RETURN_IF_ERROR(
      CheckSameRequest(command_id, record.request_digest, request_digest));
  if (!record.refusal.ok()) return record.refusal;
  AppendResult again = record.result;
  again.duplicate = true;
  return again;
}

absl::StatusOr<AppendResult> EventLog::LookupCommand(
    absl::string_view command_id) const {
  ASSIGN_OR_RETURN(CommandRecord record, FindCommand(command_id));
  if (!record.refusal.ok()) {
    return absl::NotFoundError(absl::StrCat(
        "event_log: command ", command_id, " was refused, never appended (",
        absl::StatusCodeToString(record.refusal.code()), ": ",
        record.refusal.message(), ")"));
  }
  return std::move(record.result);
}

absl::Status RecordedRefusal(const absl::Status& refusal) {
  absl::string_view message = refusal.message();
  if (message.size() <= kMaxRefusalMessageBytes) {
    return absl::Status(refusal.code(), message);
  }
  constexpr absl::string_view kCut = "...";
  size_t keep = kMaxRefusalMessageBytes - kCut.size();
  // Back to the start of a UTF-8 character (not a continuation byte).
  while (keep > 0 &&
         (static_cast<unsigned char>(message[keep]) & 0xc0) == 0x80) {
    --keep;
  }
  return absl::Status(refusal.code(),
                      absl::StrCat(message.substr(0, keep), kCut));
}

}  // namespace reporting::storage
