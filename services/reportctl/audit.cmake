# reportctl audit commands: append to REPORTCTL_SOURCES / REPORTCTL_LIBS.
# replay | asof | verify | export (docs/AUDIT.md); the export file format is
# services/audit/export_format.h (library reporting_audit_export).
list(APPEND REPORTCTL_SOURCES
  audit_asof.cc
  audit_bisect.cc
  audit_command.cc
  audit_export.cc
  audit_figures.cc
  audit_flags.cc
  audit_keys.cc
  audit_replay.cc
  audit_verify.cc
)
list(APPEND REPORTCTL_LIBS reporting_audit_export)

# The pure parts: chain bisection, flag parsing, figures as rows.
add_executable(audit_cli_test
  audit_bisect.cc
  audit_bisect_test.cc
  audit_figures.cc
  audit_figures_test.cc
  audit_flags.cc
  audit_flags_test.cc
)
target_link_libraries(audit_cli_test PRIVATE reporting_cli reporting_proto
  absl::time GTest::gtest_main)
reporting_warnings(audit_cli_test)
add_test(NAME audit_cli_test COMMAND audit_cli_test)
