# reportctl audit commands: append to REPORTCTL_SOURCES / REPORTCTL_LIBS.
list(APPEND REPORTCTL_SOURCES audit_placeholder.cc)
