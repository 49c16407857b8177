// fuzz_seeds: writes the seed corpus of every fuzz target from the
// project's own encoders, so that each seed is valid input that reaches deep
// into the code under test (tests/fuzz/README.md):
//
//   fuzz_seeds OUT_DIR SAMPLES_DIR      (SAMPLES_DIR: deploy/samples)
//
// It drives a generated campaign (reportctl's BuildCampaign: one node,
// every unit fate) through an in-process node, then cuts the node's real
// log into the seeds of the storage, replication and export targets:
//   command/       per unit: RegisterNode and that unit's commands; and one
//                  ImportBatch carrying a unit's commands
//   envelope/      one stored envelope of each event type
//   replica_append/ batches: whole, overlapping, with a gap, a divergent
//                  event, a foreign node's event
//   push/          Push streams: Hello and batches with heartbeats; a
//                  Divergence; a gap; a second Hello
//   export_reader/ exports written by ExportWriter (manifest and lines)
//   import_csv/    the sample files of docs/IMPORT.md, each kind
// The event ids are random, so a new run writes other bytes: commit one
// run's output (tests/fuzz/corpus/), do not regenerate it in CI.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "reporting/v1/audit.pb.h"
#include "reporting/v1/clerk.pb.h"
#include "reporting/v1/envelope.pb.h"
#include "reporting/v1/replication.pb.h"
#include "services/export/export_format.h"
#include "services/generator/generate_campaign.h"
#include "storage/event_log.h"
#include "storage/hash_chain.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/in_process_node.h"
#include "tests/fuzz/stored_event_codec.h"
#include "tests/testutil/temp_dir.h"

namespace reporting::fuzz {
namespace {

using storage::StoredEvent;

class Corpus {
 public:
  explicit Corpus(std::string dir) : dir_(std::move(dir)) {}
  void Add(const std::string& target, const std::string& name,
           const std::string& bytes) {
    const std::string d = absl::StrCat(dir_, "/", target);
    std::filesystem::create_directories(d);
    std::ofstream out(absl::StrCat(d, "/", name), std::ios::binary);
    out << bytes;
    FUZZ_CHECK(out.good(), name);
  }
  void Add(const std::string& target, const std::string& name,
           const std::vector<std::string>& chunks) {
    Add(target, name, JoinChunks(chunks));
  }

