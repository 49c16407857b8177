# The export format (JSON Lines + manifest): library reporting_audit_export.
# Written by `reportctl audit export`, read back by a county restore from a
# city export; described in docs/AUDIT.md. No gRPC, no RocksDB.
add_library(reporting_audit_export STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/export_format.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/export_json.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/export_manifest.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/export_receipts.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/export_seal.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/export_verify.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/export_writer.cc
)
target_include_directories(reporting_audit_export PUBLIC ${CMAKE_SOURCE_DIR})
target_link_libraries(reporting_audit_export
  PUBLIC reporting_proto reporting_proof reporting_storage_format
         reporting_json_text absl::status absl::statusor absl::strings
  PRIVATE reporting_event_types absl::time OpenSSL::Crypto)
reporting_warnings(reporting_audit_export)

add_executable(export_format_test
  ${CMAKE_CURRENT_SOURCE_DIR}/export_format_test.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/export_manifest_test.cc)
target_link_libraries(export_format_test PRIVATE reporting_audit_export
  reporting_event_types absl::time OpenSSL::Crypto GTest::gmock GTest::gtest_main)
reporting_warnings(export_format_test)
add_test(NAME export_format_test COMMAND export_format_test)
