#include "tests/disk/small_disk.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"

namespace reporting::disk_test {

SmallDisk::SmallDisk(std::string path, uint64_t bytes)
    : path_(std::move(path)), filler_(path_ + "/filler") {
  std::error_code ec;
  std::filesystem::create_directories(path_, ec);
  const std::string options = absl::StrCat("size=", bytes, ",mode=0755");
  if (mount("tmpfs", path_.c_str(), "tmpfs", 0, options.c_str()) != 0) {
    error_ = absl::StrCat(
        "mount -t tmpfs -o ", options, " tmpfs ", path_, ": ",
        std::strerror(errno),
        " (this test mounts a small disk: run it as root, as CI does)");
    return;
  }
  mounted_ = true;
}

SmallDisk::~SmallDisk() {
  if (mounted_) umount2(path_.c_str(), MNT_DETACH);
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

absl::StatusOr<uint64_t> SmallDisk::FreeBytes() const {
  struct statvfs s;
  if (statvfs(path_.c_str(), &s) != 0) {
    return absl::InternalError(
        absl::StrCat("statvfs ", path_, ": ", std::strerror(errno)));
  }
  return static_cast<uint64_t>(s.f_bavail) * s.f_frsize;
}

absl::Status SmallDisk::FillUntilFree(uint64_t free) {
  const int fd = open(filler_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("open ", filler_, ": ", std::strerror(errno)));
  }
  const std::vector<char> chunk(64 << 10, 'x');
  absl::Status status;
  for (;;) {
    absl::StatusOr<uint64_t> now = FreeBytes();
    if (!now.ok()) {
      status = now.status();
      break;
    }
    if (*now <= free) break;
    const size_t n =
        static_cast<size_t>(std::min<uint64_t>(chunk.size(), *now - free));
    if (write(fd, chunk.data(), n) < 0) {
      if (errno == ENOSPC) break;  // full: as much as there was
      status = absl::InternalError(
          absl::StrCat("write ", filler_, ": ", std::strerror(errno)));
      break;
    }
  }
  close(fd);
  return status;
}

absl::Status SmallDisk::Free() {
  std::error_code ec;
  std::filesystem::remove(filler_, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("remove ", filler_, ": ", ec.message()));
  }
  return absl::OkStatus();
}

}  // namespace reporting::disk_test
