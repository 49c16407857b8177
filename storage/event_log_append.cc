// The append path of EventLogImpl: the writer queue, staging of one append
// into a group's batch, and the group's single RocksDB write.
//
// Concurrent appends are combined: each Append queues itself; the writer at
// the front of the queue leads a group (every append queued so far, up to
// kMaxGroupEvents events), stages each one in order into one WriteBatch
// (idempotency, version checks, sequences, envelopes, hashes; each append
// is accepted or refused on its own), writes the batch once with
// sync=true (durable when the write returns), and answers every member;
// then it leads the next group or hands the queue over. One
// write per group instead of one per append is what lets many
// single-event appenders outrun a bare one-write-per-event loop: RocksDB's
// per-write cost (WAL record, write queue, memtable bookkeeping) is paid
// once per group.
//
// AppendAsync queues the same way but does not wait: when the queue was
// empty, the log's async leader thread leads. It only writes groups, with
// sync=false; the answerer thread waits for each one's sync (GroupCommit)
// and answers its members
// (callbacks for AppendAsync), so the next group is written while the
// previous one syncs and is answered. A server with many calls in flight
// then parks no thread per call.
#include <pthread.h>

#include <algorithm>
#include <memory>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "storage/append_validation.h"
#include "storage/command_record.h"
#include "storage/envelope.h"
#include "storage/event_log_impl.h"
#include "storage/hash_chain.h"
#include "storage/keys.h"
#include "storage/status_macros.h"

namespace reporting::storage {
namespace {

// The log whose AppendAsync callbacks this thread is running (FinishAsync).
thread_local const EventLogImpl* t_answering = nullptr;

}  // namespace

// One Append (or AppendAsync) call in the writer queue. The leader that
// handles it writes its answer, then: for Append, sets `done` and notifies
// it, or, when it reaches the front of the queue, notifies it with `done`
// false (it leads the next group); for AppendAsync, calls its callback.
// Each writer has its own Notification, so woken members do not hand one
// shared mutex from each woken thread to the next (a chain of context
// switches that kept groups small).
struct EventLogImpl::Writer {
  explicit Writer(const AppendRequest* r) : request(r) {}
  Writer(AppendRequest r, AppendCallback cb)
      : owned(std::move(r)), request(&owned), callback(std::move(cb)) {}

