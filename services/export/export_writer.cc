// The writing half of export_format.h: ExportWriter.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "openssl/evp.h"
#include "services/export/export_format.h"

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

// An output file of lines and the SHA-256 of what was written.
struct ExportWriter::File {
  static absl::StatusOr<std::unique_ptr<File>> Create(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) return IoError("cannot create", path);
    return std::unique_ptr<File>(new File(path, f));
  }
  ~File() {
    if (file != nullptr) std::fclose(file);
    EVP_MD_CTX_free(sha);
  }
  absl::Status Line(std::string line) {
    line.push_back('\n');
    if (std::fwrite(line.data(), 1, line.size(), file) != line.size()) {
      return IoError("cannot write", path);
    }
    EVP_DigestUpdate(sha, line.data(), line.size());
    return absl::OkStatus();
  }
  // Flushes, syncs and closes; the SHA-256 of the bytes written.
  absl::StatusOr<std::string> Close() {
    const bool flushed = std::fflush(file) == 0 && ::fsync(fileno(file)) == 0;
    const bool closed = std::fclose(file) == 0;
    file = nullptr;
    if (!flushed || !closed) return IoError("cannot write", path);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(sha, digest, &length);
    return std::string(reinterpret_cast<const char*>(digest), length);
  }

  const std::string path;
  std::FILE* file;
  EVP_MD_CTX* sha;

 private:
  File(std::string p, std::FILE* f)
      : path(std::move(p)), file(f), sha(EVP_MD_CTX_new()) {
    EVP_DigestInit_ex(sha, EVP_sha256(), nullptr);
  }
};

absl::StatusOr<std::unique_ptr<ExportWriter>> ExportWriter::Create(
    const std::string& path) {
  absl::StatusOr<std::unique_ptr<File>> events = File::Create(path);
  if (!events.ok()) return events.status();
  // A receipts file left by an earlier export to the same path would be
  // taken for this one's.
  std::remove(ReceiptsPathFor(path).c_str());
  return std::unique_ptr<ExportWriter>(
      new ExportWriter(path, std::move(*events)));
}

ExportWriter::ExportWriter(std::string path, std::unique_ptr<File> events)
    : path_(std::move(path)), events_(std::move(events)) {}

ExportWriter::~ExportWriter() = default;

absl::Status ExportWriter::Add(const v1::AuditedEvent& event) {
  if (finished_) {
    return absl::FailedPreconditionError("export: Add after Finish");
  }
  if (count_ > 0 && event.sequence() <= last_sequence_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "export: sequence ", event.sequence(), " after ", last_sequence_));
  }
  absl::StatusOr<std::string> line = FormatEventLine(event);
  if (!line.ok()) return line.status();
  if (absl::Status s = events_->Line(std::move(*line)); !s.ok()) return s;
  last_sequence_ = event.sequence();
  ++count_;
  return absl::OkStatus();
}

absl::Status ExportWriter::AddReceipt(const v1::Receipt& receipt) {
  if (finished_) {
    return absl::FailedPreconditionError("export: AddReceipt after Finish");
  }
  if (receipts_ == nullptr) {
    absl::StatusOr<std::unique_ptr<File>> file =
        File::Create(ReceiptsPathFor(path_));
    if (!file.ok()) return file.status();
    receipts_ = std::move(*file);
  }
  return receipts_->Line(FormatReceiptLine(receipt));
}

absl::Status ExportWriter::Finish(const v1::ExportSeal& seal) {
  if (finished_) return absl::FailedPreconditionError("export: Finish twice");
  finished_ = true;
  ExportManifest m;
  m.seal = seal;
  m.contiguous =
      seal.count() == 0 ||
      seal.count() == seal.last_sequence() - seal.first_sequence() + 1;
  m.events_file = BaseName(path_);
  absl::StatusOr<std::string> sha = events_->Close();
  if (!sha.ok()) return sha.status();
  m.events_sha256 = std::move(*sha);
  if (receipts_ != nullptr) {
    sha = receipts_->Close();
    if (!sha.ok()) return sha.status();
    m.receipts_file = BaseName(ReceiptsPathFor(path_));
    m.receipts_sha256 = std::move(*sha);
  }
  return WriteFileDurably(ManifestPathFor(path_), FormatManifest(m));
}

}  // namespace reporting::audit
