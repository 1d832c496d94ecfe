#include "common/file_io.hpp"

#include <sys/stat.h>

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

}  // namespace rl
