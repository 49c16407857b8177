#include "services/domain/ids.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace reporting::domain {
namespace {

constexpr size_t kMaxNodeChars = 16;
constexpr size_t kMaxNumberDigits = 8;

bool IsNode(absl::string_view s) {
  if (s.empty() || s.size() > kMaxNodeChars) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// "U0042" with the given letter.
bool IsPart(absl::string_view s, char letter) {
  if (s.size() < 2 || s.size() > 1 + kMaxNumberDigits || s[0] != letter) {
    return false;
  }
  for (char c : s.substr(1)) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

char LetterOf(IdKind kind) {
  switch (kind) {
    case IdKind::kUnit:
      return 'U';
    case IdKind::kBranch:
      return 'B';
    case IdKind::kMember:
      return 'M';
    case IdKind::kItem:
      return 'R';
    case IdKind::kMeeting:
      return 'S';
  }
  return '?';
}

const char* Example(IdKind kind) {
  switch (kind) {
    case IdKind::kUnit:
      return "371302-U0042";
    case IdKind::kBranch:
      return "371302-U0042-B01";
    case IdKind::kMember:
      return "371302-U0042-M0007";
    case IdKind::kItem:
      return "371302-U0042-R003";
    case IdKind::kMeeting:
      return "371302-U0042-S01";
  }
  return "";
}

}  // namespace

const char* IdKindName(IdKind kind) {
  switch (kind) {
    case IdKind::kUnit:
      return "unit";
    case IdKind::kBranch:
      return "branch";
    case IdKind::kMember:
      return "member";
    case IdKind::kItem:
      return "rectification item";
    case IdKind::kMeeting:
      return "meeting";
  }
  return "id";
}

absl::Status ValidateNodeId(absl::string_view node_id) {
  if (IsNode(node_id)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "node id \"", node_id,
      "\" is malformed: expected 1 to 16 letters or digits, e.g. 371302"));
}

absl::StatusOr<std::string> CheckId(IdKind kind, absl::string_view field,
                                    absl::string_view id,
                                    absl::string_view own_node) {
  // The parts between dashes (as absl::StrSplit gives them), the first
  // three kept in place: a check runs for every command and every event the
  // city re-checks, so without a vector.
  absl::string_view parts[3];
  size_t count = 0;
  size_t start = 0;
  while (true) {
    const size_t dash = id.find('-', start);
    if (count < 3) {
      parts[count] = id.substr(
          start, dash == absl::string_view::npos ? dash : dash - start);
    }
    ++count;
    if (dash == absl::string_view::npos) break;
    start = dash + 1;
  }
  const size_t want = kind == IdKind::kUnit ? 2 : 3;
  bool ok = count == want && IsNode(parts[0]) && IsPart(parts[1], 'U');
  if (ok && want == 3) ok = IsPart(parts[2], LetterOf(kind));
  if (!ok) {
    if (id.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, " is required: a ", IdKindName(kind), " id like ",
                       Example(kind)));
    }
    return absl::InvalidArgumentError(
        absl::StrCat(field, " \"", id, "\" is not a ", IdKindName(kind),
                     " id: expected ", "the form ", Example(kind)));
  }
  if (parts[0] != own_node) {
    return absl::PermissionDeniedError(
        absl::StrCat(IdKindName(kind), " ", id, " belongs to node ", parts[0],
                     ", but this is node ", own_node,
                     ": send the command to node ", parts[0]));
  }
  return absl::StrCat(parts[0], "-", parts[1]);
}

std::string UnitOf(absl::string_view id) {
  size_t last = id.rfind('-');
  size_t first = id.find('-');
  if (last == absl::string_view::npos || last == first) return std::string(id);
  return std::string(id.substr(0, last));
}

std::string NodeOf(absl::string_view id) {
  return std::string(id.substr(0, id.find('-')));
}

std::string NodeStream(absl::string_view node_id) {
  return absl::StrCat("node/", node_id);
}
std::string UnitStream(absl::string_view unit_id) {
  return absl::StrCat("unit/", unit_id);
}
std::string EvaluationStream(absl::string_view member_id, int batch_number) {
  return absl::StrCat("evaluation/", member_id, "/", batch_number);
}
std::string MaterialStream(absl::string_view member_id) {
  return absl::StrCat("material/", member_id);
}
std::string MeetingStream(absl::string_view meeting_id) {
  return absl::StrCat("meeting/", meeting_id);
}
std::string RectificationStream(absl::string_view item_id) {
  return absl::StrCat("rectification/", item_id);
}
std::string CensusStream(absl::string_view unit_id) {
  return absl::StrCat("census/", unit_id);
}

}  // namespace reporting::domain
