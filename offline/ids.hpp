#pragma once
// Identifiers and signing domains. Every hash and signature is over a domain tag, a zero byte
// and the exact bytes, so that bytes signed for one purpose never verify for another.

#include <cstdint>
#include <string_view>

#include "common/bytes.hpp"
#include "crypto/keys.hpp"

namespace rl::offline {

namespace domain {
inline constexpr std::string_view kRootHash = "regledger/offline/v1/root-hash";
inline constexpr std::string_view kHopHash = "regledger/offline/v1/hop-hash";
inline constexpr std::string_view kOutputId = "regledger/offline/v1/output-id";
inline constexpr std::string_view kRootSig = "regledger/offline/v1/root";
inline constexpr std::string_view kHopSig = "regledger/offline/v1/hop";
inline constexpr std::string_view kResponseSig = "regledger/offline/v1/response";
inline constexpr std::string_view kAckSig = "regledger/offline/v1/ack";
inline constexpr std::string_view kIssuerMac = "regledger/offline/v1/issuer-mac";
inline constexpr std::string_view kSessionMac = "regledger/offline/v1/session-mac";
inline constexpr std::string_view kAckMac = "regledger/offline/v1/ack-mac";
inline constexpr std::string_view kInitHash = "regledger/offline/v1/init-hash";
}  // namespace domain

// domain || 0x00 || data.
Bytes tagged(std::string_view domain, ByteView data);
// The suite hash of tagged(domain, data).
Bytes tagged_hash(crypto::Suite suite, std::string_view domain, ByteView data);

Bytes root_hash(crypto::Suite suite, ByteView root_body);
Bytes hop_hash(crypto::Suite suite, ByteView hop_body);
// An output's identity: hash of (source hash, index). Roots have one output, index 0. The
// ledger records consumed output ids; two hops consuming one id is a double spend.
Bytes output_id(crypto::Suite suite, ByteView source_hash, std::uint32_t index);
// Identifies an issuer key in a root voucher: the suite hash of its SPKI DER.
Bytes key_id(const crypto::PublicKey& key);

Result<Bytes> sign_tagged(const crypto::PrivateKey& key, std::string_view domain, ByteView data);
bool verify_tagged(const crypto::PublicKey& key, std::string_view domain, ByteView data,
                   ByteView signature);

}  // namespace rl::offline
