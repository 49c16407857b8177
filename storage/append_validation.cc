#include "storage/append_validation.h"

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/message.h"
#include "proto/event_types.h"
#include "proto/wire_check.h"

namespace reporting::storage {
namespace {

// events::ValidatePayload, minus a message allocation per call: each thread
// keeps one parsed message per event type and parses into it again
// (ParseFromArray clears it first). The registry of types is fixed at
// build time, so a type found once stays known. Events of one append
// mostly share a type: the last one's parser is tried before the map.
// Most payloads need no parse at all: events::SurelyParses vouches for
// them from their wire format (proto/wire_check.h), several times faster;
// the parse decides the rest.
absl::Status ValidatePayloadCached(const std::string& type,
                                   const std::string& payload) {
  thread_local absl::flat_hash_map<std::string,
                                   std::unique_ptr<google::protobuf::Message>>
      parsers;
  thread_local std::string last_type;
  thread_local google::protobuf::Message* last_parser = nullptr;
  if (last_parser == nullptr || last_type != type) {
    auto it = parsers.find(type);
    if (it == parsers.end()) {
      absl::StatusOr<std::unique_ptr<google::protobuf::Message>> m =
          events::ParsePayload(type, payload);
      if (!m.ok()) return m.status();
      it = parsers.emplace(type, std::move(*m)).first;
      last_type = type;
      last_parser = it->second.get();
      return absl::OkStatus();
    }
    last_type = type;
    last_parser = it->second.get();
  }
  if (events::SurelyParses(*last_parser->GetDescriptor(), payload)) {
    return absl::OkStatus();
  }
  if (!last_parser->ParseFromArray(payload.data(),
                                   static_cast<int>(payload.size()))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "payload of ", payload.size(), " bytes does not parse as ", type));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateStreamId(absl::string_view stream_id) {
  if (stream_id.empty()) {
    return absl::InvalidArgumentError("stream id is empty");
  }
  if (stream_id.size() > kMaxStreamIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("stream id is ", stream_id.size(), " bytes; the limit is ",
                     kMaxStreamIdBytes));
  }
  if (stream_id.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError("stream id contains a NUL byte");
  }
  return absl::OkStatus();
}

absl::Status ValidateAppendRequest(absl::string_view node_id,
                                   const AppendRequest& request) {
  // Messages are built only on refusal: this runs for every event appended.
  auto refuse = [&](auto&&... parts) {
    return absl::InvalidArgumentError(
        absl::StrCat("event_log: append node=", node_id,
                     " command=", request.command_id, ": ", parts...));
  };
  if (request.command_id.empty()) {
    return refuse(
        "command id is empty; every append needs a unique command "
        "id so a retry is not recorded twice");
  }
  if (request.command_id.size() > kMaxCommandIdBytes) {
    return refuse("command id is ", request.command_id.size(),
                  " bytes; the limit is ", kMaxCommandIdBytes);
  }
  if (request.actor.empty()) {
    return refuse("actor is empty; say who records the events");
  }
  if (request.actor.size() > kMaxActorBytes) {
    return refuse("actor is ", request.actor.size(), " bytes; the limit is ",
                  kMaxActorBytes);
  }
  if (!request.request_digest.empty() &&
      request.request_digest.size() != kDigestBytes) {
    return refuse("request digest is ", request.request_digest.size(),
                  " bytes; it must be empty or ", kDigestBytes);
  }
  if (!request.refusal.ok()) {
    if (!request.events.empty() || !request.expected_versions.empty()) {
      return refuse(
          "a refusal to record carries no events and no expected versions");
    }
    return absl::OkStatus();
  }
  if (request.events.empty()) return refuse("no events to append");
  if (request.events.size() > kMaxEventsPerAppend) {
    return refuse(request.events.size(), " events in one append; the limit is ",
                  kMaxEventsPerAppend, ": split the command");
  }
  for (size_t i = 0; i < request.events.size(); ++i) {
    const NewEvent& e = request.events[i];
    auto refuse_event = [&](auto&&... parts) {
      return refuse("event ", i + 1, " (stream \"", e.stream_id, "\", type ",
                    e.event_type, "): ", parts...);
    };
    if (absl::Status s = ValidateStreamId(e.stream_id); !s.ok()) {
      return refuse_event(s.message());
    }
    if (e.payload.empty()) {
      return refuse_event("payload is empty; give the event's data");
    }
    if (e.payload.size() > kMaxPayloadBytes) {
      return refuse_event("payload is ", e.payload.size(),
                          " bytes; the limit is ", kMaxPayloadBytes, " bytes");
    }
    if (absl::Status s = ValidatePayloadCached(e.event_type, e.payload);
        !s.ok()) {
      return refuse_event(s.message());
    }
  }
  for (const auto& [stream, version] : request.expected_versions) {
    if (absl::Status s = ValidateStreamId(stream); !s.ok()) {
      return refuse("expected version for stream \"", stream,
                    "\": ", s.message());
    }
  }
  return absl::OkStatus();
}

}  // namespace reporting::storage
