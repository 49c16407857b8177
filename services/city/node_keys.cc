#include "services/city/node_keys.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/proof/key_history.h"
#include "spdlog/spdlog.h"

namespace reporting::city {
namespace {

constexpr char kKeysSuffix[] = ".keys";
constexpr char kHeadSuffix[] = ".head";

absl::Status WriteDurably(const std::string& path, const std::string& bytes) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return absl::InternalError(absl::StrCat("cannot create ", tmp));
  bool ok = ::write(fd, bytes.data(), bytes.size()) ==
                static_cast<ssize_t>(bytes.size()) &&
            ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("cannot write ", path));
  }
  return absl::OkStatus();
}

// The file's bytes; false when there is none.
bool ReadBytes(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

}  // namespace

NodeKeys::NodeKeys(std::string data_dir) : data_dir_(std::move(data_dir)) {}

std::string NodeKeys::PathOf(const std::string& node_id,
                             const char* suffix) const {
  return absl::StrCat(data_dir_, "/nodes/", node_id, suffix);
}

void NodeKeys::LoadLocked(const std::string& node_id) const {
  if (loaded_[node_id]) return;
  loaded_[node_id] = true;
  std::string bytes;
  if (ReadBytes(PathOf(node_id, kKeysSuffix), &bytes)) {
    v1::KeyHistory history;
    if (history.ParseFromString(bytes) &&
        proof::VerifyKeyHistory(history, node_id).ok()) {
      pinned_[node_id] = std::move(history);
    } else {
      // Treated as no pin would let anyone pin anew: keep refusing.
      spdlog::critical(
          "node {}: the pinned key history {} is damaged; the node's "
          "signed heads are refused until an operator replaces it",
          node_id, PathOf(node_id, kKeysSuffix));
      v1::KeyHistory damaged;
      damaged.add_keys()->set_signer("(damaged pin)");
      pinned_[node_id] = std::move(damaged);
    }
  }
  if (ReadBytes(PathOf(node_id, kHeadSuffix), &bytes)) {
    v1::SignedHead head;
    if (head.ParseFromString(bytes)) latest_[node_id] = std::move(head);
  }
}

absl::Status NodeKeys::Pin(const std::string& node_id,
                           const v1::KeyHistory& received) {
  if (absl::Status s = proof::VerifyKeyHistory(received, node_id); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("replication: node ", node_id, ": ", s.message()));
  }
  absl::MutexLock l(&mu_);
  LoadLocked(node_id);
  const v1::KeyHistory& pinned = pinned_[node_id];
  absl::StatusOr<v1::KeyHistory> next = proof::ExtendPin(pinned, received);
  if (!next.ok()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "replication: ", next.status().message(),
        "; refused: an operator who has confirmed the node's new keys "
        "removes ",
        PathOf(node_id, kKeysSuffix)));
  }
  if (next->keys_size() == pinned.keys_size()) return absl::OkStatus();
  if (absl::Status s =
          WriteDurably(PathOf(node_id, kKeysSuffix), next->SerializeAsString());
      !s.ok()) {
    return s;
  }
  const v1::KeyRecord& newest = next->keys(next->keys_size() - 1);
  spdlog::info("node {}: pinned signing keys 1..{} (newest {})", node_id,
               next->keys_size(), absl::BytesToHexString(newest.public_key()));
  pinned_[node_id] = std::move(*next);
  return absl::OkStatus();
}

v1::KeyHistory NodeKeys::Pinned(const std::string& node_id) const {
  absl::MutexLock l(&mu_);
  LoadLocked(node_id);
  auto it = pinned_.find(node_id);
  return it == pinned_.end() ? v1::KeyHistory() : it->second;
}

absl::Status NodeKeys::CheckSignature(const std::string& node_id,
                                      const v1::SignedHead& head) const {
  const v1::KeyHistory pinned = Pinned(node_id);
  if (pinned.keys_size() == 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "replication: node ", node_id,
        " sent a signed head but no key history: send the keys in Hello"));
  }
  if (head.node_id() != node_id) {
    return absl::InvalidArgumentError(
        absl::StrCat("replication: node ", node_id,
                     " sent a head signed for node ", head.node_id()));
  }
  if (absl::Status s = proof::VerifySignedHead(head, pinned); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("replication: node ", node_id, ": ", s.message()));
  }
  return absl::OkStatus();
}

absl::Status NodeKeys::Keep(const std::string& node_id,
                            const v1::SignedHead& head) {
  absl::MutexLock l(&mu_);
  LoadLocked(node_id);
  auto it = latest_.find(node_id);
  if (it != latest_.end() &&
      (it->second.sequence() > head.sequence() ||
       (it->second.sequence() == head.sequence() &&
        it->second.signed_at_us() >= head.signed_at_us()))) {
    return absl::OkStatus();
  }
  if (absl::Status s =
          WriteDurably(PathOf(node_id, kHeadSuffix), head.SerializeAsString());
      !s.ok()) {
    return s;
  }
  latest_[node_id] = head;
  return absl::OkStatus();
}

absl::Status NodeKeys::SaveTo(const std::string& node_id,
                              const std::string& dir) const {
  const v1::KeyHistory pinned = Pinned(node_id);
  if (pinned.keys_size() > 0) {
    if (absl::Status s =
            WriteDurably(absl::StrCat(dir, "/", node_id, kKeysSuffix),
                         pinned.SerializeAsString());
        !s.ok()) {
      return s;
    }
  }
  if (std::optional<v1::SignedHead> head = Latest(node_id)) {
    return WriteDurably(absl::StrCat(dir, "/", node_id, kHeadSuffix),
                        head->SerializeAsString());
  }
  return absl::OkStatus();
}

std::optional<v1::SignedHead> NodeKeys::Latest(
    const std::string& node_id) const {
  absl::MutexLock l(&mu_);
  LoadLocked(node_id);
  auto it = latest_.find(node_id);
  if (it == latest_.end()) return std::nullopt;
  return it->second;
}

}  // namespace reporting::city
