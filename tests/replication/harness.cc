#include "tests/replication/harness.h"

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "reporting/v1/envelope.pb.h"
#include "services/common/grpc_status.h"
#include "storage/event_log.h"
#include "tests/testutil/files.h"

namespace reporting::replication_test {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    throw std::runtime_error(absl::StrCat("environment variable ", name,
                                          " is not set (run through ctest)"));
  }
  return v;
}

void StopProcess(std::unique_ptr<testutil::Process>& p, const char* what) {
  if (p == nullptr) return;
  p->Signal(SIGTERM);
  int status = p->Wait(20000);
  if (status == -1) {
    p->Kill();
    p.reset();
    throw std::runtime_error(absl::StrCat(what, " did not stop on SIGTERM"));
  }
  p.reset();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(
        absl::StrCat(what, " exited with wait status ", status));
  }
}

// Why a process started with `log` has no port after the wait: exited (its
// wait status) or still starting, and the end of its log.
std::string NoPort(const char* what, testutil::Process& p,
                   const std::string& log) {
  const int status = p.Wait(0);
  std::string text = testutil::ReadFile(log);  // "" when unreadable
  constexpr size_t kTail = 3000;
  if (text.size() > kTail) text = "..." + text.substr(text.size() - kTail);
  return absl::StrCat(what, " did not open its port: ",
                      status == -1
                          ? "still running"
                          : absl::StrCat("exited, wait status ", status),
                      "; the end of ", log, ":\n", text);
}

}  // namespace

const std::vector<std::string> kDemoNodes = {
    "371302", "371311", "371312", "371321", "371322", "371323",
    "371324", "371325", "371326", "371327", "371328", "371329"};

Binaries Binaries::FromEnv() {
  return Binaries{Env("CITY_BIN"), Env("COUNTY_BIN"), Env("GEN_CERTS")};
}

void GenCerts(const Binaries& bin, const std::string& dir,
              const std::vector<std::string>& extra) {
  std::string cmd = absl::StrCat(bin.gen_certs, " ", dir);
  if (!extra.empty()) {
    for (const std::string& n : kDemoNodes) absl::StrAppend(&cmd, " ", n);
    for (const std::string& n : extra) absl::StrAppend(&cmd, " ", n);
  }
  absl::StrAppend(&cmd, " >/dev/null");
  if (std::system(cmd.c_str()) != 0) {
    throw std::runtime_error(absl::StrCat("failed: ", cmd));
  }
}

std::vector<std::string> TlsArgs(const std::string& certs_dir,
                                 const std::string& name) {
  return {absl::StrCat("--tls_cert=", certs_dir, "/", name, ".crt"),
          absl::StrCat("--tls_key=", certs_dir, "/", name, ".key"),
          absl::StrCat("--tls_ca=", certs_dir, "/ca.crt")};
}

std::shared_ptr<grpc::ChannelCredentials> ClientTls(
    const std::string& certs_dir, const std::string& name) {
  grpc::SslCredentialsOptions o;
  o.pem_root_certs = testutil::ReadFile(certs_dir + "/ca.crt");
  if (!name.empty()) {
    o.pem_cert_chain =
        testutil::ReadFile(absl::StrCat(certs_dir, "/", name, ".crt"));
    o.pem_private_key =
        testutil::ReadFile(absl::StrCat(certs_dir, "/", name, ".key"));
  }
  return grpc::SslCredentials(o);
}

City::City(const Binaries& bin, std::string data_dir,
           std::vector<std::string> security)
    : bin_(bin),
      data_dir_(std::move(data_dir)),
      security_(std::move(security)),
      port_(testutil::FreePort()) {}

City::~City() {
  if (process_ != nullptr) process_->Kill();
}

std::string City::address() const { return absl::StrCat("127.0.0.1:", port_); }

void City::Start() {
  std::vector<std::string> argv = {bin_.city, "--data_dir=" + data_dir_,
                                   "--listen=" + address()};
  argv.insert(argv.end(), security_.begin(), security_.end());
  process_ = std::make_unique<testutil::Process>(argv, data_dir_ + ".log");
  if (!testutil::WaitForPort(port_, 20000)) {
    throw std::runtime_error(
        NoPort("city-aggregator", *process_, data_dir_ + ".log"));
  }
}

void City::Kill() {
  if (process_ != nullptr) process_->Kill();
  process_.reset();
}

void City::Stop() { StopProcess(process_, "city-aggregator"); }

County::County(const Binaries& bin, std::string node_id, std::string data_dir,
               std::string city_address, std::vector<std::string> security)
    : bin_(bin),
      node_id_(std::move(node_id)),
      data_dir_(std::move(data_dir)),
      city_address_(std::move(city_address)),
      security_(std::move(security)),
      port_(testutil::FreePort()) {}

County::~County() {
  if (process_ != nullptr) process_->Kill();
}

std::string County::address() const {
  return absl::StrCat("127.0.0.1:", port_);
}

void County::Start() {
  std::vector<std::string> argv = {
      bin_.county, "--node_id=" + node_id_, "--data_dir=" + data_dir_,
      "--listen=" + address(), "--city=" + city_address_};
  argv.insert(argv.end(), security_.begin(), security_.end());
  process_ = std::make_unique<testutil::Process>(argv, data_dir_ + ".log");
  if (!testutil::WaitForPort(port_, 20000)) {
    throw std::runtime_error(
        NoPort("county-node", *process_, data_dir_ + ".log"));
  }
}

void County::Kill() {
  if (process_ != nullptr) process_->Kill();
  process_.reset();
}

void County::Stop() { StopProcess(process_, "county-node"); }

