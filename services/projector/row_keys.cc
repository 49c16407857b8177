#include "services/projector/row_keys.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "services/projector/projector.h"

namespace reporting::projector {

Kind KindOf(absl::string_view stream_id) {
  const absl::string_view kind = stream_id.substr(0, stream_id.find('/'));
  if (kind == "unit") return Kind::kUnit;
  if (kind == "evaluation") return Kind::kEvaluation;
  if (kind == "material") return Kind::kMaterial;
  if (kind == "meeting") return Kind::kMeeting;
  if (kind == "rectification") return Kind::kItem;
  if (kind == "census") return Kind::kCensus;
  if (kind == "node") return Kind::kNode;
  return Kind::kOther;
}

absl::string_view NodeOfKey(absl::string_view key) {
  return key.substr(0, key.find(kSep));
}

absl::string_view StreamOfKey(absl::string_view key) {
  const size_t sep = key.find(kSep);
  return sep == absl::string_view::npos ? absl::string_view()
                                        : key.substr(sep + 1);
}

std::string SerializeRow(const google::protobuf::Message& m) {
  std::string out;
  out.reserve(m.ByteSizeLong());
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    m.SerializeWithCachedSizes(&coded);
  }
  return out;
}

std::string StateKey(absl::string_view node_id, absl::string_view stream_id) {
  std::string key;
  key.reserve(node_id.size() + 1 + stream_id.size());
  absl::StrAppend(&key, node_id, absl::string_view(&kSep, 1), stream_id);
  return key;
}

std::string NodeRowKey(absl::string_view node_id) {
  return absl::StrCat(kNodeRowPrefix, node_id);
}

std::string UnitRowKey(absl::string_view node_id, absl::string_view unit_id) {
  return absl::StrCat(kUnitRowPrefix, node_id, absl::string_view(&kSep, 1),
                      unit_id);
}

std::string RectRowKey(absl::string_view node_id, absl::string_view item_id) {
  return absl::StrCat(kRectRowPrefix, node_id, absl::string_view(&kSep, 1),
                      item_id);
}

}  // namespace reporting::projector
