// reportctl import: the CSV layouts of docs/IMPORT.md and their rows as
// the CommandService commands of one ClerkService.ImportBatch.
//
//   evaluations    member_id, rating, shortcomings, self_review,
//                  peer_review, public_review, opinions_gathered,
//                  shown_on, signed_on
//                  -> RecordEvaluation [+ ShowEvaluation [+ SignEvaluation]]
//   rectification  item_id, kind, description, class, measures,
//                  responsible_person, deadline
//                  -> IdentifyRectification [+ PlanRectification]
//   census         unit_id, should_have_organisation_but_none,
//                  leadership_incomplete, condition, secretary_able_to_lead,
//                  floating_total, relation_transferred, temporary_relation,
//                  with_certificate, contactable, not_contactable,
//                  main_problems
//                  -> ReportCensus
//
// The form of each cell (enums, dates, numbers, yes/no) is checked here;
// the campaign's rules are checked by the node. Ids derive from the file:
// batch id "import:<kind>:<SHA-256 of the file, 40 hex>", command ids
// "import:<kind>:<first 16 hex>:<line>:<action>", so the same file
// imported again is a duplicate and appends nothing.
//
// Pure; thread-safe.
#ifndef REPORTING_SERVICES_REPORTCTL_IMPORT_ROWS_H_
#define REPORTING_SERVICES_REPORTCTL_IMPORT_ROWS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "reporting/v1/clerk.pb.h"

namespace reporting::reportctl {

enum class ImportKind { kEvaluations, kRectification, kCensus };

// "evaluations", "rectification" or "census"; INVALID_ARGUMENT otherwise.
absl::StatusOr<ImportKind> ParseImportKind(const std::string& text);
const char* ImportKindName(ImportKind kind);
// The columns of a kind's file, in the documented order.
const std::vector<std::string>& ImportColumns(ImportKind kind);

struct ImportBatch {
  v1::ImportBatchRequest request;  // batch id, actor, commands with labels
  int rows = 0;
  // "file:line: reason" for each bad row or header; the batch is only
  // sent when this is empty.
  std::vector<std::string> errors;
};

// `label` names the file in messages (its path as given); `done(rows,
// total)` is called as rows are checked (may be null).
ImportBatch BuildImportBatch(ImportKind kind, const std::string& label,
                             const std::string& text, const std::string& actor,
                             const std::function<void(size_t, size_t)>& done);

}  // namespace reporting::reportctl

#endif  // REPORTING_SERVICES_REPORTCTL_IMPORT_ROWS_H_
