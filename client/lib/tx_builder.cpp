#include "client/lib/tx_builder.hpp"

#include "crypto/symmetric.hpp"

namespace rl::client {

std::uint64_t random_nonce() {
  // Random rather than sequential: concurrent clients of one account never collide, and the
  // ledger only requires (signer, nonce) to be unique.
  return read_u64_be(crypto::random_bytes(8)) >> 1;
}

Result<Bytes> build_signed_tx(const Identity& id, const std::string& chain_id,
                              std::uint64_t current_height,
                              const std::function<void(ledger::pb::TxBody&)>& fill,
                              std::uint64_t expiry_blocks) {
  ledger::pb::TxBody body;
  body.set_chain_id(chain_id);
  body.set_nonce(random_nonce());
  body.set_expires_at_height(current_height + expiry_blocks);
  body.set_signer(id.account);
  fill(body);
  return ledger::sign_tx(body, id.key, id.cert_id);
}

}  // namespace rl::client
