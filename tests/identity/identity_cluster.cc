#include "tests/identity/identity_cluster.h"

#include <sys/wait.h>

#include <cstdlib>
#include <stdexcept>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "reporting/v1/admin.grpc.pb.h"
#include "reporting/v1/audit.grpc.pb.h"
#include "reporting/v1/clerk.grpc.pb.h"
#include "reporting/v1/command.grpc.pb.h"
#include "reporting/v1/command_stream.grpc.pb.h"
#include "reporting/v1/query.grpc.pb.h"
#include "reporting/v1/replication.grpc.pb.h"
#include "services/common/roles.h"
#include "tests/testutil/process.h"

namespace reporting::identity_test {
namespace {

using replication_test::ClientTls;
using replication_test::TlsArgs;

constexpr char kNode[] = "371302";

// gen-certs.sh OUT --issue NAME OU CN (no shell: the CN may hold anything).
}  // namespace

void Issue(const replication_test::Binaries& bin, const std::string& dir,
           const std::string& name, const std::string& ou,
           const std::string& cn) {
  testutil::Process p({bin.gen_certs, dir, "--issue", name, ou, cn},
                      dir + "/issue.log");
  const int status = p.Wait(60000);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(absl::StrCat("gen-certs.sh --issue ", name,
                                          " failed; see ", dir, "/issue.log"));
  }
}

const std::vector<Caller>& Callers() {
  static const auto* callers = new std::vector<Caller>{
      {"node-371302", "371302", "node"},
      {"node-371311", "371311", "node"},
      {"clerk-371302", "371302", "clerk"},
      {"clerk-371311", "371311", "clerk"},
      {"clerk-999999", "999999", "clerk"},
      {"office", "office", "office"},
      {"auditor", "auditor", "auditor"},
      {"operator", "operator", "operator"},
      {"city", "city", "city"},
      {"office-li", "Li, Wei,OU=auditor", "office"},
      {"office-zhang", "Zhang, San,OU=operator", "office"},
      {"auditor-wang", "Wang Fang", "auditor"},
  };
  return *callers;
}

bool TableAllows(const std::string& service, const std::string& method,
                 const Caller& caller, const std::string& own_node) {
  const services::AccessRule* rule = services::FindRule(service, method);
  if (rule == nullptr) return false;
  const std::optional<services::Role> role = services::RoleFromUnit(caller.ou);
  if (!role.has_value()) return false;
  bool role_ok = rule->roles.empty();
  for (services::Role r : rule->roles) role_ok = role_ok || r == *role;
  return role_ok && (!rule->own_node || caller.cn == own_node);
}

const Caller* AllowedCaller(const std::string& service,
                            const std::string& method,
                            const std::string& own_node) {
  for (const Caller& c : Callers()) {
    if (TableAllows(service, method, c, own_node)) return &c;
  }
  return nullptr;
}

const google::protobuf::ServiceDescriptor* ServiceNamed(
    const std::string& name) {
  // Referenced so that the generated descriptors are linked and registered.
  static const bool linked = [] {
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    return grpc::health::v1::HealthCheckRequest::descriptor() != nullptr &&
           v1::CommandService::service_full_name() != nullptr &&
           v1::CommandStreamRequest::descriptor() != nullptr &&
           v1::RegisterNodeRequest::descriptor() != nullptr &&
           v1::GetUnitRequest::descriptor() != nullptr &&
           v1::ReplayRequest::descriptor() != nullptr &&
           v1::BackupRequest::descriptor() != nullptr &&
           v1::GetCityOverviewRequest::descriptor() != nullptr &&
           v1::PushRequest::descriptor() != nullptr;
  }();
  if (!linked) return nullptr;
  return google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      name);
}

Cluster& Cluster::Get() {
  static Cluster* cluster = [] {
    // Stopped and removed when the test binary exits: no process or
    // directory is left behind.
    std::atexit([] { delete cluster; });
    return new Cluster();
  }();
  return *cluster;
}

Cluster::Cluster()
    : bin_(replication_test::Binaries::FromEnv()),
      dir_("identity-cluster"),
      certs_(dir_.Sub("certs")) {
  replication_test::GenCerts(bin_, certs_);
  Issue(bin_, certs_, "clerk-999999", "clerk", "999999");
  Issue(bin_, certs_, "office-li", "office", "Li, Wei,OU=auditor");
  Issue(bin_, certs_, "office-zhang", "office", "Zhang, San,OU=operator");
  Issue(bin_, certs_, "auditor-wang", "auditor", "Wang Fang");
  city_metrics_ = testutil::FreePort();
  county_metrics_ = testutil::FreePort();
  std::vector<std::string> city_args = TlsArgs(certs_, "city");
  city_args.push_back(
      absl::StrCat("--metrics_listen=127.0.0.1:", city_metrics_));
  city_ = std::make_unique<replication_test::City>(bin_, dir_.Sub("city"),
                                                   city_args);
  city_->Start();
  std::vector<std::string> county_args =
      TlsArgs(certs_, absl::StrCat("node-", kNode));
  county_args.push_back(
      absl::StrCat("--metrics_listen=127.0.0.1:", county_metrics_));
  county_ = std::make_unique<replication_test::County>(
      bin_, kNode, dir_.Sub("county"), city_->address(), county_args);
  county_->Start();
}

std::shared_ptr<grpc::Channel> Cluster::Channel(const std::string& address,
                                                const std::string& cert) {
  std::shared_ptr<grpc::Channel>& c = channels_[address + " " + cert];
  if (c == nullptr) c = grpc::CreateChannel(address, ClientTls(certs_, cert));
  return c;
}

uint64_t Cluster::CountyHead() {
  auto stub = v1::AuditService::NewStub(Channel(county_address(), "auditor"));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::ChainHashRequest req;
  req.set_node_id(kNode);
  v1::ChainHashResponse resp;
  grpc::Status s = stub->ChainHash(&ctx, req, &resp);
  if (!s.ok()) {
    throw std::runtime_error(
        absl::StrCat("ChainHash as auditor: ", s.error_message()));
  }
  return resp.head_sequence();
}

}  // namespace reporting::identity_test
