// Transport security for the binaries (ARCHITECTURE.md decision 7): mutual
// TLS from PEM files, or plaintext only when explicitly asked for.
//
//   --tls_cert, --tls_key  this process's certificate chain and private key
//   --tls_ca               the CA that signs every peer's certificate
//   --insecure             plaintext, for local development only
//
// A server built with ServerCredentialsFor requires and verifies a client
// certificate signed by the CA; identity.h reads who the client is.
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

}  // namespace reporting::services

#endif  // REPORTING_SERVICES_COMMON_TLS_H_
