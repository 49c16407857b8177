#include "services/county/request_digest.h"

#include <openssl/evp.h>

#include <cstdlib>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "storage/event_log.h"

namespace reporting::county {

std::string RequestDigest(const google::protobuf::Message& canonical) {
  std::string bytes(canonical.GetDescriptor()->full_name());
  bytes.push_back('\0');
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    canonical.SerializeToCodedStream(&coded);
  }
  std::string digest(storage::kDigestBytes, '\0');
  unsigned int len = 0;
  // A failure means libcrypto itself is broken: no digest may be invented.
  if (EVP_Digest(bytes.data(), bytes.size(),
                 reinterpret_cast<unsigned char*>(digest.data()), &len,
                 EVP_sha256(), nullptr) != 1 ||
      len != storage::kDigestBytes) {
    std::abort();
  }
  return digest;
}

std::string ImportDigest(const v1::ImportBatchRequest& request) {
  v1::ImportBatchRequest canonical = request;
  canonical.clear_batch_id();
  return RequestDigest(canonical);
}

}  // namespace reporting::county
