# reportctl ops commands: append to REPORTCTL_SOURCES / REPORTCTL_LIBS.
# backup: AdminService.Backup (proto/reporting/v1/admin.proto);
# docs/OPERATIONS.md.
list(APPEND REPORTCTL_SOURCES ops_backup.cc)
# dashboard user add|remove|list: services/dashboard/accounts.h.
list(APPEND REPORTCTL_SOURCES ops_dashboard_user.cc)
list(APPEND REPORTCTL_LIBS reporting_dashboard_accounts)