  AppendRequest owned;  // AppendAsync's request (the caller has returned)
  const AppendRequest* const request;
  AppendCallback callback;  // AppendAsync only: answered through it
  absl::Notification ready;
  bool done = false;
  // Members of the same group this one wakes once it is woken (a binary
  // tree: the leader wakes only the root, so waking a group costs the
  // leader one wake-up, not one per member).
  Writer* wake_first = nullptr;
  Writer* wake_second = nullptr;
  absl::Status status;  // a refusal, a write or a sync error
  AppendResult result;  // when staged
  Range range{0, 0};    // sequences staged, or the original's
  bool duplicate = false;
  // `status` is a refusal recorded by this group's write (staged by this
  // writer, or by an earlier one of the group with the same command id):
  // answered only if that write succeeds.
  bool refusal_in_group = false;
};

absl::StatusOr<AppendResult> EventLogImpl::Append(
    const AppendRequest& request) {
  RETURN_IF_ERROR(ValidateAppendRequest(options_.node_id, request));
  Writer w(&request);
  Answered answered;  // AppendAsync members this thread answered as leader
  absl::StatusOr<AppendResult> outcome;
  {
    absl::ReaderMutexLock life(&lifecycle_);
    RETURN_IF_ERROR(CheckOpen("append"));
    RunInGroup(&w, &answered);  // written and durable, or refused
    outcome = OutcomeLocked(w);
  }
  FinishAsync(std::move(answered));
  return outcome;
}

void EventLogImpl::AppendAsync(AppendRequest request, AppendCallback done) {
  // Not under lifecycle_ (a callback may call this, and the answerer
  // thread must not take it twice): Close sets async_closing_ before it
  // closes anything, and waits for every request queued before.
  absl::Status refused = ValidateAppendRequest(options_.node_id, request);
  if (refused.ok()) {
    auto w = std::make_unique<Writer>(std::move(request), std::move(done));
    absl::MutexLock q(&queue_mu_);
    if (!async_closing_) {
      // Nobody leads an empty queue: the leader thread takes it (an
      // Append arriving meanwhile queues behind and is led by it).
      if (writers_.empty()) {
        if (t_answering == this) {
          wake_deferred_ = true;  // FinishAsync wakes the leader once
        } else {
          async_lead_wanted_ = true;
        }
      }
      if (!async_leader_.joinable()) {
        async_leader_ = std::thread([this] { AsyncLeaderLoop(); });
      }
      writers_.push_back(w.release());
      ++async_pending_;
      return;
    }
    done = std::move(w->callback);
    refused = absl::FailedPreconditionError(
        absl::StrCat("event_log: append node=", options_.node_id,
                     ": the log is closing or closed"));
  }
  done(std::move(refused));
}

void EventLogImpl::AsyncLeaderLoop() {
  // Closing ends the thread, but not while callbacks still running may
  // want it to lead what they queued (wake_deferred_).
  auto wanted = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_) {
    return async_lead_wanted_ || (async_closing_ && !wake_deferred_);
  };
  pthread_setname_np(pthread_self(), "log-writer");
  for (;;) {
    {
      absl::MutexLock q(&queue_mu_);
      queue_mu_.Await(absl::Condition(&wanted));
      if (!async_lead_wanted_) return;  // closing, and nothing to lead
      async_lead_wanted_ = false;
      async_leading_ = true;
    }
    {
      absl::ReaderMutexLock life(&lifecycle_);
      LeadGroups(nullptr, nullptr);
    }
    absl::MutexLock q(&queue_mu_);
    async_leading_ = false;
  }
}

void EventLogImpl::DrainAsync() {
  std::thread leader, answerer;
  {
    absl::MutexLock q(&queue_mu_);
    async_closing_ = true;
    auto drained = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_) {
      return async_pending_ == 0 && !async_leading_ && !async_lead_wanted_ &&
             written_groups_.empty() && !answering_;
    };
    queue_mu_.Await(absl::Condition(&drained));
    leader = std::move(async_leader_);
    answerer = std::move(async_answerer_);
  }
  // Both see async_closing_ and end.
  if (leader.joinable()) leader.join();
  if (answerer.joinable()) answerer.join();
}

absl::StatusOr<AppendResult> EventLogImpl::OutcomeLocked(Writer& w) const {
  RETURN_IF_ERROR(w.status);
  if (w.duplicate) {
    ASSIGN_OR_RETURN(w.result, ResultFromEventsLocked(w.range));
    w.result.duplicate = true;
  }
  return std::move(w.result);
}

void EventLogImpl::RunInGroup(Writer* w, Answered* answered) {
  bool lead;
  {
    absl::MutexLock q(&queue_mu_);
    writers_.push_back(w);
    lead = writers_.size() == 1;  // nobody is leading: lead now
    if (wake_deferred_) {
      // Async appends queued by callbacks still running wait for the leader
      // thread: wake it now (it leads this one too) rather than wait for
      // the callbacks to end.
      wake_deferred_ = false;
      async_lead_wanted_ = true;
    }
  }
  if (!lead) {
    w->ready.WaitForNotification();
    if (w->done) {  // a leader wrote it and made it durable
      if (w->wake_first != nullptr) w->wake_first->ready.Notify();
      if (w->wake_second != nullptr) w->wake_second->ready.Notify();
      return;
    }
  }
  LeadGroups(w, answered);
}

