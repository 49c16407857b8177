#include "services/dashboard/gzip_body.h"

#include <zlib.h>

#include <stdexcept>

namespace reporting::dashboard {
namespace {

// The gzip member of `raw` (deflate level 9, 31 window bits: gzip header).
std::string Gzip(const std::string& raw) {
  z_stream z{};
  if (deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("dashboard: zlib deflateInit2 failed");
  }
  std::string out(deflateBound(&z, raw.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  z.avail_in = static_cast<uInt>(raw.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) {
    throw std::runtime_error("dashboard: zlib deflate did not finish");
  }
  return out;
}

}  // namespace

GzipBody::GzipBody(std::string raw, std::string content_type)
    : raw_(std::make_shared<const std::string>(std::move(raw))),
      gzip_(std::make_shared<const std::string>(Gzip(*raw_))),
      content_type_(std::move(content_type)) {}

void GzipBody::Send(const httplib::Request& req, httplib::Response& res) const {
  const bool gzip =
      req.get_header_value("Accept-Encoding").find("gzip") != std::string::npos;
  std::shared_ptr<const std::string> body = gzip ? gzip_ : raw_;
  if (gzip) res.set_header("Content-Encoding", "gzip");
  res.set_header("Vary", "Accept-Encoding");
  res.set_content_provider(
      body->size(), content_type_,
      [body](size_t offset, size_t length, httplib::DataSink& sink) {
        return sink.write(body->data() + offset, length);
      });
}

}  // namespace reporting::dashboard
