#include "services/proof/key_ring.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "services/proof/key_history.h"
#include "services/proof/statement.h"

namespace reporting::proof {
namespace {

constexpr char kHistoryFile[] = "history";

std::string KeyPath(const std::string& dir, uint32_t number) {
  return absl::StrCat(dir, "/key-", number, ".pem");
}

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::InternalError(absl::StrCat("signing keys: ", what, " ", path,
                                          ": ", std::strerror(errno)));
}

void SyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// Writes `text` to `path` with `mode`: PATH.tmp, fsync, rename, fsync of
// the directory.
absl::Status WriteDurably(const std::string& dir, const std::string& path,
                          const std::string& text, mode_t mode) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (fd < 0) return Errno("cannot create", tmp);
  ::fchmod(fd, mode);  // whatever the umask
  const bool ok = ::write(fd, text.data(), text.size()) ==
                      static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  if (::close(fd) != 0 || !ok) return Errno("cannot write", tmp);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return Errno("cannot rename to", path);
  }
  SyncDir(dir);
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string FormatHistory(const v1::KeyHistory& history,
                          absl::string_view signer) {
  std::string out = absl::StrCat("signer ", signer, "\n");
  for (const v1::KeyRecord& k : history.keys()) {
    absl::StrAppend(&out, "key ", k.number(), " ",
                    absl::BytesToHexString(k.public_key()), " ",
                    k.created_at_us(), " ",
                    absl::BytesToHexString(k.endorsement()), "\n");
  }
  return out;
}

absl::StatusOr<v1::KeyHistory> ParseHistory(const std::string& text,
                                            const std::string& path,
                                            std::string* signer) {
  v1::KeyHistory history;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (line.empty()) continue;
    std::vector<absl::string_view> words = absl::StrSplit(line, ' ');
    const auto bad = [&] {
      return absl::DataLossError(
          absl::StrCat("signing keys: ", path, " line ", line_number,
                       ": malformed (\"signer NAME\" or \"key N PUBLIC_HEX "
                       "CREATED_AT_US ENDORSEMENT_HEX\")"));
    };
    if (words.size() == 2 && words[0] == "signer") {
      *signer = std::string(words[1]);
      continue;
    }
    uint32_t number = 0;
    int64_t created = 0;
    if (words.size() != 5 || words[0] != "key" ||
        !absl::SimpleAtoi(words[1], &number) ||
        !absl::SimpleAtoi(words[3], &created)) {
      return bad();
    }
    v1::KeyRecord* k = history.add_keys();
    k->set_signer(*signer);
    k->set_number(number);
    k->set_public_key(absl::HexStringToBytes(words[2]));
    k->set_created_at_us(created);
    k->set_endorsement(absl::HexStringToBytes(words[4]));
  }
  return history;
}

v1::KeyRecord Endorsed(const std::string& signer, uint32_t number,
                       const SigningKey& key, const SigningKey& endorser,
                       int64_t now_us) {
  v1::KeyRecord record;
  record.set_signer(signer);
  record.set_number(number);
  record.set_public_key(key.public_key());
  record.set_created_at_us(now_us);
  record.set_endorsement(endorser.Sign(KeyStatement(record)));
  return record;
}

}  // namespace

absl::StatusOr<std::unique_ptr<KeyRing>> KeyRing::Open(
    const std::string& dir, std::string signer,
    std::function<int64_t()> now_us) {
  if (!now_us) now_us = [] { return absl::ToUnixMicros(absl::Now()); };
  const std::string history_path = absl::StrCat(dir, "/", kHistoryFile);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Errno("cannot create the directory", dir);
  }
  absl::StatusOr<std::string> text = ReadFile(history_path);
  if (!text.ok()) {
    // A new ring: key 1, endorsed by itself.
    absl::StatusOr<SigningKey> key = SigningKey::Generate();
    if (!key.ok()) return key.status();
    v1::KeyHistory history;
    *history.add_keys() = Endorsed(signer, 1, *key, *key, now_us());
    absl::Status s = WriteDurably(dir, KeyPath(dir, 1), key->ToPem(), 0600);
    if (s.ok()) {
      s = WriteDurably(dir, history_path, FormatHistory(history, signer), 0644);
    }
    if (!s.ok()) return s;
    return std::unique_ptr<KeyRing>(
        new KeyRing(dir, std::move(signer), std::move(now_us),
                    std::move(history), std::move(*key)));
  }
  std::string found_signer;
  absl::StatusOr<v1::KeyHistory> history =
      ParseHistory(*text, history_path, &found_signer);
  if (!history.ok()) return history.status();
  if (found_signer != signer) {
    return absl::FailedPreconditionError(
        absl::StrCat("signing keys: ", dir, " holds the keys of \"",
                     found_signer, "\", not of \"", signer,
                     "\": give this node its own --signing_key_dir"));
  }
  if (absl::Status s = VerifyKeyHistory(*history, signer); !s.ok()) {
    return absl::DataLossError(
        absl::StrCat("signing keys: ", history_path, ": ", s.message()));
  }
  const uint32_t newest = static_cast<uint32_t>(history->keys_size());
  absl::StatusOr<std::string> pem = ReadFile(KeyPath(dir, newest));
  if (!pem.ok()) {
    return absl::DataLossError(
        absl::StrCat("signing keys: the private key of key ", newest,
                     " is missing (", KeyPath(dir, newest), ")"));
  }
  absl::StatusOr<SigningKey> key = SigningKey::FromPem(*pem);
  if (!key.ok()) return key.status();
  if (key->public_key() != history->keys(newest - 1).public_key()) {
    return absl::DataLossError(
        absl::StrCat("signing keys: ", KeyPath(dir, newest), " is not key ",
                     newest, " of the history (its public key differs)"));
  }
  return std::unique_ptr<KeyRing>(
      new KeyRing(dir, std::move(signer), std::move(now_us),
                  std::move(*history), std::move(*key)));
}

KeyRing::KeyRing(std::string dir, std::string signer,
                 std::function<int64_t()> now_us, v1::KeyHistory history,
                 SigningKey key)
    : dir_(std::move(dir)),
      signer_(std::move(signer)),
      now_us_(std::move(now_us)),
      history_(std::move(history)),
      key_(std::move(key)) {}

Signature KeyRing::Sign(absl::string_view message) const {
  absl::MutexLock l(&mu_);
  return Signature{static_cast<uint32_t>(history_.keys_size()),
                   key_.Sign(message)};
}

v1::KeyHistory KeyRing::history() const {
  absl::MutexLock l(&mu_);
  return history_;
}

absl::StatusOr<v1::KeyRecord> KeyRing::Rotate() {
  absl::MutexLock l(&mu_);
  absl::StatusOr<SigningKey> next = SigningKey::Generate();
  if (!next.ok()) return next.status();
  const uint32_t old_number = static_cast<uint32_t>(history_.keys_size());
  v1::KeyHistory history = history_;
  *history.add_keys() =
      Endorsed(signer_, old_number + 1, *next, key_, now_us_());
  absl::Status s =
      WriteDurably(dir_, KeyPath(dir_, old_number + 1), next->ToPem(), 0600);
  if (s.ok()) {
    s = WriteDurably(dir_, absl::StrCat(dir_, "/", kHistoryFile),
                     FormatHistory(history, signer_), 0644);
  }
  if (!s.ok()) return s;
  std::remove(KeyPath(dir_, old_number).c_str());
  SyncDir(dir_);
  history_ = std::move(history);
  key_ = std::move(*next);
  return history_.keys(history_.keys_size() - 1);
}

}  // namespace reporting::proof
