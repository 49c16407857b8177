// Transport security for the binaries (ARCHITECTURE.md decision 7): mutual
// TLS from PEM files, or plaintext only when explicitly asked for.
//
//   --tls_cert, --tls_key  this process's certificate chain and private key
//   --tls_ca               the CA that signs every peer's certificate
//   --insecure             plaintext, for local development only
//
// A server built with ServerCredentialsFor requires and verifies a client
// certificate signed by the CA; PeerCommonName then names the client (a
// node's certificate carries its node id as CN, deploy/gen-certs.sh).
//
// Thread safety: pure functions (they read files).
#ifndef REPORTING_SERVICES_COMMON_TLS_H_
#define REPORTING_SERVICES_COMMON_TLS_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_context.h"

namespace reporting::services {

struct TlsConfig {
  std::string cert_file;  // PEM certificate (chain)
  std::string key_file;   // PEM private key
  std::string ca_file;    // PEM CA certificate(s) that sign the peers
  bool insecure = false;  // plaintext; local development only
};

// OK when exactly one of "all three TLS files" or `insecure` is given;
// INVALID_ARGUMENT with a message naming the flags otherwise. `program`
// prefixes the message.
absl::Status CheckTlsConfig(const TlsConfig& config,
                            const std::string& program);

// Server credentials: mutual TLS (client certificate required and verified
// against ca_file), or insecure ones when config.insecure. NOT_FOUND /
// INVALID_ARGUMENT naming an unreadable or empty file.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFor(
    const TlsConfig& config);

// Channel credentials: TLS with this client's certificate, trusting only
// ca_file; or insecure ones when config.insecure.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFor(
    const TlsConfig& config);

// The common name of the verified client certificate of the call; empty for
// a plaintext call or a client without certificate.
std::string PeerCommonName(const grpc::ServerContext& context);

// The organizational unit (OU) of the verified client certificate, which
// deploy/gen-certs.sh uses as the role: county, city, office, auditor.
// Empty when there is none.
std::string PeerRole(const grpc::ServerContext& context);

}  // namespace reporting::services

#endif  // REPORTING_SERVICES_COMMON_TLS_H_
