#pragma once
// The journal as a file in a directory: write a temporary file, fsync it, rename it over the
// record, fsync the directory. rename() is atomic on POSIX file systems, so a crash leaves the
// old or the new record, never a torn one.

#include <string>

#include "offline/storage.hpp"

namespace rl::offline {

class FileStorage final : public Storage {
 public:
  explicit FileStorage(std::string dir, std::size_t max_bytes = 4 * 1024 * 1024)
      : dir_(std::move(dir)), max_bytes_(max_bytes) {}
  Result<std::optional<Bytes>> load() override;
  Status commit(ByteView record) override;

  std::string record_path() const { return dir_ + "/journal.bin"; }

 private:
  std::string dir_;
  std::size_t max_bytes_;
};

}  // namespace rl::offline
