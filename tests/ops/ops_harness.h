// Helpers of the operations tests: the binaries' paths, starting them with
// extra flags, an HTTP GET for /metrics, and a strict parser of one JSON log
// line (the flat objects --log_format=json writes).
#ifndef REPORTING_TESTS_OPS_OPS_HARNESS_H_
#define REPORTING_TESTS_OPS_OPS_HARNESS_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/testutil/files.h"
#include "tests/testutil/process.h"

namespace reporting::ops_test {

// $COUNTY_BIN, $CITY_BIN, $REPORTCTL_BIN (set by tests/ops/CMakeLists.txt).
std::string BinaryFromEnv(const char* variable);

// Starts argv with stdout+stderr appended to log_path and waits up to 20 s
// for 127.0.0.1:port to accept connections; throws std::runtime_error when
// it does not.
std::unique_ptr<testutil::Process> StartServing(
    const std::vector<std::string>& argv, const std::string& log_path,
    int port);

// SIGTERM and wait; true when the process exited with status 0.
bool StopCleanly(testutil::Process& process);

// GET http://127.0.0.1:port/path (HTTP/1.0); the body of a 200 answer.
absl::StatusOr<std::string> HttpGet(int port, const std::string& path);

// Parses one line holding a JSON object whose values are strings or
// numbers (what the JSON log writes); strict: no trailing garbage, valid
// escapes, no raw control characters. Values are returned as text (strings
// unescaped).
absl::StatusOr<std::map<std::string, std::string>> ParseFlatJsonObject(
    const std::string& line);

// The whole file.
using testutil::ReadFile;

}  // namespace reporting::ops_test

#endif  // REPORTING_TESTS_OPS_OPS_HARNESS_H_
