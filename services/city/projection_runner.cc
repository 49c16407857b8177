#include "services/city/projection_runner.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "services/city/table_family.h"
#include "services/common/log_limiter.h"
#include "services/projector/figures.h"
#include "spdlog/spdlog.h"
#include "storage/status_macros.h"

namespace reporting::city {
namespace {

using Family = storage::ReadModelStore::Family;

constexpr char kCurrent[] = "CURRENT";

std::string GenName(int generation) {
  return absl::StrFormat("gen-%06d", generation);
}

storage::ReadModelStore::WriteSet ToWriteSet(
    std::vector<projector::RowChange>&& rows, bool sync) {
  storage::ReadModelStore::WriteSet w;
  w.sync = sync;
  w.puts.reserve(rows.size());
  for (projector::RowChange& r : rows) {
    w.puts.push_back({FamilyOf(r.table), std::move(r.key), std::move(r.value)});
  }
  return w;
}

// Generation named by CURRENT; 0 when there is none.
int ReadCurrent(const std::string& dir) {
  std::ifstream in(dir + "/" + kCurrent);
  std::string line;
  int generation = 0;
  absl::string_view name;
  if (in >> line && (name = line, absl::ConsumePrefix(&name, "gen-")) &&
      absl::SimpleAtoi(name, &generation)) {
    return generation;
  }
  return 0;
}

absl::Status WriteCurrent(const std::string& dir, int generation) {
  const std::string tmp = dir + "/CURRENT.tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) {
    return absl::InternalError(absl::StrCat("read models: cannot write ", tmp));
  }
  const std::string line = GenName(generation) + "\n";
  const bool ok = std::fwrite(line.data(), 1, line.size(), f) == line.size() &&
                  std::fflush(f) == 0 && fsync(fileno(f)) == 0;
  std::fclose(f);
  std::error_code ec;
  if (ok) std::filesystem::rename(tmp, dir + "/" + kCurrent, ec);
  if (!ok || ec) {
    return absl::InternalError(
        absl::StrCat("read models: cannot switch CURRENT in ", dir));
  }
  return absl::OkStatus();
}

// True when the store is complete and of the code's model version.
bool Usable(const storage::ReadModelStore& store) {
  std::string version, complete;
  auto v = store.Get(Family::kMeta, kModelVersionKey, &version);
  auto c = store.Get(Family::kMeta, kCompleteKey, &complete);
  return v.ok() && *v && c.ok() && *c && complete == "1" &&
         version == absl::StrCat(projector::kModelVersion);
}

}  // namespace

std::shared_ptr<const v1::CityOverview> OverviewOf(
    const projector::Projector& projector) {
  auto overview = std::make_shared<v1::CityOverview>();
  v1::NodeFigures* city = overview->mutable_city();
  for (auto& [id, figures] : projector.AllNodeFigures()) {
    projector::AddFigures(figures, *city);
    *overview->add_nodes() = std::move(figures);
  }
  return overview;
}

ProjectionRunner::ProjectionRunner(RunnerOptions options)
    : options_(std::move(options)) {}

ProjectionRunner::~ProjectionRunner() { Stop(); }

absl::StatusOr<std::unique_ptr<ProjectionRunner>> ProjectionRunner::Open(
    RunnerOptions options) {
  std::error_code ec;
  std::filesystem::create_directories(options.dir, ec);
  if (ec) {
    return absl::InternalError(absl::StrCat("read models: cannot create ",
                                            options.dir, ": ", ec.message()));
  }
  std::unique_ptr<ProjectionRunner> r(new ProjectionRunner(std::move(options)));
  r->generation_ = ReadCurrent(r->options_.dir);
  if (r->generation_ > 0) {
    ASSIGN_OR_RETURN(std::unique_ptr<storage::ReadModelStore> store,
                     r->OpenStore(absl::StrCat(r->options_.dir, "/",
                                               GenName(r->generation_))));
    if (Usable(*store)) {
      r->writing_ = std::move(store);
      RETURN_IF_ERROR(r->LoadProjector());
      absl::MutexLock l(&r->mu_);
      r->serving_ = r->writing_;
      r->projected_.clear();
      r->Publish();
      return r;
    }
    spdlog::warn(
        "read models in {}/{} are incomplete or of another model version "
        "(code version {}); rebuilding them from the node copies",
        r->options_.dir, GenName(r->generation_), projector::kModelVersion);
  }
  absl::MutexLock l(&r->mu_);
  r->rebuild_requested_ = true;
  return r;
}

