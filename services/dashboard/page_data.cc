#include "services/dashboard/page_data.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "services/audit/state_as_of.h"
#include "services/common/grpc_status.h"
#include "services/common/log_stream.h"
#include "services/domain/dates.h"
#include "services/domain/event_payload.h"
#include "services/domain/ids.h"
#include "services/domain/stream.h"
#include "services/domain/unit.h"
#include "services/domain/unit_loader.h"

namespace reporting::dashboard {
namespace {

// Calls one of QueryService's synchronous handlers in process.
template <typename Req, typename Resp, typename Method>
absl::StatusOr<Resp> Call(city::QueryServiceImpl* queries, Method method,
                          const Req& request) {
  grpc::ServerContext context;
  Resp response;
  absl::Status st = services::FromGrpcStatus(
      (queries->*method)(&context, &request, &response));
  if (!st.ok()) return st;
  return response;
}

// The short type name ("SupervisoryReviewRecorded").
std::string ShortType(const std::string& full) {
  const size_t dot = full.rfind('.');
  return dot == std::string::npos ? full : full.substr(dot + 1);
}

// A word or two about a step's outcome (the dashboard translates them).
std::string Detail(const v1::EventEnvelope& e) {
  using domain::Is;
  if (Is<v1::SelfInspectionCheckRecorded>(e)) {
    v1::SelfInspectionCheckRecorded m;
    m.ParseFromString(e.payload());
    return absl::StrCat("check ", static_cast<int>(m.check()), " ",
                        m.passed() ? "passed" : "not_passed");
  }
  if (Is<v1::SatisfactionSurveyRecorded>(e)) {
    v1::SatisfactionSurveyRecorded m;
    m.ParseFromString(e.payload());
    return absl::StrCat("dissatisfied ", m.dissatisfied(), "/",
                        m.respondents());
  }
  if (Is<v1::SupervisoryReviewRecorded>(e)) {
    v1::SupervisoryReviewRecorded m;
    m.ParseFromString(e.payload());
    return m.passed() ? "passed" : "returned";
  }
  if (Is<v1::TransitionApprovalRecorded>(e)) {
    v1::TransitionApprovalRecorded m;
    m.ParseFromString(e.payload());
    return m.approved() ? "approved" : "rejected";
  }
  if (Is<v1::TransitionMeetingHeld>(e)) {
    v1::TransitionMeetingHeld m;
    m.ParseFromString(e.payload());
    return v1::Stage_Name(m.next_stage());
  }
  if (Is<v1::StageWorkSummaryFiled>(e)) {
    v1::StageWorkSummaryFiled m;
    m.ParseFromString(e.payload());
    return v1::Stage_Name(m.stage());
  }
  return "";
}

bool IsRoster(const v1::EventEnvelope& e) {
  return domain::Is<v1::BranchRegistered>(e) ||
         domain::Is<v1::MemberRegistered>(e);
}

}  // namespace

absl::StatusOr<v1::CityOverview> Overview(const Sources& s,
                                          const std::string& today) {
  absl::StatusOr<std::string> day = city::query::Today(today);
  if (!day.ok()) return day.status();
  auto base = s.runner->Overview();
  if (!base.ok()) return base.status();
  v1::CityOverview out;
  city::query::FinishOverview(**base, *day, out);
  return out;
}

absl::StatusOr<v1::FreshnessResponse> Freshness(const Sources& s) {
  return Call<v1::GetFreshnessRequest, v1::FreshnessResponse>(
      s.queries, &city::QueryServiceImpl::GetFreshness,
      v1::GetFreshnessRequest());
}

absl::StatusOr<v1::NodeDetail> NodeDetail(const Sources& s,
                                          const v1::GetNodeDetailRequest& r) {
  return Call<v1::GetNodeDetailRequest, v1::NodeDetail>(
      s.queries, &city::QueryServiceImpl::GetNodeDetail, r);
}

absl::StatusOr<v1::ListUnitsResponse> Units(const Sources& s,
                                            const v1::ListUnitsRequest& r) {
  return Call<v1::ListUnitsRequest, v1::ListUnitsResponse>(
      s.queries, &city::QueryServiceImpl::ListUnits, r);
}

absl::StatusOr<v1::ListRectificationsResponse> Rectifications(
    const Sources& s, const v1::ListRectificationsRequest& r) {
  return Call<v1::ListRectificationsRequest, v1::ListRectificationsResponse>(
      s.queries, &city::QueryServiceImpl::ListRectifications, r);
}

absl::StatusOr<v1::CensusSummary> Census(const Sources& s) {
  return Call<v1::GetCensusSummaryRequest, v1::CensusSummary>(
      s.queries, &city::QueryServiceImpl::GetCensusSummary,
      v1::GetCensusSummaryRequest());
}

absl::StatusOr<v1::StateAsOfResponse> AsOf(const Sources& s,
                                           const std::string& date) {
  absl::CivilDay day;
  if (!domain::IsValidDate(date) || !absl::ParseCivilTime(date, &day)) {
    return absl::InvalidArgumentError(
        absl::StrCat("date \"", date, "\" is not a date (YYYY-MM-DD)"));
  }
  v1::StateAsOfRequest request;
  // Everything received up to the end of that day.
  request.set_as_of_us(
      absl::ToUnixMicros(absl::FromCivil(day + 1, absl::LocalTimeZone())) - 1);
  request.set_axis(v1::TIME_AXIS_RECEIVED);
  request.set_today(date);
  return audit::StateAsOf(*s.logs, request);
}

absl::StatusOr<UnitPage> Unit(const Sources& s, const std::string& node_id,
                              const std::string& unit_id, bool auditor) {
  UnitPage page;
  v1::ListUnitsRequest request;
  request.set_node_id(node_id);
  request.set_unit_id(unit_id);
  absl::StatusOr<v1::ListUnitsResponse> rows = Units(s, request);
  if (!rows.ok()) return rows.status();
  if (rows->units_size() == 0) {
    return absl::NotFoundError(absl::StrCat(
        "unit ", unit_id, " of node ", node_id, " is not known at the city"));
  }
  page.row = rows->units(0);

  absl::StatusOr<audit::LogRef> log = s.logs->Find(node_id);
  if (!log.ok()) return log.status();
  const storage::EventLog& events = *log->log;
  auto read = [&events](absl::string_view id) {
    return services::ReadWholeStream(events, id);
  };
  absl::StatusOr<domain::Stream> stream = read(domain::UnitStream(unit_id));
  if (!stream.ok()) return stream.status();
  for (const v1::EventEnvelope& e : stream->events) {
    if (IsRoster(e) && !auditor) {
      ++page.members_registered_events;
      continue;
    }
    TimelineEntry& t = page.timeline.emplace_back();
    t.sequence = e.sequence();
    t.stream_version = e.stream_version();
    t.event_type = ShortType(e.event_type());
    t.detail = Detail(e);
    if (auditor && domain::Is<v1::MemberRegistered>(e)) {
      v1::MemberRegistered m;
      m.ParseFromString(e.payload());
      t.detail = absl::StrCat(m.member_id(), " ", m.name());
    }
    t.recorded_at_us = e.recorded_at_us();
    absl::StatusOr<int64_t> received = events.ReceivedAt(e.sequence());
    t.received_at_us = received.ok() ? *received : 0;
    if (auditor) t.actor = e.actor();
  }
  if (auditor) {
    absl::StatusOr<domain::LoadedUnit> unit =
        domain::LoadUnit(unit_id, true, read, read);
    if (!unit.ok()) return unit.status();
    page.reasons = domain::BlockingReasons(unit->state, unit->evaluations);
  }
  return page;
}

}  // namespace reporting::dashboard
