# reportctl office commands: append to REPORTCTL_SOURCES / REPORTCTL_LIBS.
list(APPEND REPORTCTL_SOURCES office_placeholder.cc)
