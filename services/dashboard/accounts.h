// Dashboard accounts: the people who may sign in to the city office's
// dashboard (office and auditor users), kept by the operator with
// `reportctl dashboard user add|remove|list` in the city's data directory
// and read by city-aggregator. docs/OPERATIONS.md "Dashboard".
//
// File <data_dir>/dashboard/users (mode 0600, replaced atomically):
//
//   file  := (line LF)*
//   line  := name SP role SP hash | "#" text | ""
//   name  := [a-z0-9._-]{1,32}
//   role  := "office" | "auditor"          (any other role never signs in)
//   hash  := libsodium crypto_pwhash_str: Argon2id with its salt and costs,
//            "$argon2id$v=19$m=65536,t=2,p=1$<salt>$<hash>"
//
// Thread safety: the functions are thread-safe; the file is written by one
// reportctl at a time (the operator's), read by the aggregator at any time
// (a reader sees the old or the new file, never half of one).
#ifndef REPORTING_SERVICES_DASHBOARD_ACCOUNTS_H_
#define REPORTING_SERVICES_DASHBOARD_ACCOUNTS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace reporting::dashboard {

// Limits of a password (bytes): below the minimum is refused as too weak,
// above the maximum as a probable mistake (and to bound the work).
inline constexpr size_t kMinPasswordBytes = 10;
inline constexpr size_t kMaxPasswordBytes = 256;

struct Account {
  std::string name;
  std::string role;  // "office" or "auditor"; anything else never signs in
  std::string hash;  // crypto_pwhash_str
};

// True for the roles that may see the dashboard: office and auditor, as
// the one role table decides (services/common/roles.h MaySeeDashboard).
bool MaySeeDashboard(absl::string_view role);
// True for the roles that see person-level data on the dashboard: auditor
// (roles.h SeesPersonLevelData).
bool SeesPersonLevelData(absl::string_view role);

// INVALID_ARGUMENT naming the rule when `name` is not [a-z0-9._-]{1,32}.
absl::Status CheckName(absl::string_view name);
// INVALID_ARGUMENT unless office or auditor (clerks, nodes and operators
// do not see the dashboard).
absl::Status CheckRole(absl::string_view role);

// Argon2id (libsodium, interactive costs). INVALID_ARGUMENT for a password
// outside the limits; INTERNAL when libsodium cannot (out of memory).
absl::StatusOr<std::string> HashPassword(absl::string_view password);
// Constant-time check of `password` against `hash`; false for a malformed
// hash or a password over the limit.
bool VerifyPassword(const std::string& hash, absl::string_view password);

// <data_dir>/dashboard/users
std::string UsersFile(const std::string& data_dir);

// The accounts of `path`; none when the file does not exist.
// FAILED_PRECONDITION naming the file and line for a malformed line.
absl::StatusOr<std::vector<Account>> ReadAccounts(const std::string& path);

// Replaces the file with `accounts` (in that order): a temporary file,
// fsync'd, mode 0600, renamed over the old one; creates the directory.
absl::Status WriteAccounts(const std::string& path,
                           const std::vector<Account>& accounts);

}  // namespace reporting::dashboard

#endif  // REPORTING_SERVICES_DASHBOARD_ACCOUNTS_H_
