#pragma once
// Transactions on the wire: decoding with limits, ids, and the bytes a signer signs.

#include <memory>
#include <string_view>

#include "common/bytes.hpp"
#include "crypto/keys.hpp"
#include "regledger.pb.h"

namespace rl::ledger {

namespace pb = ::regledger::v1;

// The signature covers a domain tag plus the exact body bytes, so a tx signature can never be
// confused with any other signed object (votes, proposals, vouchers).
Bytes tx_sign_bytes(ByteView body);

struct DecodedTx {
  Bytes raw;  // exact bytes as received; the Merkle leaf
  pb::Tx tx;
  pb::TxBody body;
  Bytes id;  // suite_hash(body bytes): never covers the signature
  // suite_hash(raw), set by decode_tx: the key of the signature-verdict cache (VerifyCache),
  // computed once per decode instead of at every check. Empty when built by hand (tests); the
  // key is then computed from `raw`.
  Bytes raw_hash;
};

// The VerifyCache key of `tx`: its exact bytes' hash, so a cached verdict never covers other
// bytes.
Bytes signature_cache_key(crypto::Suite suite, const DecodedTx& tx);

// Transactions are shared, immutable, between the mempool and the proposer's block building, so
// that peeking at thousands of candidates copies pointers rather than protobuf messages.
using TxRef = std::shared_ptr<const DecodedTx>;

// Strict decoding: size limit, well-formed protobuf, known payload, required fields present,
// and one byte string per transaction (decision 0045): the Tx and its body are canonical
// protobuf, the signature strict DER and, for P-256, low-s. Codes: tx_too_large,
// bad_tx_encoding, unknown_payload, missing_field, and the canonical-form refusals
// tx_unknown_field, tx_field_order, tx_non_minimal_varint, tx_trailing_bytes (tx_canonical.hpp),
// tx_non_canonical, tx_signature_not_der, tx_signature_high_s.
Result<DecodedTx> decode_tx(crypto::Suite suite, ByteView raw);

// Builds and signs a transaction (client side).
Result<Bytes> sign_tx(const pb::TxBody& body, const crypto::PrivateKey& key, ByteView cert_id);

std::string_view payload_name(const pb::TxBody& body);

}  // namespace rl::ledger
