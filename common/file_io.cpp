#include "common/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace rl {

Result<std::string> read_file(const std::string& path, std::size_t max_bytes) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return make_error("file_not_found", path + ": " + ec.message());
  if (size > max_bytes) return make_error("file_too_large", path + " is larger than allowed");
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("file_not_found", "cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status write_file(const std::string& path, std::string_view content, bool private_key) {
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (private_key) {
    // Create with 0600 from the start so the key is never world-readable, even briefly.
    std::ofstream touch(path, std::ios::binary | std::ios::trunc);
    if (!touch) return make_error("write_failed", "cannot write " + path);
    ::chmod(path.c_str(), 0600);
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return make_error("write_failed", "cannot write " + path);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) return make_error("write_failed", "short write to " + path);
  return {};
}

namespace {

// Closes the descriptor on every path out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Error io_error(const std::string& what, const std::string& path) {
  return make_error("write_failed", what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

Status write_file_atomic(const std::string& path, std::string_view content, bool private_file) {
  const std::string temp = path + ".tmp";
  {
    Fd f{
        ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, private_file ? 0600 : 0644)};
    if (f.fd < 0) return io_error("cannot create", temp);
    std::size_t done = 0;
    while (done < content.size()) {
      const ssize_t n = ::write(f.fd, content.data() + done, content.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return io_error("cannot write", temp);
      done += static_cast<std::size_t>(n);
    }
    if (::fsync(f.fd) != 0) return io_error("cannot fsync", temp);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) return io_error("cannot rename", temp);
  auto parent = std::filesystem::path(path).parent_path();
  Fd dir{::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (dir.fd < 0 || ::fsync(dir.fd) != 0) return io_error("cannot fsync the directory of", path);
  return {};
}

}  // namespace rl
