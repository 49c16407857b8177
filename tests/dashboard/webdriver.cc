#include "tests/dashboard/webdriver.h"

#include <chrono>
#include <stdexcept>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/json_text.h"

namespace reporting::dashboard_test {
using google::protobuf::Value;

Browser::Browser(const std::string& log_dir) {
  const int port = testutil::FreePort();
  driver_ = std::make_unique<testutil::Process>(
      std::vector<std::string>{"/usr/bin/chromedriver",
                               absl::StrCat("--port=", port)},
      log_dir + "/chromedriver.log");
  if (!testutil::WaitForPort(port, 20000)) {
    throw std::runtime_error("chromedriver did not start");
  }
  http_ = std::make_unique<httplib::Client>("127.0.0.1", port);
  http_->set_read_timeout(60, 0);
  const Value session = Call("POST", "/session", R"({"capabilities":{
    "alwaysMatch":{"browserName":"chrome","acceptInsecureCerts":true,
    "goog:chromeOptions":{"binary":"/usr/bin/chromium","args":[
      "--headless","--no-sandbox","--disable-gpu","--disable-dev-shm-usage",
      "--window-size=1400,1000","--lang=zh-CN"]}}}})");
  session_ = session.struct_value().fields().at("sessionId").string_value();
  if (session_.empty()) throw std::runtime_error("no WebDriver session");
}

Browser::~Browser() {
  if (!session_.empty()) {
    http_->Delete(("/session/" + session_).c_str());
  }
}

Value Browser::Call(const std::string& method, const std::string& path,
                    const std::string& body) {
  httplib::Result r =
      method == "GET"
          ? http_->Get(path.c_str())
          : http_->Post(path.c_str(), body, "application/json; charset=utf-8");
  if (!r) throw std::runtime_error("WebDriver " + path + ": no answer");
  Value answer;
  if (!google::protobuf::util::JsonStringToMessage(r->body, &answer).ok() ||
      r->status != 200) {
    throw std::runtime_error(absl::StrCat("WebDriver ", path, ": ", r->status,
                                          " ", r->body.substr(0, 2000)));
  }
  return answer.struct_value().fields().at("value");
}

void Browser::Go(const std::string& url) {
  Call("POST", "/session/" + session_ + "/url",
       absl::StrCat("{\"url\":", services::JsonQuote(url), "}"));
}

std::string Browser::Element(const std::string& selector) {
  const Value e = Call("POST", "/session/" + session_ + "/element",
                       absl::StrCat("{\"using\":\"css selector\",\"value\":",
                                    services::JsonQuote(selector), "}"));
  // The W3C element reference's one key.
  return e.struct_value().fields().begin()->second.string_value();
}

void Browser::Type(const std::string& selector, const std::string& text) {
  Call("POST",
       "/session/" + session_ + "/element/" + Element(selector) + "/value",
       absl::StrCat("{\"text\":", services::JsonQuote(text), "}"));
}

void Browser::Click(const std::string& selector) {
  Call("POST",
       "/session/" + session_ + "/element/" + Element(selector) + "/click",
       "{}");
}

Value Browser::Run(const std::string& script) {
  return Call("POST", "/session/" + session_ + "/execute/sync",
              absl::StrCat("{\"script\":", services::JsonQuote(script),
                           ",\"args\":[]}"));
}

bool Browser::WaitFor(const std::string& script, int timeout_ms) {
  const auto end =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < end) {
    if (Run(script).bool_value()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::string Browser::Screenshot() {
  const Value v = Call("GET", "/session/" + session_ + "/screenshot", "");
  std::string png;
  if (!absl::Base64Unescape(v.string_value(), &png)) {
    throw std::runtime_error("the screenshot is not base64");
  }
  return png;
}

}  // namespace reporting::dashboard_test
