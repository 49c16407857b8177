// TempDir: a fresh directory under $TMPDIR (or /tmp), removed with its
// contents when the object is destroyed, unless KEEP_TEST_DATA is set.
#ifndef REPORTING_TESTS_TESTUTIL_TEMP_DIR_H_
#define REPORTING_TESTS_TESTUTIL_TEMP_DIR_H_

#include <string>

namespace reporting::testutil {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "reporting-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name.
  std::string Sub(const std::string& name) const;

 private:
  std::string path_;
};

}  // namespace reporting::testutil

#endif  // REPORTING_TESTS_TESTUTIL_TEMP_DIR_H_
