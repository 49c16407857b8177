// The city aggregator's scrape-time gauges (services/common/metrics.h), per
// node (label node=<node id>):
//   reporting_replication_lag_events        county head - copy head
//   reporting_replication_lag_seconds       how long the oldest missing
//                                           event has been known to exist
//   reporting_replication_county_head       last head the county reported
//   reporting_replication_state{state}      1 for the node's current state
//                                           (CONNECTED, IDLE, STALLED,
//                                           DIVERGED)
//   reporting_copy_head_sequence            last sequence the copy holds
//   reporting_projected_sequence            last sequence in the read models
//   reporting_projection_lag_events         copy head - projected sequence
// and, without labels:
//   reporting_projection_write_failing      1 while read-model writes fail
//   reporting_projection_write_failures     failed read-model writes so far
// and the RocksDB sizes of every database (metrics_event_log.h
// AppendDiskUsage): db="node/<id>" per copy, db="read_models" for the
// read-model store in use.
//
// Thread safety: the returned function may run on any thread; everything it
// reads is thread-safe. The parts must outlive the Metrics.
#ifndef REPORTING_SERVICES_CITY_CITY_METRICS_H_
#define REPORTING_SERVICES_CITY_CITY_METRICS_H_

#include "services/city/node_copies.h"
#include "services/city/projection_runner.h"
#include "services/city/replication_service.h"
#include "services/common/metrics.h"

namespace reporting::city {

services::GaugeFn CityGauges(NodeCopies* copies,
                             const ReplicationServiceImpl* replication,
                             const ProjectionRunner* runner);

}  // namespace reporting::city

#endif  // REPORTING_SERVICES_CITY_CITY_METRICS_H_
