#include "services/common/metrics.h"

#include <string>

#include "gtest/gtest.h"
#include "services/common/grpc_status.h"
#include "services/common/metrics_interceptor.h"

namespace reporting::services {
namespace {

TEST(MetricsTest, GaugesAreGroupedIntoFamiliesAtScrape) {
  Metrics metrics;
  double lag = 3;
  metrics.AddGauges([&lag] {
    return std::vector<GaugeSample>{
        {"test_lag_events", "lag", {{"node", "371302"}}, lag},
        {"test_lag_events", "lag", {{"node", "371311"}}, 0},
    };
  });
  std::string text = metrics.Render();
  EXPECT_NE(text.find("# TYPE test_lag_events gauge"), std::string::npos);
  EXPECT_NE(text.find("test_lag_events{node=\"371302\"} 3"), std::string::npos);
  EXPECT_NE(text.find("test_lag_events{node=\"371311\"} 0"), std::string::npos);
  lag = 7;
  EXPECT_NE(metrics.Render().find("test_lag_events{node=\"371302\"} 7"),
            std::string::npos);
}

TEST(MetricsTest, ServeRefusesABusyAddress) {
  Metrics first;
  ASSERT_TRUE(first.Serve("127.0.0.1:0").ok());
  ASSERT_GT(first.port(), 0);
  Metrics second;
  absl::Status s = second.Serve("127.0.0.1:" + std::to_string(first.port()));
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
}

TEST(MetricsTest, StatusCodeNames) {
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::OK), "OK");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::FAILED_PRECONDITION),
            "FAILED_PRECONDITION");
}

}  // namespace
}  // namespace reporting::services
