// Flattens a figures message (NodeFigures, UnitRow of projection.proto)
// into (name, value) rows for a table: nested messages as "a.b", map
// entries as "a[key]" (sorted; enum-number keys by value name without the
// enum's prefix, e.g. "by_stage[STUDY_MOBILISATION]"), enums by name,
// repeated messages as "a[i].b", other repeated fields joined by ",".
// Every field is listed, zeros included, in field order, so two scopes'
// tables line up.
#ifndef REPORTING_SERVICES_REPORTCTL_AUDIT_FIGURES_H_
#define REPORTING_SERVICES_REPORTCTL_AUDIT_FIGURES_H_

#include <string>
#include <utility>
#include <vector>

#include "google/protobuf/message.h"

namespace reporting::reportctl {

using FigureRows = std::vector<std::pair<std::string, std::string>>;

void FlattenFigures(const google::protobuf::Message& message,
                    const std::string& prefix, FigureRows* out);

}  // namespace reporting::reportctl

#endif  // REPORTING_SERVICES_REPORTCTL_AUDIT_FIGURES_H_
