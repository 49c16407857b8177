#include "services/reportctl/import_rows.h"

#include <openssl/sha.h>

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "reporting/v1/command.pb.h"
#include "services/domain/dates.h"
#include "services/reportctl/import_csv.h"
#include "services/reportctl/office_enums.h"

namespace reporting::reportctl {
namespace {

// One row: its cells by column name, and the errors found in it.
class Row {
 public:
  Row(const std::map<std::string, size_t>& index, const CsvRecord& record)
      : index_(index), record_(record) {}

  std::string Get(const std::string& column) const {
    auto it = index_.find(column);
    if (it == index_.end() || it->second >= record_.cells.size()) return "";
    return std::string(absl::StripAsciiWhitespace(record_.cells[it->second]));
  }
  std::string Required(const std::string& column) {
    std::string v = Get(column);
    if (v.empty()) Error(absl::StrCat(column, " is required"));
    return v;
  }
  template <typename E>
  E Enum(const google::protobuf::EnumDescriptor* type,
         const std::string& column,
         const std::map<std::string, int>& chinese = {}) {
    const std::string v = Required(column);
    if (v.empty()) return static_cast<E>(0);
    if (auto it = chinese.find(v); it != chinese.end()) {
      return static_cast<E>(it->second);
    }
    absl::StatusOr<int> parsed = ParseEnum(type, column, v);
    if (!parsed.ok()) {
      // "--column: ..." reads as a flag; say "column: ...".
      Error(std::string(absl::StripPrefix(parsed.status().message(), "--")));
      return static_cast<E>(0);
    }
    return static_cast<E>(*parsed);
  }
  std::string Date(const std::string& column, bool required) {
    const std::string v = required ? Required(column) : Get(column);
    if (!v.empty() && !domain::IsValidDate(v)) {
      Error(absl::StrCat(column, " \"", v, "\" is not a date YYYY-MM-DD"));
    }
    return v;
  }
  uint32_t Count(const std::string& column) {
    const std::string v = Get(column);
    if (v.empty()) return 0;
    uint32_t n = 0;
    if (!absl::SimpleAtoi(v, &n)) {
      Error(absl::StrCat(column, " \"", v, "\" is not a count of people"));
    }
    return n;
  }
  bool Bool(const std::string& column) {
    const std::string v = absl::AsciiStrToLower(Required(column));
    if (v == "yes" || v == "true" || v == "1" || v == "是") return true;
    if (v == "no" || v == "false" || v == "0" || v == "否" || v.empty()) {
      return false;
    }
    Error(absl::StrCat(column, " \"", v, "\" is not yes or no"));
    return false;
  }
  void Error(const std::string& message) { errors_.push_back(message); }
  const std::vector<std::string>& errors() const { return errors_; }
  int line() const { return record_.line; }

