// The writing half of export_format.h: ExportWriter.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "openssl/evp.h"
#include "services/audit/export_format.h"

namespace reporting::audit {
namespace {

absl::Status IoError(absl::string_view what, const std::string& path) {
  return absl::InternalError(
      absl::StrCat("export: ", what, " ", path, ": ", std::strerror(errno)));
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Writes `text` to `path` durably: PATH.tmp, fsync, rename.
absl::Status WriteFileDurably(const std::string& path,
                              const std::string& text) {
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return IoError("cannot create", tmp);
  const bool written =
      std::fwrite(text.data(), 1, text.size(), f) == text.size() &&
      std::fflush(f) == 0 && ::fsync(fileno(f)) == 0;
  const bool closed = std::fclose(f) == 0;
  if (!written || !closed) return IoError("cannot write", tmp);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return IoError("cannot rename to", path);
  }
  return absl::OkStatus();
}

}  // namespace

struct ExportWriter::Sha {
  Sha() : ctx(EVP_MD_CTX_new()) {
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  }
  ~Sha() { EVP_MD_CTX_free(ctx); }
  EVP_MD_CTX* ctx;
};

absl::StatusOr<std::unique_ptr<ExportWriter>> ExportWriter::Create(
    const std::string& path, ExportManifest manifest) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return IoError("cannot create", path);
  return std::unique_ptr<ExportWriter>(
      new ExportWriter(path, file, std::move(manifest)));
}

ExportWriter::ExportWriter(std::string path, std::FILE* file,
                           ExportManifest manifest)
    : path_(std::move(path)),
      file_(file),
      manifest_(std::move(manifest)),
      sha_(std::make_unique<Sha>()) {
  manifest_.format_version = kExportFormatVersion;
  manifest_.events_file = BaseName(path_);
  manifest_.contiguous = true;
  manifest_.first_sequence = 0;
  manifest_.last_sequence = 0;
  manifest_.count = 0;
  manifest_.first_prev_hash.clear();
  manifest_.head_hash.clear();
}

ExportWriter::~ExportWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

absl::Status ExportWriter::Add(const v1::AuditedEvent& event) {
  if (finished_) {
    return absl::FailedPreconditionError("export: Add after Finish");
  }
  if (manifest_.count > 0 && event.sequence() <= manifest_.last_sequence) {
    return absl::InvalidArgumentError(absl::StrCat("export: sequence ",
                                                   event.sequence(), " after ",
                                                   manifest_.last_sequence));
  }
  auto line = FormatEventLine(event);
  if (!line.ok()) return line.status();
  line->push_back('\n');
  if (std::fwrite(line->data(), 1, line->size(), file_) != line->size()) {
    return IoError("cannot write", path_);
  }
  EVP_DigestUpdate(sha_->ctx, line->data(), line->size());
  if (manifest_.count == 0) {
    manifest_.first_sequence = event.sequence();
    // FormatEventLine checked that the envelope decodes.
    v1::EventEnvelope envelope;
    envelope.ParseFromString(event.envelope());
    manifest_.first_prev_hash = envelope.prev_hash();
  } else if (event.sequence() != manifest_.last_sequence + 1) {
    manifest_.contiguous = false;
  }
  manifest_.last_sequence = event.sequence();
  manifest_.head_hash = event.hash();
  ++manifest_.count;
  return absl::OkStatus();
}

absl::Status ExportWriter::Finish(int64_t created_at_us) {
  if (finished_) return absl::FailedPreconditionError("export: Finish twice");
  finished_ = true;
  const bool flushed = std::fflush(file_) == 0 && ::fsync(fileno(file_)) == 0;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!flushed || !closed) return IoError("cannot write", path_);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(sha_->ctx, digest, &length);
  manifest_.events_sha256.assign(reinterpret_cast<const char*>(digest), length);
  manifest_.created_at_us = created_at_us;
  return WriteFileDurably(ManifestPathFor(path_), FormatManifest(manifest_));
}

}  // namespace reporting::audit
