// The accounts file as the server reads it: loaded again whenever the file
// changed (size, mtime or inode), so `reportctl dashboard user add|remove`
// takes effect without a restart. A file that cannot be read keeps the
// last good accounts and is reported by Reload's status.
//
// Thread-safe.
#ifndef REPORTING_SERVICES_DASHBOARD_ACCOUNT_BOOK_H_
#define REPORTING_SERVICES_DASHBOARD_ACCOUNT_BOOK_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "services/dashboard/accounts.h"

namespace reporting::dashboard {

class AccountBook {
 public:
  explicit AccountBook(std::string path) : path_(std::move(path)) {}

  // Reads the file again if it changed. The error (if any) of that read;
  // the previous accounts stay in force.
  absl::Status Reload();
  // The account of `name` as of the last Reload.
  std::optional<Account> Find(const std::string& name) const;
  const std::string& path() const { return path_; }

 private:
  const std::string path_;
  mutable absl::Mutex mu_;
  std::string stamp_ ABSL_GUARDED_BY(mu_);  // size/mtime/inode last read
  std::map<std::string, Account> accounts_ ABSL_GUARDED_BY(mu_);
};

}  // namespace reporting::dashboard

#endif  // REPORTING_SERVICES_DASHBOARD_ACCOUNT_BOOK_H_
