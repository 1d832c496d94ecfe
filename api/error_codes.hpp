#pragma once
// Every error code the node's own code answers with, typed: one enumerator, its stable wire
// string and its HTTP status, in one table (decisions 0073, 0076). The node answers an ApiError
// with the table's status and no status of its own (node/http/json_error.hpp); the client
// compares the codes it reads back with the same strings. It lives in api/ because both sides
// include it and neither includes the other's code.
//
// The transaction admission codes of ledger/ (about 160) stay strings: they reach the wire
// through from_string, and one this table does not list is a client error, answered 400 with its
// own code kept on the wire (http_status_for).
//
// Adding a code: one enumerator and one table line, both at the code's alphabetical place.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace rl::api {

// Alphabetical by wire string, in the table's order (checked below at compile time).
enum class ApiError : std::uint8_t {
  kAccountLocked,
  kAccountSuspended,
  kAccountUnknown,
  kAlreadyExists,
  kAuditTampered,
  kAuditUnavailable,
  kBadCsr,
  kBadCsrSignature,
  kBadField,
  kBadHeight,
  kBadId,
  kBadJson,
  kBadLoginSignature,
  kBadPassword,
  kBadQuery,
  kBadReleaseSignature,
  kBadRequest,
  kBadTarget,
  kBlockNotFound,
  kBodyTooLarge,
  kCertificateExpired,
  kCertificateInvalid,
  kCertificateNotBound,
  kCertificateNotYetValid,
  kCertificateRevoked,
  kCertificateUntrusted,
  kChallengeExpired,
  kChallengeUnknown,
  kChallengeUsed,
  kChallengeWrongAccount,
  kCrlTooLarge,
  kCrlUnavailable,
  kDuplicateTx,
  kEnrollRequestUnknown,
  kEnrollUnavailable,
  kGrantExpired,
  kGrantRequired,
  kGrantRevoked,
  kGrantUnknown,
  kHeaderTooLarge,
  kInternalError,
  kInvalidQuery,
  kKeyServiceDisabled,
  kKeyServiceInactive,
  kKeyUnavailable,
  kMalformedRequest,
  kMaskingUnavailable,
  kMempoolFull,
  kMethodNotAllowed,
  kNoShareHere,
  kNoncePending,
  kNonceReplayed,
  kNotFound,
  kNotThirdParty,
  kOfflineDisabled,
  kOrgNotFound,
  kOutOfScopeField,
  kOutOfScopeOrg,
  kOutOfScopePeriod,
  kOutOfScopeTemplate,
  kPermissionDenied,
  kPolicyRefused,
  kRateLimited,
  kReportNotFound,
  kReportTooLarge,
  kRequestReplayed,
  kRequestTooLarge,
  kRouteNotFound,
  kSessionExpired,
  kSessionInvalid,
  kSessionRequired,
  kSessionWrongScope,
  kShareCorrupt,
  kStaleRequest,
  kStateCorrupt,
  kStorageCorrupt,
  kStorageError,
  kSubjectMismatch,
  kTemplateNotFound,
  kTooManyChallenges,
  kTooManyEnrollments,
  kTooManySessions,
  kTxNotFound,
  kTxTooLarge,
  kUnknownCertificate,
  kUnknownSigner,
  kWrongKeyType,
  kCount,  // not a code: the number of codes, so that a missing table line fails to compile
};

struct ApiErrorInfo {
  ApiError error;
  std::string_view code;  // the stable wire string
  int http_status;
};

