#include "services/city/query_service.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/common/grpc_status.h"
#include "services/domain/dates.h"
#include "services/domain/ids.h"
#include "services/projector/figures.h"
#include "services/projector/projector.h"
#include "storage/status_macros.h"

namespace reporting::city {
namespace {

// The replication half of a node's freshness (query.proto NodeFreshness).
void SetReplication(const ReplicationFacts& r, v1::NodeFreshness& f) {
  f.set_has_replication(true);
  f.set_county_head(r.county_head);
  f.set_lag_events(r.lag_events);
  f.set_lag_seconds(r.lag_seconds);
  f.set_last_contact_us(r.last_contact_us);
  f.set_replication_state(r.state);
  f.set_replication_detail(r.detail);
  f.set_silent_seconds(r.silent_seconds);
  f.set_last_head_report_us(r.last_head_report_us);
  f.set_recorded_ahead_seconds(r.recorded_ahead_seconds);
  f.set_clock_skewed(r.clock_skewed);
}

using Family = storage::ReadModelStore::Family;

constexpr uint32_t kDefaultPageSize = 100;
constexpr uint32_t kMaxPageSize = 1000;

absl::StatusOr<uint32_t> PageSize(uint32_t requested) {
  if (requested == 0) return kDefaultPageSize;
  if (requested > kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "page_size ", requested, " is over the limit of ", kMaxPageSize));
  }
  return requested;
}

template <typename M>
absl::Status ParseRow(absl::string_view key, absl::string_view value, M& out) {
  if (!out.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError(absl::StrCat(
        "read models: row \"", absl::CEscape(key), "\" does not parse"));
  }
  return absl::OkStatus();
}

// The smallest key after `key`.
std::string After(absl::string_view key) {
  return absl::StrCat(key, absl::string_view("\0", 1));
}

// Page tokens are opaque to clients: web-safe base64 of the resume point.
std::string EncodeToken(absl::string_view raw) {
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::string> DecodeToken(const std::string& token,
                                        absl::string_view prefix) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) ||
      raw.substr(0, prefix.size()) != prefix) {
    return absl::InvalidArgumentError(
        "page_token is not one this service returned for these filters; "
        "start again with an empty page_token");
  }
  return raw;
}

// A node filter: empty (every node) or a well-formed node id, so a typo
// is an error and not an empty list.
absl::Status NodeFilter(absl::string_view node_id) {
  if (node_id.empty()) return absl::OkStatus();
  return domain::ValidateNodeId(node_id);
}

std::string NodePrefix(absl::string_view row_prefix,
                       const std::string& node_id) {
  if (node_id.empty()) return std::string(row_prefix);
  return absl::StrCat(row_prefix, node_id, absl::string_view("\0", 1));
}

// The request's filters (all but node and paging) against one row.
bool UnitMatches(const v1::ListUnitsRequest& request, const v1::UnitRow& row) {
  if (request.batch() != v1::BATCH_UNSPECIFIED &&
      row.batch() != request.batch()) {
    return false;
  }
  if (request.stage() != v1::STAGE_UNSPECIFIED &&
      row.stage() != request.stage()) {
    return false;
  }
  if (request.next_step() != v1::TRANSITION_STEP_UNSPECIFIED &&
      row.next_step() != request.next_step()) {
    return false;
  }
  if (request.condition() != v1::UNIT_CONDITION_UNSPECIFIED &&
      row.condition() != request.condition()) {
    return false;
  }
  if (request.blocked_reason() != v1::BLOCKING_REASON_CODE_UNSPECIFIED) {
    bool has = false;
    for (const auto& b : row.blocking()) {
      has = has || b.code() == request.blocked_reason();
    }
    if (!has) return false;
  }
  return true;
}

// ListUnits for one unit_id: a point read, the filters still apply.
absl::Status OneUnit(const storage::ReadModelStore::View& view,
                     const v1::ListUnitsRequest& request,
                     v1::ListUnitsResponse& out) {
  if (request.node_id().empty()) {
    return absl::InvalidArgumentError(
        "unit_id needs node_id (the node whose unit it is)");
  }
  if (!request.page_token().empty()) {
    return absl::InvalidArgumentError(
        "a single unit (unit_id) has no further pages; send no page_token");
  }
  std::string value;
  ASSIGN_OR_RETURN(
      const bool found,
      view.Get(Family::kRows,
               projector::UnitRowKey(request.node_id(), request.unit_id()),
               &value));
  if (!found) return absl::OkStatus();
  v1::UnitRow row;
  RETURN_IF_ERROR(ParseRow(request.unit_id(), value, row));
  if (UnitMatches(request, row)) *out.add_units() = std::move(row);
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<storage::ReadModelStore>> StoreOf(
    const ProjectionRunner* runner) {
  return runner->Store();
}

}  // namespace

