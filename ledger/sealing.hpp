#pragma once
// The byte strings of sealed reports (docs/sealed.md "The scheme"), in one place for the client
// that seals and opens, the validators that check envelopes and the key services that release
// shares. Every authenticated encryption is bound to an aad that names where its bytes belong, so
// that shares or ciphertexts copied into another report, organization, service or reader do not
// open there.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "crypto/suite.hpp"

namespace rl::ledger::sealing {

inline constexpr std::size_t kSealIdBytes = 16;
inline constexpr std::size_t kDataKeyBytes = 32;
inline constexpr std::size_t kMaxShares = 16;       // key services one envelope names
inline constexpr std::size_t kMaxKeyServices = 16;  // active key services on the ledger
inline constexpr std::size_t kMaxWrappedShareBytes = 512;
inline constexpr std::size_t kMaxKeywordTags = 32;
inline constexpr std::size_t kTagBytes = 32;
inline constexpr std::size_t kMaxKeywordBytes = 64;
inline constexpr std::size_t kMaxAttributesPerAccount = 32;
// What sealing adds to a payload: the cipher's IV and tag (GCM: 12 + 16; SM4-CTR + HMAC-SM3:
// 16 + 32), with room to spare. A sealed payload may exceed the template's plaintext limit by this.
inline constexpr std::size_t kSealOverheadBytes = 64;

// Where a sealed report's bytes belong: fixed when it is submitted, all known to the submitter
// before the transaction exists (the report id, a hash of the transaction, cannot be in them).
struct SealContext {
  std::string chain_id;
  std::string org;        // the submitter's organization
  std::string submitter;  // the submitting account
  Bytes seal_id;
  std::string t_policy;  // the level-T policy id (its text can change; its id cannot)
};

// The aad of the payload's ciphertext.
Bytes document_aad(const SealContext& c);
// The aad of the share sealed to key service `service` at x.
Bytes share_aad(const SealContext& c, std::string_view service, std::uint32_t x);
// The aad of a share a key service re-encrypts to `reader`'s certificate key.
Bytes release_aad(std::string_view chain_id, std::string_view report_id, std::string_view service,
                  std::string_view reader, std::uint32_t x);
// What the reader signs with its certificate key to ask `service` for its share of
// `report_id`: the request is bound to the service, the report, a time and a random nonce.
Bytes release_sign_bytes(std::string_view chain_id, std::string_view service,
                         std::string_view report_id, std::int64_t signed_at_ms, ByteView nonce);

// The envelope's key check: tells a reader which combination of shares recovered the key,
// and reveals nothing of a 256-bit key.
Bytes key_check(crypto::Suite suite, ByteView seal_id, ByteView data_key);
// The search key of a report: released with the data key, as it is derived from it.
Result<Bytes> search_key(crypto::Suite suite, ByteView seal_id, ByteView data_key);
// The keyword tag (and a reader's trapdoor): the suite's HMAC of the normalized keyword (ASCII
// letters lowercased, surrounding whitespace removed; 1-64 bytes after that) under the search
// key. Code: bad_keyword.
Result<Bytes> keyword_tag(crypto::Suite suite, ByteView search_key, std::string_view keyword);

// A key service key's id: the suite hash of its SPKI DER.
Bytes key_id(crypto::Suite suite, ByteView spki_der);

}  // namespace rl::ledger::sealing
