#include "node/app/metrics/request_stats.hpp"

#include <algorithm>

namespace rl::node::metrics {
namespace {

constexpr std::array<int, ApiRequestStats::kStatuses> kStatusList = {
    200, 201, 202, 204, 400, 401, 403, 404, 405, 409, 410, 413, 422, 429, 500, 503};

// Admission (node/app/admission.cpp, ledger::decode_tx, Chain::admit) and the common payload
// rules. Sorted, for the binary search on the request path.
constexpr std::array<std::string_view, TxRefusalStats::kCodes> kCodeList = {
    "account_suspended",
    "already_exists",
    "bad_amount",
    "bad_csv",
    "bad_field",
    "bad_json",
    "bad_report",
    "bad_request",
    "bad_signature",
    "bad_tx_encoding",
    "certificate_expired",
    "certificate_not_bound",
    "certificate_not_yet_valid",
    "certificate_revoked",
    "duplicate_tx",
    "mempool_full",
    "missing_field",
    "nonce_pending",
    "nonce_replayed",
    "not_found",
    "permission_denied",
    "report_superseded",
    "report_too_large",
    "tx_expired",
    "tx_expiry_too_far",
    "tx_non_canonical",
    "tx_signature_high_s",
    "tx_signature_not_der",
    "tx_too_large",
    "unknown_certificate",
    "unknown_payload",
    "unknown_signer",
    "wrong_chain_id",
};
static_assert(std::is_sorted(kCodeList.begin(), kCodeList.end()));

}  // namespace

std::span<const int> ApiRequestStats::statuses() {
  return kStatusList;
}

void ApiRequestStats::observe(std::string_view path, int status, double seconds) {
  const std::size_t route = api_route_index(path);
  const auto* it = std::find(kStatusList.begin(), kStatusList.end(), status);
  const auto s = static_cast<std::size_t>(it - kStatusList.begin());  // kStatuses: "other"
  requests_[route][s].fetch_add(1, std::memory_order_relaxed);
  latency_[route].observe(seconds);
}

std::span<const std::string_view> TxRefusalStats::codes() {
  return kCodeList;
}

void TxRefusalStats::count(std::string_view code) {
  const auto* it = std::lower_bound(kCodeList.begin(), kCodeList.end(), code);
  const std::size_t i = it != kCodeList.end() && *it == code
                            ? static_cast<std::size_t>(it - kCodeList.begin())
                            : kCodes;
  refused_[i].fetch_add(1, std::memory_order_relaxed);
}

}  // namespace rl::node::metrics