 private:
  const std::map<std::string, size_t>& index_;
  const CsvRecord& record_;
  std::vector<std::string> errors_;
};

const std::map<std::string, int>& ChineseRatings() {
  static const auto* m = new std::map<std::string, int>{
      {"优秀", v1::RATING_EXCELLENT},
      {"合格", v1::RATING_QUALIFIED},
      {"基本合格", v1::RATING_BASICALLY_QUALIFIED},
      {"不合格", v1::RATING_UNQUALIFIED}};
  return *m;
}

std::string Sha256Hex(const std::string& text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(),
         digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

// Appends one command: `method` with `request` (meta filled here).
template <typename Request>
void Add(ImportBatch& batch, const std::string& label,
         const std::string& id_prefix, int line, const std::string& action,
         const std::string& method, Request request) {
  request.mutable_meta()->set_command_id(
      absl::StrCat(id_prefix, line, ":", action));
  request.mutable_meta()->set_actor(batch.request.actor());
  v1::ImportCommand* command = batch.request.add_commands();
  command->set_label(absl::StrCat(label, ":", line));
  command->set_method(method);
  command->set_request(request.SerializeAsString());
}

void Evaluation(Row& row, ImportBatch& batch, const std::string& label,
                const std::string& prefix) {
  v1::RecordEvaluationRequest record;
  v1::EvaluationRecorded* e = record.mutable_body();
  const std::string member = row.Required("member_id");
  e->set_member_id(member);
  e->set_rating(row.Enum<v1::Rating>(v1::Rating_descriptor(), "rating",
                                     ChineseRatings()));
  for (absl::string_view s :
       absl::StrSplit(row.Get("shortcomings"), ';', absl::SkipWhitespace())) {
    e->add_shortcomings(std::string(absl::StripAsciiWhitespace(s)));
  }
  e->set_self_review(row.Get("self_review"));
  e->set_peer_review(row.Get("peer_review"));
  e->set_public_review(row.Get("public_review"));
  e->set_opinions_gathered(row.Get("opinions_gathered"));
  const std::string shown = row.Date("shown_on", false);
  const std::string signed_on = row.Date("signed_on", false);
  if (!signed_on.empty() && shown.empty()) {
    row.Error(
        "signed_on needs shown_on: an opinion is signed after it was "
        "shown to the member");
  }
  if (!row.errors().empty()) return;
  Add(batch, label, prefix, row.line(), "record", "RecordEvaluation", record);
  if (shown.empty()) return;
  v1::ShowEvaluationRequest show;
  show.mutable_body()->set_member_id(member);
  show.mutable_body()->set_shown_on(shown);
  Add(batch, label, prefix, row.line(), "show", "ShowEvaluation", show);
  if (signed_on.empty()) return;
  v1::SignEvaluationRequest sign;
  sign.mutable_body()->set_member_id(member);
  sign.mutable_body()->set_signed_on(signed_on);
  Add(batch, label, prefix, row.line(), "sign", "SignEvaluation", sign);
}

void Rectification(Row& row, ImportBatch& batch, const std::string& label,
                   const std::string& prefix) {
  v1::IdentifyRectificationRequest identify;
  const std::string item = row.Required("item_id");
  identify.mutable_body()->set_item_id(item);
  identify.mutable_body()->set_kind(row.Enum<v1::RectificationKind>(
      v1::RectificationKind_descriptor(), "kind"));
  identify.mutable_body()->set_description(row.Required("description"));
  const bool planned = !row.Get("class").empty() ||
                       !row.Get("measures").empty() ||
                       !row.Get("deadline").empty();
  v1::PlanRectificationRequest plan;
  if (planned) {
    v1::RectificationItemPlanned* p = plan.mutable_body();
    p->set_item_id(item);
    p->set_class_(row.Enum<v1::RectificationClass>(
        v1::RectificationClass_descriptor(), "class"));
    p->set_measures(row.Required("measures"));
    p->set_responsible_person(row.Required("responsible_person"));
    p->set_deadline(row.Date("deadline", true));
  }
  if (!row.errors().empty()) return;
  Add(batch, label, prefix, row.line(), "identify", "IdentifyRectification",
      identify);
  if (planned) {
    Add(batch, label, prefix, row.line(), "plan", "PlanRectification", plan);
  }
}

void Census(Row& row, ImportBatch& batch, const std::string& label,
            const std::string& prefix) {
  v1::ReportCensusRequest report;
  v1::CensusReported* c = report.mutable_body();
  c->set_unit_id(row.Required("unit_id"));
  c->set_should_have_organisation_but_none(
      row.Bool("should_have_organisation_but_none"));
  c->set_leadership_incomplete(row.Bool("leadership_incomplete"));
  c->set_condition(row.Enum<v1::OrganisationCondition>(
      v1::OrganisationCondition_descriptor(), "condition",
      {{"正常", 1}, {"软弱涣散", 2}, {"瘫痪", 3}}));
  c->set_secretary_able_to_lead(row.Bool("secretary_able_to_lead"));
  v1::FloatingMembers* f = c->mutable_floating();
  f->set_total(row.Count("floating_total"));
  f->set_relation_transferred(row.Count("relation_transferred"));
  f->set_temporary_relation(row.Count("temporary_relation"));
  f->set_with_certificate(row.Count("with_certificate"));
  f->set_contactable(row.Count("contactable"));
  f->set_not_contactable(row.Count("not_contactable"));
  for (absl::string_view p :
       absl::StrSplit(row.Get("main_problems"), ';', absl::SkipWhitespace())) {
    std::pair<std::string, std::string> parts =
        absl::StrSplit(p, absl::MaxSplits('=', 1));
    v1::CensusProblem* problem = c->add_main_problems();
    problem->set_problem_id(
        std::string(absl::StripAsciiWhitespace(parts.first)));
    problem->set_description(
        std::string(absl::StripAsciiWhitespace(parts.second)));
    if (problem->description().empty()) {
      row.Error(
          absl::StrCat("main_problems: \"", p, "\" is not ID=description"));
    }
  }
  if (!row.errors().empty()) return;
  Add(batch, label, prefix, row.line(), "report", "ReportCensus", report);
}

}  // namespace

absl::StatusOr<ImportKind> ParseImportKind(const std::string& text) {
  if (text == "evaluations") return ImportKind::kEvaluations;
  if (text == "rectification") return ImportKind::kRectification;
  if (text == "census") return ImportKind::kCensus;
  return absl::InvalidArgumentError(absl::StrCat(
      "--kind: \"", text, "\" is not evaluations, rectification or census"));
}

const char* ImportKindName(ImportKind kind) {
  switch (kind) {
    case ImportKind::kEvaluations:
      return "evaluations";
    case ImportKind::kRectification:
      return "rectification";
    case ImportKind::kCensus:
      return "census";
  }
  return "?";
}

const std::vector<std::string>& ImportColumns(ImportKind kind) {
  static const auto* evaluations = new std::vector<std::string>{
      "member_id",         "rating",      "shortcomings",
      "self_review",       "peer_review", "public_review",
      "opinions_gathered", "shown_on",    "signed_on"};
  static const auto* rectification =
      new std::vector<std::string>{"item_id", "kind",     "description",
                                   "class",   "measures", "responsible_person",
                                   "deadline"};
  static const auto* census =
      new std::vector<std::string>{"unit_id",
                                   "should_have_organisation_but_none",
                                   "leadership_incomplete",
                                   "condition",
                                   "secretary_able_to_lead",
                                   "floating_total",
                                   "relation_transferred",
                                   "temporary_relation",
                                   "with_certificate",
                                   "contactable",
                                   "not_contactable",
                                   "main_problems"};
  switch (kind) {
    case ImportKind::kEvaluations:
      return *evaluations;
    case ImportKind::kRectification:
      return *rectification;
    case ImportKind::kCensus:
      return *census;
  }
  return *census;
}

ImportBatch BuildImportBatch(ImportKind kind, const std::string& label,
                             const std::string& text, const std::string& actor,
                             const std::function<void(size_t, size_t)>& done) {
  ImportBatch batch;
  const std::string name = ImportKindName(kind);
  const std::string hash = Sha256Hex(text);
  batch.request.set_batch_id(
      absl::StrCat("import:", name, ":", hash.substr(0, 40)));
  batch.request.set_actor(actor);
  const std::string prefix =
      absl::StrCat("import:", name, ":", hash.substr(0, 16), ":");

  absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(text);
  if (!records.ok()) {
    batch.errors.push_back(absl::StrCat(
        label, ":", absl::StripPrefix(records.status().message(), "line ")));
    return batch;
  }
  if (records->empty()) {
    batch.errors.push_back(absl::StrCat(label, ":1: the file is empty"));
    return batch;
  }
  // The header: every documented column, in any order, nothing else.
  const CsvRecord& header = records->front();
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < header.cells.size(); ++i) {
    const std::string column =
        absl::AsciiStrToLower(absl::StripAsciiWhitespace(header.cells[i]));
    bool known = false;
    for (const std::string& c : ImportColumns(kind)) known |= c == column;
    if (!known) {
      batch.errors.push_back(absl::StrCat(
          label, ":", header.line, ": unknown column \"", column, "\" (a ",
          name, " file has: ", absl::StrJoin(ImportColumns(kind), ","), ")"));
    }
    index[column] = i;
  }
  for (const std::string& c : ImportColumns(kind)) {
    if (index.count(c) == 0) {
      batch.errors.push_back(absl::StrCat(label, ":", header.line,
                                          ": column \"", c, "\" is missing"));
    }
  }
  if (!batch.errors.empty()) return batch;
  if (records->size() == 1) {
    batch.errors.push_back(
        absl::StrCat(label, ":", header.line, ": no rows after the header"));
    return batch;
  }

  const size_t total = records->size() - 1;
  for (size_t r = 1; r < records->size(); ++r) {
    const CsvRecord& record = (*records)[r];
    Row row(index, record);
    if (record.cells.size() != header.cells.size()) {
      row.Error(absl::StrCat("has ", record.cells.size(), " cells, the header ",
                             header.cells.size()));
    }
    switch (kind) {
      case ImportKind::kEvaluations:
        Evaluation(row, batch, label, prefix);
        break;
      case ImportKind::kRectification:
        Rectification(row, batch, label, prefix);
        break;
      case ImportKind::kCensus:
        Census(row, batch, label, prefix);
        break;
    }
    for (const std::string& e : row.errors()) {
      batch.errors.push_back(absl::StrCat(label, ":", record.line, ": ", e));
    }
    ++batch.rows;
    if (done) done(r, total);
  }
  return batch;
}

}  // namespace reporting::reportctl
