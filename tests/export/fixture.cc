#include "tests/export/fixture.h"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "reporting/v1/audit.grpc.pb.h"
#include "reporting/v1/command.grpc.pb.h"

namespace reporting::export_test {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    std::cerr << "export test: $" << name << " is not set (run via ctest)\n";
    std::abort();
  }
  return v;
}

absl::StatusOr<uint64_t> SendBranch(v1::CommandService::Stub& stub, int i) {
  v1::RegisterBranchRequest r;
  r.mutable_meta()->set_command_id(absl::StrCat("branch-", i));
  r.mutable_meta()->set_actor("clerk:branch");
  r.mutable_body()->set_branch_id(absl::StrCat(kNode, "-U", i, "-B01"));
  r.mutable_body()->set_unit_id(absl::StrCat(kNode, "-U", i));
  r.mutable_body()->set_name("第一党支部");
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::CommandResult result;
  grpc::Status s = stub.RegisterBranch(&ctx, r, &result);
  if (!s.ok()) return absl::UnknownError(s.error_message());
  return result.last_sequence();
}

}  // namespace

AuditCluster& AuditCluster::Get() {
  // Destroyed at exit, which kills both processes and removes the data.
  static AuditCluster cluster;
  return cluster;
}

void AuditCluster::Check(bool ok, const std::string& what) {
  if (ok) return;
  std::cerr << "export test fixture: " << what << "\n";
  county_.reset();  // kill the children before giving up
  city_.reset();
  std::abort();
}

AuditCluster::AuditCluster()
    : bin_(replication_test::Binaries::FromEnv()),
      dir_(std::make_unique<testutil::TempDir>("audit-export")) {
  city_ = std::make_unique<replication_test::City>(
      bin_, dir_->Sub("city"), std::vector<std::string>{"--insecure"});
  city_->Start();
  county_ = std::make_unique<replication_test::County>(
      bin_, kNode, dir_->Sub(kNode), city_->address(),
      std::vector<std::string>{"--insecure", "--sign_head_every=100ms"});
  county_->Start();
  auto stub = v1::CommandService::NewStub(grpc::CreateChannel(
      county_->address(), grpc::InsecureChannelCredentials()));
  auto seq = replication_test::SendUnit(*stub, kNode, 0);
  Check(seq.ok() && *seq == 1, "RegisterNode");
  WaitForCity(1);
  for (int i = 1; i <= kUnits; ++i) {
    if (i == 5 || i == 10) WaitForCity(2 * i - 1);
    seq = replication_test::SendUnit(*stub, kNode, i);
    Check(seq.ok() && *seq == static_cast<uint64_t>(2 * i),
          absl::StrCat("RegisterUnit ", i, ": ", seq.status().ToString()));
    seq = SendBranch(*stub, i);
    Check(seq.ok() && *seq == static_cast<uint64_t>(2 * i + 1),
          absl::StrCat("RegisterBranch ", i, ": ", seq.status().ToString()));
  }
  WaitForCity(kEvents);
  WaitForSignedHead(kEvents, 1);
}

void AuditCluster::WaitForCity(uint64_t sequence) {
  auto city_channel =
      grpc::CreateChannel(city_->address(), grpc::InsecureChannelCredentials());
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (true) {
    auto status = replication_test::CityStatus(city_channel, kNode);
    if (status.ok() && status->nodes_size() == 1 &&
        status->nodes(0).last_sequence() >= sequence) {
      break;
    }
    Check(std::chrono::steady_clock::now() < deadline,
          absl::StrCat("the city's copy did not reach ", sequence,
                       " within 30 s"));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void AuditCluster::WaitForSignedHead(uint64_t sequence, uint32_t key) {
  auto stub = v1::AuditService::NewStub(grpc::CreateChannel(
      city_->address(), grpc::InsecureChannelCredentials()));
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (true) {
    grpc::ClientContext ctx;
    v1::KeysResponse keys;
    if (stub->Keys(&ctx, v1::KeysRequest(), &keys).ok()) {
      bool done = false;
      for (const v1::NodeKeys& n : keys.nodes()) {
        done = done || (n.node_id() == kNode &&
                        n.latest_head().sequence() == sequence &&
                        n.latest_head().key_number() == key &&
                        n.keys().keys_size() >= static_cast<int>(key));
      }
      if (done) return;
    }
    Check(std::chrono::steady_clock::now() < deadline,
          absl::StrCat("the city holds no head signed at ", sequence,
                       " with key ", key, " after 30 s"));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void AuditCluster::RotateCountyKey() {
  county_->Stop();
  const RunResult r =
      RunCommand({bin_.county, "rotate-key", std::string("--node_id=") + kNode,
                  "--data_dir=" + dir_->Sub(kNode), "--insecure"});
  Check(r.exit_code == 0, "county-node rotate-key: " + r.err);
  county_->Start();
  WaitForSignedHead(kEvents, 2);
}

RunResult RunCommand(const std::vector<std::string>& argv) {
  RunResult result;
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) return result;
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    close(out_pipe[0]);
    close(err_pipe[0]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  // Read stderr on a thread so neither pipe can fill up and block the child.
  std::thread err_reader([&] {
    char buf[4096];
    ssize_t n;
    while ((n = read(err_pipe[0], buf, sizeof(buf))) > 0)
      result.err.append(buf, n);
  });
  char buf[4096];
  ssize_t n;
  while ((n = read(out_pipe[0], buf, sizeof(buf))) > 0)
    result.out.append(buf, n);
  err_reader.join();
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string ReportctlBin() { return Env("REPORTCTL_BIN"); }

std::vector<std::string> VerifierCommand() {
  return {Env("PYTHON3"), Env("VERIFY_EXPORT")};
}

}  // namespace reporting::export_test
