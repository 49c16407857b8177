// A small WebDriver client (W3C protocol, JSON over HTTP) driving headless
// Debian Chromium through chromedriver: enough for the dashboard's browser
// tests to sign in, open pages, read the DOM and take screenshots.
//
// Thread-compatible.
#ifndef REPORTING_TESTS_DASHBOARD_WEBDRIVER_H_
#define REPORTING_TESTS_DASHBOARD_WEBDRIVER_H_

#include <memory>
#include <string>

#include "google/protobuf/struct.pb.h"
#include "httplib.h"
#include "tests/testutil/process.h"

namespace reporting::dashboard_test {

class Browser {
 public:
  // Starts chromedriver and a headless Chromium session that accepts the
  // dev CA's certificate (the test checks the certificate itself with
  // httplib). Throws when either does not start.
  explicit Browser(const std::string& log_dir);
  ~Browser();

  void Go(const std::string& url);
  // Types `text` into the element matching the CSS `selector`.
  void Type(const std::string& selector, const std::string& text);
  void Click(const std::string& selector);
  // Runs `script` (a function body; `return` gives the value) in the page.
  google::protobuf::Value Run(const std::string& script);
  // Polls `script` until it returns true, up to timeout_ms; false if never.
  bool WaitFor(const std::string& script, int timeout_ms);
  // PNG bytes of the viewport.
  std::string Screenshot();

 private:
  google::protobuf::Value Call(const std::string& method,
                               const std::string& path,
                               const std::string& body);
  std::string Element(const std::string& selector);

  std::unique_ptr<testutil::Process> driver_;
  std::unique_ptr<httplib::Client> http_;
  std::string session_;
};

}  // namespace reporting::dashboard_test

#endif  // REPORTING_TESTS_DASHBOARD_WEBDRIVER_H_
