// Placeholder: replaced by the real implementation in the next commit.
#include "crypto/x509.hpp"
