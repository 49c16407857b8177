// Whole-file reads and writes for tests (logs, exports, certificates).
#ifndef REPORTING_TESTS_TESTUTIL_FILES_H_
#define REPORTING_TESTS_TESTUTIL_FILES_H_

#include <string>

namespace reporting::testutil {

// The file's bytes; empty when it cannot be read.
std::string ReadFile(const std::string& path);

// Replaces the file's contents with `text`.
void WriteFile(const std::string& path, const std::string& text);

}  // namespace reporting::testutil

#endif  // REPORTING_TESTS_TESTUTIL_FILES_H_