void EventLogImpl::LeadGroups(const Writer* self, Answered* answered) {
  // Write groups from the front of the queue, each made durable before its
  // members are answered, until the queue is empty. An Append leads at most
  // kMaxLeadRounds groups (bounding its own latency), then hands the lead
  // to the front writer (or, for an AppendAsync one, to the leader
  // thread). Staying on keeps a running thread on the serial path: a
  // handoff would first have to wake a sleeping one.
  //
  // The async leader thread (self == nullptr) only writes: it passes each
  // written group to the answerer thread, which waits for the sync and
  // answers, and writes the next group meanwhile. Answering a gRPC call
  // costs tens of microseconds; done between syncs it would stretch every
  // cycle of the serial path.
  for (int round = 1;; ++round) {
    std::vector<Writer*> group;
    {
      absl::MutexLock q(&queue_mu_);
      size_t events = 0;
      for (Writer* next : writers_) {
        const size_t n = next->request->events.size();
        if (!group.empty() && events + n > kMaxGroupEvents) break;
        if (self == nullptr && group.size() == kMaxAsyncGroupAppends) break;
        group.push_back(next);
        events += n;
      }
    }
    if (group.empty()) return;  // woken for writers a previous round took
    // Later writers queue up while this group is written and synced, so
    // the next group is as large as the wait was long. An Append leading
    // waits for the sync before it writes the next group anyway: its write
    // syncs (one RocksDB call costs less than a write and a SyncWAL). The
    // leader thread leaves the sync to the answerer and writes on.
    WriteGroup(group, /*sync=*/self != nullptr);
    if (self == nullptr) {
      absl::MutexLock q(&queue_mu_);
      for (size_t i = 0; i < group.size(); ++i) writers_.pop_front();
      written_groups_.push_back(std::move(group));
      if (!async_answerer_.joinable()) {
        async_answerer_ = std::thread([this] { AnswerLoop(); });
      }
      if (writers_.empty()) return;
      continue;
    }
    SettleGroup(group);
    bool more;
    bool handed_over = false;
    Writer* next_leader = nullptr;
    {
      absl::MutexLock q(&queue_mu_);
      for (size_t i = 0; i < group.size(); ++i) writers_.pop_front();
      more = !writers_.empty();
      if (more && round >= kMaxLeadRounds) {
        handed_over = true;
        if (writers_.front()->callback) {
          async_lead_wanted_ = true;
        } else {
          next_leader = writers_.front();
        }
      }
    }
    if (next_leader != nullptr) next_leader->ready.Notify();
    Answer(group, self, answered);
    if (!more || handed_over) return;
  }
}

void EventLogImpl::AnswerLoop() {
  // Closing ends the thread once the leader thread can add no more groups
  // (it writes a burst as several).
  auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_) {
    return !written_groups_.empty() || (async_closing_ && !async_leading_ &&
                                        !async_lead_wanted_ && !wake_deferred_);
  };
  pthread_setname_np(pthread_self(), "log-answerer");
  for (;;) {
    std::vector<Writer*> group;
    {
      absl::MutexLock q(&queue_mu_);
      queue_mu_.Await(absl::Condition(&ready));
      if (written_groups_.empty()) return;  // closing, and nothing to answer
      group = std::move(written_groups_.front());
      written_groups_.pop_front();
      answering_ = true;
    }
    Answered answered;
    {
      absl::ReaderMutexLock life(&lifecycle_);
      SettleGroup(group);
      Answer(group, nullptr, &answered);
    }
    FinishAsync(std::move(answered));
    absl::MutexLock q(&queue_mu_);
    answering_ = false;
  }
}

void EventLogImpl::Answer(const std::vector<Writer*>& group,
                          const Writer* leader, Answered* answered) {
  // Async members are picked out first: a woken member's Writer lives on
  // its own stack and may be gone as soon as it is notified.
  for (Writer* member : group) {
    if (member->callback) {
      answered->emplace_back(member, OutcomeLocked(*member));
    }
  }
  WakeMembers(group, leader);
}

void EventLogImpl::WakeMembers(const std::vector<Writer*>& group,
                               const Writer* leader) {
  std::vector<Writer*> members;  // no allocation for a leader alone
  if (group.size() > 1) members.reserve(group.size());
  for (Writer* member : group) {
    if (member != leader && !member->callback) members.push_back(member);
  }
  if (members.empty()) return;
  // Heap order: member i wakes 2i+1 and 2i+2 (set before anyone wakes).
  for (size_t i = 0; i < members.size(); ++i) {
    members[i]->done = true;
    if (2 * i + 1 < members.size()) members[i]->wake_first = members[2 * i + 1];
    if (2 * i + 2 < members.size())
      members[i]->wake_second = members[2 * i + 2];
  }
  members[0]->ready.Notify();
}

