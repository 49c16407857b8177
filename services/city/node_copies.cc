#include "services/city/node_copies.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "spdlog/spdlog.h"

namespace reporting::city {
namespace {

constexpr char kDivergedSuffix[] = ".diverged";

// Writes `text` to path durably: a temporary file, fsync, rename, fsync of
// the directory.
absl::Status WriteFileDurably(const std::string& path,
                              const std::string& text) {
  const std::string tmp = path + ".tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("cannot create ", tmp));
  }
  bool ok = write(fd, text.data(), text.size()) ==
                static_cast<ssize_t>(text.size()) &&
            fsync(fd) == 0;
  ok = close(fd) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("cannot write ", path));
  }
  const std::string dir = std::filesystem::path(path).parent_path().string();
  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  return absl::OkStatus();
}

}  // namespace

NodeCopies::NodeCopies(std::string data_dir, bool sync)
    : data_dir_(std::move(data_dir)), sync_(sync) {
  // Load the divergence records: they must be known before any stream of
  // that node is accepted.
  std::error_code ec;
  std::filesystem::create_directories(data_dir_ + "/nodes", ec);
  absl::MutexLock l(&mu_);
  for (const auto& entry :
       std::filesystem::directory_iterator(data_dir_ + "/nodes", ec)) {
    const std::string name = entry.path().filename().string();
    absl::string_view node = name;
    if (!entry.is_regular_file() ||
        !absl::ConsumeSuffix(&node, kDivergedSuffix)) {
      continue;
    }
    std::ifstream in(entry.path());
    std::stringstream ss;
    ss << in.rdbuf();
    std::string detail = ss.str();
    absl::StripTrailingAsciiWhitespace(&detail);
    spdlog::error("node {}: copy DIVERGED (recorded earlier): {}",
                  std::string(node), detail);
    diverged_[std::string(node)] = std::move(detail);
  }
}

NodeCopies::~NodeCopies() { Close().IgnoreError(); }

std::string NodeCopies::NodeDir(const std::string& node_id) const {
  return absl::StrCat(data_dir_, "/nodes/", node_id);
}

std::string NodeCopies::DivergencePath(const std::string& node_id) const {
  return absl::StrCat(data_dir_, "/nodes/", node_id, kDivergedSuffix);
}

absl::StatusOr<storage::EventLog*> NodeCopies::Get(const std::string& node_id) {
  absl::MutexLock l(&mu_);
  if (closed_) {
    return absl::UnavailableError("city: the node copies are closed");
  }
  auto it = logs_.find(node_id);
  if (it != logs_.end()) return it->second.get();
  storage::EventLogOptions options;
  options.node_id = node_id;
  options.sync = sync_;
  auto log = storage::EventLog::Open(NodeDir(node_id), std::move(options));
  if (!log.ok()) return log.status();
  storage::EventLog* raw = log->get();
  logs_.emplace(node_id, std::move(*log));
  return raw;
}

std::vector<std::string> NodeCopies::Nodes() const {
  std::vector<std::string> out;
  absl::MutexLock l(&mu_);
  std::error_code ec;
  for (const auto& entry :
       std::filesystem::directory_iterator(data_dir_ + "/nodes", ec)) {
    if (entry.is_directory()) out.push_back(entry.path().filename().string());
  }
  for (const auto& [node, log] : logs_) out.push_back(node);
  for (const auto& [node, detail] : diverged_) out.push_back(node);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

absl::Status NodeCopies::MarkDiverged(const std::string& node_id,
                                      const std::string& detail) {
  absl::MutexLock l(&mu_);
  if (diverged_.count(node_id) > 0) return absl::OkStatus();
  absl::Status s = WriteFileDurably(DivergencePath(node_id), detail + "\n");
  // Even if the record could not be written, stop this node for the rest of
  // this process's life.
  diverged_[node_id] = detail;
  spdlog::critical(
      "node {}: REPLICATION STOPPED, the city's copy and the node's log "
      "DIVERGE: {}. Nothing is overwritten; an operator must investigate "
      "(record: {})",
      node_id, detail, DivergencePath(node_id));
  return s;
}

std::optional<std::string> NodeCopies::Divergence(
    const std::string& node_id) const {
  absl::MutexLock l(&mu_);
  auto it = diverged_.find(node_id);
  if (it == diverged_.end()) return std::nullopt;
  return it->second;
}

absl::Status NodeCopies::Close() {
  std::map<std::string, std::unique_ptr<storage::EventLog>> logs;
  {
    absl::MutexLock l(&mu_);
    if (closed_) return absl::OkStatus();
    closed_ = true;
    logs.swap(logs_);
  }
  absl::Status first;
  for (auto& [node, log] : logs) {
    absl::Status s = log->Close();
    if (first.ok() && !s.ok()) first = s;
  }
  return first;
}

}  // namespace reporting::city