namespace query {

absl::StatusOr<std::string> Today(const std::string& requested) {
  if (requested.empty()) {
    return absl::FormatTime("%Y-%m-%d", absl::Now(), absl::LocalTimeZone());
  }
  if (!domain::IsValidDate(requested)) {
    return absl::InvalidArgumentError(
        absl::StrCat("today \"", requested, "\" is not a date (YYYY-MM-DD)"));
  }
  return requested;
}

absl::Status CityOverview(const storage::ReadModelStore::View& view,
                          const std::string& today, v1::CityOverview& out) {
  absl::Status parse;
  v1::NodeFigures* city = out.mutable_city();
  RETURN_IF_ERROR(view.Scan(Family::kRows, projector::kNodeRowPrefix, "",
                            [&](absl::string_view k, absl::string_view v) {
                              v1::NodeFigures* node = out.add_nodes();
                              parse = ParseRow(k, v, *node);
                              if (!parse.ok()) return false;
                              projector::AddFigures(*node, *city);
                              projector::FinishForDay(today, *node);
                              return true;
                            }));
  RETURN_IF_ERROR(parse);
  projector::FinishForDay(today, *city);
  out.set_today(today);
  return absl::OkStatus();
}

void FinishOverview(const v1::CityOverview& base, const std::string& today,
                    v1::CityOverview& out) {
  out = base;
  for (v1::NodeFigures& node : *out.mutable_nodes()) {
    projector::FinishForDay(today, node);
  }
  projector::FinishForDay(today, *out.mutable_city());
  out.set_today(today);
}

google::protobuf::ArenaOptions OverviewArenaOptions() {
  google::protobuf::ArenaOptions o;
  o.start_block_size = 256 << 10;
  o.max_block_size = 1 << 20;
  return o;
}

absl::Status ListUnits(const storage::ReadModelStore::View& view,
                       const v1::ListUnitsRequest& request,
                       v1::ListUnitsResponse& out) {
  ASSIGN_OR_RETURN(const uint32_t page_size, PageSize(request.page_size()));
  RETURN_IF_ERROR(NodeFilter(request.node_id()));
  if (!request.unit_id().empty()) return OneUnit(view, request, out);
  const std::string prefix =
      NodePrefix(projector::kUnitRowPrefix, request.node_id());
  std::string start;
  if (!request.page_token().empty()) {
    ASSIGN_OR_RETURN(std::string last,
                     DecodeToken(request.page_token(), prefix));
    start = After(last);
  }
  absl::Status parse;
  std::string last_key;
  bool more = false;
  v1::UnitRow row;
  RETURN_IF_ERROR(view.Scan(Family::kRows, prefix, start,
                            [&](absl::string_view k, absl::string_view v) {
                              parse = ParseRow(k, v, row);
                              if (!parse.ok()) return false;
                              if (!UnitMatches(request, row)) return true;
                              if (static_cast<uint32_t>(out.units_size()) ==
                                  page_size) {
                                more = true;
                                return false;
                              }
                              *out.add_units() = row;
                              last_key = std::string(k);
                              return true;
                            }));
  RETURN_IF_ERROR(parse);
  if (more) out.set_next_page_token(EncodeToken(last_key));
  return absl::OkStatus();
}

absl::Status ListRectifications(const storage::ReadModelStore::View& view,
                                const v1::ListRectificationsRequest& request,
                                const std::string& today,
                                v1::ListRectificationsResponse& out) {
  ASSIGN_OR_RETURN(const uint32_t page_size, PageSize(request.page_size()));
  RETURN_IF_ERROR(NodeFilter(request.node_id()));
  const std::string prefix =
      NodePrefix(projector::kRectRowPrefix, request.node_id());
  // Two passes over the rows: overdue items (pass 0), then the rest
  // (pass 1). A token is the pass digit followed by the last key returned.
  int pass = 0;
  std::string start;
  if (!request.page_token().empty()) {
    std::string raw;
    if (!absl::WebSafeBase64Unescape(request.page_token(), &raw) ||
        raw.empty() || (raw[0] != '0' && raw[0] != '1')) {
      return absl::InvalidArgumentError(
          "page_token is not one this service returned; start again with an "
          "empty page_token");
    }
    pass = raw[0] - '0';
    const absl::string_view last = absl::string_view(raw).substr(1);
    if (last.substr(0, prefix.size()) != prefix) {
      return absl::InvalidArgumentError(
          "page_token is not one this service returned for these filters; "
          "start again with an empty page_token");
    }
    start = After(last);
  }
  absl::Status parse;
  std::string last_key;
  int last_pass = pass;
  bool more = false;
  for (; pass < 2 && !more; ++pass) {
    v1::RectificationRow row;
    RETURN_IF_ERROR(view.Scan(
        Family::kRows, prefix, start,
        [&](absl::string_view k, absl::string_view v) {
          parse = ParseRow(k, v, row);
          if (!parse.ok()) return false;
          if (request.kind() != v1::RECTIFICATION_KIND_UNSPECIFIED &&
              row.kind() != request.kind()) {
            return true;
          }
          if (request.class_() != v1::RECTIFICATION_CLASS_UNSPECIFIED &&
              row.class_() != request.class_()) {
            return true;
          }
          const bool overdue = projector::MarkOverdue(today, row);
          if (overdue != (pass == 0)) return true;
          if (static_cast<uint32_t>(out.items_size()) == page_size) {
            more = true;
            return false;
          }
          *out.add_items() = row;
          last_key = std::string(k);
          last_pass = pass;
          return true;
        }));
    RETURN_IF_ERROR(parse);
    start.clear();
  }
  if (more) {
    out.set_next_page_token(
        EncodeToken(absl::StrCat(last_pass == 0 ? "0" : "1", last_key)));
  }
  out.set_today(today);
  return absl::OkStatus();
}

}  // namespace query

