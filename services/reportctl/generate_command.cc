// reportctl generate: builds a campaign (generate_campaign.h) and drives
// it through the county nodes' CommandService, one thread per node, each
// node's commands in order on one command stream (generate_driver.h).
//
//   reportctl generate --counties H:P,H:P,... [--nodes N]
//       [--node_ids 371302,371311,...] [--units-per-node U]
//       [--members-per-unit M] [--seed S] [--today YYYY-MM-DD]
//       [--expect_out FILE] [--rate R]
//       (--insecure | --tls_cert F --tls_key F --tls_ca F)
//
// Each county node takes commands only from its own clerk certificate:
// "{node}" in --tls_cert/--tls_key stands for each node's id
// (--tls_cert=certs/clerk-{node}.crt --tls_key=certs/clerk-{node}.key).
//
// Node i of the campaign is served by the i-th address of --counties; its
// id is the i-th of --node_ids (default: the Linyi nodes of DOMAIN.md in
// id order). --expect_out writes the overview the city must show once the
// campaign is in, as `reportctl overview --json --today D` prints it.
// --rate R paces the campaign at R commands per second in all (R / N per
// node, each node's commands still in order) for a steady load (the soak
// run, tests/soak/); without it every node's commands go as fast as the
// node answers.
#include <atomic>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "services/generator/generate_campaign.h"
#include "services/generator/generate_driver.h"
#include "services/reportctl/cli/args.h"
#include "services/reportctl/cli/connect.h"
#include "services/reportctl/cli/progress.h"
#include "services/reportctl/cli/table.h"
#include "services/reportctl/commands.h"
#include "services/reportctl/office_args.h"
#include "services/reportctl/office_overview.h"

namespace reporting::reportctl {
namespace {

constexpr char kUsage[] =
    "usage: reportctl generate --counties HOST:PORT[,HOST:PORT...]\n"
    "         [--nodes N] [--node_ids ID,ID...] [--units-per-node U]\n"
    "         [--members-per-unit M] [--seed S] [--today YYYY-MM-DD]\n"
    "         [--expect_out FILE] [--rate COMMANDS_PER_SECOND]\n"
    "         (--insecure | --tls_cert F --tls_key F --tls_ca F)\n"
    "Drives a generated campaign through the county nodes' CommandService.\n"
    "Each node takes only its own clerk certificate: {node} in --tls_cert\n"
    "and --tls_key stands for the node id (certs/clerk-{node}.crt).\n"
    "Deterministic for a seed: running it again appends nothing.\n";

// A flag given as --units-per-node or --units_per_node.
std::string Either(const Args& args, const std::string& dashed,
                   const std::string& fallback) {
  std::string underscored = dashed;
  for (char& c : underscored) c = c == '-' ? '_' : c;
  return args.Get(dashed, args.Get(underscored, fallback));
}

absl::StatusOr<int64_t> IntFlag(const Args& args, const std::string& dashed,
                                int64_t fallback) {
  const std::string text = Either(args, dashed, std::to_string(fallback));
  int64_t value = 0;
  if (!absl::SimpleAtoi(text, &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", dashed, ": not a number: \"", text, "\""));
  }
  return value;
}

struct NodeRun {
  std::atomic<uint64_t> done{0};
  std::atomic<uint64_t> appended{0};
  absl::Status status;  // written by the node's thread before it ends
};

// `interval`: the pace of this node's commands (zero: no pacing).
void RunNode(const generator::NodePlan& plan,
             std::shared_ptr<grpc::Channel> channel, absl::Duration interval,
             NodeRun& run) {
  generator::CommandSender sender(std::move(channel));
  const absl::Time start = absl::Now();
  uint64_t sent = 0;
  for (const generator::Command& command : plan.commands) {
    if (interval > absl::ZeroDuration()) {
      // On a schedule from the start, so a slow answer does not lower the
      // rate for good.
      absl::SleepFor(start + interval * static_cast<double>(sent++) -
                     absl::Now());
    }
    absl::StatusOr<v1::CommandResult> result = sender.Send(command);
    if (!result.ok()) {
      run.status = absl::Status(
          result.status().code(),
          absl::StrCat("node ", plan.node_id, ": ", result.status().message()));
      return;
    }
    if (!result->duplicate()) run.appended.fetch_add(1);
    run.done.fetch_add(1);
  }
}

}  // namespace

