// FUZZ_CHECK: the fuzz targets' assertion. A property that does not hold
// prints what and where, then aborts, which libFuzzer reports as a crash
// and saves the input (tests/fuzz/README.md: a crash becomes a regression
// input). Unlike assert() it holds in every build type.
#ifndef REPORTING_TESTS_FUZZ_FUZZ_CHECK_H_
#define REPORTING_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>
#include <string>

namespace reporting::fuzz {

[[noreturn]] inline void CheckFailed(const char* file, int line,
                                     const char* condition,
                                     const std::string& detail) {
  std::fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed: %s\n", file, line,
               condition, detail.c_str());
  std::abort();
}

}  // namespace reporting::fuzz

#define FUZZ_CHECK(condition, detail)                                \
  do {                                                               \
    if (!(condition)) {                                              \
      ::reporting::fuzz::CheckFailed(__FILE__, __LINE__, #condition, \
                                     (detail));                      \
    }                                                                \
  } while (false)

#endif  // REPORTING_TESTS_FUZZ_FUZZ_CHECK_H_
