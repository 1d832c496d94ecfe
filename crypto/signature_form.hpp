#pragma once
// One byte string per signature. A DER (r, s) signature can be re-encoded (BER lengths, padded
// integers) and an ECDSA one can be mirrored: (r, n - s) verifies whenever (r, s) does. Where
// signed objects are identified by their bytes (transactions: docs/decisions/0045), only one of
// those forms may be accepted: strict DER, and for ECDSA P-256 the low-s form (s <= n/2, as in
// Bitcoin's BIP 62/146). SM2 is not mirrorable: its verifier computes t = r + s and checks
// r == e + x(sG + tP), which (r, n - s) does not satisfy, so SM2 needs strict DER only.

#include "common/bytes.hpp"
#include "crypto/suite.hpp"

namespace rl::crypto {

enum class SignatureForm {
  kCanonical,  // strict DER; for P-256 also s <= n/2
  kNotDer,     // not exactly the DER encoding of SEQUENCE { INTEGER r, INTEGER s }
  kHighS,      // P-256 only: s > n/2 (its mirror (r, n - s) is the canonical one)
};

// Which form `signature` has. Says nothing about whether it verifies.
SignatureForm signature_form(Suite suite, ByteView signature);

// The mirror (r, n - s) of a DER P-256 signature, in DER: sign() uses it to produce only
// low-s signatures, tests to build the high-s twin of a valid signature. Codes:
// invalid_argument (not DER, or not a P-256 signature).
Result<Bytes> mirror_ecdsa_signature(Suite suite, ByteView signature);

}  // namespace rl::crypto
