// Reading a client- or bidi-streaming request stream so that a message
// whose bytes are not the request type is told apart from the end of the
// stream (gRPC's Read returns false for both), and answered as the client's
// error: INVALID_ARGUMENT, counted and logged by the undecodable-request
// interceptor (undecodable_interceptor.h) like any undecodable request.
//
//   v1::PushRequest request;
//   for (;;) {
//     switch (ReadRequest(stream, &request)) { ... }
//   }
//
// A callback (reactor) handler marks the message it gives StartRead with
// internal::MarkUnread and tells the two apart in OnReadDone(false) with
// internal::StillMarked.
//
// Thread safety: ReadRequest is called from the stream's handler thread.
#ifndef REPORTING_SERVICES_COMMON_STREAM_READ_H_
#define REPORTING_SERVICES_COMMON_STREAM_READ_H_

#include <string>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "grpcpp/server_context.h"

namespace reporting::services {

// Trailing metadata by which a handler tells the interceptor that it ended
// a call because of an undecodable message (the interceptor removes it).
inline constexpr char kUndecodableTrailer[] = "reporting-undecodable";

enum class ReadResult { kMessage, kEnd, kUndecodable };

namespace internal {
// Marks `message` so that a parse attempt (which clears it first) shows.
void MarkUnread(google::protobuf::Message* message);
bool StillMarked(const google::protobuf::Message& message);
}  // namespace internal

// Reads the next message of a stream: kMessage, kEnd (the client closed its
// side or the call ended), or kUndecodable (a message arrived whose bytes
// are not a `Request`).
template <typename Stream, typename Request>
ReadResult ReadRequest(Stream* stream, Request* request) {
  internal::MarkUnread(request);
  if (stream->Read(request)) return ReadResult::kMessage;
  // gRPC parses a received message into `request`, which clears it first;
  // at the end of the stream it does not touch it.
  return internal::StillMarked(*request) ? ReadResult::kEnd
                                         : ReadResult::kUndecodable;
}

// INVALID_ARGUMENT "<what>: a message of this stream could not be decoded
// as <type>; ..."; marks the call (kUndecodableTrailer) so the interceptor
// counts and logs it.
absl::Status UndecodableStatus(grpc::ServerContext* context,
                               const std::string& what,
                               const std::string& type);
// The same for a callback (reactor) handler's call.
absl::Status UndecodableStatus(grpc::CallbackServerContext* context,
                               const std::string& what,
                               const std::string& type);

}  // namespace reporting::services

#endif  // REPORTING_SERVICES_COMMON_STREAM_READ_H_
