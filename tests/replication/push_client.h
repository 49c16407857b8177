// A raw ReplicationService.Push client for tests that speak the protocol
// by hand (wrong identities, malformed messages, status under a fake
// clock), and MakeNodeLog, the real node log such tests push.
#ifndef REPORTING_TESTS_REPLICATION_PUSH_CLIENT_H_
#define REPORTING_TESTS_REPLICATION_PUSH_CLIENT_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "proto/event_types.h"
#include "reporting/v1/events.pb.h"
#include "reporting/v1/replication.grpc.pb.h"
#include "storage/event_log.h"

namespace reporting::replication_test {

// A real log of `node` in dir with n single-event appends (NodeRegistered,
// then UnitRegistered: a log the campaign's rules allow, so the city's
// re-check does not quarantine it), returned as the stored events a county
// pushes (sequence, exact envelope bytes, hash). Empty, with a test
// failure, if the log cannot be made.
inline std::vector<storage::StoredEvent> MakeNodeLog(const std::string& dir,
                                                     const std::string& node,
                                                     int n) {
  storage::EventLogOptions o;
  o.node_id = node;
  o.sync = false;
  auto log = storage::EventLog::Open(dir, o);
  EXPECT_TRUE(log.ok()) << log.status();
  if (!log.ok()) return {};
  for (int i = 1; i <= n; ++i) {
    storage::AppendRequest r;
    r.command_id = absl::StrCat("c", i);
    r.actor = "clerk:test";
    if (i == 1) {
      v1::NodeRegistered m;
      m.set_node_id(node);
      m.set_name("县区");
      m.set_kind(v1::NODE_KIND_COUNTY);
      r.events.push_back({absl::StrCat("node/", node),
                          events::TypeOf<v1::NodeRegistered>(),
                          m.SerializeAsString()});
    } else {
      v1::UnitRegistered u;
      u.set_unit_id(absl::StrCat(node, "-U", i));
      u.set_name("单位");
      u.set_batch(v1::BATCH_FIRST);
      u.set_member_count(5);
      r.events.push_back({absl::StrCat("unit/", node, "-U", i),
                          events::TypeOf<v1::UnitRegistered>(),
                          u.SerializeAsString()});
    }
    auto appended = (*log)->Append(r);
    EXPECT_TRUE(appended.ok()) << appended.status();
  }
  auto all = (*log)->Read(1, storage::ReadLimits{100000, 1 << 30});
  EXPECT_TRUE(all.ok()) << all.status();
  return all.ok() ? *all : std::vector<storage::StoredEvent>{};
}

class PushClient {
 public:
  explicit PushClient(const std::shared_ptr<grpc::Channel>& channel)
      : stub_(v1::ReplicationService::NewStub(channel)) {
    context_.set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(20));
    stream_ = stub_->Push(&context_);
  }
  bool Hello(const std::string& node, uint64_t head = 0,
             const std::string& hash = std::string(32, '\0')) {
    v1::PushRequest r;
    r.mutable_hello()->set_node_id(node);
    r.mutable_hello()->set_head_sequence(head);
    r.mutable_hello()->set_head_hash(hash);
    return stream_->Write(r);
  }
  // events as a Batch reporting head_sequence (0: the last event's).
  bool Batch(const std::vector<storage::StoredEvent>& events,
             uint64_t head_sequence = 0) {
    v1::PushRequest r;
    v1::EventBatch* b = r.mutable_batch();
    uint64_t last = 0;
    for (const storage::StoredEvent& e : events) {
      v1::StoredEvent* out = b->add_events();
      out->set_sequence(e.sequence);
      out->set_envelope(e.envelope);
      out->set_hash(e.hash);
      last = std::max(last, e.sequence);
    }
    b->set_head_sequence(head_sequence != 0 ? head_sequence : last);
    return stream_->Write(r);
  }
  bool Send(const v1::PushRequest& r) { return stream_->Write(r); }
  // The next response; false when the stream ended.
  bool Read(v1::PushResponse* r) { return stream_->Read(r); }
  // Half-closes, drains responses and returns the final status.
  grpc::Status Finish() {
    stream_->WritesDone();
    v1::PushResponse r;
    while (stream_->Read(&r)) {
    }
    return stream_->Finish();
  }
  grpc::ClientContext& context() { return context_; }

 private:
  std::unique_ptr<v1::ReplicationService::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::PushRequest, v1::PushResponse>>
      stream_;
};

}  // namespace reporting::replication_test

#endif  // REPORTING_TESTS_REPLICATION_PUSH_CLIENT_H_
