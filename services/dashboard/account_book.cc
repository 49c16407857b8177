#include "services/dashboard/account_book.h"

#include <sys/stat.h>

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace reporting::dashboard {

absl::Status AccountBook::Reload() {
  struct stat st {};
  std::string stamp = "absent";
  if (::stat(path_.c_str(), &st) == 0) {
    stamp = absl::StrCat(st.st_size, "/", st.st_mtim.tv_sec, ".",
                         st.st_mtim.tv_nsec, "/", st.st_ino);
  }
  {
    absl::MutexLock lock(&mu_);
    if (stamp == stamp_) return absl::OkStatus();
  }
  absl::StatusOr<std::vector<Account>> read = ReadAccounts(path_);
  if (!read.ok()) return read.status();
  std::map<std::string, Account> accounts;
  for (Account& a : *read) accounts[a.name] = std::move(a);
  absl::MutexLock lock(&mu_);
  accounts_ = std::move(accounts);
  stamp_ = std::move(stamp);
  return absl::OkStatus();
}

std::optional<Account> AccountBook::Find(const std::string& name) const {
  absl::MutexLock lock(&mu_);
  auto it = accounts_.find(name);
  if (it == accounts_.end()) return std::nullopt;
  return it->second;
}

}  // namespace reporting::dashboard
