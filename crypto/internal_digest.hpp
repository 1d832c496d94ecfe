#pragma once
// Private to crypto/*.cpp: the suite's message digest, fetched once per process.

#include <openssl/evp.h>

#include "crypto/suite.hpp"

namespace rl::crypto::internal {

// SHA-256 or SM3. Explicitly fetched (and cached) so hot paths skip the implicit fetch that
// EVP_sha256() would do on every EVP_DigestInit.
const EVP_MD* suite_md(Suite suite);

}  // namespace rl::crypto::internal
