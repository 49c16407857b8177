// A network namespace joined to the test's own by veth pairs, for tests of
// real partitions (`ip netns`, iproute2; needs root, as CI has). Link i
// joins root address 10.<net>.<i>.1/30 to namespace address 10.<net>.<i>.2;
// a link set down drops every packet both ways while the sockets on either
// side stay open (a silent partition, not a refused connection).
//
//   Netns ns("county371302", 77, 2);        // links 0 and 1
//   Process county(ns.Exec({county_bin, ...}), log);
//   ns.SetLink(0, false);                   // partition link 0
//
// Everything it creates is removed by its destructor, also when the test
// fails (an ASSERT returns through it); the namespace's processes must be
// stopped first. Names carry the test's pid, so tests running side by side
// do not meet.
//
// Thread compatibility: one thread uses a Netns.
#ifndef REPORTING_TESTS_REPLICATION_NETNS_H_
#define REPORTING_TESTS_REPLICATION_NETNS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace reporting::replication_test {

// Runs a command and waits; its output goes to the returned status when it
// fails (exit code not 0).
absl::Status RunCommand(const std::vector<std::string>& argv);

// True once ip:port accepts TCP connections, polling until timeout_ms.
bool WaitForTcp(const std::string& ip, int port, int timeout_ms);

class Netns {
 public:
  // Throws std::runtime_error naming the failed command (e.g. not root, or
  // iproute2 missing), after removing what it made.
  Netns(const std::string& name, int net, int links);
  ~Netns();
  Netns(const Netns&) = delete;
  Netns& operator=(const Netns&) = delete;

  const std::string& name() const { return name_; }
  std::string RootAddress(int link) const;    // "10.<net>.<link>.1"
  std::string InsideAddress(int link) const;  // "10.<net>.<link>.2"
  // Sets the namespace's end of link `link` down or up.
  absl::Status SetLink(int link, bool up);
  // `argv` run inside the namespace (ip netns exec).
  std::vector<std::string> Exec(const std::vector<std::string>& argv) const;

 private:
  std::string RootEnd(int link) const;
  std::string InsideEnd(int link) const;
  void Remove();

  const std::string name_;
  const int net_;
  const int links_;
};

}  // namespace reporting::replication_test

#endif  // REPORTING_TESTS_REPLICATION_NETNS_H_
