#include "services/proof/statement.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace reporting::proof {

Statement::Statement(absl::string_view kind) {
  absl::StrAppend(&bytes_, kind, "\n");
}

void Statement::Line(absl::string_view name, absl::string_view value) {
  absl::StrAppend(&bytes_, name, "=", value, "\n");
}

Statement& Statement::Number(absl::string_view name, int64_t value) {
  Line(name, absl::StrCat(value));
  return *this;
}

Statement& Statement::Unsigned(absl::string_view name, uint64_t value) {
  Line(name, absl::StrCat(value));
  return *this;
}

Statement& Statement::Hex(absl::string_view name, absl::string_view bytes) {
  Line(name, absl::BytesToHexString(bytes));
  return *this;
}

Statement& Statement::Text(absl::string_view name, absl::string_view text) {
  Line(name, absl::StrCat(text.size(), ":", text));
  return *this;
}

std::string KeyStatement(const v1::KeyRecord& key) {
  return Statement(kKeyStatement)
      .Text("signer", key.signer())
      .Unsigned("number", key.number())
      .Hex("public_key", key.public_key())
      .Number("created_at_us", key.created_at_us())
      .bytes();
}

std::string HeadStatement(const v1::SignedHead& head) {
  return Statement(kHeadStatement)
      .Text("node_id", head.node_id())
      .Unsigned("sequence", head.sequence())
      .Hex("hash", head.hash())
      .Number("signed_at_us", head.signed_at_us())
      .Unsigned("key", head.key_number())
      .bytes();
}

}  // namespace reporting::proof