namespace {

class OverviewHolder final
    : public grpc::MessageHolder<v1::GetCityOverviewRequest, v1::CityOverview> {
 public:
  OverviewHolder() : arena_(query::OverviewArenaOptions()) {
    set_request(
        google::protobuf::Arena::CreateMessage<v1::GetCityOverviewRequest>(
            &arena_));
    set_response(
        google::protobuf::Arena::CreateMessage<v1::CityOverview>(&arena_));
  }
  void Release() override { delete this; }

 private:
  google::protobuf::Arena arena_;
};

}  // namespace

grpc::MessageHolder<v1::GetCityOverviewRequest, v1::CityOverview>*
OverviewArenaAllocator::AllocateMessages() {
  return new OverviewHolder();
}

QueryServiceImpl::QueryServiceImpl(const ProjectionRunner* runner,
                                   ReplicationStatusFn replication)
    : runner_(runner), replication_(std::move(replication)) {
  SetMessageAllocatorFor_GetCityOverview(&overview_allocator_);
}

grpc::ServerUnaryReactor* QueryServiceImpl::GetCityOverview(
    grpc::CallbackServerContext* context,
    const v1::GetCityOverviewRequest* request, v1::CityOverview* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<std::string> today = query::Today(request->today());
  // The runner's in-memory overview of the store it serves (a row read and
  // a sum per node per query was too slow for 200 nodes).
  absl::StatusOr<std::shared_ptr<const v1::CityOverview>> base =
      today.ok() ? runner_->Overview() : today.status();
  if (!base.ok()) {
    reactor->Finish(services::ToGrpcStatus(base.status()));
    return reactor;
  }
  query::FinishOverview(**base, *today, *response);
  if (replication_) {
    for (const ReplicationFacts& r : replication_()) {
      v1::NodeFreshness* f = response->add_freshness();
      f->set_node_id(r.node_id);
      SetReplication(r, *f);
    }
  }
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::Status QueryServiceImpl::GetNodeDetail(
    grpc::ServerContext*, const v1::GetNodeDetailRequest* request,
    v1::NodeDetail* response) {
  if (request->node_id().empty()) {
    return services::ToGrpcStatus(
        absl::InvalidArgumentError("node_id is required"));
  }
  if (absl::Status s = domain::ValidateNodeId(request->node_id()); !s.ok()) {
    return services::ToGrpcStatus(s);
  }
  absl::StatusOr<std::string> today = query::Today(request->today());
  if (!today.ok()) return services::ToGrpcStatus(today.status());
  auto store = StoreOf(runner_);
  if (!store.ok()) return services::ToGrpcStatus(store.status());
  auto view = (*store)->NewView();
  std::string value;
  auto found = view->Get(Family::kRows,
                         projector::NodeRowKey(request->node_id()), &value);
  if (!found.ok()) return services::ToGrpcStatus(found.status());
  if (!*found) {
    return services::ToGrpcStatus(absl::NotFoundError(
        absl::StrCat("node ", request->node_id(),
                     " has no data at the city (no event of its log has "
                     "been received and projected)")));
  }
  absl::Status st =
      ParseRow(request->node_id(), value, *response->mutable_figures());
  if (!st.ok()) return services::ToGrpcStatus(st);
  projector::FinishForDay(*today, *response->mutable_figures());
  for (v1::NodeFreshness& f : runner_->Freshness(*view)) {
    if (f.node_id() == request->node_id()) *response->mutable_freshness() = f;
  }
  response->set_today(*today);
  return grpc::Status::OK;
}

grpc::Status QueryServiceImpl::ListUnits(grpc::ServerContext*,
                                         const v1::ListUnitsRequest* request,
                                         v1::ListUnitsResponse* response) {
  auto store = StoreOf(runner_);
  if (!store.ok()) return services::ToGrpcStatus(store.status());
  return services::ToGrpcStatus(
      query::ListUnits(*(*store)->NewView(), *request, *response));
}

grpc::Status QueryServiceImpl::ListRectifications(
    grpc::ServerContext*, const v1::ListRectificationsRequest* request,
    v1::ListRectificationsResponse* response) {
  absl::StatusOr<std::string> today = query::Today(request->today());
  if (!today.ok()) return services::ToGrpcStatus(today.status());
  auto store = StoreOf(runner_);
  if (!store.ok()) return services::ToGrpcStatus(store.status());
  return services::ToGrpcStatus(query::ListRectifications(
      *(*store)->NewView(), *request, *today, *response));
}

grpc::Status QueryServiceImpl::GetCensusSummary(
    grpc::ServerContext*, const v1::GetCensusSummaryRequest*,
    v1::CensusSummary* response) {
  auto store = StoreOf(runner_);
  if (!store.ok()) return services::ToGrpcStatus(store.status());
  absl::Status parse;
  v1::NodeFigures node;
  absl::Status st = (*store)->NewView()->Scan(
      Family::kRows, projector::kNodeRowPrefix, "",
      [&](absl::string_view k, absl::string_view v) {
        parse = ParseRow(k, v, node);
        if (!parse.ok()) return false;
        (*response->mutable_by_node())[node.node_id()] = node.census();
        projector::AddCensusFigures(node.census(), *response->mutable_city());
        return true;
      });
  if (st.ok()) st = parse;
  return services::ToGrpcStatus(st);
}

grpc::Status QueryServiceImpl::GetFreshness(grpc::ServerContext*,
                                            const v1::GetFreshnessRequest*,
                                            v1::FreshnessResponse* response) {
  auto store = StoreOf(runner_);
  if (!store.ok()) return services::ToGrpcStatus(store.status());
  std::map<std::string, ReplicationFacts> replication;
  if (replication_) {
    for (ReplicationFacts& r : replication_()) {
      replication[r.node_id] = std::move(r);
    }
  }
  for (v1::NodeFreshness& f : runner_->Freshness(*(*store)->NewView())) {
    auto it = replication.find(f.node_id());
    if (it != replication.end()) SetReplication(it->second, f);
    *response->add_nodes() = std::move(f);
  }
  const ProjectionHealth health = runner_->Health();
  response->set_projection_write_error(health.write_error);
  response->set_projection_write_failing_since_us(
      health.write_failing_since_us);
  response->set_as_of_us(absl::ToUnixMicros(absl::Now()));
  return grpc::Status::OK;
}

}  // namespace reporting::city
