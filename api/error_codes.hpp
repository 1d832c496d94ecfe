#pragma once
// The HTTP status of every error code the public API answers with: one table for every route
// (the core API, identity, third-party and sealed routes once each kept their own, and the
// identity routes answered 400 for codes the core table mapped to 404 or 409). The node answers
// with it; clients may read a status back to its codes with it (docs/api/openapi.yaml lists the
// codes per route).
//
// A code that is not in the table is a client error: 400. Codes are stable strings (they are
// part of the API), so the table is keyed by them.

#include <algorithm>
#include <array>
#include <span>
#include <string_view>

namespace rl::api {

struct ApiErrorCode {
  std::string_view code;
  int http_status;
};

namespace detail {
// 401: no (valid) session or login factor; 403: known caller, not allowed; 404: no such object
// (or one the caller may not learn exists, decision 0044); 409: a conflict with what the node
// already holds; 413: too large; 429: slow down; 500: the node's own storage; 503: a service
// this node cannot provide now.
inline constexpr std::array kCodes = std::to_array<ApiErrorCode>({
    {"account_locked", 403},         {"account_suspended", 403},
    {"account_unknown", 401},        {"already_exists", 409},
    {"audit_unavailable", 503},      {"bad_login_signature", 401},
    {"bad_password", 401},           {"bad_release_signature", 403},
    {"block_not_found", 404},        {"body_too_large", 413},
    {"certificate_expired", 403},    {"certificate_invalid", 401},
    {"certificate_not_bound", 403},  {"certificate_not_yet_valid", 403},
    {"certificate_revoked", 403},    {"certificate_untrusted", 401},
    {"challenge_expired", 401},      {"challenge_unknown", 401},
    {"challenge_used", 401},         {"challenge_wrong_account", 401},
    {"crl_unavailable", 503},        {"duplicate_tx", 409},
    {"enroll_request_unknown", 404}, {"enroll_unavailable", 503},
    {"grant_expired", 403},          {"grant_revoked", 403},
    {"grant_unknown", 403},          {"internal_error", 500},
    {"key_service_disabled", 503},   {"key_service_inactive", 403},
    {"key_unavailable", 503},        {"masking_unavailable", 503},
    {"mempool_full", 503},           {"method_not_allowed", 405},
    {"no_share_here", 403},          {"nonce_pending", 409},
    {"nonce_replayed", 409},         {"not_found", 404},
    {"not_third_party", 403},        {"org_not_found", 404},
    {"out_of_scope_field", 403},     {"out_of_scope_org", 403},
    {"out_of_scope_period", 403},    {"out_of_scope_template", 403},
    {"permission_denied", 403},      {"policy_refused", 403},
    {"rate_limited", 429},           {"report_not_found", 404},
    {"report_too_large", 413},       {"request_replayed", 409},
    {"route_not_found", 404},        {"session_expired", 401},
    {"session_invalid", 401},        {"session_required", 401},
    {"session_wrong_scope", 401},    {"share_corrupt", 500},
    {"stale_request", 409},          {"state_corrupt", 500},
    {"storage_corrupt", 500},        {"storage_error", 500},
    {"template_not_found", 404},     {"too_many_challenges", 503},
    {"too_many_enrollments", 503},   {"too_many_sessions", 503},
    {"tx_not_found", 404},           {"tx_too_large", 413},
    {"unknown_certificate", 403},    {"unknown_signer", 403},
});

}  // namespace detail

// Sorted by code, each code once (tests/app/error_codes_test.cpp checks both).
inline std::span<const ApiErrorCode> api_error_codes() {
  return detail::kCodes;
}

// The table's status for `code`; 400 for a code it does not list.
inline int http_status_for(std::string_view code) {
  const auto& codes = detail::kCodes;
  const auto it =
      std::lower_bound(codes.begin(), codes.end(), code,
                       [](const ApiErrorCode& e, std::string_view c) { return e.code < c; });
  return it != codes.end() && it->code == code ? it->http_status : 400;
}

}  // namespace rl::api
