// reportctl dashboard user add|remove|list: the accounts that may sign in
// to the city office's web dashboard (services/dashboard/accounts.h), kept
// in the city's data directory. Run by the operator on the city's machine;
// the aggregator picks changes up at the next request, no restart.
// docs/OPERATIONS.md "Dashboard".
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/dashboard/accounts.h"
#include "services/reportctl/cli/args.h"
#include "services/reportctl/commands.h"

namespace reporting::reportctl {
namespace {

namespace dash = reporting::dashboard;

constexpr char kUsage[] =
    "usage: reportctl dashboard user add NAME --role office|auditor "
    "--data_dir DIR\n"
    "       reportctl dashboard user remove NAME --data_dir DIR\n"
    "       reportctl dashboard user list --data_dir DIR\n"
    "\n"
    "Accounts of the city office's web dashboard, in DIR/dashboard/users\n"
    "(DIR: the city aggregator's --data_dir). `add` reads the password from\n"
    "the first line of standard input (10 to 256 bytes) and stores only its\n"
    "Argon2id hash; adding an existing name replaces its role and password.\n";

int Usage(const std::string& message) {
  std::cerr << "reportctl dashboard: " << message << "\n\n" << kUsage;
  return 2;
}

int Fail(const absl::Status& status) {
  std::cerr << "reportctl dashboard: " << status.message() << "\n";
  return 1;
}

int Add(const std::string& path, const std::string& name,
        const std::string& role, std::vector<dash::Account> accounts) {
  std::string password;
  std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  absl::StatusOr<std::string> hash = dash::HashPassword(password);
  if (!hash.ok()) return Fail(hash.status());
  bool replaced = false;
  for (dash::Account& a : accounts) {
    if (a.name == name) {
      a.role = role;
      a.hash = *hash;
      replaced = true;
    }
  }
  if (!replaced) accounts.push_back({name, role, *hash});
  if (absl::Status s = dash::WriteAccounts(path, accounts); !s.ok()) {
    return Fail(s);
  }
  std::cout << (replaced ? "replaced " : "added ") << name << " (" << role
            << ") in " << path << "\n";
  return 0;
}

int Remove(const std::string& path, const std::string& name,
           std::vector<dash::Account> accounts) {
  std::vector<dash::Account> kept;
  for (dash::Account& a : accounts) {
    if (a.name != name) kept.push_back(std::move(a));
  }
  if (kept.size() == accounts.size()) {
    return Fail(absl::NotFoundError(
        absl::StrCat("no account \"", name, "\" in ", path)));
  }
  if (absl::Status s = dash::WriteAccounts(path, kept); !s.ok()) {
    return Fail(s);
  }
  std::cout << "removed " << name << " from " << path
            << " (its sessions end at their next request)\n";
  return 0;
}

}  // namespace

int RunDashboard(const Words& words) {
  absl::StatusOr<Args> args =
      Args::Parse(words, {"role", "data_dir", "help"}, {"help"});
  if (!args.ok()) return Usage(std::string(args.status().message()));
  if (args->GetBool("help")) {
    std::cout << kUsage;
    return 0;
  }
  const std::vector<std::string>& pos = args->positional();
  if (pos.size() < 2 || pos[0] != "user") {
    return Usage("expected `user add|remove|list`");
  }
  absl::StatusOr<std::string> data_dir = args->Require("data_dir");
  if (!data_dir.ok()) return Usage(std::string(data_dir.status().message()));
  const std::string path = dash::UsersFile(*data_dir);
  const std::string& verb = pos[1];
  const size_t want = verb == "list" ? 2 : 3;
  if (pos.size() != want) return Usage("wrong number of words for " + verb);
  absl::StatusOr<std::vector<dash::Account>> accounts =
      dash::ReadAccounts(path);
  if (!accounts.ok()) return Fail(accounts.status());
  if (verb == "list") {
    for (const dash::Account& a : *accounts) {
      std::cout << a.name << " " << a.role << "\n";
    }
    return 0;
  }
  const std::string& name = pos[2];
  if (absl::Status s = dash::CheckName(name); !s.ok()) {
    return Usage(std::string(s.message()));
  }
  if (verb == "remove") return Remove(path, name, std::move(*accounts));
  if (verb != "add") return Usage("unknown verb \"" + verb + "\"");
  const std::string role = args->Get("role");
  if (absl::Status s = dash::CheckRole(role); !s.ok()) {
    return Usage(std::string(s.message()));
  }
  return Add(path, name, role, std::move(*accounts));
}

}  // namespace reporting::reportctl
