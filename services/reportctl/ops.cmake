# reportctl ops commands: append to REPORTCTL_SOURCES / REPORTCTL_LIBS.
# backup: AdminService.Backup (proto/reporting/v1/admin.proto);
# docs/OPERATIONS.md.
list(APPEND REPORTCTL_SOURCES ops_backup.cc)
