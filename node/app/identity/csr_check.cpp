#include "node/app/identity/csr_check.hpp"

namespace rl::node::identity {

Result<crypto::CertificateRequest> check_csr(const std::string& csr_pem, crypto::Suite suite,
                                             const std::string& expected_cn) {
  if (csr_pem.empty() || csr_pem.size() > kMaxCsrBytes) {
    return make_error("bad_request", "csr_pem is required (at most 16 KiB)");
  }
  auto csr = crypto::CertificateRequest::from_pem(csr_pem);
  if (!csr.ok()) return make_error("bad_csr", "csr_pem does not parse");
  if (!csr->verify_signature()) {
    return make_error("bad_csr_signature", "the CSR's self-signature does not verify");
  }
  if (csr->public_key().suite() != suite) {
    return make_error("wrong_key_type", "the CSR's key is not of the network's suite " +
                                            std::string(crypto::suite_name(suite)));
  }
  if (csr->subject().common_name != expected_cn) {
    return make_error("subject_mismatch", "the CSR's subject CN must be " + expected_cn);
  }
  return csr;
}

}  // namespace rl::node::identity
