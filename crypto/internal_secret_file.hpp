#pragma once
// Private to crypto/*.cpp: the one rule for files that hold a secret (a KEK, a token PIN).

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace rl::crypto::internal {

// `st_mode` (from stat/fstat of `path`) must be a regular file that neither group nor others may
// access: codes `not_regular_code` or `mode_code`. `what` names the file.
Status check_secret_mode(unsigned st_mode, const std::string& path, std::string_view what,
                         std::string_view not_regular_code = "bad_kek_file",
                         std::string_view mode_code = "kek_file_mode");

}  // namespace rl::crypto::internal
