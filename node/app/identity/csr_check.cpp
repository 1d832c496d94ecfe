#include "node/app/identity/csr_check.hpp"

#include "node/http/json_error.hpp"

namespace rl::node::identity {

using api::ApiError;

Result<crypto::CertificateRequest> check_csr(const std::string& csr_pem, crypto::Suite suite,
                                             const std::string& expected_cn) {
  if (csr_pem.empty() || csr_pem.size() > kMaxCsrBytes) {
    return http::api_error(ApiError::kBadRequest, "csr_pem is required (at most 16 KiB)");
  }
  auto csr = crypto::CertificateRequest::from_pem(csr_pem);
  if (!csr.ok()) return http::api_error(ApiError::kBadCsr, "csr_pem does not parse");
  if (!csr->verify_signature()) {
    return http::api_error(ApiError::kBadCsrSignature, "the CSR's self-signature does not verify");
  }
  if (csr->public_key().suite() != suite) {
    return http::api_error(ApiError::kWrongKeyType, "the CSR's key is not of the network's suite " +
                                                        std::string(crypto::suite_name(suite)));
  }
  if (csr->subject().common_name != expected_cn) {
    return http::api_error(ApiError::kSubjectMismatch,
                           "the CSR's subject CN must be " + expected_cn);
  }
  return csr;
}

}  // namespace rl::node::identity
