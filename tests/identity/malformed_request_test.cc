// A seeded malformed-request run (issue 20): at least 2,000 requests over
// every RPC of both binaries (every method of CommandService, ClerkService,
// AuditService, AdminService, ReplicationService, QueryService, and
// health), each sent by a caller the role table admits so that it reaches
// the handler. Requests are built from the method's request descriptor with
// random field values (extreme numbers, unknown enum values, long, empty,
// non-ASCII and path-like text, random bytes, nested messages), then
// possibly mutated (bytes flipped, truncated, garbage appended) or replaced
// by random bytes. Checks:
// - no INTERNAL, UNKNOWN or UNIMPLEMENTED answer, and no hang (every call
//   answers within its deadline);
// - no write by a refused request: the county's head moves only when a
//   write method answered OK, and at the city only the county's own log
//   (which replicates) holds events;
// - both binaries still serve afterwards (no crash).
// The seed is printed; REPORTING_FUZZ_SEED reruns one.
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/message.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "reporting/v1/audit.grpc.pb.h"
#include "reporting/v1/replication.pb.h"
#include "services/common/roles.h"
#include "tests/identity/identity_cluster.h"
#include "tests/identity/raw_call.h"

namespace reporting::identity_test {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr int kRequests = 2000;

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  int Int(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  std::string Text() {
    static const std::vector<std::string> kTexts = {"",
                                                    "371302",
                                                    "371311",
                                                    "999999",
                                                    "371302-U1",
                                                    "371302-U1-M1",
                                                    "unit/371302-U1",
                                                    "单位",
                                                    "2026-06-30",
                                                    "../../etc/passwd",
                                                    std::string("a\0b", 3),
                                                    "\xff\xfe",
                                                    "OU=auditor",
                                                    "-1",
                                                    "18446744073709551616"};
    switch (Int(4)) {
      case 0:
        return kTexts[Int(kTexts.size())];
      case 1:
        return std::string(Int(5000), static_cast<char>('a' + Int(26)));
      case 2:
        return Bytes(Int(40));
      default:
        return absl::StrCat("x", Int(1000000));
    }
  }

  std::string Bytes(int n) {
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(Int(256));
    return s;
  }

  int64_t Number() {
    static const std::vector<int64_t> kNumbers = {0,
                                                  1,
                                                  -1,
                                                  2,
                                                  100,
                                                  1000000,
                                                  INT32_MAX,
                                                  INT32_MIN,
                                                  INT64_MAX,
                                                  INT64_MIN,
                                                  1796083200000000};
    return Int(2) == 0 ? kNumbers[Int(kNumbers.size())]
                       : static_cast<int64_t>(rng_());
  }

  void Fill(Message* m, int depth) {
    const Descriptor* d = m->GetDescriptor();
    const Reflection* r = m->GetReflection();
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      if (Int(2) == 0) continue;
      const int count = f->is_repeated() ? Int(4) : 1;
      for (int k = 0; k < count; ++k) SetOne(m, r, f, depth);
    }
  }

  // Serialized request for `type`, possibly mutated.
  std::string Request(const Descriptor* type) {
    std::unique_ptr<Message> m(factory_.GetPrototype(type)->New());
    Fill(m.get(), 0);
    if (type->full_name() == "reporting.v1.BackupRequest") {
      // Never a directory that could be created: a relative path whose
      // first components do not exist, so no mutation makes it usable.
      m->GetReflection()->SetString(
          m.get(), type->FindFieldByName("dir"),
          absl::StrCat("no-such-dir-", Int(1000), "/a/b"));
    }
    std::string bytes;
    (void)m->SerializePartialToString(&bytes);
    switch (Int(10)) {
      case 0:
      case 1:  // flip bytes
        for (int k = 0; k < 1 + Int(4) && !bytes.empty(); ++k) {
          bytes[Int(bytes.size())] = static_cast<char>(Int(256));
        }
        break;
      case 2:  // truncate
        if (!bytes.empty()) bytes.resize(Int(bytes.size()));
        break;
      case 3:  // garbage appended
        bytes += Bytes(1 + Int(16));
        break;
      case 4:  // random bytes
        bytes = Bytes(Int(64));
        break;
      default:
        break;
    }
    return bytes;
  }