int RunGenerate(const Words& words) {
  int exit_code = 0;
  std::optional<Args> args = ParseCommandArgs(
      "generate", words,
      {"counties", "nodes", "node_ids", "units-per-node", "units_per_node",
       "members-per-unit", "members_per_unit", "seed", "today", "expect_out",
       "rate"},
      {}, kUsage, &exit_code);
  if (!args) return exit_code;
  const std::vector<std::string> counties =
      absl::StrSplit(args->Get("counties"), ',', absl::SkipEmpty());
  if (counties.empty()) {
    std::cerr << "reportctl generate: --counties is required\n" << kUsage;
    return 2;
  }
  generator::CampaignOptions options;
  absl::StatusOr<int64_t> nodes = IntFlag(*args, "nodes", counties.size());
  absl::StatusOr<int64_t> units = IntFlag(*args, "units-per-node", 15);
  absl::StatusOr<int64_t> members = IntFlag(*args, "members-per-unit", 6);
  absl::StatusOr<int64_t> seed = IntFlag(*args, "seed", 1);
  absl::StatusOr<int64_t> rate = IntFlag(*args, "rate", 0);
  for (const auto* v : {&nodes, &units, &members, &seed, &rate}) {
    if (!v->ok()) {
      std::cerr << "reportctl generate: " << v->status().message() << "\n";
      return 2;
    }
  }
  if (*rate < 0) {
    std::cerr << "reportctl generate: --rate " << *rate
              << ": commands per second, 0 (as fast as the nodes answer) or "
                 "more\n";
    return 2;
  }
  if (*nodes != static_cast<int64_t>(counties.size())) {
    std::cerr << "reportctl generate: --nodes " << *nodes << " but "
              << counties.size() << " addresses in --counties (one each)\n";
    return 2;
  }
  if (args->Has("node_ids")) {
    options.node_ids =
        absl::StrSplit(args->Get("node_ids"), ',', absl::SkipEmpty());
  } else {
    for (const generator::LinyiNode& n : generator::LinyiNodes())
      options.node_ids.push_back(n.id);
    if (*nodes > static_cast<int64_t>(options.node_ids.size())) {
      std::cerr << "reportctl generate: more than 12 nodes need --node_ids\n";
      return 2;
    }
    options.node_ids.resize(*nodes);
  }
  if (options.node_ids.size() != counties.size()) {
    std::cerr << "reportctl generate: " << options.node_ids.size()
              << " ids in --node_ids for " << counties.size()
              << " addresses in --counties\n";
    return 2;
  }
  options.units_per_node = static_cast<int>(*units);
  options.members_per_unit = static_cast<int>(*members);
  options.seed = static_cast<uint64_t>(*seed);
  options.today = args->Get("today", options.today);
  // Addresses by node id (BuildCampaign sorts its nodes by id).
  std::map<std::string, std::string> address;
  for (size_t i = 0; i < counties.size(); ++i) {
    address[options.node_ids[i]] = counties[i];
  }

  absl::StatusOr<generator::Campaign> campaign =
      generator::BuildCampaign(options);
  if (!campaign.ok()) {
    std::cerr << "reportctl " << campaign.status().message() << "\n";
    return 2;
  }
  uint64_t total = 0;
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (const generator::NodePlan& plan : campaign->nodes) {
    total += plan.commands.size();
    auto channel = ConnectToNode(*args, address[plan.node_id], plan.node_id);
    if (!channel.ok()) return Failed("generate", channel.status());
    channels.push_back(*channel);
  }

  std::vector<NodeRun> runs(campaign->nodes.size());
  std::vector<std::thread> threads;
  const absl::Duration interval =
      *rate == 0 ? absl::ZeroDuration()
                 : absl::Seconds(1) * static_cast<double>(runs.size()) /
                       static_cast<double>(*rate);
  for (size_t i = 0; i < campaign->nodes.size(); ++i) {
    threads.emplace_back(RunNode, std::cref(campaign->nodes[i]), channels[i],
                         interval, std::ref(runs[i]));
  }
  ProgressBar progress("generate", total);
  auto done = [&] {
    uint64_t n = 0;
    for (const NodeRun& r : runs) n += r.done.load();
    return n;
  };
  std::atomic<bool> finished{false};
  std::thread joiner([&] {
    for (std::thread& t : threads) t.join();
    finished = true;
  });
  while (!finished.load()) {
    progress.Update(done());
    absl::SleepFor(absl::Milliseconds(100));
  }
  joiner.join();
  progress.Update(done());
  progress.Finish();

  exit_code = 0;
  uint64_t appended = 0;
  for (size_t i = 0; i < runs.size(); ++i) {
    const generator::NodePlan& plan = campaign->nodes[i];
    appended += runs[i].appended.load();
    std::cout << "node " << plan.node_id << " " << plan.name << ": "
              << runs[i].done.load() << "/" << plan.commands.size()
              << " commands, " << runs[i].appended.load() << " appended\n";
    if (!runs[i].status.ok()) {
      exit_code = Failed("generate", runs[i].status);
    }
  }
  std::cout << "campaign seed " << options.seed << " today " << options.today
            << ": " << campaign->nodes.size() << " nodes, "
            << campaign->city.units << " units, " << total << " commands, "
            << appended << " appended, " << done() - appended
            << " already recorded\n";
  if (exit_code != 0) return exit_code;

  if (args->Has("expect_out")) {
    std::ofstream out(args->Get("expect_out"), std::ios::trunc);
    PrintTable(ExpectedOverviewTable(*campaign), OutputFormat::kJson, out);
    out.close();
    if (!out) {
      std::cerr << "reportctl generate: cannot write "
                << args->Get("expect_out") << "\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace reporting::reportctl
