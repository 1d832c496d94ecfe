#pragma once
// Error codes of the offline module (stable lower_snake_case, surfaced verbatim by callers).
// Every refusal names the field or rule that failed and leaves the device state unchanged.

#include <string_view>

namespace rl::offline::err {

inline constexpr std::string_view kBadMessage = "bad_message";  // undecodable / wrong suite
inline constexpr std::string_view kMessageTooLarge = "message_too_large";
inline constexpr std::string_view kBadAmount = "bad_amount";  // <= 0, overflow, not conserved
inline constexpr std::string_view kBadRandom = "bad_random";  // rA / rB size or mismatch
inline constexpr std::string_view kStaleTimestamp = "stale_timestamp";
inline constexpr std::string_view kBadCertificate = "bad_certificate";  // undecodable, CN, suite
inline constexpr std::string_view kCertificateUntrusted = "certificate_untrusted";
inline constexpr std::string_view kCertificateExpired = "certificate_expired";
inline constexpr std::string_view kCertificateRevoked = "certificate_revoked";
inline constexpr std::string_view kBadSignature = "bad_signature";
inline constexpr std::string_view kBadMac = "bad_mac";
inline constexpr std::string_view kBadVoucher = "bad_voucher";  // structure, ids, provenance
inline constexpr std::string_view kBadKey = "bad_key";          // ephemeral ECDH key
inline constexpr std::string_view kBadDispersion = "bad_dispersion";
inline constexpr std::string_view kUnknownIssuer = "unknown_issuer";
inline constexpr std::string_view kBadTranscript = "bad_transcript";  // answers another INIT
inline constexpr std::string_view kReplayed = "replayed";
inline constexpr std::string_view kDoubleSpend = "double_spend";  // within one provenance
inline constexpr std::string_view kCapExceeded = "cap_exceeded";
inline constexpr std::string_view kHopLimit = "hop_limit";
inline constexpr std::string_view kTransferCountLimit = "transfer_count_limit";
inline constexpr std::string_view kVoucherExpired = "voucher_expired";
inline constexpr std::string_view kInsufficientFunds = "insufficient_funds";
inline constexpr std::string_view kBusy = "busy";               // a transfer is already open
inline constexpr std::string_view kNoTransfer = "no_transfer";  // step out of order
inline constexpr std::string_view kInFlight = "in_flight";      // abort after EXECUTE
inline constexpr std::string_view kWrongDevice = "wrong_device";
inline constexpr std::string_view kStorage = "storage_failed";
inline constexpr std::string_view kCorruptState = "corrupt_state";

}  // namespace rl::offline::err