void EventLogImpl::FinishAsync(Answered answered) {
  if (answered.empty()) return;
  // A callback commonly sends the appender's next append. Waking the
  // leader thread for each one (a context switch per append on this path)
  // cost more than writing them: it is woken once, after the last callback.
  const EventLogImpl* outer = t_answering;
  t_answering = this;
  for (auto& [member, outcome] : answered) {
    std::unique_ptr<Writer> w(member);  // popped from the queue: ours now
    w->callback(std::move(outcome));
  }
  t_answering = outer;
  absl::MutexLock q(&queue_mu_);
  async_pending_ -= answered.size();
  if (wake_deferred_ && outer != this) {
    wake_deferred_ = false;
    if (!writers_.empty()) async_lead_wanted_ = true;
  }
}

void EventLogImpl::SettleGroup(const std::vector<Writer*>& group) {
  // Acknowledge only once durable (a duplicate once its original is).
  uint64_t last = 0;
  for (Writer* member : group) {
    if (member->status.ok()) last = std::max(last, member->range.second);
  }
  absl::Status durable =
      last == 0 ? absl::OkStatus() : commit_.AwaitDurable(last);
  for (Writer* member : group) {
    if (member->status.ok()) member->status = durable;
  }
}

void EventLogImpl::WriteGroup(const std::vector<Writer*>& group, bool sync) {
  absl::MutexLock l(&append_mu_);
  // Refuse below the disk's reserve, and after a failed write or sync
  // until the log has reopened itself (storage/README.md "Full disks").
  absl::Status blocked = db_->WriteState();
  if (!blocked.ok()) {
    for (Writer* w : group) w->status = blocked;
    return;
  }
  batch_.Clear();
  Staging& staging = staging_;
  staging.head = written_;
  size_t max_streams = 0;
  for (const Writer* w : group) {
    max_streams +=
        w->request->events.size() + w->request->expected_versions.size();
  }
  staging.streams.Reset(max_streams);
  staging.commands.clear();
  const bool shared = group.size() > 1;
  bool refusals = false;  // refusal records staged
  for (Writer* w : group) {
    const AppendRequest& request = *w->request;
    const std::string& id = request.command_id;
    if (shared) {
      auto it = staging.commands.find(id);
      if (it != staging.commands.end()) {
        const Writer& first = *it->second;
        w->status = CheckSameRequest(id, first.request->request_digest,
                                     request.request_digest);
        if (!w->status.ok()) continue;
        if (first.refusal_in_group) {
          w->status = first.status;
          w->refusal_in_group = true;
          continue;
        }
        w->range = first.range;
        w->duplicate = true;
        continue;
      }
    }
    // Written before, durable or not: a duplicate, answered once its
    // original is durable (SettleGroup); a refusal, durable once visible
    // (its write synced); or another request under the same id.
    HeldCommand held;
    absl::StatusOr<bool> known = KnownCommandLocked(id, &held);
    if (!known.ok()) {
      w->status = known.status();
      continue;
    }
    if (*known) {
      w->status = CheckSameRequest(id, held.digest, request.request_digest);
      if (!w->status.ok()) continue;
      if (held.refused) {
        w->status = std::move(held.refusal);
        continue;
      }
      w->range = held.range;
      w->duplicate = true;
      continue;
    }
    if (!request.refusal.ok()) {
      // The command's final answer: recorded, then answered as recorded.
      w->status = RecordedRefusal(request.refusal);
      keys::RefusalValueTo(&record_buffer_, static_cast<int>(w->status.code()),
                           request.request_digest, w->status.message());
      batch_.Put(db_->handle(Cf::kCommands), id, record_buffer_);
      w->refusal_in_group = true;
      refusals = true;
    } else {
      w->status = StageLocked(request, &staging, &w->result);
      if (!w->status.ok()) continue;
      w->range = {w->result.first_sequence, w->result.last_sequence};
    }
    if (shared) staging.commands.emplace(id, w);
  }
  const bool appended = staging.head.sequence != written_.sequence;
  if (!appended && !refusals) return;  // nothing new

  // A stream's version is its newest stream_index entry: no separate
  // version record is written (storage/README.md, "Column families").
  // type_index entries are not written here: the first group written
  // without them records the type index cursor (storage/README.md "Types,
  // lazily").
  const uint64_t head_before = written_.sequence;
  bool type_cursor = false;
  if (appended) {
    absl::StatusOr<bool> staged = StageTypeCursorLocked(&batch_, head_before);
    if (!staged.ok()) {
      for (Writer* w : group) {
        if (w->status.ok() || w->refusal_in_group) w->status = staged.status();
      }
      return;
    }
    type_cursor = *staged;
    keys::HeadValueTo(&record_buffer_, staging.head.sequence,
                      staging.head.hash);
    batch_.Put(db_->handle(Cf::kMeta),
               rocksdb::Slice(keys::kHeadKey.data(), keys::kHeadKey.size()),
               record_buffer_);
  }
  // Unless `sync`, not synced here: GroupCommit syncs once for every group
  // written meanwhile. The WAL holds batches in sequence order (we hold
  // append_mu_), so a crash leaves a gapless prefix. A group that records
  // a refusal syncs its own write (refusals are rare): a refusal has no
  // sequence for GroupCommit to wait for, and RocksDB makes a synced write
  // visible only once it is durable, so whoever finds the refusal later
  // (a resend) may answer it at once.
  sync = (sync || refusals) && options_.sync;
  absl::Status s = db_->Write(&batch_, sync);
  ++append_writes_;
  if (!s.ok()) {
    // RocksDb refuses further writes until the log reopens itself, and
    // the written versions and head stay as they were (the reopen reads
    // them back). Every member fails: the staged ones were not written
    // (or not durably), and a duplicate in this group may name one of
    // them.
    for (Writer* w : group) {
      if (w->status.ok() || w->refusal_in_group) w->status = s;
    }
    return;
  }
  SetWrittenLocked(staging.head);
  if (type_cursor) TypeCursorWrittenLocked(head_before);
  // The versions written: in place where cached, else added.
  std::vector<std::pair<absl::string_view, uint64_t>>& added = staged_buffer_;
  added.clear();
  for (const Staging::Stream& stream : staging.streams) {
    if (!stream.staged) continue;
    if (stream.cached != nullptr) {
      *stream.cached = stream.version;
    } else {
      added.emplace_back(stream.id, stream.version);
    }
  }
  CacheVersionsLocked(added);
  if (sync) {
    commit_.MarkSynced(written_);
  } else if (!options_.sync) {
    commit_.MarkDurable(written_);
  }
}

