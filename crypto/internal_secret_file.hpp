#pragma once
// Private to crypto/*.cpp: the one rule for files that hold a secret (a KEK, a token PIN).

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace rl::crypto::internal {

// `st_mode` (from stat/fstat of `path`) must be a regular file that neither group nor others may
// access: codes bad_kek_file (not a regular file) or kek_file_mode. `what` names the file.
Status check_secret_mode(unsigned st_mode, const std::string& path, std::string_view what,
                         std::string_view not_regular_code = "bad_kek_file");

}  // namespace rl::crypto::internal
