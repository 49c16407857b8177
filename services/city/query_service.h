// QueryService (proto/reporting/v1/query.proto): the city office's read API
// over the read models the ProjectionRunner keeps.
//
// Handlers are thin: validate the request, take one consistent View of the
// current complete store, read rows, finish the day-dependent parts
// (overdue, completion rate) with the projector's figures code, answer.
// While no complete store exists they answer UNAVAILABLE with a retry hint.
// Aggregates only: the rows carry no person-level data (projection.proto).
//
// Thread safety: handlers run concurrently on gRPC's threads.
#ifndef REPORTING_SERVICES_CITY_QUERY_SERVICE_H_
#define REPORTING_SERVICES_CITY_QUERY_SERVICE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/arena.h"
#include "grpcpp/support/message_allocator.h"
#include "reporting/v1/query.grpc.pb.h"
#include "services/city/projection_runner.h"

namespace reporting::city {

// One node's replication status as the replication service reports it
// (replication.proto NodeReplicationStatus, copied field by field by the
// wiring, so this service does not depend on the replication protocol).
struct ReplicationFacts {
  std::string node_id;
  uint64_t county_head = 0;
  uint64_t lag_events = 0;
  double lag_seconds = 0;
  int64_t last_contact_us = 0;
  double silent_seconds = 0;
  int64_t last_head_report_us = 0;
  double recorded_ahead_seconds = 0;
  bool clock_skewed = false;
  std::string state;  // "CONNECTED", "IDLE", "STALLED", "STALE", ...
  std::string detail;
};
using ReplicationStatusFn = std::function<std::vector<ReplicationFacts>()>;

// The messages of one GetCityOverview call on one arena: the response
// holds every node's figures (thousands of map entries for 200 nodes), and
// taking them from an arena instead of the heap is most of the call's cost.
// Thread-safe.
class OverviewArenaAllocator final
    : public grpc::MessageAllocator<v1::GetCityOverviewRequest,
                                    v1::CityOverview> {
 public:
  grpc::MessageHolder<v1::GetCityOverviewRequest, v1::CityOverview>*
  AllocateMessages() override;
};

// GetCityOverview is a callback method (so that its messages can live on an
// arena, above); it never blocks. The others are synchronous.
class QueryServiceImpl final
    : public v1::QueryService::WithCallbackMethod_GetCityOverview<
          v1::QueryService::Service> {
 public:
  // `runner` must outlive the service; `replication` may be empty.
  explicit QueryServiceImpl(const ProjectionRunner* runner,
                            ReplicationStatusFn replication = nullptr);

  grpc::ServerUnaryReactor* GetCityOverview(
      grpc::CallbackServerContext* context,
      const v1::GetCityOverviewRequest* request,
      v1::CityOverview* response) override;
  grpc::Status GetNodeDetail(grpc::ServerContext* context,
                             const v1::GetNodeDetailRequest* request,
                             v1::NodeDetail* response) override;
  grpc::Status ListUnits(grpc::ServerContext* context,
                         const v1::ListUnitsRequest* request,
                         v1::ListUnitsResponse* response) override;
  grpc::Status ListRectifications(
      grpc::ServerContext* context,
      const v1::ListRectificationsRequest* request,
      v1::ListRectificationsResponse* response) override;
  grpc::Status GetCensusSummary(grpc::ServerContext* context,
                                const v1::GetCensusSummaryRequest* request,
                                v1::CensusSummary* response) override;
  grpc::Status GetFreshness(grpc::ServerContext* context,
                            const v1::GetFreshnessRequest* request,
                            v1::FreshnessResponse* response) override;

 private:
  const ProjectionRunner* runner_;
  ReplicationStatusFn replication_;
  OverviewArenaAllocator overview_allocator_;
};

// The handlers' logic without gRPC, for tests and the benchmark. `view` is
// one snapshot of a complete store.
namespace query {
absl::StatusOr<std::string> Today(const std::string& requested);
// The overview from the node rows of `view` (a scan; the reference the
// in-memory path is tested against).
absl::Status CityOverview(const storage::ReadModelStore::View& view,
                          const std::string& today, v1::CityOverview& out);
// The overview from a published base (city::OverviewOf, kept by the
// runner): a copy with the day's parts filled. What GetCityOverview serves.
void FinishOverview(const v1::CityOverview& base, const std::string& today,
                    v1::CityOverview& out);
// The arena options of OverviewArenaAllocator (one block holds a 200-node
// overview).
google::protobuf::ArenaOptions OverviewArenaOptions();
absl::Status ListUnits(const storage::ReadModelStore::View& view,
                       const v1::ListUnitsRequest& request,
                       v1::ListUnitsResponse& out);
absl::Status ListRectifications(const storage::ReadModelStore::View& view,
                                const v1::ListRectificationsRequest& request,
                                const std::string& today,
                                v1::ListRectificationsResponse& out);
}  // namespace query

}  // namespace reporting::city

#endif  // REPORTING_SERVICES_CITY_QUERY_SERVICE_H_
