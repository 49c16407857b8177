#include "tests/ops/ops_harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace reporting::ops_test {

std::string BinaryFromEnv(const char* variable) {
  const char* value = std::getenv(variable);
  if (value == nullptr || *value == '\0') {
    throw std::runtime_error(absl::StrCat("$", variable, " is not set"));
  }
  return value;
}

std::unique_ptr<testutil::Process> StartServing(
    const std::vector<std::string>& argv, const std::string& log_path,
    int port) {
  auto process = std::make_unique<testutil::Process>(argv, log_path);
  if (!testutil::WaitForPort(port, 20000)) {
    throw std::runtime_error(
        absl::StrCat(argv[0], " did not open port ", port, "; see ", log_path));
  }
  return process;
}

bool StopCleanly(testutil::Process& process) {
  process.Signal(SIGTERM);
  const int status = process.Wait(30000);
  return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

absl::StatusOr<std::string> HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return absl::UnavailableError(absl::StrCat("connect to port ", port));
  }
  const std::string request =
      absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
  if (write(fd, request.data(), request.size()) !=
      static_cast<ssize_t>(request.size())) {
    close(fd);
    return absl::InternalError("write");
  }
  std::string response;
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) break;
    response.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  const size_t end = response.find("\r\n\r\n");
  if (end == std::string::npos) {
    return absl::InternalError(absl::StrCat("no HTTP header in: ", response));
  }
  if (!absl::StartsWith(response, "HTTP/1.1 200") &&
      !absl::StartsWith(response, "HTTP/1.0 200")) {
    return absl::InternalError(
        absl::StrCat("HTTP answer: ", response.substr(0, end)));
  }
  return response.substr(end + 4);
}

namespace {

class JsonReader {
 public:
  explicit JsonReader(const std::string& s) : s_(s) {}

  absl::StatusOr<std::map<std::string, std::string>> Object() {
    std::map<std::string, std::string> out;
    Space();
    if (!Eat('{')) return Error("expected {");
    Space();
    if (Eat('}')) return Finish(out);
    for (;;) {
      Space();
      std::string key, value;
      if (!String(&key)) return Error("expected a string key");
      Space();
      if (!Eat(':')) return Error("expected :");
      Space();
      if (Peek() == '"') {
        if (!String(&value)) return Error("bad string value");
      } else if (!Number(&value)) {
        return Error("expected a string or a number");
      }
      if (!out.emplace(key, value).second) return Error("duplicate key " + key);
      Space();
      if (Eat(',')) continue;
      if (Eat('}')) return Finish(out);
      return Error("expected , or }");
    }
  }

 private:
  absl::StatusOr<std::map<std::string, std::string>> Finish(
      std::map<std::string, std::string> out) {
    Space();
    if (pos_ != s_.size()) return Error("trailing characters");
    return out;
  }
  absl::Status Error(const std::string& what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("JSON: ", what, " at offset ", pos_, " of: ", s_));
  }
  char Peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  bool Eat(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  void Space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
  }
  static int Hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  bool String(std::string* out) {
    if (!Eat('"')) return false;
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        *out += c;
        continue;
      }
      if (pos_ >= s_.size()) return false;
      const char e = s_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          *out += e;
          break;
        case 'n':
          *out += '\n';
          break;
        case 't':
          *out += '\t';
          break;
        case 'r':
          *out += '\r';
          break;
        case 'b':
          *out += '\b';
          break;
        case 'f':
          *out += '\f';
          break;
        case 'u': {
          if (pos_ + 4 > s_.size()) return false;
          int cp = 0;
          for (int i = 0; i < 4; ++i) {
            const int h = Hex(s_[pos_++]);
            if (h < 0) return false;
            cp = cp * 16 + h;
          }
          *out += cp < 0x80 ? static_cast<char>(cp) : '?';
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }
  bool Number(std::string* out) {
    const size_t start = pos_;
    Eat('-');
    if (!(Peek() >= '0' && Peek() <= '9')) return false;
    while ((Peek() >= '0' && Peek() <= '9') || Peek() == '.' || Peek() == 'e' ||
           Peek() == 'E' || Peek() == '+' || Peek() == '-') {
      ++pos_;
    }
    *out = s_.substr(start, pos_ - start);
    return true;
  }

  const std::string& s_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<std::map<std::string, std::string>> ParseFlatJsonObject(
    const std::string& line) {
  return JsonReader(line).Object();
}

}  // namespace reporting::ops_test
