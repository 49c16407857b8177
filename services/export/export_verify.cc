#include "services/export/export_verify.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "openssl/evp.h"
#include "services/export/export_format.h"
#include "services/export/export_seal.h"
#include "services/proof/key_history.h"
#include "storage/hash_chain.h"

namespace reporting::audit {
namespace {

absl::Status Bad(absl::string_view where, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", why));
}

std::string Sha256(absl::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(),
             nullptr);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

absl::StatusOr<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The file's lines without the final newline's empty rest.
std::vector<absl::string_view> Lines(absl::string_view data) {
  std::vector<absl::string_view> lines = absl::StrSplit(data, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

std::string DirOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

bool HoldsTrusted(const v1::KeyHistory& history,
                  const std::vector<std::string>& trusted) {
  for (const v1::KeyRecord& k : history.keys()) {
    for (const std::string& t : trusted) {
      if (k.public_key() == t) return true;
    }
  }
  return false;
}

// Checks 1-4 of docs/AUDIT.md: the keys, the seal's signature, the anchor's.
absl::Status CheckSignatures(const v1::ExportSeal& seal,
                             const ExportVerifyOptions& options) {
  if (absl::Status s =
          proof::VerifyKeyHistory(seal.signer_keys(), seal.signer());
      !s.ok()) {
    return Bad("manifest: signer_keys", s.message());
  }
  if (absl::Status s = proof::VerifyWithKey(
          seal.signer_keys(), seal.key_number(), ManifestStatement(seal),
          seal.signature(), "signature");
      !s.ok()) {
    return Bad("manifest", s.message());
  }
  if (!options.trusted_keys.empty() &&
      !HoldsTrusted(seal.signer_keys(), options.trusted_keys)) {
    return Bad("manifest", absl::StrCat("no key of ", seal.signer(),
                                        "'s history is a trusted key"));
  }
  if (seal.node_keys().keys_size() > 0) {
    if (absl::Status s =
            proof::VerifyKeyHistory(seal.node_keys(), seal.node_id());
        !s.ok()) {
      return Bad("manifest: node_keys", s.message());
    }
  }
  if (!seal.has_node_head()) return absl::OkStatus();
  const v1::SignedHead& head = seal.node_head();
  if (head.node_id() != seal.node_id()) {
    return Bad(
        "manifest: node_head",
        absl::StrCat("names node ", head.node_id(), ", not ", seal.node_id()));
  }
  if (seal.node_keys().keys_size() == 0) {
    return Bad("manifest: node_head",
               absl::StrCat("no keys of node ", seal.node_id(),
                            " to check it with (node_keys is empty)"));
  }
  if (absl::Status s = proof::VerifySignedHead(head, seal.node_keys());
      !s.ok()) {
    return Bad("manifest: node_head", s.message());
  }
  if (!options.trusted_keys.empty() &&
      !HoldsTrusted(seal.node_keys(), options.trusted_keys)) {
    return Bad("manifest", absl::StrCat("no key of node ", seal.node_id(),
                                        "'s history is a trusted key"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ExportSummary> VerifyExport(const std::string& events_path,
                                           const std::string& manifest_path,
                                           const ExportVerifyOptions& options) {
  absl::StatusOr<ExportManifest> parsed = ReadManifestFile(manifest_path);
  if (!parsed.ok()) return parsed.status();
  const ExportManifest& m = *parsed;
  const v1::ExportSeal& seal = m.seal;
  if (absl::Status s = CheckSignatures(seal, options); !s.ok()) return s;

  // Receipts (city exports): each hash holds, consecutive numbers link.
  std::map<uint64_t, v1::Receipt> receipts;
  std::string receipts_sha, receipts_digest_input;
  uint64_t receipt_lines = 0, first_receipt = 0, last_receipt = 0;
  if (!m.receipts_file.empty()) {
    absl::StatusOr<std::string> data =
        ReadAll(DirOf(events_path) + "/" + m.receipts_file);
    if (!data.ok()) return data.status();
    receipts_sha = Sha256(*data);
    const v1::Receipt* previous = nullptr;
    for (absl::string_view line : Lines(*data)) {
      ++receipt_lines;
      absl::StatusOr<v1::Receipt> r = ParseReceiptLine(line, receipt_lines);
      if (!r.ok()) return r.status();
      const std::string where = absl::StrCat("receipts line ", receipt_lines,
                                             " (receipt ", r->number(), ")");
      if (r->node_id() != seal.node_id()) {
        return Bad(where, absl::StrCat("names node ", r->node_id(), ", not ",
                                       seal.node_id()));
      }
      if (previous != nullptr) {
        if (r->number() <= previous->number()) {
          return Bad(where, absl::StrCat("does not follow receipt ",
                                         previous->number()));
        }
        if (r->number() == previous->number() + 1) {
          if (r->prev_hash() != previous->hash()) {
            return Bad(where, absl::StrCat("prev_hash is not the hash of "
                                           "receipt ",
                                           previous->number()));
          }
          if (r->first_sequence() != previous->last_sequence() + 1) {
            return Bad(where,
                       absl::StrCat("starts at sequence ", r->first_sequence(),
                                    ", not ", previous->last_sequence() + 1));
          }
        } else if (m.contiguous) {
          return Bad(where,
                     absl::StrCat("receipt ", previous->number() + 1,
                                  " is missing (receipt ", r->number(),
                                  " follows receipt ", previous->number(),
                                  " in a contiguous export)"));
        }
      } else if (r->number() == 1 && r->prev_hash() != storage::ZeroHash()) {
        return Bad(where, "the first receipt's prev_hash is not 32 zero bytes");
      }
      if (first_receipt == 0) first_receipt = r->number();
      last_receipt = r->number();
      receipts_digest_input += r->hash();
      previous = &(receipts[r->number()] = *r);
    }
  }

  absl::StatusOr<std::string> data = ReadAll(events_path);
  if (!data.ok()) return data.status();
  ExportSummary out;
  out.node_id = seal.node_id();
  std::string digest_input, first_prev_hash, previous_hash;
  uint64_t previous_sequence = 0, line_number = 0;
  for (absl::string_view line : Lines(*data)) {
    ++line_number;
    absl::StatusOr<ExportedEvent> e = ParseEventLine(line, line_number);
    if (!e.ok()) return e.status();
    const std::string where =
        absl::StrCat("line ", line_number, " (sequence ", e->sequence, ")");
    if (e->node_id != seal.node_id()) {
      return Bad(where,
                 absl::StrCat("node ", e->node_id,
                              " is not the manifest's node ", seal.node_id()));
    }
    if (out.count > 0) {
      if (e->sequence <= previous_sequence) {
        return Bad(where, absl::StrCat("sequence does not increase (previous ",
                                       previous_sequence, ")"));
      }
      if (e->sequence == previous_sequence + 1 &&
          e->prev_hash != previous_hash) {
        return Bad(where, absl::StrCat("prev_hash is not the hash of sequence ",
                                       previous_sequence));
      }
    } else {
      first_prev_hash = e->prev_hash;
      out.first_sequence = e->sequence;
      if (e->sequence == 1 && e->prev_hash != storage::ZeroHash()) {
        return Bad(where, "the first event's prev_hash is not 32 zero bytes");
      }
    }
    if (m.receipts_file.empty()) {
      if (e->receipt != 0) {
        return Bad(where, "names a receipt, but the export has no receipts");
      }
    } else {
      auto it = receipts.find(e->receipt);
      if (e->receipt == 0 || it == receipts.end()) {
        return Bad(where, absl::StrCat("its receipt ", e->receipt,
                                       " is not in the receipts file"));
      }
      const v1::Receipt& r = it->second;
      if (e->sequence < r.first_sequence() || e->sequence > r.last_sequence()) {
        return Bad(where, absl::StrCat("receipt ", r.number(), " covers ",
                                       r.first_sequence(), "..",
                                       r.last_sequence(), ", not it"));
      }
      if (e->received_at_us != r.received_at_us()) {
        return Bad(where, absl::StrCat("received_at_us ", e->received_at_us,
                                       " differs from receipt ", r.number(),
                                       "'s ", r.received_at_us()));
      }
      if (e->sequence == r.last_sequence() && e->hash != r.last_hash()) {
        return Bad(where, absl::StrCat("receipt ", r.number(),
                                       "'s last_hash is not this event's "
                                       "hash"));
      }
    }
    if (seal.has_node_head() && seal.node_head().sequence() == e->sequence) {
      if (seal.node_head().hash() != e->hash) {
        return Bad(where, absl::StrCat(
                              "hash differs from the hash node ",
                              seal.node_id(), " signed for it (",
                              storage::HexHash(seal.node_head().hash()), ")"));
      }
      out.anchor_linked = true;
    }
    digest_input += e->hash;
    previous_sequence = e->sequence;
    previous_hash = e->hash;
    ++out.count;
  }
  out.last_sequence = previous_sequence;
  out.last_hash = previous_hash;
  out.contiguous =
      out.count == 0 || out.count == out.last_sequence - out.first_sequence + 1;

  // The manifest's fields against what the files hold.
  auto expect = [](absl::string_view name, const std::string& in_manifest,
                   const std::string& in_files) -> absl::Status {
    if (in_manifest == in_files) return absl::OkStatus();
    return Bad("manifest", absl::StrCat(name, " is ", in_manifest,
                                        " but the files have ", in_files));
  };
  absl::Status s =
      expect("count", absl::StrCat(seal.count()), absl::StrCat(out.count));
  if (s.ok()) {
    s = expect("first_sequence", absl::StrCat(seal.first_sequence()),
               absl::StrCat(out.first_sequence));
  }
  if (s.ok()) {
    s = expect("last_sequence", absl::StrCat(seal.last_sequence()),
               absl::StrCat(out.last_sequence));
  }
  if (s.ok()) {
    s = expect("first_prev_hash", storage::HexHash(seal.first_prev_hash()),
               storage::HexHash(first_prev_hash));
  }
  if (s.ok())
    s = expect("last_hash", storage::HexHash(seal.last_hash()),
               storage::HexHash(out.last_hash));
  if (s.ok()) {
    s = expect("events_digest", storage::HexHash(seal.events_digest()),
               storage::HexHash(Sha256(digest_input)));
  }
  if (s.ok()) {
    s = expect("events_sha256", storage::HexHash(m.events_sha256),
               storage::HexHash(Sha256(*data)));
  }
  if (s.ok()) {
    s = expect("contiguous", m.contiguous ? "true" : "false",
               out.contiguous ? "true" : "false");
  }
  if (s.ok()) {
    s = expect("receipt_count", absl::StrCat(seal.receipt_count()),
               absl::StrCat(receipt_lines));
  }
  if (s.ok()) {
    s = expect("first_receipt", absl::StrCat(seal.first_receipt()),
               absl::StrCat(first_receipt));
  }
  if (s.ok()) {
    s = expect("last_receipt", absl::StrCat(seal.last_receipt()),
               absl::StrCat(last_receipt));
  }
  if (s.ok()) {
    s = expect("receipts_digest", storage::HexHash(seal.receipts_digest()),
               storage::HexHash(Sha256(receipts_digest_input)));
  }
  if (s.ok()) {
    s = expect("receipts_sha256", storage::HexHash(m.receipts_sha256),
               storage::HexHash(receipts_sha));
  }
  if (!s.ok()) return s;
  if (seal.log_head_sequence() < out.last_sequence) {
    return Bad("manifest",
               absl::StrCat("log_head_sequence ", seal.log_head_sequence(),
                            " is below last_sequence ", out.last_sequence));
  }
  if (seal.has_node_head()) {
    out.anchored = true;
    out.anchor_sequence = seal.node_head().sequence();
    if (out.count > 0 && out.anchor_sequence + 1 == out.first_sequence) {
      if (seal.node_head().hash() != first_prev_hash) {
        return Bad("manifest",
                   absl::StrCat("first_prev_hash differs from the hash node ",
                                seal.node_id(), " signed for sequence ",
                                out.anchor_sequence));
      }
      out.anchor_linked = true;
    }
  }
  out.receipts = receipt_lines;
  out.signer = seal.signer();
  out.key_number = seal.key_number();
  out.signer_public_key = seal.signer_keys()
                              .keys(static_cast<int>(seal.key_number()) - 1)
                              .public_key();
  return out;
}

std::string DescribeExport(const ExportSummary& s) {
  std::string out = absl::StrCat("OK: ", s.count, " events");
  if (s.count > 0) {
    absl::StrAppend(&out, " (sequences ", s.first_sequence, "..",
                    s.last_sequence,
                    s.contiguous ? ", contiguous" : ", not contiguous", ")");
  }
  if (s.receipts > 0) {
    absl::StrAppend(&out, ", ", s.receipts,
                    s.receipts == 1 ? " receipt" : " receipts");
  }
  absl::StrAppend(&out, ", signed by ", s.signer, " key ", s.key_number, " (",
                  storage::HexHash(s.signer_public_key), "); ");
  if (!s.anchored) {
    absl::StrAppend(&out, "not anchored to a head signed by node ", s.node_id);
  } else {
    absl::StrAppend(
        &out, "anchored to node ", s.node_id, "'s head signed at sequence ",
        s.anchor_sequence,
        s.anchor_linked ? ", linked" : ", not linked (no line at it)");
  }
  return out;
}

}  // namespace reporting::audit
