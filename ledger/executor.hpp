#pragma once
// Deterministic execution of one transaction against the state overlay. The same function
// serves admission (against committed state) and block execution, so the two can never
// disagree about what is valid.

#include <vector>

#include "ledger/genesis.hpp"
#include "ledger/state_overlay.hpp"
#include "ledger/tx.hpp"
#include "ledger/verify_cache.hpp"

namespace rl::ledger {

struct BlockContext {
  std::uint64_t height = 0;
  std::int64_t time_ms = 0;  // consensus time of the block
};

struct ExecEnv {
  const TrustAnchor& anchor;
  VerifyCache& cache;
};

// Secondary index entries produced by a transaction (written with the block, not hashed).
struct IndexWrite {
  Bytes key;
  Bytes value;
};

// Executes `tx` as transaction number `index` of a block at `ctx`. On success its writes are
// merged into `state` and its index writes appended; on failure `state` is unchanged.
// Payload rules live in exec_identity.cpp and exec_governance.cpp (identity, governance) and
// executor.cpp (reports).
Status execute_tx(const ExecEnv& env, StateOverlay& state, const DecodedTx& tx,
                  const BlockContext& ctx, std::uint32_t index, std::vector<IndexWrite>* indexes);

// Every rule except the payload's: chain id, expiry, the signer account exists and is active,
// its certificate is bound, valid and not revoked, the signature verifies (through the cache),
// the nonce is unused. Writes nothing to `state`. Same codes as execute_tx for these rules.
Status check_tx_envelope(const ExecEnv& env, StateOverlay& state, const DecodedTx& tx,
                         const BlockContext& ctx);

// Checks the signature (through the cache) and the signer's certificate binding only.
Status check_tx_signature(const ExecEnv& env, StateOverlay& state, const DecodedTx& tx,
                          const BlockContext& ctx);

// Writes the genesis world state into `state` (organizations, accounts, certificates and their
// per-account index, templates, permission mapping, the governing regulators and threshold).
Status apply_genesis(const Genesis& g, const TrustAnchor& anchor, StateOverlay& state);

}  // namespace rl::ledger
