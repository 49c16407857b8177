// Enum values of the API as reportctl reads and shows them: the part of
// the value name after its prefix, in lower case ("analysis_evaluation"
// for STAGE_ANALYSIS_EVALUATION), or its number.
//
// Pure; thread-safe.
#ifndef REPORTING_SERVICES_REPORTCTL_OFFICE_ENUMS_H_
#define REPORTING_SERVICES_REPORTCTL_OFFICE_ENUMS_H_

#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"

namespace reporting::reportctl {

// "analysis_evaluation", "ANALYSIS_EVALUATION", "STAGE_ANALYSIS_EVALUATION"
// or "2" -> 2; a unique prefix of the short name ("analysis") also works.
// INVALID_ARGUMENT naming `flag` and the accepted values otherwise (and
// for the UNSPECIFIED zero).
absl::StatusOr<int> ParseEnum(const google::protobuf::EnumDescriptor* type,
                              const std::string& flag, const std::string& text);

// The short lower-case name of `value` ("" for the zero value).
std::string EnumText(const google::protobuf::EnumDescriptor* type, int value);

}  // namespace reporting::reportctl

#endif  // REPORTING_SERVICES_REPORTCTL_OFFICE_ENUMS_H_
