#include "services/dashboard/sessions.h"

#include <sodium.h>

#include <iterator>

#include "absl/strings/escaping.h"

namespace reporting::dashboard {

bool SessionTable::Expired(const Session& s, absl::Time now) const {
  return now - s.last_seen > idle_ || now - s.created > lifetime_;
}

void SessionTable::EvictExpired(absl::Time now) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = Expired(it->second, now) ? sessions_.erase(it) : std::next(it);
  }
}

std::string SessionTable::Create(const std::string& name,
                                 const std::string& role, absl::Time now) {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof(raw));
  std::string token = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(raw), sizeof(raw)));
  absl::MutexLock lock(&mu_);
  if (sessions_.size() >= max_sessions_) EvictExpired(now);
  if (sessions_.size() >= max_sessions_) {
    // Still full: the oldest session goes (by creation).
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second.created < oldest->second.created) oldest = it;
    }
    sessions_.erase(oldest);
  }
  sessions_[token] = Session{name, role, now, now};
  return token;
}

std::optional<Session> SessionTable::Find(const std::string& token,
                                          absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto it = sessions_.find(token);
  if (it == sessions_.end()) return std::nullopt;
  if (Expired(it->second, now)) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_seen = now;
  return it->second;
}

void SessionTable::Remove(const std::string& token) {
  absl::MutexLock lock(&mu_);
  sessions_.erase(token);
}

void SessionTable::RemoveAccount(const std::string& name) {
  absl::MutexLock lock(&mu_);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = it->second.name == name ? sessions_.erase(it) : std::next(it);
  }
}

size_t SessionTable::size() const {
  absl::MutexLock lock(&mu_);
  return sessions_.size();
}

}  // namespace reporting::dashboard
