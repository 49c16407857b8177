#include "services/reportctl/cli/connect.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "services/common/tls.h"

namespace reporting::reportctl {

const std::set<std::string>& TlsFlagNames() {
  static const auto* names =
      new std::set<std::string>{"tls_cert", "tls_key", "tls_ca"};
  return *names;
}

const std::set<std::string>& TlsBoolFlagNames() {
  static const auto* names = new std::set<std::string>{"insecure"};
  return *names;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(
    const Args& args, const std::string& target) {
  services::TlsConfig tls{args.Get("tls_cert"), args.Get("tls_key"),
                          args.Get("tls_ca"), args.GetBool("insecure")};
  if (absl::Status s = services::CheckTlsConfig(tls, "reportctl"); !s.ok()) {
    return s;
  }
  auto credentials = services::ChannelCredentialsFor(tls);
  if (!credentials.ok()) return credentials.status();
  grpc::ChannelArguments channel_args;
  channel_args.SetMaxReceiveMessageSize(64 << 20);
  return grpc::CreateCustomChannel(target, *credentials, channel_args);
}

namespace {
const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "UNKNOWN";
  }
}
}  // namespace

int CallFailed(const std::string& what, const grpc::Status& status) {
  std::cerr << "reportctl: " << what << ": " << CodeName(status.error_code())
            << ": " << status.error_message() << "\n";
  return 1;
}

int Failed(const std::string& what, const absl::Status& status) {
  std::cerr << "reportctl: " << what << ": "
            << absl::StatusCodeToString(status.code()) << ": "
            << status.message() << "\n";
  return 1;
}

}  // namespace reporting::reportctl
