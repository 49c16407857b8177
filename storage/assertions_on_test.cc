// The tests must run with assert() on. storage/ checks invariants with
// assert (hash_chain.cc, staged_streams.cc); a test build that compiled
// them out would pass while one is broken. The top-level CMakeLists.txt
// sets RelWithDebInfo to "-O2 -g" (CMake's default adds -DNDEBUG); this
// test stops the build if that is lost, or a build type that defines
// NDEBUG is used for the tests.
#include <cassert>

#include "gtest/gtest.h"

#ifdef NDEBUG
#error "NDEBUG is defined: the tests would run with assert() compiled out"
#endif

namespace {

// The compile-time check above covers this file; this proves assert still
// stops the process here (a definition of assert that does nothing would
// not).
TEST(AssertionsOnDeathTest, AFailedAssertAborts) {
  EXPECT_DEATH(assert(false && "assertions are on"), "assertions are on");
}

}  // namespace
