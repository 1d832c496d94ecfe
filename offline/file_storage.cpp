#include "offline/file_storage.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/file_io.hpp"
#include "offline/errors.hpp"

namespace rl::offline {
namespace {

// Owns a POSIX file descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now and reports close() errors (which can carry delayed write errors).
  bool close() {
    const int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0;
  }

 private:
  int fd_;
};

Error io_error(const std::string& what) {
  return make_error(std::string(err::kStorage), what + ": " + std::strerror(errno));
}

}  // namespace

Result<std::optional<Bytes>> FileStorage::load() {
  std::error_code ec;
  if (!std::filesystem::exists(record_path(), ec)) return std::optional<Bytes>();
  auto content = read_file(record_path(), max_bytes_);
  if (!content.ok()) return make_error(std::string(err::kStorage), content.error().to_string());
  return std::optional<Bytes>(to_bytes(*content));
}

Status FileStorage::commit(ByteView record) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return make_error(std::string(err::kStorage), "cannot create " + dir_);
  const std::string tmp = record_path() + ".tmp";
  {
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (fd.get() < 0) return io_error("open " + tmp);
    std::size_t done = 0;
    while (done < record.size()) {
      const ssize_t n = ::write(fd.get(), record.data() + done, record.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return io_error("write " + tmp);
      }
      done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) return io_error("fsync " + tmp);
    if (!fd.close()) return io_error("close " + tmp);
  }
  if (::rename(tmp.c_str(), record_path().c_str()) != 0) return io_error("rename " + tmp);
  // The rename is durable only once the directory entry is.
  Fd dir(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0 || ::fsync(dir.get()) != 0) return io_error("fsync " + dir_);
  return {};
}

}  // namespace rl::offline
