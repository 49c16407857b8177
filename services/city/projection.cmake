# The city's read side (issue 5): the projection runner and QueryService
# over the read-model store. Included from services/CMakeLists.txt; kept
# apart from the aggregator's own CMakeLists so the two can grow
# independently. See projection_runner.h and query_service.h.
set(CITY_DIR ${CMAKE_CURRENT_LIST_DIR})

add_library(reporting_city_projection STATIC
  ${CITY_DIR}/projection_runner.cc
  ${CITY_DIR}/rebuild.cc
  ${CITY_DIR}/query_service.cc
)
target_include_directories(reporting_city_projection PUBLIC ${CMAKE_SOURCE_DIR})
target_link_libraries(reporting_city_projection
  PUBLIC reporting_projector reporting_storage reporting_service_common
         reporting_proto gRPC::grpc++ absl::status absl::statusor
         absl::synchronization absl::time
  PRIVATE spdlog::spdlog)
reporting_warnings(reporting_city_projection)

# Filters and paging against brute force; runner restart and rebuild.
add_executable(city_query_test ${CITY_DIR}/query_service_test.cc)
target_link_libraries(city_query_test PRIVATE reporting_city_testing
  reporting_projector_testing reporting_testutil GTest::gtest_main)
reporting_warnings(city_query_test)
add_test(NAME city_query_test COMMAND city_query_test)

# Read-side test helpers: node logs with valid histories, store dumps.
add_library(reporting_city_testing STATIC ${CITY_DIR}/testing/node_logs.cc)
target_include_directories(reporting_city_testing PUBLIC ${CMAKE_SOURCE_DIR})
target_link_libraries(reporting_city_testing PUBLIC reporting_city_projection
  reporting_projector_testing reporting_testutil GTest::gtest)
reporting_warnings(reporting_city_testing)

# A failed read-model write is retried with the same rows, never skipped.
add_executable(projection_retry_test ${CITY_DIR}/projection_retry_test.cc)
target_link_libraries(projection_retry_test PRIVATE reporting_city_testing
  spdlog::spdlog GTest::gtest_main)
reporting_warnings(projection_retry_test)
add_test(NAME projection_retry_test COMMAND projection_retry_test)