 private:
  const std::string dir_;
};

std::string CommandChunk(const generator::Command& c) {
  return c.method + '\0' + c.request->SerializeAsString();
}

// Runs the campaign; writes the command seeds; returns the node's log.
std::vector<StoredEvent> Commands(Corpus& corpus) {
  generator::CampaignOptions options;
  options.node_ids = {kFuzzNode};
  options.units_per_node = generator::kFateCount;
  options.members_per_unit = generator::kMinMembersPerUnit;
  options.seed = 7;
  options.today = "2026-11-30";
  absl::StatusOr<generator::Campaign> campaign =
      generator::BuildCampaign(options);
  FUZZ_CHECK(campaign.ok(), campaign.status().ToString());
  const std::vector<generator::Command>& commands =
      campaign->nodes.at(0).commands;

  // Node commands (before the first RegisterUnit), then one list per unit.
  std::vector<std::string> node_chunks = {""};
  std::vector<std::vector<const generator::Command*>> units;
  for (const generator::Command& c : commands) {
    if (c.method == "RegisterUnit") units.emplace_back();
    if (units.empty()) {
      node_chunks.push_back(CommandChunk(c));
    } else {
      units.back().push_back(&c);
    }
  }
  for (size_t u = 0; u < units.size(); ++u) {
    std::vector<std::string> chunks = node_chunks;
    for (const generator::Command* c : units[u]) {
      chunks.push_back(CommandChunk(*c));
    }
    corpus.Add("command", absl::StrCat("unit-", u + 1), chunks);
  }
  // The first unit's commands as one clerk import.
  v1::ImportBatchRequest import;
  import.set_batch_id("import:seed:unit-1");
  import.set_actor("clerk:seed@371302");
  for (const generator::Command* c : units.at(0)) {
    v1::ImportCommand* ic = import.add_commands();
    ic->set_label(absl::StrCat("seed.csv:", import.commands_size()));
    ic->set_method(c->method);
    ic->set_request(c->request->SerializeAsString());
  }
  std::vector<std::string> chunks = node_chunks;
  chunks.push_back("ImportBatch" + std::string(1, '\0') +
                   import.SerializeAsString());
  corpus.Add("command", "import-unit-1", chunks);

  // The real log those commands build (every one must be accepted).
  testutil::TempDir dir("fuzz-seeds");
  InProcessNode node(dir.Sub("log"));
  for (const generator::Command& c : commands) {
    const google::protobuf::MethodDescriptor* method = FindNodeMethod(c.method);
    FUZZ_CHECK(method != nullptr, c.method);
    const InProcessNode::Answer a = node.Call(*method, *c.request);
    FUZZ_CHECK(a.status.ok(),
               absl::StrCat(c.method, ": ", a.status.error_message()));
  }
  const uint64_t head = node.log().GetHead().sequence;
  absl::StatusOr<std::vector<StoredEvent>> events =
      node.log().Read(1, {head + 1, size_t{1} << 30});
  FUZZ_CHECK(events.ok() && events->size() == head, "read the log");
  std::printf("fuzz_seeds: %zu commands, %llu events\n", commands.size(),
              static_cast<unsigned long long>(head));
  return *events;
}

void Envelopes(Corpus& corpus, const std::vector<StoredEvent>& events) {
  std::set<std::string> types;
  for (const StoredEvent& e : events) {
    v1::EventEnvelope env;
    FUZZ_CHECK(env.ParseFromString(e.envelope), "envelope");
    if (types.insert(env.event_type()).second) {
      corpus.Add("envelope",
                 env.event_type().substr(env.event_type().rfind('.') + 1),
                 e.envelope);
    }
  }
}

// Events [from, to] (1-based sequences) as event chunks.
std::vector<std::string> Range(const std::vector<StoredEvent>& events,
                               uint64_t from, uint64_t to) {
  std::vector<std::string> out;
  for (uint64_t s = from; s <= to; ++s) {
    out.push_back(EncodeStoredEvent(events.at(s - 1)));
  }
  return out;
}

std::vector<std::string> Join(std::vector<std::vector<std::string>> batches,
                              const std::string& options) {
  std::vector<std::string> out = {options};
  for (size_t i = 0; i < batches.size(); ++i) {
    if (i > 0) out.push_back("");  // ends a batch
    out.insert(out.end(), batches[i].begin(), batches[i].end());
  }
  return out;
}

// Event `seq` with another actor (or node), re-encoded: a valid event that
// differs from the one the log holds once re-chained.
StoredEvent Altered(const std::vector<StoredEvent>& events, uint64_t seq,
                    const std::string& node) {
  StoredEvent e = events.at(seq - 1);
  v1::EventEnvelope env;
  env.ParseFromString(e.envelope);
  env.set_actor("clerk:someone-else@" + node);
  env.set_node_id(node);
  e.envelope = env.SerializeAsString();
  e.hash = storage::ChainHash(env.prev_hash(), e.envelope);
  return e;
}

void Replica(Corpus& corpus, const std::vector<StoredEvent>& events) {
  const std::string plain(1, '\0'), rechain(1, '\1');
  corpus.Add("replica_append", "whole", Join({Range(events, 1, 20)}, plain));
  corpus.Add("replica_append", "overlap",
             Join({Range(events, 1, 10), Range(events, 6, 20)}, plain));
  corpus.Add("replica_append", "repeat",
             Join({Range(events, 1, 5), Range(events, 1, 5)}, plain));
  corpus.Add("replica_append", "gap",
             Join({Range(events, 1, 5), Range(events, 8, 10)}, plain));
  corpus.Add("replica_append", "rechained",
             Join({Range(events, 1, 12)}, rechain));
  corpus.Add("replica_append", "divergent",
             Join({Range(events, 1, 5),
                   {EncodeStoredEvent(Altered(events, 5, kFuzzNode))}},
                  rechain));
  corpus.Add(
      "replica_append", "foreign",
      Join({{EncodeStoredEvent(Altered(events, 1, "371311"))}}, rechain));
}

std::string Hello(const std::vector<StoredEvent>& events, uint64_t head) {
  v1::PushRequest r;
  r.mutable_hello()->set_node_id(kFuzzNode);
  r.mutable_hello()->set_head_sequence(head);
  r.mutable_hello()->set_head_hash(head == 0 ? storage::ZeroHash()
                                             : events.at(head - 1).hash);
  return r.SerializeAsString();
}

std::string Batch(const std::vector<StoredEvent>& events, uint64_t from,
                  uint64_t to, uint64_t head) {
  v1::PushRequest r;
  for (uint64_t s = from; s <= to; ++s) {
    v1::StoredEvent* e = r.mutable_batch()->add_events();
    e->set_sequence(s);
    e->set_envelope(events.at(s - 1).envelope);
    e->set_hash(events.at(s - 1).hash);
  }
  r.mutable_batch()->set_head_sequence(head);
  r.mutable_batch()->set_sent_at_us(kNodeNowUs);
  return r.SerializeAsString();
}

std::string Heartbeat(const std::vector<StoredEvent>& events, uint64_t head) {
  v1::PushRequest r;
  r.mutable_heartbeat()->set_head_sequence(head);
  r.mutable_heartbeat()->set_head_hash(events.at(head - 1).hash);
  r.mutable_heartbeat()->set_sent_at_us(kNodeNowUs);
  return r.SerializeAsString();
}

void Push(Corpus& corpus, const std::vector<StoredEvent>& events) {
  const std::string plain(1, '\0');
  corpus.Add("push", "batches",
             std::vector<std::string>{
                 plain, Hello(events, 20), Batch(events, 1, 10, 20),
                 Heartbeat(events, 10), Batch(events, 11, 20, 20),
                 Heartbeat(events, 20)});
  corpus.Add("push", "hello-only",
             std::vector<std::string>{plain, Hello(events, 0)});
  v1::PushRequest divergence;
  divergence.mutable_divergence()->set_sequence(3);
  divergence.mutable_divergence()->set_county_hash(events.at(2).hash);
  divergence.mutable_divergence()->set_city_hash(storage::ZeroHash());
  divergence.mutable_divergence()->set_detail("seed: reported divergence");
  corpus.Add(
      "push", "divergence",
      std::vector<std::string>{plain, Hello(events, 5), Batch(events, 1, 5, 5),
                               divergence.SerializeAsString()});
  corpus.Add("push", "gap",
             std::vector<std::string>{plain, Hello(events, 5),
                                      Batch(events, 3, 5, 5)});
  corpus.Add(
      "push", "second-hello",
      std::vector<std::string>{plain, Hello(events, 5), Batch(events, 1, 5, 5),
                               Hello(events, 5)});
}

void Export(Corpus& corpus, const std::vector<StoredEvent>& events,
            uint64_t count, const std::string& name) {
  testutil::TempDir dir("fuzz-seeds-export");
  const std::string path = dir.Sub("export.jsonl");
  // The seal's fields as a server fills them, unsigned: the seeds feed the
  // parsers, which do not check signatures (export_verify.h does).
  v1::ExportSeal seal;
  seal.set_signer(kFuzzNode);
  seal.set_node_id(kFuzzNode);
  seal.set_count(count);
  seal.set_first_sequence(count > 0 ? 1 : 0);
  seal.set_last_sequence(count);
  seal.set_log_head_sequence(events.size());
  auto writer = audit::ExportWriter::Create(path);
  FUZZ_CHECK(writer.ok(), writer.status().ToString());
  for (uint64_t s = 1; s <= count; ++s) {
    v1::AuditedEvent e;
    e.set_sequence(s);
    e.set_envelope(events.at(s - 1).envelope);
    e.set_hash(events.at(s - 1).hash);
    e.set_received_at_us(kNodeNowUs + static_cast<int64_t>(s));
    const absl::Status added = (*writer)->Add(e);
    FUZZ_CHECK(added.ok(), added.ToString());
  }
  const absl::Status finished = (*writer)->Finish(seal);
  FUZZ_CHECK(finished.ok(), finished.ToString());
  auto read = [](const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  corpus.Add("export_reader", name,
             std::vector<std::string>{"", read(audit::ManifestPathFor(path)),
                                      read(path)});
}

void ImportCsv(Corpus& corpus, const std::string& samples) {
  const std::vector<std::pair<char, std::string>> files = {
      {0, "evaluations"}, {1, "rectification"}, {2, "census"}};
  for (const auto& [kind, name] : files) {
    std::ifstream in(absl::StrCat(samples, "/", name, ".csv"),
                     std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    FUZZ_CHECK(!text.str().empty(), name);
    corpus.Add("import_csv", name, std::string(1, kind) + text.str());
  }
}

}  // namespace
}  // namespace reporting::fuzz

int main(int argc, char** argv) {
  using namespace reporting::fuzz;
  if (argc != 3) {
    std::fprintf(stderr, "usage: fuzz_seeds OUT_DIR SAMPLES_DIR\n");
    return 2;
  }
  Corpus corpus(argv[1]);
  const std::vector<reporting::storage::StoredEvent> events = Commands(corpus);
  Envelopes(corpus, events);
  Replica(corpus, events);
  Push(corpus, events);
  Export(corpus, events, 30, "thirty-events");
  Export(corpus, events, 3, "three-events");
  ImportCsv(corpus, argv[2]);
  std::printf("fuzz_seeds: corpus written to %s\n", argv[1]);
  return 0;
}
