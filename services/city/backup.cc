#include "services/city/backup.h"

#include <filesystem>
#include <fstream>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/status_macros.h"

namespace reporting::city {
namespace {

absl::Status WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.flush();
  if (!out)
    return absl::InternalError(absl::StrCat("backup: cannot write ", path));
  return absl::OkStatus();
}

absl::Status MakeDir(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("backup: cannot create ", path, ": ", ec.message()));
  }
  return absl::OkStatus();
}

// The generation name CURRENT holds ("gen-000003"), or "" when none.
std::string CurrentName(const std::string& read_models_dir) {
  std::ifstream in(read_models_dir + "/CURRENT");
  std::string name;
  in >> name;
  return absl::StartsWith(name, "gen-") ? name : "";
}

}  // namespace

absl::StatusOr<v1::BackupResponse> BackupCity(
    NodeCopies& copies, const ProjectionRunner& runner,
    const std::string& read_models_dir, const std::string& dir,
    const NodeKeys* node_keys) {
  RETURN_IF_ERROR(MakeDir(dir));
  v1::BackupResponse response;
  std::string manifest =
      absl::StrCat("city-aggregator backup, started ",
                   absl::FormatTime(absl::Now(), absl::UTCTimeZone()), "\n");

  // 1. Read models first (see backup.h: copies then hold at least what they
  //    reflect). The store comes from the runner, so a rebuild switching
  //    generations meanwhile cannot hand us a half-built one; its files go
  //    under the name CURRENT gave, and the backup's CURRENT names it.
  const std::string generation = CurrentName(read_models_dir);
  auto store = runner.Store();
  if (store.ok() && !generation.empty()) {
    const std::string rel = absl::StrCat("read_models/", generation);
    RETURN_IF_ERROR(MakeDir(dir + "/read_models"));
    RETURN_IF_ERROR((*store)->Checkpoint(absl::StrCat(dir, "/", rel)));
    RETURN_IF_ERROR(WriteText(dir + "/read_models/CURRENT", generation + "\n"));
    v1::BackedUpDatabase* db = response.add_databases();
    db->set_path(rel);
    db->set_kind("read_models");
    absl::StrAppend(&manifest, rel, ": read models\n");
  } else {
    absl::StrAppend(&manifest,
                    "read_models: none complete (a rebuild was running); the "
                    "restored aggregator rebuilds them at start\n");
  }

  // 2. Every node's copy, its divergence record, its pinned keys.
  RETURN_IF_ERROR(MakeDir(dir + "/nodes"));
  for (const std::string& node : copies.Nodes()) {
    ASSIGN_OR_RETURN(storage::EventLog * log, copies.Get(node));
    const uint64_t head = log->GetHead().sequence;
    const std::string rel = absl::StrCat("nodes/", node);
    RETURN_IF_ERROR(log->Checkpoint(absl::StrCat(dir, "/", rel)));
    v1::BackedUpDatabase* db = response.add_databases();
    db->set_path(rel);
    db->set_kind("node_copy");
    db->set_head_sequence(head);
    db->set_node_id(node);
    absl::StrAppend(&manifest, rel, ": copy of node ", node,
                    ", at least through sequence ", head, "\n");
    if (std::optional<std::string> detail = copies.Divergence(node)) {
      RETURN_IF_ERROR(
          WriteText(absl::StrCat(dir, "/", rel, ".diverged"), *detail + "\n"));
      absl::StrAppend(&manifest, rel, ".diverged: DIVERGED: ", *detail, "\n");
    }
    if (node_keys != nullptr) {
      RETURN_IF_ERROR(node_keys->SaveTo(node, dir + "/nodes"));
    }
  }
  RETURN_IF_ERROR(WriteText(dir + "/BACKUP", manifest));
  return response;
}

}  // namespace reporting::city