absl::StatusOr<v1::GetStatusResponse> CityStatus(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& node) {
  auto stub = v1::ReplicationService::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::GetStatusRequest req;
  req.set_node_id(node);
  v1::GetStatusResponse resp;
  grpc::Status s = stub->GetStatus(&ctx, req, &resp);
  if (!s.ok()) return services::FromGrpcStatus(s);
  return resp;
}

absl::StatusOr<uint64_t> SendUnit(v1::CommandService::Stub& stub,
                                  const std::string& node_id, uint64_t n) {
  auto call = [&](auto method, auto& request) -> absl::StatusOr<uint64_t> {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(5));
    v1::CommandResult result;
    grpc::Status s = (stub.*method)(&ctx, request, &result);
    if (!s.ok()) return services::FromGrpcStatus(s);
    return result.last_sequence();
  };
  if (n == 0) {
    v1::RegisterNodeRequest r;
    r.mutable_meta()->set_command_id("register-node");
    r.mutable_meta()->set_actor("test:driver");
    r.mutable_body()->set_node_id(node_id);
    r.mutable_body()->set_name("测试区");
    r.mutable_body()->set_kind(v1::NODE_KIND_DISTRICT);
    return call(&v1::CommandService::Stub::RegisterNode, r);
  }
  v1::RegisterUnitRequest r;
  r.mutable_meta()->set_command_id(absl::StrCat("unit-", n));
  r.mutable_meta()->set_actor("test:driver");
  r.mutable_body()->set_unit_id(absl::StrCat(node_id, "-U", n));
  r.mutable_body()->set_name(absl::StrCat("单位 ", n));
  r.mutable_body()->set_batch(v1::BATCH_FIRST);
  r.mutable_body()->set_member_count(30);
  r.mutable_body()->set_category("机关");
  return call(&v1::CommandService::Stub::RegisterUnit, r);
}

Driver::Driver(std::string node_id, std::string county_address, int per_second,
               std::shared_ptr<grpc::ChannelCredentials> credentials)
    : node_id_(std::move(node_id)),
      address_(std::move(county_address)),
      per_second_(per_second),
      credentials_(credentials != nullptr ? std::move(credentials)
                                          : grpc::InsecureChannelCredentials()),
      thread_([this] { Run(); }) {}

Driver::~Driver() { Stop(); }

void Driver::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void Driver::Run() {
  auto channel = grpc::CreateChannel(address_, credentials_);
  auto stub = v1::CommandService::NewStub(channel);
  const auto interval = std::chrono::microseconds(1000000 / per_second_);
  auto next = std::chrono::steady_clock::now();
  uint64_t n = 0;  // 0 = RegisterNode, then units 1, 2, ...
  while (!stop_) {
    absl::StatusOr<uint64_t> seq = SendUnit(*stub, node_id_, n);
    if (seq.ok()) {
      last_sequence_ = std::max(last_sequence_.load(), *seq);
      ++acknowledged_;
      ++n;
      next += interval;
      std::this_thread::sleep_until(next);
    } else {
      // The county is down or restarting: retry the same command id.
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      next = std::chrono::steady_clock::now();
    }
  }
}

absl::StatusOr<uint64_t> CompareLogs(const std::string& node_id,
                                     const std::string& county_dir,
                                     const std::string& city_copy_dir) {
  storage::EventLogOptions o;
  o.node_id = node_id;
  o.create_if_missing = false;
  o.sync = false;
  auto county = storage::EventLog::Open(county_dir, o);
  if (!county.ok()) return county.status();
  auto city = storage::EventLog::Open(city_copy_dir, o);
  if (!city.ok()) return city.status();
  const storage::Head a = (*county)->GetHead();
  const storage::Head b = (*city)->GetHead();
  if (a.sequence != b.sequence || a.hash != b.hash) {
    return absl::InternalError(absl::StrCat(
        "node ", node_id, ": county head ", a.sequence, ", city head ",
        b.sequence, a.sequence == b.sequence ? " (hashes differ)" : ""));
  }
  uint64_t next = 1;
  std::set<std::string> event_ids;
  while (next <= a.sequence) {
    auto x = (*county)->Read(next, storage::ReadLimits{1000, 4 << 20});
    if (!x.ok()) return x.status();
    auto y = (*city)->Read(next, storage::ReadLimits{1000, 4 << 20});
    if (!y.ok()) return y.status();
    for (size_t i = 0; i < x->size(); ++i) {
      if (i >= y->size() || (*x)[i].sequence != next ||
          (*y)[i].sequence != next || (*x)[i].envelope != (*y)[i].envelope ||
          (*x)[i].hash != (*y)[i].hash) {
        return absl::InternalError(absl::StrCat(
            "node ", node_id, ": event ", next, " differs or is missing"));
      }
      v1::EventEnvelope env;
      if (!env.ParseFromString((*y)[i].envelope) ||
          !event_ids.insert(env.event_id()).second) {
        return absl::InternalError(
            absl::StrCat("node ", node_id, ": event ", next,
                         " does not parse or duplicates an earlier event id"));
      }
      ++next;
    }
  }
  if (absl::Status s = (*county)->Verify(); !s.ok()) return s;
  if (absl::Status s = (*city)->Verify(); !s.ok()) return s;
  for (uint64_t seq = 1; seq <= b.sequence;
       seq += std::max<uint64_t>(1, b.sequence / 50)) {
    if (!(*city)->ReceivedAt(seq).ok()) {
      return absl::InternalError(absl::StrCat(
          "node ", node_id, ": city copy lacks the receive time of ", seq));
    }
  }
  return a.sequence;
}

}  // namespace reporting::replication_test
