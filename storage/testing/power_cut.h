// Power cuts for tests: what a machine losing power would leave of the
// files a process wrote, not only what a killed process leaves (a SIGKILL
// keeps the OS page cache, so every write survives it; a power cut keeps
// only what was made durable).
//
// Two halves, in two processes:
// - The process under test calls StartPowerCutJournal(journal) before it
//   opens any database (or is a binary linked with power_cut_from_env.cc
//   and started with $REPORTING_POWER_CUT_JOURNAL set). Every RocksDB it
//   opens afterwards writes through PowerCutFileSystem (power_cut_fs.h),
//   which appends to `journal`, synchronously, one line per fact that
//   decides durability.
// - The test SIGKILLs it and calls ApplyPowerCut(journal, ...): the files
//   are cut back to what a power loss could have left, and the journal is
//   removed. Then the test reopens the databases and checks them.
//
// Why a journal: the wrapper's knowledge lives in the killed process's
// memory. The journal is written with write(2) before the call it describes
// returns to RocksDB (and, for a creation, before the file exists), so a
// SIGKILL can lose no line that matters: the page cache survives a
// SIGKILL, and a line cut in half by the kill is the last one, about a
// call that never returned (it is ignored). A sync whose line was not
// written yet never returned either, so nothing was acknowledged on it:
// treating its bytes as lost is what a power cut at that instant does.
//
// Journal lines (fields separated by TAB; paths absolute, as RocksDB
// names them):
//   create   PATH          a new file PATH is about to be created: its data
//                          and its directory entry are not durable yet
//   replace  PATH          an existing file PATH is truncated to be
//                          rewritten: none of its data is durable; its
//                          entry is as durable as it was
//   reopen   N PATH        an existing file is opened to append at N bytes
//   sync     N PATH        Sync/Fsync returned OK with the file's first N
//                          bytes written before it began: they are durable
//   dir      PATH          an fsync of PATH's directory returned OK, and
//                          PATH's entry (created or renamed there before
//                          it began) is now durable
//   rename   FROM TO SAVED FROM is renamed to TO (not durable until a
//                          `dir` line for TO). SAVED: a copy of TO's
//                          previous content, or "-" when TO did not exist
//   link     FROM TO       TO is a new hard link to FROM (entry pending)
//   delete   PATH          PATH was deleted (treated as durable at once:
//                          RocksDB deletes only files it no longer needs)
//   truncate N PATH        PATH was truncated to N bytes
//
// Semantics (RocksDB's FaultInjectionTestFS makes the same choices):
// Sync and Fsync make the bytes written before them durable; Close,
// Flush and RangeSync (sync_file_range: data only, no metadata, no
// guarantee) make nothing durable. A file's directory entry, from its
// creation, rename or link, is durable only once its directory is fsynced
// after it. Files the process never opened for writing are left alone
// (they were durable before it started: every earlier cut made what it
// left durable). Directories themselves are not tracked: storage creates
// a database's directory and fsyncs its parent before RocksDB writes in it
// (CreateDirectoriesDurably, storage/rocks_db.h); a power cut that lost a
// directory is not modelled. Only what RocksDB writes is journaled: files
// the process writes with plain file calls (the city's read-model
// CURRENT pointer, services/city/projection_runner.h) are left whole.
#ifndef REPORTING_STORAGE_TESTING_POWER_CUT_H_
#define REPORTING_STORAGE_TESTING_POWER_CUT_H_

#include <cstdint>
#include <random>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace reporting::storage::testing {

// Child side: every database opened after this call (in this process)
// journals into `journal` (appended to; created when missing).
absl::Status StartPowerCutJournal(const std::string& journal);

enum class PowerCutMode {
  // The worst a power cut can do: every byte not synced is gone, every
  // entry not made durable is gone, every rename not made durable undone.
  kDropUnsynced,
  // A random outcome among those a power cut can leave: each file keeps a
  // random prefix of its unsynced bytes; each entry not made durable
  // survives or not (a coin each); each rename not made durable happened
  // or not.
  kRandom,
};

struct PowerCutStats {
  uint64_t files_cut = 0;      // files truncated below their written size
  uint64_t bytes_dropped = 0;  // bytes cut off those files
  uint64_t files_removed = 0;  // files whose entry did not survive
  uint64_t renames_undone = 0;
};

// Parent side, after the process that wrote `journal` is dead: applies the
// cut to the files the journal names, then deletes the journal and the
// copies it refers to. A journal that does not exist means the process
// wrote nothing through the wrapper: nothing to cut (zero stats).
absl::StatusOr<PowerCutStats> ApplyPowerCut(const std::string& journal,
                                            PowerCutMode mode,
                                            std::mt19937_64& rng);

}  // namespace reporting::storage::testing

#endif  // REPORTING_STORAGE_TESTING_POWER_CUT_H_
