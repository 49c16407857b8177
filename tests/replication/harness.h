// Multi-process replication tests: real city-aggregator and county-node
// binaries on loopback, started and killed by the test.
//
//   Binaries bin = Binaries::FromEnv();      // paths set by ctest
//   City city(bin, dir.Sub("city"), TlsArgs(certs, "city"));
//   County county(bin, "371302", dir.Sub("371302"), city.address(), ...);
//   Driver driver(county);                   // RegisterUnit commands
//
// Thread compatibility: each object is used from one thread at a time,
// except Driver, which runs its own thread.
#ifndef REPORTING_TESTS_REPLICATION_HARNESS_H_
#define REPORTING_TESTS_REPLICATION_HARNESS_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"
#include "reporting/v1/command.grpc.pb.h"
#include "reporting/v1/replication.grpc.pb.h"
#include "tests/testutil/process.h"

namespace reporting::replication_test {

// The 12 demo nodes of DOMAIN.md (deploy/gen-certs.sh's default set).
extern const std::vector<std::string> kDemoNodes;

struct Binaries {
  std::string city;       // city-aggregator
  std::string county;     // county-node
  std::string gen_certs;  // deploy/gen-certs.sh
  // From $CITY_BIN, $COUNTY_BIN and $GEN_CERTS (set by tests/replication's
  // CMakeLists); aborts when one is missing.
  static Binaries FromEnv();
};

// Runs gen-certs.sh into dir (the demo nodes plus `extra`).
void GenCerts(const Binaries& bin, const std::string& dir,
              const std::vector<std::string>& extra = {});

// --tls_cert/--tls_key/--tls_ca for certificate `name` ("city",
// "node-371302", "clerk-371302") of the CA in certs_dir.
std::vector<std::string> TlsArgs(const std::string& certs_dir,
                                 const std::string& name);
// Channel credentials with certificate `name` from certs_dir ("" name: no
// client certificate), trusting that CA.
std::shared_ptr<grpc::ChannelCredentials> ClientTls(
    const std::string& certs_dir, const std::string& name);

class City {
 public:
  // security: TlsArgs(...) or {"--insecure"}. Picks a free port.
  City(const Binaries& bin, std::string data_dir,
       std::vector<std::string> security);
  ~City();
  void Start();  // waits for the port
  void Kill();   // SIGKILL
  void Stop();   // SIGTERM, expects exit code 0
  bool running() const { return process_ != nullptr; }
  int port() const { return port_; }
  std::string address() const;
  const std::string& data_dir() const { return data_dir_; }

 private:
  const Binaries bin_;
  const std::string data_dir_;
  const std::vector<std::string> security_;
  const int port_;
  std::unique_ptr<testutil::Process> process_;
};

class County {
 public:
  County(const Binaries& bin, std::string node_id, std::string data_dir,
         std::string city_address, std::vector<std::string> security);
  ~County();
  void Start();
  void Kill();
  void Stop();
  bool running() const { return process_ != nullptr; }
  const std::string& node_id() const { return node_id_; }
  const std::string& data_dir() const { return data_dir_; }
  std::string address() const;

 private:
  const Binaries bin_;
  const std::string node_id_;
  const std::string data_dir_;
  const std::string city_address_;
  const std::vector<std::string> security_;
  const int port_;
  std::unique_ptr<testutil::Process> process_;
};

// GetStatus of one node (empty: all), through `channel`.
absl::StatusOr<v1::GetStatusResponse> CityStatus(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& node);

// Sends RegisterNode, then RegisterUnit commands (one event each) to a
// county as fast as `per_second` allows, retrying a failed command with the
// same command id until it succeeds (the county may be down). Stop() ends
// it; last_sequence() is the county's head after the last acknowledged
// command. `credentials`: how to reach the county (null: plaintext; a
// county started with TLS flags serves mutual TLS and takes writers with
// its own clerk certificate, e.g. ClientTls(certs, "clerk-371302")).
class Driver {
 public:
  Driver(std::string node_id, std::string county_address, int per_second,
         std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr);
  ~Driver();
  void Stop();
  uint64_t last_sequence() const { return last_sequence_.load(); }
  uint64_t acknowledged() const { return acknowledged_.load(); }

 private:
  void Run();
  const std::string node_id_;
  const std::string address_;
  const int per_second_;
  const std::shared_ptr<grpc::ChannelCredentials> credentials_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> last_sequence_{0};
  std::atomic<uint64_t> acknowledged_{0};
  std::thread thread_;
};

// Appends one RegisterUnit command (and RegisterNode first when `first`)
// synchronously; returns the last sequence.
absl::StatusOr<uint64_t> SendUnit(v1::CommandService::Stub& stub,
                                  const std::string& node_id, uint64_t n);

// Opens both logs (processes stopped) and compares them: same head
// (sequence and hash) and every event byte for byte; both chains verify.
// Returns the number of events compared, or a description of the first
// difference.
absl::StatusOr<uint64_t> CompareLogs(const std::string& node_id,
                                     const std::string& county_dir,
                                     const std::string& city_copy_dir);

}  // namespace reporting::replication_test

#endif  // REPORTING_TESTS_REPLICATION_HARNESS_H_
