// ApplyPowerCut: replays a power-cut journal (power_cut.h) into the state
// of each file it names, then cuts the files back to what a power loss may
// leave.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "storage/testing/power_cut.h"

namespace reporting::storage::testing {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kAll = std::numeric_limits<uint64_t>::max();

// What a power cut may keep of one path.
struct File {
  uint64_t durable = kAll;    // bytes durable (kAll: the whole file)
  bool entry_durable = true;  // its directory entry survives a cut
  // An entry made by a rename not yet durable: a cut may undo it.
  bool renamed = false;
  std::string from;                // the name it had
  bool from_entry_durable = true;  // whether that name was durable
  std::string saved = "-";         // the previous content of this path
};

File Tracked(uint64_t durable, bool entry_durable) {
  File f;
  f.durable = durable;
  f.entry_durable = entry_durable;
  return f;
}

absl::Status Bad(const std::string& journal, int line, absl::string_view why) {
  return absl::DataLossError(
      absl::StrCat("power cut journal ", journal, ":", line, ": ", why));
}

// Replays the journal's complete lines into *files.
absl::Status Replay(const std::string& journal,
                    std::map<std::string, File>* files) {
  std::ifstream in(journal, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  // A line without its '\n' was being written when the process died: the
  // call it describes never returned.
  const size_t end = text.rfind('\n');
  text.resize(end == std::string::npos ? 0 : end);
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    ++number;
    std::vector<std::string> f = absl::StrSplit(line, '\t');
    uint64_t n = 0;
    const bool sized = f.size() == 3 && absl::SimpleAtoi(f[1], &n);
    if (f[0] == "create" && f.size() == 2) {
      (*files)[f[1]] = Tracked(0, false);
    } else if (f[0] == "replace" && f.size() == 2) {
      auto it = files->find(f[1]);
      const bool entry = it == files->end() || it->second.entry_durable;
      (*files)[f[1]] = Tracked(0, entry);
    } else if (f[0] == "reopen" && sized) {
      files->try_emplace(f[2], Tracked(n, true));
    } else if (f[0] == "sync" && sized) {
      auto it = files->find(f[2]);
      if (it != files->end() && it->second.durable < n) it->second.durable = n;
    } else if (f[0] == "truncate" && sized) {
      auto it = files->find(f[2]);
      if (it != files->end() && it->second.durable > n) it->second.durable = n;
    } else if (f[0] == "dir" && f.size() == 2) {
      auto it = files->find(f[1]);
      if (it != files->end()) {
        it->second.entry_durable = true;
        it->second.renamed = false;
      }
    } else if (f[0] == "rename" && f.size() == 4) {
      File moved;  // untracked: durable as a whole
      auto it = files->find(f[1]);
      if (it != files->end()) {
        moved = it->second;
        files->erase(it);
      }
      moved.renamed = true;
      moved.from = f[1];
      moved.from_entry_durable = moved.entry_durable;
      moved.entry_durable = false;
      moved.saved = f[3];
      (*files)[f[2]] = moved;
    } else if (f[0] == "link" && f.size() == 3) {
      auto it = files->find(f[1]);
      const uint64_t durable = it == files->end() ? kAll : it->second.durable;
      (*files)[f[2]] = Tracked(durable, false);
    } else if (f[0] == "delete" && f.size() == 2) {
      files->erase(f[1]);
    } else {
      return Bad(journal, number, absl::StrCat("cannot read \"", line, "\""));
    }
  }
  return absl::OkStatus();
}

// Keeps `keep` bytes of `path` (its durable ones, and in kRandom mode a
// random part of the rest).
absl::Status Cut(const std::string& path, uint64_t durable, PowerCutMode mode,
                 std::mt19937_64& rng, PowerCutStats* stats) {
  std::error_code ec;
  const uint64_t size = fs::file_size(path, ec);
  if (ec) return absl::OkStatus();  // its creation never happened
  if (durable >= size) return absl::OkStatus();
  uint64_t keep = durable;
  if (mode == PowerCutMode::kRandom) keep += rng() % (size - durable + 1);
  if (keep == size) return absl::OkStatus();
  fs::resize_file(path, keep, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("power cut: truncate ", path, ": ", ec.message()));
  }
  ++stats->files_cut;
  stats->bytes_dropped += size - keep;
  return absl::OkStatus();
}

absl::Status Remove(const std::string& path) {
  std::error_code ec;
  fs::remove(path, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("power cut: remove ", path, ": ", ec.message()));
  }
  return absl::OkStatus();
}

// Puts back what `path` named before a rename that a cut undoes.
absl::Status UndoRename(const std::string& path, const File& f) {
  std::error_code ec;
  if (f.from_entry_durable) {
    fs::rename(path, f.from, ec);
  } else {
    fs::remove(path, ec);
  }
  if (!ec && f.saved != "-") {
    fs::copy_file(f.saved, path, fs::copy_options::overwrite_existing, ec);
  }
  if (ec) {
    return absl::InternalError(
        absl::StrCat("power cut: undo rename to ", path, ": ", ec.message()));
  }
  return absl::OkStatus();
}

// The journal and the copies it refers to (journal ".saved." n).
absl::Status RemoveJournal(const std::string& journal) {
  std::error_code ec;
  const fs::path j(journal);
  const std::string prefix = j.filename().string() + ".saved.";
  for (const fs::directory_entry& e :
       fs::directory_iterator(j.parent_path(), ec)) {
    if (e.path().filename().string().rfind(prefix, 0) == 0) {
      fs::remove(e.path(), ec);
    }
  }
  fs::remove(j, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("power cut: remove ", journal, ": ", ec.message()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<PowerCutStats> ApplyPowerCut(const std::string& journal,
                                            PowerCutMode mode,
                                            std::mt19937_64& rng) {
  PowerCutStats stats;
  std::error_code ec;
  if (!fs::exists(journal, ec)) return stats;
  std::map<std::string, File> files;
  if (absl::Status s = Replay(journal, &files); !s.ok()) return s;
  const bool harsh = mode == PowerCutMode::kDropUnsynced;
  for (const auto& [path, f] : files) {
    absl::Status s;
    if (!f.entry_durable && (harsh || rng() % 2 == 0)) {
      if (f.renamed) {
        s = UndoRename(path, f);
        if (s.ok() && f.from_entry_durable) {
          s = Cut(f.from, f.durable, mode, rng, &stats);
        }
        ++stats.renames_undone;
      } else if (fs::exists(path, ec)) {
        s = Remove(path);
        ++stats.files_removed;
      }
    } else {
      s = Cut(path, f.durable, mode, rng, &stats);
    }
    if (!s.ok()) return s;
  }
  if (absl::Status s = RemoveJournal(journal); !s.ok()) return s;
  return stats;
}

}  // namespace reporting::storage::testing
