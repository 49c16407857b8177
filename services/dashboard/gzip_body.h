// Static files served precompressed: each is gzip-compressed once (zlib,
// level 9) when the server starts, and answered as is, with
// Content-Encoding: gzip to a client that accepts it. cpp-httplib would
// otherwise compress every answer again (Brotli at its slowest setting:
// ~0.4 s for Debian's 200 KB chart.js, per request; docs/PERFORMANCE.md
// "Dashboard overview under ingest"), and no answer is cached
// (Cache-Control: no-store).
//
// Thread-safe after construction (immutable).
#ifndef REPORTING_SERVICES_DASHBOARD_GZIP_BODY_H_
#define REPORTING_SERVICES_DASHBOARD_GZIP_BODY_H_

#include <memory>
#include <string>

#include "httplib.h"

namespace reporting::dashboard {

class GzipBody {
 public:
  GzipBody(std::string raw, std::string content_type);

  // Answers `req` with the file: gzip when its Accept-Encoding names gzip,
  // the raw bytes otherwise; sent as given (a content provider of known
  // length, which httplib does not compress again).
  void Send(const httplib::Request& req, httplib::Response& res) const;

  const std::string& raw() const { return *raw_; }
  const std::string& gzip() const { return *gzip_; }

 private:
  std::shared_ptr<const std::string> raw_;
  std::shared_ptr<const std::string> gzip_;
  std::string content_type_;
};

}  // namespace reporting::dashboard

#endif  // REPORTING_SERVICES_DASHBOARD_GZIP_BODY_H_
