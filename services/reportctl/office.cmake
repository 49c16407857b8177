# reportctl office commands (generate, office tables, status, import):
# append to REPORTCTL_SOURCES / REPORTCTL_LIBS. The generator and the
# overview table are a library of their own so that tests reuse them.
add_library(reporting_reportctl_office STATIC
  ${CMAKE_CURRENT_LIST_DIR}/generate_campaign.cc
  ${CMAKE_CURRENT_LIST_DIR}/generate_driver.cc
  ${CMAKE_CURRENT_LIST_DIR}/generate_script.cc
  ${CMAKE_CURRENT_LIST_DIR}/import_csv.cc
  ${CMAKE_CURRENT_LIST_DIR}/import_rows.cc
  ${CMAKE_CURRENT_LIST_DIR}/office_args.cc
  ${CMAKE_CURRENT_LIST_DIR}/office_enums.cc
  ${CMAKE_CURRENT_LIST_DIR}/office_overview.cc
)
target_include_directories(reporting_reportctl_office PUBLIC ${CMAKE_SOURCE_DIR})
target_link_libraries(reporting_reportctl_office PUBLIC reporting_cli
  reporting_county reporting_county_domain reporting_proto gRPC::grpc++ absl::status
  absl::statusor absl::strings absl::str_format absl::time OpenSSL::Crypto)
reporting_warnings(reporting_reportctl_office)

list(APPEND REPORTCTL_SOURCES
  generate_command.cc
  import_command.cc
  office_command.cc
  status_command.cc
)
list(APPEND REPORTCTL_LIBS reporting_reportctl_office absl::synchronization)

add_executable(reportctl_office_test
  ${CMAKE_CURRENT_LIST_DIR}/generate_campaign_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/import_rows_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/office_enums_test.cc
)
target_link_libraries(reportctl_office_test PRIVATE reporting_reportctl_office
  reporting_county_testing GTest::gtest_main)
reporting_warnings(reportctl_office_test)
add_test(NAME reportctl_office_test COMMAND reportctl_office_test)
