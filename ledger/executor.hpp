#pragma once
// Deterministic execution of one transaction against the state overlay. The same function
// serves admission (against committed state) and block execution, so the two can never
// disagree about what is valid.

#include <vector>

#include "ledger/genesis.hpp"
#include "ledger/state_overlay.hpp"
#include "ledger/tx.hpp"
#include "ledger/verify_cache.hpp"
#include "offline/verify_memo.hpp"

namespace rl::ledger {

struct BlockContext {
  std::uint64_t height = 0;
  std::int64_t time_ms = 0;  // consensus time of the block
};

// How transactions are executed. The one field is a measurement switch, not a setting: nothing
// reads it from a node config, a request, a peer or the command line. regledgerd, the CLI and the
// tests open chains with the defaults (Chain::open's last argument), so a node always enforces.
struct ExecOptions {
  // The write path's permission checks:
  //   - the signer certificate is bound to the signer account, valid at block time, not revoked;
  //   - the signer account is active (not suspended), and its organization record is read;
  //   - a SubmitReport needs input permission (RR of the account's RRLL code), and its report is
  //     labelled max(mapping[LL], template floor) from the permission mapping table.
  // false skips exactly these (a report is then labelled with its template's floor, the mapping
  // is not read, and for a SubmitReport the organization record is not read either). What stays:
  // chain id, expiry, the signer account's existence (its organization is the report's), the
  // certificate record's presence (its key verifies the signature), the signature, the nonce,
  // the payload rules (template, size, JSON schema), and every payload's own role rules.
  // Exists only so that bench/ledger/permission_bench can measure what these checks cost on the
  // ingest path (issue #5: under 5%) against the same path without them;
  // tests/ledger/permission_toggle_test.cpp proves that false really skips them, and only them.
  bool permission_checks = true;
  // The offline verification memo (offline/verify_memo.hpp) and the block-level prefetch that
  // fills it (ledger/settlement_prefetch.hpp). They never change an outcome, only when and on
  // which core a hop's certificate chain and signatures are verified. false verifies everything
  // inline during execution, as before the memo. Exists only so that bench/offline/settle_bench
  // can show what the memo buys and tests/ledger/settlement_memo_test.cpp can prove outcomes are
  // identical with and without it.
  bool offline_verify_memo = true;
};

struct ExecEnv {
  const TrustAnchor& anchor;
  VerifyCache& cache;
  ExecOptions options{};
  // The issuer master MAC key from the node's config (Chain::set_offline_master_key), checked
  // against genesis; null or empty: SettleVouchers is refused (offline_disabled).
  const Bytes* offline_master_key = nullptr;
  // The chain's offline verification memo (null when ExecOptions::offline_verify_memo is off):
  // SettleVouchers verifies certificate chains and signatures through it.
  offline::VerifyMemo* offline_memo = nullptr;
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
// the nonce is unused (without ExecOptions::permission_checks: not the active/bound/valid/
// revoked rules). Writes nothing to `state`. Same codes as execute_tx for these rules.
Status check_tx_envelope(const ExecEnv& env, StateOverlay& state, const DecodedTx& tx,
                         const BlockContext& ctx);

// Checks the signature (through the cache) and the signer's certificate binding only (the
// binding's account, validity and revocation only with ExecOptions::permission_checks).
Status check_tx_signature(const ExecEnv& env, StateOverlay& state, const DecodedTx& tx,
                          const BlockContext& ctx);

// Writes the genesis world state into `state` (organizations, accounts, certificates and their
// per-account index, templates, permission mapping, the governing regulators and threshold).
Status apply_genesis(const Genesis& g, const TrustAnchor& anchor, StateOverlay& state);

}  // namespace rl::ledger
