// Signed-in sessions of the dashboard: an opaque random token (the cookie)
// -> who signed in and until when. In memory only: a restart of the city
// aggregator signs everyone out.
//
// A session ends after `idle` without a request, after `lifetime` in any
// case, on sign-out, or when its account is gone from the accounts file
// (the caller checks that; see server.cc).
//
// Thread-safe.
#ifndef REPORTING_SERVICES_DASHBOARD_SESSIONS_H_
#define REPORTING_SERVICES_DASHBOARD_SESSIONS_H_

#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace reporting::dashboard {

struct Session {
  std::string name;
  std::string role;  // "office" or "auditor"
  absl::Time created;
  absl::Time last_seen;
};

class SessionTable {
 public:
  SessionTable(absl::Duration idle, absl::Duration lifetime,
               size_t max_sessions = 10000)
      : idle_(idle), lifetime_(lifetime), max_sessions_(max_sessions) {}

  // A new session; its token (64 hex digits of 32 random bytes).
  std::string Create(const std::string& name, const std::string& role,
                     absl::Time now);
  // The session of `token` if it is live (and marks it seen at `now`).
  std::optional<Session> Find(const std::string& token, absl::Time now);
  void Remove(const std::string& token);
  // Ends every session of `name` (account removed or changed).
  void RemoveAccount(const std::string& name);
  size_t size() const;

 private:
  bool Expired(const Session& s, absl::Time now) const;
  void EvictExpired(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const absl::Duration idle_;
  const absl::Duration lifetime_;
  const size_t max_sessions_;
  mutable absl::Mutex mu_;
  std::map<std::string, Session> sessions_ ABSL_GUARDED_BY(mu_);
};

}  // namespace reporting::dashboard

#endif  // REPORTING_SERVICES_DASHBOARD_SESSIONS_H_