absl::StatusOr<std::unique_ptr<storage::ReadModelStore>>
ProjectionRunner::OpenStore(const std::string& dir) const {
  if (options_.open_store) return options_.open_store(dir);
  return storage::ReadModelStore::Open(dir);
}

absl::Status ProjectionRunner::LoadProjector() {
  auto p = std::make_unique<projector::Projector>();
  for (Family f : {Family::kState, Family::kRows, Family::kCheckpoint}) {
    absl::Status load;
    RETURN_IF_ERROR(writing_->Scan(
        f, "", "", [&](absl::string_view k, absl::string_view v) {
          load = p->LoadRow(TableOf(f), k, v);
          return load.ok();
        }));
    RETURN_IF_ERROR(load);
  }
  RETURN_IF_ERROR(p->FinishLoad());
  projector_ = std::move(p);
  return absl::OkStatus();
}

void ProjectionRunner::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void ProjectionRunner::Stop() {
  {
    absl::MutexLock l(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void ProjectionRunner::Notify() {
  absl::MutexLock l(&mu_);
  notified_ = true;
}

void ProjectionRunner::RequestRebuild() {
  absl::MutexLock l(&mu_);
  rebuild_requested_ = true;
}

absl::StatusOr<std::shared_ptr<storage::ReadModelStore>>
ProjectionRunner::Store() const {
  absl::MutexLock l(&mu_);
  if (serving_ != nullptr) return serving_;
  if (rebuild_fraction_ >= 0) {
    return absl::UnavailableError(absl::StrFormat(
        "the read models are being rebuilt (%.0f%% done); retry in a few "
        "seconds",
        100 * rebuild_fraction_));
  }
  return absl::UnavailableError(
      "the read models are not built yet; retry in a few seconds");
}

absl::StatusOr<std::shared_ptr<const v1::CityOverview>>
ProjectionRunner::Overview() const {
  {
    absl::MutexLock l(&mu_);
    if (serving_ != nullptr && overview_ != nullptr) return overview_;
  }
  absl::StatusOr<std::shared_ptr<storage::ReadModelStore>> store = Store();
  if (!store.ok()) return store.status();
  return absl::UnavailableError(
      "the city overview is not published yet; retry in a moment");
}

std::vector<v1::NodeFreshness> ProjectionRunner::Freshness(
    const storage::ReadModelStore::View& view) const {
  std::vector<v1::NodeFreshness> out;
  for (const auto& [node_id, log] : options_.logs()) {
    v1::NodeFreshness f;
    f.set_node_id(node_id);
    f.set_copy_sequence(log->GetHead().sequence);
    std::string value;
    auto found = view.Get(Family::kCheckpoint, node_id, &value);
    v1::NodeCheckpoint cp;
    if (found.ok() && *found && cp.ParseFromString(value)) {
      f.set_projected_sequence(cp.sequence());
      f.set_projected_recorded_at_us(cp.last_recorded_at_us());
      if (cp.has_quarantine()) *f.mutable_quarantine() = cp.quarantine();
    }
    out.push_back(std::move(f));
  }
  return out;
}

bool ProjectionRunner::WaitProjected(const std::string& node_id,
                                     uint64_t sequence,
                                     absl::Duration timeout) const {
  absl::MutexLock l(&mu_);
  auto reached = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    auto it = projected_.find(node_id);
    return it != projected_.end() && it->second >= sequence;
  };
  return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
}

absl::Status ProjectionRunner::RebuildNow() { return Rebuild(); }

absl::Status ProjectionRunner::Rebuild() {
  const int generation = generation_ + 1;
  const std::string dir = absl::StrCat(options_.dir, "/", GenName(generation));
  RETURN_IF_ERROR(storage::ReadModelStore::Destroy(dir));  // a crashed try
  ASSIGN_OR_RETURN(std::unique_ptr<storage::ReadModelStore> fresh,
                   OpenStore(dir));
  auto projector = std::make_unique<projector::Projector>(
      projector::Projector::Mode::kRebuild);
  {
    absl::MutexLock l(&mu_);
    rebuild_fraction_ = 0;
  }
  RebuildProgressFn progress = [this](const RebuildProgress& p) {
    if (options_.progress) {
      options_.progress(p);
    } else {
      spdlog::info("{}", FormatProgress(p));
    }
    absl::MutexLock l(&mu_);
    rebuild_fraction_ =
        p.events_total == 0 ? 1.0 : double(p.events_done) / p.events_total;
  };
  absl::StatusOr<RebuildStats> stats =
      RebuildInto(options_.logs(), *projector, *fresh, progress);
  if (!stats.ok()) {
    absl::MutexLock l(&mu_);
    rebuild_fraction_ = -1;
    return stats.status();
  }
  RETURN_IF_ERROR(WriteCurrent(options_.dir, generation));
  const int old_generation = generation_;
  std::shared_ptr<storage::ReadModelStore> old = std::move(writing_);
  writing_ = std::move(fresh);
  projector_ = std::move(projector);
  generation_ = generation;
  pending_ = {};  // rows for the old store: the rebuild holds them too
  {
    absl::MutexLock l(&mu_);
    serving_ = writing_;
    rebuild_fraction_ = -1;
    projected_.clear();
    quarantines_.clear();
    Publish();
    failed_.clear();
    health_.write_error.clear();
    health_.write_failing_since_us = 0;
  }
  spdlog::info("read models rebuilt: {} events in {:.1f} s into {}",
               stats->events, stats->seconds, dir);
  // Queries still holding the old store keep their files open until done.
  old.reset();
  if (old_generation > 0) {
    RETURN_IF_ERROR(storage::ReadModelStore::Destroy(
        absl::StrCat(options_.dir, "/", GenName(old_generation))));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> ProjectionRunner::Pass() {
  // The rows of a failed write go first, unchanged: the projector already
  // folded their events, so applying more before they are in the store
  // would let a later checkpoint pass them (issue 21: units missing for
  // good after a brief full disk).
  if (!pending_.puts.empty()) RETURN_IF_ERROR(WritePending());
  bool applied = false;
  v1::EventEnvelope scratch;
  storage::ReadLimits limits;
  limits.max_events = options_.max_batch_events;
  for (const auto& [node_id, log] : options_.logs()) {
    {
      absl::MutexLock l(&mu_);
      if (failed_.count(node_id) != 0) continue;
    }
    // A quarantined log stays where its rule broke (projector.h).
    if (projector_->Quarantine(node_id) != nullptr) continue;
    const uint64_t from = projector_->Checkpoint(node_id) + 1;
    if (log->GetHead().sequence < from) continue;
    ASSIGN_OR_RETURN(std::vector<storage::StoredEvent> events,
                     log->Read(from, limits));
    for (const storage::StoredEvent& e : events) {
      absl::Status st = projector_->ApplyBytes(e.envelope, scratch);
      if (!st.ok()) {
        // Stop projecting this node (loudly) and drop what this pass did:
        // the projector is reloaded from the last complete write.
        spdlog::error(
            "projection of node {} stopped at sequence {}: {}; its figures "
            "stay at the last good event until the aggregator is fixed",
            node_id, e.sequence, st.ToString());
        {
          absl::MutexLock l(&mu_);
          failed_[node_id] = st.ToString();
        }
        RETURN_IF_ERROR(LoadProjector());
        return true;
      }
      applied = true;
      if (projector_->Quarantine(node_id) != nullptr) break;
    }
  }
  if (!applied) return false;
  pending_ = ToWriteSet(projector_->FlushAll(), false);
  RETURN_IF_ERROR(WritePending());
  return true;
}

absl::Status ProjectionRunner::WritePending() {
  absl::Status st = writing_->Apply(pending_);
  absl::MutexLock l(&mu_);
  if (!st.ok()) {
    ++health_.write_failures;
    if (health_.write_failing_since_us == 0) {
      health_.write_failing_since_us = absl::ToUnixMicros(absl::Now());
    }
    health_.write_error = st.ToString();
    return absl::Status(
        st.code(),
        absl::StrCat("writing the read models (", pending_.puts.size(),
                     " rows, kept and retried): ", st.message()));
  }
  if (health_.write_failing_since_us != 0) {
    spdlog::info(
        "read models written again after {:.1f} s of failed writes; "
        "projection resumes",
        (absl::ToUnixMicros(absl::Now()) - health_.write_failing_since_us) /
            1e6);
  }
  health_.write_error.clear();
  health_.write_failing_since_us = 0;
  pending_ = {};
  Publish();
  return absl::OkStatus();
}

std::map<std::string, v1::RuleBreak> ProjectionRunner::Quarantines() const {
  absl::MutexLock l(&mu_);
  return quarantines_;
}

std::string ProjectionRunner::QuarantineDetail(
    const std::string& node_id) const {
  absl::MutexLock l(&mu_);
  auto it = quarantines_.find(node_id);
  if (it == quarantines_.end()) return "";
  const v1::RuleBreak& q = it->second;
  return absl::StrCat("sequence ", q.sequence(), " (", q.event_type(), " on ",
                      q.stream_id(), ") breaks a campaign rule: ", q.rule(),
                      "; the read models stop before it, the copy keeps "
                      "every event");
}

ProjectionHealth ProjectionRunner::Health() const {
  absl::MutexLock l(&mu_);
  return health_;
}

void ProjectionRunner::Publish() {
  for (const auto& [node, cp] : projector_->Checkpoints()) {
    projected_[node] = cp.sequence();
    if (!cp.has_quarantine()) continue;
    if (quarantines_.count(node) == 0) {
      spdlog::critical(
          "node {} QUARANTINED: its log breaks a campaign rule at sequence {} "
          "({} on stream {}): {}. The read models stop before that event; the "
          "copy keeps every event. Investigate the node (and who pushed its "
          "log) before anything else",
          node, cp.quarantine().sequence(), cp.quarantine().event_type(),
          cp.quarantine().stream_id(), cp.quarantine().rule());
    }
    quarantines_[node] = cp.quarantine();
  }
  overview_ = OverviewOf(*projector_);
}

void ProjectionRunner::Loop() {
  services::LogLimiter pass_errors(options_.log_interval);
  absl::Duration backoff = options_.retry_initial;
  for (;;) {
    bool rebuild = false;
    {
      absl::MutexLock l(&mu_);
      if (stop_) return;
      rebuild = rebuild_requested_;
      rebuild_requested_ = false;
    }
    if (rebuild) {
      absl::Status st = Rebuild();
      if (!st.ok()) {
        spdlog::error("read-model rebuild failed: {}; retrying in 5 s",
                      st.ToString());
        absl::MutexLock l(&mu_);
        rebuild_requested_ = true;
        mu_.AwaitWithTimeout(absl::Condition(&stop_), absl::Seconds(5));
        continue;
      }
    }
    if (projector_ == nullptr) continue;
    absl::StatusOr<bool> applied = Pass();
    if (!applied.ok()) {
      uint64_t held_back = 0;
      if (pass_errors.Allow(absl::Now(), &held_back)) {
        spdlog::error(
            "projection pass failed: {}; retrying (the read models stay at "
            "their last good write; {} more failures since the last line)",
            applied.status().ToString(), held_back);
      }
      absl::MutexLock l(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stop_), backoff);
      backoff = std::min(backoff * 2, options_.retry_max);
      continue;
    }
    backoff = options_.retry_initial;
    pass_errors.Reset();
    if (*applied) continue;  // more may be waiting
    absl::MutexLock l(&mu_);
    auto wake = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return stop_ || notified_ || rebuild_requested_;
    };
    mu_.AwaitWithTimeout(absl::Condition(&wake), options_.idle_wait);
    notified_ = false;
  }
}

}  // namespace reporting::city
