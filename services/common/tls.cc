#include "services/common/tls.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "grpc/grpc_security_constants.h"

namespace reporting::services {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot read the ", what, " file ", path));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string pem = ss.str();
  if (pem.find("-----BEGIN") == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("the ", what, " file ", path, " holds no PEM data"));
  }
  return pem;
}

}  // namespace

absl::Status CheckTlsConfig(const TlsConfig& config,
                            const std::string& program) {
  const int given = !config.cert_file.empty() + !config.key_file.empty() +
                    !config.ca_file.empty();
  if (config.insecure && given > 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(program,
                     ": --insecure and --tls_cert/--tls_key/--tls_ca exclude "
                     "each other; give one or the other"));
  }
  if (!config.insecure && given < 3) {
    return absl::InvalidArgumentError(
        absl::StrCat(program,
                     ": refusing to start without transport security: give "
                     "--tls_cert, --tls_key and --tls_ca (mutual TLS; "
                     "deploy/gen-certs.sh makes development certificates), or "
                     "--insecure for plaintext on a development machine"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFor(
    const TlsConfig& config) {
  if (config.insecure) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  auto ca = ReadPem(config.ca_file, "CA certificate");
  if (!ca.ok()) return ca.status();
  auto cert = ReadPem(config.cert_file, "certificate");
  if (!cert.ok()) return cert.status();
  auto key = ReadPem(config.key_file, "private key");
  if (!key.ok()) return key.status();
  options.pem_root_certs = *ca;
  options.pem_key_cert_pairs.push_back({*key, *cert});
  return grpc::SslServerCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFor(
    const TlsConfig& config) {
  if (config.insecure) return grpc::InsecureChannelCredentials();
  auto ca = ReadPem(config.ca_file, "CA certificate");
  if (!ca.ok()) return ca.status();
  auto cert = ReadPem(config.cert_file, "certificate");
  if (!cert.ok()) return cert.status();
  auto key = ReadPem(config.key_file, "private key");
  if (!key.ok()) return key.status();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = *ca;
  options.pem_private_key = *key;
  options.pem_cert_chain = *cert;
  return grpc::SslCredentials(options);
}

}  // namespace reporting::services
