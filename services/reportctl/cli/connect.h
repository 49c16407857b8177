// Channels from reportctl to a county node or the city aggregator, with the
// TLS flags every command shares:
//
//   --tls_cert, --tls_key   the user's certificate and key (its OU is the
//                           role: county, office, auditor; deploy/gen-certs.sh)
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

// Exit code 1 after printing "reportctl: <what>: <CODE>: <message>".
int CallFailed(const std::string& what, const grpc::Status& status);
int Failed(const std::string& what, const absl::Status& status);

}  // namespace reporting::reportctl

#endif  // REPORTING_SERVICES_REPORTCTL_CLI_CONNECT_H_
