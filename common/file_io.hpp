#pragma once
// Whole-file reads with a size limit and writes that create parent directories; private keys
// are written with mode 0600.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace rl {

// Codes: file_not_found, file_too_large.
Result<std::string> read_file(const std::string& path, std::size_t max_bytes = 16 * 1024 * 1024);
// Code: write_failed.
Status write_file(const std::string& path, std::string_view content, bool private_key = false);
// Replaces `path` all at once and durably: writes PATH.tmp (mode 0600 or 0644), fsyncs it,
// renames it over `path` and fsyncs the directory. A crash leaves the old or the new content,
// never a mix. Code: write_failed.
Status write_file_atomic(const std::string& path, std::string_view content, bool private_file);

}  // namespace rl