absl::StatusOr<bool> EventLogImpl::KnownCommandLocked(
    absl::string_view command_id, HeldCommand* held) {
  RETURN_IF_ERROR(command_filter_.EnsureBuilt([this](const auto& visit) {
    std::unique_ptr<rocksdb::Iterator> it =
        db_->NewIterator(Cf::kCommands, rocksdb::ReadOptions());
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      visit(absl::string_view(it->key().data(), it->key().size()));
    }
    return ToStatus(it->status(), "read the command index");
  }));
  // Recorded now (it is about to be staged): one probe, not two.
  if (!command_filter_.AddAndCheck(command_id)) return false;
  return LookupCommandLocked(command_id, held);
}

absl::Status EventLogImpl::StageLocked(const AppendRequest& request,
                                       Staging* staging, AppendResult* result) {
  // Every stream's version before this append: staged earlier in the
  // group, else as written (durable or not). Resolved before anything is
  // put into the batch, so a refusal leaves the batch as it was.
  auto resolve = [&](absl::string_view stream) -> absl::StatusOr<uint32_t> {
    const uint32_t at = staging->streams.FindOrAdd(stream);
    Staging::Stream& s = staging->streams[at];
    if (!s.resolved) {  // new, or its read failed for an earlier append
      ASSIGN_OR_RETURN(s.version, WrittenVersionLocked(stream, &s.cached));
      s.resolved = true;
    }
    return at;
  };
  for (const auto& [stream, expected] : request.expected_versions) {
    ASSIGN_OR_RETURN(const uint32_t at, resolve(stream));
    const uint64_t found = staging->streams[at].version;
    if (found != expected) {
      return absl::AbortedError(absl::StrCat(
          "event_log: append node=", options_.node_id, " stream=", stream,
          ": expected version ", expected, ", found ", found,
          " (it changed since it was read; read it again and retry)"));
    }
  }
  std::vector<uint32_t>& event_streams = event_streams_;
  event_streams.clear();
  for (const NewEvent& e : request.events) {
    ASSIGN_OR_RETURN(const uint32_t at, resolve(e.stream_id));
    event_streams.push_back(at);
  }

  const int64_t recorded_at =
      request.recorded_at_us != 0 ? request.recorded_at_us : options_.now_us();
  result->first_sequence = staging->head.sequence + 1;
  uint64_t seq = staging->head.sequence;
  // prev: the previous event's hash, kept in a fixed buffer; each value
  // is hash[32] envelope, the envelope encoded once, in place, then hashed
  // where it lies into the value's first bytes.
  char prev[kHashBytes];
  staging->head.hash.copy(prev, kHashBytes);
  EnvelopeEncoder& encoder = encoder_;
  encoder.Reset(options_.node_id, recorded_at, request.actor,
                request.command_id);
  std::string& value = value_buffer_;
  // The append's streams in order of its first event on each. Pointers
  // into staging->streams hold: nothing is added while events stage.
  std::vector<std::pair<absl::string_view, const uint64_t*>>& touched =
      touched_buffer_;
  touched.clear();
  size_t touched_bytes = 0;
  for (size_t i = 0; i < request.events.size(); ++i) {
    const NewEvent& e = request.events[i];
    Staging::Stream& stream = staging->streams[event_streams[i]];
    const uint64_t version = ++stream.version;
    stream.staged = true;
    if (stream.staged_by != &request) {
      stream.staged_by = &request;
      touched.emplace_back(e.stream_id, &stream.version);
      touched_bytes += e.stream_id.size();
    }
    ++seq;
    const absl::string_view prev_hash(prev, kHashBytes);
    value.assign(kHashBytes, '\0');
    char event_id[kEventIdChars];
    NewEventIdTo(event_id);
    encoder.Append(seq, e.stream_id, version,
                   absl::string_view(event_id, kEventIdChars), e.event_type,
                   e.payload, prev_hash, &value);
    ChainHashTo(prev_hash, absl::string_view(value).substr(kHashBytes),
                value.data());
    std::copy_n(value.data(), kHashBytes, prev);

    keys::StreamIndexKeyTo(&stream_key_buffer_, e.stream_id, version);
    batch_.Put(db_->handle(Cf::kEvents), keys::EventKey(seq), value);
    batch_.Put(db_->handle(Cf::kStreamIndex), stream_key_buffer_,
               keys::Be64(seq));
    // type_index is written lazily, by the first ReadByType that needs it
    // (event_log_lazy_index.cc), unless a test asks for the old eager way.
    if (eager_type_index_) {
      keys::TypeIndexKeyTo(&type_key_buffer_, e.event_type, recorded_at, seq);
      batch_.Put(db_->handle(Cf::kTypeIndex), type_key_buffer_,
                 rocksdb::Slice());
    }
  }
  result->stream_versions.Reserve(touched.size(), touched_bytes);
  for (const auto& [id, version] : touched) {
    result->stream_versions.Add(id, *version);
  }
  result->last_sequence = seq;
  keys::CommandValueTo(&record_buffer_, result->first_sequence, seq,
                       request.request_digest);
  batch_.Put(db_->handle(Cf::kCommands), request.command_id, record_buffer_);
  staging->head.sequence = seq;
  staging->head.hash.assign(prev, kHashBytes);
  return absl::OkStatus();
}

}  // namespace reporting::storage