namespace detail {
// 400: malformed input or a rule the request breaks; 401: no (valid) session or login factor;
// 403: known caller, not allowed; 404: no such object (or one the caller may not learn exists,
// decision 0044); 405: wrong method; 409: a conflict with what the node already holds; 413: too
// large (the request, never an answer the node would have to make); 429: slow down; 431: request
// headers too large; 500: the node cannot answer a valid request from what it holds (damaged
// storage or state, a broken audit chain, a CRL past its size bound); 503: a service this node
// cannot provide now.
// clang-format off: one line per code, so that adding one is one line
inline constexpr std::array kApiErrors = std::to_array<ApiErrorInfo>({
    {ApiError::kAccountLocked, "account_locked", 403},
    {ApiError::kAccountSuspended, "account_suspended", 403},
    {ApiError::kAccountUnknown, "account_unknown", 401},
    {ApiError::kAlreadyExists, "already_exists", 409},
    {ApiError::kAuditTampered, "audit_tampered", 500},
    {ApiError::kAuditUnavailable, "audit_unavailable", 503},
    {ApiError::kBadCsr, "bad_csr", 400},
    {ApiError::kBadCsrSignature, "bad_csr_signature", 400},
    {ApiError::kBadField, "bad_field", 400},
    {ApiError::kBadHeight, "bad_height", 400},
    {ApiError::kBadId, "bad_id", 400},
    {ApiError::kBadJson, "bad_json", 400},
    {ApiError::kBadLoginSignature, "bad_login_signature", 401},
    {ApiError::kBadPassword, "bad_password", 401},
    {ApiError::kBadQuery, "bad_query", 400},
    {ApiError::kBadReleaseSignature, "bad_release_signature", 403},
    {ApiError::kBadRequest, "bad_request", 400},
    {ApiError::kBadTarget, "bad_target", 400},
    {ApiError::kBlockNotFound, "block_not_found", 404},
    {ApiError::kBodyTooLarge, "body_too_large", 413},
    {ApiError::kCertificateExpired, "certificate_expired", 403},
    {ApiError::kCertificateInvalid, "certificate_invalid", 401},
    {ApiError::kCertificateNotBound, "certificate_not_bound", 403},
    {ApiError::kCertificateNotYetValid, "certificate_not_yet_valid", 403},
    {ApiError::kCertificateRevoked, "certificate_revoked", 403},
    {ApiError::kCertificateUntrusted, "certificate_untrusted", 401},
    {ApiError::kChallengeExpired, "challenge_expired", 401},
    {ApiError::kChallengeUnknown, "challenge_unknown", 401},
    {ApiError::kChallengeUsed, "challenge_used", 401},
    {ApiError::kChallengeWrongAccount, "challenge_wrong_account", 401},
    {ApiError::kCrlTooLarge, "crl_too_large", 500},
    {ApiError::kCrlUnavailable, "crl_unavailable", 503},
    {ApiError::kDuplicateTx, "duplicate_tx", 409},
    {ApiError::kEnrollRequestUnknown, "enroll_request_unknown", 404},
    {ApiError::kEnrollUnavailable, "enroll_unavailable", 503},
    {ApiError::kGrantExpired, "grant_expired", 403},
    {ApiError::kGrantRequired, "grant_required", 400},
    {ApiError::kGrantRevoked, "grant_revoked", 403},
    {ApiError::kGrantUnknown, "grant_unknown", 403},
    {ApiError::kHeaderTooLarge, "header_too_large", 431},
    {ApiError::kInternalError, "internal_error", 500},
    {ApiError::kInvalidQuery, "invalid_query", 400},
    {ApiError::kKeyServiceDisabled, "key_service_disabled", 503},
    {ApiError::kKeyServiceInactive, "key_service_inactive", 403},
    {ApiError::kKeyUnavailable, "key_unavailable", 503},
    {ApiError::kMalformedRequest, "malformed_request", 400},
    {ApiError::kMaskingUnavailable, "masking_unavailable", 503},
    {ApiError::kMempoolFull, "mempool_full", 503},
    {ApiError::kMethodNotAllowed, "method_not_allowed", 405},
    {ApiError::kNoShareHere, "no_share_here", 403},
    {ApiError::kNoncePending, "nonce_pending", 409},
    {ApiError::kNonceReplayed, "nonce_replayed", 409},
    {ApiError::kNotFound, "not_found", 404},
    {ApiError::kNotThirdParty, "not_third_party", 403},
    {ApiError::kOfflineDisabled, "offline_disabled", 400},
    {ApiError::kOrgNotFound, "org_not_found", 404},
    {ApiError::kOutOfScopeField, "out_of_scope_field", 403},
    {ApiError::kOutOfScopeOrg, "out_of_scope_org", 403},
    {ApiError::kOutOfScopePeriod, "out_of_scope_period", 403},
    {ApiError::kOutOfScopeTemplate, "out_of_scope_template", 403},
    {ApiError::kPermissionDenied, "permission_denied", 403},
    {ApiError::kPolicyRefused, "policy_refused", 403},
    {ApiError::kRateLimited, "rate_limited", 429},
    {ApiError::kReportNotFound, "report_not_found", 404},
    {ApiError::kReportTooLarge, "report_too_large", 413},
    {ApiError::kRequestReplayed, "request_replayed", 409},
    {ApiError::kRequestTooLarge, "request_too_large", 413},
    {ApiError::kRouteNotFound, "route_not_found", 404},
    {ApiError::kSessionExpired, "session_expired", 401},
    {ApiError::kSessionInvalid, "session_invalid", 401},
    {ApiError::kSessionRequired, "session_required", 401},
    {ApiError::kSessionWrongScope, "session_wrong_scope", 401},
    {ApiError::kShareCorrupt, "share_corrupt", 500},
    {ApiError::kStaleRequest, "stale_request", 409},
    {ApiError::kStateCorrupt, "state_corrupt", 500},
    {ApiError::kStorageCorrupt, "storage_corrupt", 500},
    {ApiError::kStorageError, "storage_error", 500},
    {ApiError::kSubjectMismatch, "subject_mismatch", 400},
    {ApiError::kTemplateNotFound, "template_not_found", 404},
    {ApiError::kTooManyChallenges, "too_many_challenges", 503},
    {ApiError::kTooManyEnrollments, "too_many_enrollments", 503},
    {ApiError::kTooManySessions, "too_many_sessions", 503},
    {ApiError::kTxNotFound, "tx_not_found", 404},
    {ApiError::kTxTooLarge, "tx_too_large", 413},
    {ApiError::kUnknownCertificate, "unknown_certificate", 403},
    {ApiError::kUnknownSigner, "unknown_signer", 403},
    {ApiError::kWrongKeyType, "wrong_key_type", 400},
});
// clang-format on

constexpr bool table_matches_enum() {
  if (kApiErrors.size() != static_cast<std::size_t>(ApiError::kCount)) return false;
  for (std::size_t i = 0; i < kApiErrors.size(); ++i) {
    if (kApiErrors[i].error != static_cast<ApiError>(i)) return false;
    if (i > 0 && !(kApiErrors[i - 1].code < kApiErrors[i].code)) return false;
  }
  return true;
}
static_assert(table_matches_enum(),
              "api::ApiError and kApiErrors must list the same codes in the same (sorted) order");

}  // namespace detail

// The table, sorted by wire string, each code once.
inline constexpr std::span<const ApiErrorInfo> api_errors() {
  return detail::kApiErrors;
}

constexpr std::string_view to_string(ApiError e) {
  return detail::kApiErrors[static_cast<std::size_t>(e)].code;
}

constexpr int http_status(ApiError e) {
  return detail::kApiErrors[static_cast<std::size_t>(e)].http_status;
}

// The enumerator of a wire string; nullopt for a code the table does not list.
constexpr std::optional<ApiError> from_string(std::string_view code) {
  const auto& t = detail::kApiErrors;
  const auto* it =
      std::lower_bound(t.begin(), t.end(), code,
                       [](const ApiErrorInfo& e, std::string_view c) { return e.code < c; });
  if (it == t.end() || it->code != code) return std::nullopt;
  return it->error;
}

// The status the API answers `code` with: the table's, 400 for a code it does not list.
constexpr int http_status_for(std::string_view code) {
  const auto e = from_string(code);
  return e ? http_status(*e) : 400;
}

}  // namespace rl::api
