#pragma once
// Masking rules (docs/protection.md "Masking rules", decision 0060): what of a report payload a
// third party may see. Pure functions: the executor validates a template's rules with them and
// the node's third-party routes apply them; nothing here reads state, clocks or files.
//
// A payload is a JSON object; each top-level field is masked by its rule as a whole (nested
// objects and arrays included). A field without a rule is dropped: nothing is passed through.
//
//   keep_ends {first, last}  strings (and numbers, as their JSON text): keep that many UTF-8
//                            code points at each end, '*' for each one between; a value of at
//                            most first + last code points is masked whole ("****")
//   full                     "****" for any value: the length does not show
//   token                    "tok_" + 32 hex: HMAC (SHA-256 or SM3, the network's suite) of the
//                            value's JSON text under a per-grant key; equal values, equal tokens
//   round {multiple | significant_digits}   numbers and numeric strings; the type is kept
//   bucket {boundaries}      numbers and numeric strings to "(-inf,b0)", "[b0,b1)", "[bn,+inf)"
//   drop                     the field is left out
// A value a rule cannot take (a non-number under round or bucket, a non-scalar under keep_ends)
// is dropped, never passed through.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "common/result.hpp"
#include "crypto/suite.hpp"
#include "regledger.pb.h"

namespace rl::ledger {
namespace pb = ::regledger::v1;  // as in ledger/tx.hpp
}

namespace rl::ledger::masking {

inline constexpr std::size_t kMaxMaskedFields = 64;  // rules per template
inline constexpr std::size_t kMaxFieldNameBytes = 64;
inline constexpr std::uint32_t kMaxKeepCount = 32;  // each of first, last
inline constexpr std::uint32_t kMaxSignificantDigits = 15;
inline constexpr std::size_t kMaxBoundaries = 32;
inline constexpr double kMaxMagnitude = 1e15;  // multiples and boundaries
inline constexpr std::string_view kMaskText = "****";
inline constexpr std::string_view kTokenPrefix = "tok_";
inline constexpr std::size_t kTokenBytes = 16;  // 128 bits: collisions are not a concern
inline constexpr std::size_t kMaskKeyBytes = 32;

// One rule. Codes: bad_mask_field (name), bad_mask_rule (no rule, parameters out of range).
Status check_field_mask(const pb::FieldMask& mask);
// A template's rules: each as above, at most kMaxMaskedFields, one per field.
// Codes: those of check_field_mask, too_many_mask_rules, duplicate_mask_field.
Status check_field_masks(const google::protobuf::RepeatedPtrField<pb::FieldMask>& masks);

// The key a grant's tokens are made with: HKDF (the suite's hash) of the node's mask key with
// the grant id as info. Tokens join within one grant and not across grants.
// Codes: bad_mask_key (not kMaskKeyBytes), kdf_failed.
Result<Bytes> token_key(crypto::Suite suite, ByteView mask_key, std::string_view grant_id);

struct TokenKey {
  crypto::Suite suite = crypto::Suite::kP256Sha256;
  Bytes key;  // token_key()
};

// keep_ends on a UTF-8 string; invalid UTF-8 is masked whole.
std::string keep_ends(std::string_view utf8, std::uint32_t first, std::uint32_t last);

// The masked payload: a JSON object holding only the fields that have a rule in `rules` (and
// that the rule did not drop), as compact JSON with sorted keys. `rules` are checked rules
// (check_field_masks). Code: bad_payload (not a JSON object), and those of the token HMAC.
Result<std::string> mask_payload(std::string_view payload, const std::vector<pb::FieldMask>& rules,
                                 const TokenKey& key);

}  // namespace rl::ledger::masking
