// Channels from reportctl to a county node or the city aggregator, with the
// TLS flags every command shares:
//
//   --tls_cert, --tls_key   the user's certificate and key (its OU is the
//                           role: clerk, office, auditor, operator;
//                           deploy/gen-certs.sh, docs/OPERATIONS.md "Roles")
//   --tls_ca                the CA that signs the servers' certificates
//   --insecure              plaintext (local development only)
//
// Also: CallFailed() turns a failed call into one line on stderr
// ("reportctl: WHAT: CODE: message") and the exit code.
#ifndef REPORTING_SERVICES_REPORTCTL_CLI_CONNECT_H_
#define REPORTING_SERVICES_REPORTCTL_CLI_CONNECT_H_

#include <memory>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"
#include "services/reportctl/cli/args.h"

namespace reporting::reportctl {

// The TLS flag names, to add to a command's known flags.
const std::set<std::string>& TlsFlagNames();      // tls_cert tls_key tls_ca
const std::set<std::string>& TlsBoolFlagNames();  // insecure

// A channel to `target` ("host:port") with the credentials the flags ask
// for; INVALID_ARGUMENT naming the flags when they are inconsistent.
absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(
    const Args& args, const std::string& target);

// The same towards county node `node_id`: "{node}" in --tls_cert and
// --tls_key is replaced by the node id, so one command can reach several
// nodes, each with its own clerk certificate
// (--tls_cert=certs/clerk-{node}.crt --tls_key=certs/clerk-{node}.key).
absl::StatusOr<std::shared_ptr<grpc::Channel>> ConnectToNode(
    const Args& args, const std::string& target, const std::string& node_id);

// "reportctl: <what>: <CODE>: <message>"; gRPC's bare UNIMPLEMENTED (the
// server has no such service: a county's address given for the city's, or
// the other way round) is said in words.
std::string FailureLine(const std::string& what, absl::StatusCode code,
                        absl::string_view message);

// Exit code 1 after printing FailureLine to stderr.
int CallFailed(const std::string& what, const grpc::Status& status);
int Failed(const std::string& what, const absl::Status& status);

}  // namespace reporting::reportctl

#endif  // REPORTING_SERVICES_REPORTCTL_CLI_CONNECT_H_
