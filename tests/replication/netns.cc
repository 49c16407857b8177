#include "tests/replication/netns.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/testutil/files.h"
#include "tests/testutil/process.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::replication_test {

// testutil::Process runs argv[0] as a path (execv), and `ip` lives in
// /usr/sbin or /sbin depending on the system.
static std::string IpPath() {
  for (const char* path :
       {"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"}) {
    if (access(path, X_OK) == 0) return path;
  }
  return "ip";  // the failure then says "ip" could not be run
}

absl::Status RunCommand(const std::vector<std::string>& command) {
  std::vector<std::string> argv = command;
  if (!argv.empty() && argv[0] == "ip") argv[0] = IpPath();
  testutil::TempDir dir("netns-command");
  const std::string log = dir.Sub("output");
  testutil::Process p(argv, log);
  const int status = p.Wait(30000);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return absl::OkStatus();
  return absl::InternalError(absl::StrCat("`", absl::StrJoin(argv, " "),
                                          "` failed (wait status ", status,
                                          "): ", testutil::ReadFile(log)));
}

bool WaitForTcp(const std::string& ip, int port, int timeout_ms) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  do {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, ip.c_str(), &addr.sin_addr);
    const bool ok =
        connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

Netns::Netns(const std::string& name, int net, int links)
    : name_(name), net_(net), links_(links) {
  std::vector<std::vector<std::string>> steps = {
      {"ip", "netns", "add", name_},
      {"ip", "-n", name_, "link", "set", "lo", "up"}};
  for (int i = 0; i < links_; ++i) {
    steps.push_back({"ip", "link", "add", RootEnd(i), "type", "veth", "peer",
                     "name", InsideEnd(i)});
    steps.push_back({"ip", "link", "set", InsideEnd(i), "netns", name_});
    steps.push_back(
        {"ip", "addr", "add", RootAddress(i) + "/30", "dev", RootEnd(i)});
    steps.push_back({"ip", "link", "set", RootEnd(i), "up"});
    steps.push_back({"ip", "-n", name_, "addr", "add", InsideAddress(i) + "/30",
                     "dev", InsideEnd(i)});
    steps.push_back({"ip", "-n", name_, "link", "set", InsideEnd(i), "up"});
  }
  for (const auto& step : steps) {
    if (absl::Status s = RunCommand(step); !s.ok()) {
      Remove();
      throw std::runtime_error(
          absl::StrCat("Netns ", name_, ": ", s.message(),
                       " (partition tests need root and iproute2)"));
    }
  }
}

Netns::~Netns() { Remove(); }

void Netns::Remove() {
  // Deleting the namespace deletes its veth ends and so both ends of each
  // pair; the explicit deletes cover a namespace that was never made.
  (void)RunCommand({"ip", "netns", "del", name_});
  for (int i = 0; i < links_; ++i) {
    (void)RunCommand({"ip", "link", "del", RootEnd(i)});
  }
}

std::string Netns::RootAddress(int link) const {
  return absl::StrCat("10.", net_, ".", link, ".1");
}

std::string Netns::InsideAddress(int link) const {
  return absl::StrCat("10.", net_, ".", link, ".2");
}

// Interface names are at most 15 bytes: "v" pid "r"|"n" link.
std::string Netns::RootEnd(int link) const {
  return absl::StrCat("v", getpid() % 10000000, "r", link);
}

std::string Netns::InsideEnd(int link) const {
  return absl::StrCat("v", getpid() % 10000000, "n", link);
}

absl::Status Netns::SetLink(int link, bool up) {
  return RunCommand(
      {"ip", "-n", name_, "link", "set", InsideEnd(link), up ? "up" : "down"});
}

std::vector<std::string> Netns::Exec(
    const std::vector<std::string>& argv) const {
  std::vector<std::string> out = {IpPath(), "netns", "exec", name_};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

}  // namespace reporting::replication_test