 private:
  void SetOne(Message* m, const Reflection* r, const FieldDescriptor* f,
              int depth) {
    const bool rep = f->is_repeated();
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        rep ? r->AddInt32(m, f, static_cast<int32_t>(Number()))
            : r->SetInt32(m, f, static_cast<int32_t>(Number()));
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        rep ? r->AddInt64(m, f, Number()) : r->SetInt64(m, f, Number());
        break;
      case FieldDescriptor::CPPTYPE_UINT32:
        rep ? r->AddUInt32(m, f, static_cast<uint32_t>(Number()))
            : r->SetUInt32(m, f, static_cast<uint32_t>(Number()));
        break;
      case FieldDescriptor::CPPTYPE_UINT64:
        rep ? r->AddUInt64(m, f, static_cast<uint64_t>(Number()))
            : r->SetUInt64(m, f, static_cast<uint64_t>(Number()));
        break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        rep ? r->AddDouble(m, f, static_cast<double>(Number()))
            : r->SetDouble(m, f, static_cast<double>(Number()));
        break;
      case FieldDescriptor::CPPTYPE_FLOAT:
        rep ? r->AddFloat(m, f, static_cast<float>(Number()))
            : r->SetFloat(m, f, static_cast<float>(Number()));
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        rep ? r->AddBool(m, f, Int(2) == 1) : r->SetBool(m, f, Int(2) == 1);
        break;
      case FieldDescriptor::CPPTYPE_ENUM: {
        const int value = Int(3) == 0
                              ? static_cast<int>(Number())
                              : f->enum_type()
                                    ->value(Int(f->enum_type()->value_count()))
                                    ->number();
        rep ? r->AddEnumValue(m, f, value) : r->SetEnumValue(m, f, value);
        break;
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string v =
            f->type() == FieldDescriptor::TYPE_BYTES ? Bytes(Int(64)) : Text();
        rep ? r->AddString(m, f, v) : r->SetString(m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (depth < 3) {
          Fill(rep ? r->AddMessage(m, f) : r->MutableMessage(m, f), depth + 1);
        }
        break;
    }
  }

  std::mt19937_64 rng_;
  google::protobuf::DynamicMessageFactory factory_;
};

struct Target {
  std::string address;
  std::string own_node;
  const google::protobuf::MethodDescriptor* method;
  std::string cert;
};

TEST(MalformedRequestTest, SeededRequestsOverEveryRpcDoNoHarm) {
  Cluster& cluster = Cluster::Get();
  uint64_t seed = std::random_device{}();
  if (const char* s = std::getenv("REPORTING_FUZZ_SEED")) {
    seed = std::strtoull(s, nullptr, 10);
  }
  std::printf("malformed requests: seed %llu (REPORTING_FUZZ_SEED)\n",
              static_cast<unsigned long long>(seed));
  Generator gen(seed);

  std::vector<Target> targets;
  const std::vector<std::pair<std::string, std::vector<std::string>>> servers =
      {{cluster.county_address(),
        {"reporting.v1.CommandService", "reporting.v1.CommandStreamService",
         "reporting.v1.ClerkService", "reporting.v1.AuditService",
         "reporting.v1.AdminService", "grpc.health.v1.Health"}},
       {cluster.city_address(),
        {"reporting.v1.ReplicationService", "reporting.v1.QueryService",
         "reporting.v1.AuditService", "reporting.v1.AdminService",
         "grpc.health.v1.Health"}}};
  for (const auto& [address, services] : servers) {
    const std::string own = address == cluster.county_address() ? "371302" : "";
    for (const std::string& name : services) {
      const auto* service = ServiceNamed(name);
      ASSERT_NE(service, nullptr) << name;
      for (int i = 0; i < service->method_count(); ++i) {
        const auto* m = service->method(i);
        if (m->name() == "Watch") continue;  // never ends by itself
        const Caller* caller = AllowedCaller(name, m->name(), own);
        ASSERT_NE(caller, nullptr) << m->full_name();
        targets.push_back({address, own, m, caller->cert});
      }
    }
  }

  std::map<std::string, int> codes;
  uint64_t head = cluster.CountyHead();
  int sent = 0;
  for (int n = 0; sent < kRequests; ++n) {
    const Target& t = targets[n % targets.size()];
    std::vector<std::string> frames;
    if (t.method->client_streaming()) {
      // Push: usually a Hello of the caller's node first, then messages.
      if (gen.Int(3) != 0) {
        v1::PushRequest hello;
        hello.mutable_hello()->set_node_id("371311");
        frames.push_back(hello.SerializeAsString());
      }
      for (int k = gen.Int(4); k > 0; --k) {
        frames.push_back(gen.Request(t.method->input_type()));
      }
    } else {
      frames.push_back(gen.Request(t.method->input_type()));
    }
    const std::string method = absl::StrCat(
        "/", t.method->service()->full_name(), "/", t.method->name());
    RawResult r = RawCall(cluster.Channel(t.address, t.cert), method, frames,
                          std::chrono::seconds(20));
    ++sent;
    const grpc::StatusCode code = r.status.error_code();
    ++codes[absl::StrCat(code)];
    const std::string what = absl::StrCat("request ", sent, " ", method, ": ",
                                          code, " ", r.status.error_message());
    ASSERT_NE(code, grpc::StatusCode::INTERNAL) << what;
    ASSERT_NE(code, grpc::StatusCode::UNKNOWN) << what;
    ASSERT_NE(code, grpc::StatusCode::UNIMPLEMENTED) << what;
    ASSERT_NE(code, grpc::StatusCode::DEADLINE_EXCEEDED) << what;
    ASSERT_NE(code, grpc::StatusCode::UNAVAILABLE) << what;
    // A command stream answers each command on the stream: its status
    // says nothing of them (command_stream_tls_test checks them).
    const bool command_stream =
        t.method->service()->name() == "CommandStreamService";
    const bool writes = t.method->service()->name() == "CommandService" ||
                        command_stream || t.method->name() == "ImportBatch";
    if (writes) {
      const uint64_t now = cluster.CountyHead();
      if (code != grpc::StatusCode::OK && !command_stream) {
        ASSERT_EQ(now, head) << "a refused request wrote: " << what;
      }
      head = now;
    }
  }
  // Both still serve, and the city holds events only of the county that
  // replicates to it.
  for (const std::string& address :
       {cluster.county_address(), cluster.city_address()}) {
    RawResult health =
        RawCall(cluster.Channel(address, "auditor"),
                "/grpc.health.v1.Health/Check", {""}, std::chrono::seconds(10));
    EXPECT_TRUE(health.status.ok())
        << address << ": " << health.status.error_message();
  }
  auto audit = v1::AuditService::NewStub(
      cluster.Channel(cluster.city_address(), "auditor"));
  grpc::ClientContext ctx;
  v1::ListLogsResponse logs;
  ASSERT_TRUE(audit->ListLogs(&ctx, v1::ListLogsRequest(), &logs).ok());
  for (const v1::LogInfo& log : logs.logs()) {
    if (log.node_id() != "371302") {
      EXPECT_EQ(log.head_sequence(), 0u) << log.node_id();
    }
  }
  std::string summary;
  for (const auto& [code, count] : codes) {
    absl::StrAppend(&summary, " code ", code, ": ", count, ";");
  }
  std::printf("malformed requests: %d sent over %zu methods;%s\n", sent,
              targets.size(), summary.c_str());
}

}  // namespace
}  // namespace reporting::identity_test
