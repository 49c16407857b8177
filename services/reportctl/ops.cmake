# reportctl ops commands: append to REPORTCTL_SOURCES / REPORTCTL_LIBS.
list(APPEND REPORTCTL_SOURCES ops_placeholder.cc)
