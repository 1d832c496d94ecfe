#pragma once
// The checks every CSR sent to this node passes before its issuing CA signs anything
// (POST /v1/enroll and POST /v1/devices/enroll): it parses, its self-signature verifies (proof
// that the sender holds the private key), its key is of the network's suite, and its subject CN
// is the name the certificate will be bound to on the ledger.

#include <string>

#include "crypto/x509.hpp"

namespace rl::node::identity {

// A CSR is a key and a short subject: anything larger is not one.
inline constexpr std::size_t kMaxCsrBytes = 16 * 1024;

// Codes: bad_request (empty or over kMaxCsrBytes), bad_csr, bad_csr_signature, wrong_key_type,
// subject_mismatch (CN is not `expected_cn`).
Result<crypto::CertificateRequest> check_csr(const std::string& csr_pem, crypto::Suite suite,
                                             const std::string& expected_cn);

}  // namespace rl::node::identity
