#include "services/dashboard/accounts.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/roles.h"

namespace reporting::dashboard {
namespace {

constexpr size_t kMaxNameBytes = 32;

absl::Status Errno(const std::string& what, const std::string& path) {
  return absl::InternalError(absl::StrCat("dashboard accounts: ", what, " ",
                                          path, ": ", std::strerror(errno)));
}

bool InitSodium() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

}  // namespace

bool MaySeeDashboard(absl::string_view role) {
  const std::optional<services::Role> r = services::RoleFromUnit(role);
  return r.has_value() && services::MaySeeDashboard(*r);
}

bool SeesPersonLevelData(absl::string_view role) {
  const std::optional<services::Role> r = services::RoleFromUnit(role);
  return r.has_value() && services::SeesPersonLevelData(*r);
}

absl::Status CheckName(absl::string_view name) {
  bool ok = !name.empty() && name.size() <= kMaxNameBytes;
  for (char c : name) {
    ok = ok && (absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '.' ||
                c == '_' || c == '-');
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("account name \"", name,
                   "\" must be 1 to 32 of a-z, 0-9, '.', '_', '-'"));
}

absl::Status CheckRole(absl::string_view role) {
  if (MaySeeDashboard(role)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "role \"", role,
      "\" cannot see the dashboard: give office or auditor (clerks, county "
      "nodes and operators do not read the city office's figures)"));
}

absl::StatusOr<std::string> HashPassword(absl::string_view password) {
  if (password.size() < kMinPasswordBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the password is too short: at least ", kMinPasswordBytes, " bytes"));
  }
  if (password.size() > kMaxPasswordBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the password is too long: at most ", kMaxPasswordBytes, " bytes"));
  }
  if (!InitSodium()) return absl::InternalError("libsodium did not start");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return absl::InternalError(
        "hashing the password failed (libsodium: out of memory?)");
  }
  return std::string(out);
}

bool VerifyPassword(const std::string& hash, absl::string_view password) {
  if (!InitSodium() || password.size() > kMaxPasswordBytes ||
      hash.size() >= crypto_pwhash_STRBYTES) {
    return false;
  }
  char stored[crypto_pwhash_STRBYTES] = {};
  std::memcpy(stored, hash.data(), hash.size());
  return crypto_pwhash_str_verify(stored, password.data(), password.size()) ==
         0;
}

std::string UsersFile(const std::string& data_dir) {
  return data_dir + "/dashboard/users";
}

absl::StatusOr<std::vector<Account>> ReadAccounts(const std::string& path) {
  std::vector<Account> out;
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return out;
    return Errno("cannot read", path);
  }
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> parts = absl::StrSplit(line, ' ');
    absl::Status st =
        parts.size() == 3
            ? CheckName(parts[0])
            : absl::InvalidArgumentError("expected \"name role hash\"");
    if (st.ok() && parts[2].rfind("$argon2id$", 0) != 0) {
      st = absl::InvalidArgumentError("the hash is not an Argon2id hash");
    }
    if (!st.ok()) {
      return absl::FailedPreconditionError(absl::StrCat(
          path, " line ", number, ": ", st.message(),
          "; fix or remove the line (reportctl dashboard user ...)"));
    }
    out.push_back(Account{parts[0], parts[1], parts[2]});
  }
  return out;
}

absl::Status WriteAccounts(const std::string& path,
                           const std::vector<Account>& accounts) {
  const std::string dir = path.substr(0, path.rfind('/'));
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Errno("cannot create", dir);
  }
  std::string text =
      "# Dashboard accounts: name role argon2id-hash. Managed with "
      "`reportctl dashboard user`.\n";
  for (const Account& a : accounts) {
    absl::StrAppend(&text, a.name, " ", a.role, " ", a.hash, "\n");
  }
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return Errno("cannot write", tmp);
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return Errno("cannot write", tmp);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    return Errno("cannot sync", tmp);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return Errno("cannot replace", path);
  }
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return absl::OkStatus();
}

}  // namespace reporting::dashboard
