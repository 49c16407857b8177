// One city aggregator and one county node (371302, replicating to the city)
// over real mutual TLS, started once per test binary, and every kind of
// caller certificate deploy/gen-certs.sh makes, plus made-up ones: another
// node's clerk, a clerk of a node that does not exist (CN=999999), office
// certificates whose CN holds commas and "OU=" text, and a second auditor.
//
// Thread compatibility: used from the test's thread.
#ifndef REPORTING_TESTS_IDENTITY_IDENTITY_CLUSTER_H_
#define REPORTING_TESTS_IDENTITY_IDENTITY_CLUSTER_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "grpcpp/channel.h"
#include "tests/replication/harness.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::identity_test {

struct Caller {
  std::string cert;  // file name in the certificate directory, no suffix
  std::string cn;
  std::string ou;
};

// deploy/gen-certs.sh OUT --issue NAME OU CN (no shell: the CN may hold
// anything); throws when it fails.
void Issue(const replication_test::Binaries& bin, const std::string& dir,
           const std::string& name, const std::string& ou,
           const std::string& cn);

// Every caller certificate the tests use.
const std::vector<Caller>& Callers();

// Whether the role table lets `caller` call service/method on a server
// whose node id is own_node ("" at the city), read from the table's rows
// (services/common/roles.h AccessTable) alone.
bool TableAllows(const std::string& service, const std::string& method,
                 const Caller& caller, const std::string& own_node);

// The first of Callers() the table lets call service/method there, or
// nullptr.
const Caller* AllowedCaller(const std::string& service,
                            const std::string& method,
                            const std::string& own_node);

// The service's descriptor from the generated pool (reporting.v1, health,
// reflection), or nullptr.
const google::protobuf::ServiceDescriptor* ServiceNamed(
    const std::string& name);

class Cluster {
 public:
  // Starts it on first use; it is stopped (its processes killed, its
  // directory removed) when the test binary exits.
  static Cluster& Get();

  std::string city_address() const { return city_->address(); }
  std::string county_address() const { return county_->address(); }
  // Their Prometheus endpoints (--metrics_listen) and log files.
  int city_metrics_port() const { return city_metrics_; }
  int county_metrics_port() const { return county_metrics_; }
  std::string city_log() const { return city_->data_dir() + ".log"; }
  std::string county_log() const { return county_->data_dir() + ".log"; }
  const std::string& certs() const { return certs_; }
  const replication_test::Binaries& bin() const { return bin_; }
  // A channel to `address` as caller certificate `cert` (cached).
  std::shared_ptr<grpc::Channel> Channel(const std::string& address,
                                         const std::string& cert);
  // The county's head sequence, asked by the auditor.
  uint64_t CountyHead();

 private:
  Cluster();
  replication_test::Binaries bin_;
  testutil::TempDir dir_;
  std::string certs_;
  int city_metrics_ = 0;
  int county_metrics_ = 0;
  std::unique_ptr<replication_test::City> city_;
  std::unique_ptr<replication_test::County> county_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
};

}  // namespace reporting::identity_test

#endif  // REPORTING_TESTS_IDENTITY_IDENTITY_CLUSTER_H_
