#include "services/reportctl/cli/connect.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "grpcpp/create_channel.h"
#include "services/common/grpc_status.h"
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

namespace {

absl::StatusOr<std::shared_ptr<grpc::Channel>> ConnectWith(
    const services::TlsConfig& tls, const std::string& target) {
  if (absl::Status s = services::CheckTlsConfig(tls, "reportctl"); !s.ok()) {
    return s;
  }
  auto credentials = services::ChannelCredentialsFor(tls);
  if (!credentials.ok()) return credentials.status();
  grpc::ChannelArguments channel_args;
  channel_args.SetMaxReceiveMessageSize(64 << 20);
  return grpc::CreateCustomChannel(target, *credentials, channel_args);
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(
    const Args& args, const std::string& target) {
  return ConnectWith({args.Get("tls_cert"), args.Get("tls_key"),
                      args.Get("tls_ca"), args.GetBool("insecure")},
                     target);
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> ConnectToNode(
    const Args& args, const std::string& target, const std::string& node_id) {
  const auto for_node = [&node_id](const std::string& path) {
    return absl::StrReplaceAll(path, {{"{node}", node_id}});
  };
  return ConnectWith(
      {for_node(args.Get("tls_cert")), for_node(args.Get("tls_key")),
       args.Get("tls_ca"), args.GetBool("insecure")},
      target);
}

std::string FailureLine(const std::string& what, absl::StatusCode code,
                        absl::string_view message) {
  std::string line = absl::StrCat("reportctl: ", what, ": ",
                                  absl::StatusCodeToString(code), ": ");
  if (code == absl::StatusCode::kUnimplemented && message.empty()) {
    // gRPC's own answer when the server has no such service: the address
    // is most likely the other kind of server.
    absl::StrAppend(&line,
                    "the server at that address does not offer this call: "
                    "check the address (--city is the city aggregator, "
                    "--county a county node)");
  } else {
    absl::StrAppend(&line, message);
  }
  return line;
}

int CallFailed(const std::string& what, const grpc::Status& status) {
  std::cerr << FailureLine(what, services::FromGrpcCode(status.error_code()),
                           status.error_message())
            << "\n";
  return 1;
}

int Failed(const std::string& what, const absl::Status& status) {
  std::cerr << FailureLine(what, status.code(), status.message()) << "\n";
  return 1;
}

}  // namespace reporting::reportctl
