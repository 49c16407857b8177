// A forger's tools for the export tests: read an export into its parts,
// change events and re-chain everything after them, re-seal the manifest
// with a key of the forger's choosing, and write it back in the real format
// (services/export/export_format.h), so that only what the forger cannot
// redo (a signature by a key it does not hold) is left to catch it.
//
// Thread compatibility: one test thread.
#ifndef REPORTING_TESTS_EXPORT_FORGE_H_
#define REPORTING_TESTS_EXPORT_FORGE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "reporting/v1/audit.pb.h"
#include "reporting/v1/envelope.pb.h"
#include "services/export/export_format.h"
#include "services/proof/ed25519.h"

namespace reporting::export_test {

struct ExportParts {
  std::vector<v1::AuditedEvent> events;
  std::vector<v1::Receipt> receipts;
  audit::ExportManifest manifest;
};

// Reads FILE, FILE.receipts.jsonl and FILE.manifest.json (aborts the test
// on a malformed file: they come from a real export).
ExportParts ReadParts(const std::string& path);
// Writes the parts as FILE, its receipts and its manifest (the manifest's
// seal as it is in `parts`).
void WriteParts(const std::string& path, const ExportParts& parts);

// Changes event `index`'s envelope with `edit`, then recomputes the hash of
// it and of every later event (and their prev_hash fields), the receipts'
// last_hash and hashes, and the seal's counts and digests: a re-hashed
// forged chain. The seal's signature is left as it was.
void Rechain(ExportParts& parts, size_t index,
             const std::function<void(v1::EventEnvelope&)>& edit);
// Recomputes the seal's counts and digests from the events and receipts.
void Recount(ExportParts& parts);
// Signs the seal with `key` as key `number` of its signer (the forger's
// history replaces signer_keys when `history` is not null).
void Resign(ExportParts& parts, const proof::SigningKey& key, uint32_t number,
            const v1::KeyHistory* history = nullptr);
// A one-key history of `signer` made by `key` (key 1, self-endorsed).
v1::KeyHistory HistoryOf(const proof::SigningKey& key,
                         const std::string& signer);
// The PEM private key of a signing key directory's newest key.
proof::SigningKey KeyFromDir(const std::string& dir, uint32_t number);

}  // namespace reporting::export_test

#endif  // REPORTING_TESTS_EXPORT_FORGE_H_
