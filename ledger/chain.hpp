#pragma once
// The deterministic application behind consensus: admission, block building (proposer),
// block checking (validator), atomic commit, and the read side (queries, receipts).
//
// Block h carries the app_hash of the state *after* executing its own transactions: the
// proposer executes before proposing and every validator re-executes in check_block, so a
// replica that diverges refuses the block at once instead of one height later
// (docs/decisions/0030-execute-before-commit.md).

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ledger/commit.hpp"
#include "ledger/evidence.hpp"
#include "ledger/executor.hpp"
#include "ledger/genesis.hpp"
#include "ledger/receipt.hpp"
#include "ledger/report_index.hpp"
#include "ledger/store.hpp"
#include "ledger/tx.hpp"
#include "ledger/validator_sets.hpp"
#include "ledger/verify_cache.hpp"

namespace rl::ledger {

struct ChainHead {
  std::uint64_t height = 0;
  Bytes block_hash;  // at height 0: the genesis hash
  Bytes app_hash;
  std::int64_t time_ms = 0;
  std::uint64_t total_txs = 0;
};

struct PreparedBlock {
  std::uint64_t height = 0;
  Bytes block_bytes;
  Bytes block_hash;
  pb::BlockHeader header;
  std::vector<TxRef> txs;  // shared with the mempool / the rebuilt block: never copied
  std::map<Bytes, Bytes> writes;
  std::set<Bytes> deletes;  // state keys the block deletes (expired replay records)
  std::vector<IndexWrite> indexes;
};

struct DroppedTx {
  Bytes tx_id;
  Error error;
};

// The settlement unit's books as committed (docs/offline.md "Value on the ledger").
struct ValueAudit {
  std::int64_t issued = 0;
  std::int64_t on_devices = 0;
  std::int64_t balances = 0;  // sum over every organization
  std::size_t organizations = 0;
  // The conservation invariant: every unit issued is in a balance or on a device.
  bool holds() const { return balances + on_devices == issued; }
};

struct ReportFilter {
  std::string org;  // either org, or template (+ optional period)
  std::string template_id;
  std::string period;
  std::size_t limit = 100;
};

class Chain {
 public:
  // Opens (or initializes from genesis) the store in `data_dir`. `options` stays at its default
  // everywhere but in the permission benchmark and its unit test (see ExecOptions).
  static Result<std::unique_ptr<Chain>> open(const std::string& data_dir, const Genesis& genesis,
                                             ExecOptions options = {},
                                             StoreOptions store_options = {});

  const TrustAnchor& anchor() const { return anchor_; }
  // The store under the chain, for backups and rekeying (docs/protection.md); nothing else
  // writes to it behind the chain's back.
  Store& store() const { return *store_; }
  const Genesis& genesis() const { return genesis_; }
  // The issuer master MAC key of a genesis with an "offline" section, from the node's config;
  // set once, before the chain executes anything. Code offline_key_mismatch (size or hash differs
  // from genesis), offline_disabled (genesis has no offline section).
  Status set_offline_master_key(Bytes key);
  ChainHead head() const;

  // Validates a transaction against committed state as if it were in the next block at
  // `now_ms`. Changes nothing.
  Status admit(const DecodedTx& tx, std::int64_t now_ms);
  // The lighter check for a transaction relayed by a peer validator: every rule but the payload's
  // (check_tx_envelope). The node it was submitted to ran admit() on it; a payload that still
  // fails is dropped when a block is built and refused in any block that carries it.
  Status admit_relayed(const DecodedTx& tx, std::int64_t now_ms);

  // Proposer: executes `candidates` in order on top of the head, leaving out the ones that fail
  // (reported in `dropped`).
  // `evidence`: equivocation proofs this node holds (encode_evidence bytes, any order); the
  // block carries those the ledger would record (ledger/evidence.hpp), the rest are left out.
  Result<PreparedBlock> build_block(const std::vector<TxRef>& candidates, std::int64_t time_ms,
                                    std::uint32_t proposer, std::vector<DroppedTx>* dropped,
                                    const std::vector<Bytes>& evidence = {});
  Result<PreparedBlock> build_block(const std::vector<DecodedTx>& candidates, std::int64_t time_ms,
                                    std::uint32_t proposer, std::vector<DroppedTx>* dropped,
                                    const std::vector<Bytes>& evidence = {});
  // Validator / block sync: decodes and re-executes a block; every transaction must succeed
  // and every header field must match. Code: bad_block. `decoded`, when given, holds the block's
  // transactions already decoded, in order (a block rebuilt from the mempool); an entry whose
  // bytes differ from the block's is decoded again, so it can only save work, never change the
  // verdict.
  Result<PreparedBlock> check_block(ByteView block_bytes,
                                    const std::vector<TxRef>* decoded = nullptr);
  // Writes the block, its certificate, state, indexes and the new head in one synced batch.
  // The certificate must be valid for the block (checked here).
  Status commit_block(const PreparedBlock& block, const pb::CommitCertificate& cert);
  // Signature verdicts cached for transactions not yet committed (commit_block drops those of
  // the transactions it commits: a committed tx is refused as a duplicate before its signature
  // is looked at, so its verdict is never needed again).
  std::size_t cached_signature_verdicts() const { return cache_.verified_entries(); }

  // The validator's signing safety state (docs/consensus.md, decision 0004), persisted with fsync
  // before a signature leaves the process.
  Result<std::optional<pb::SignerState>> signer_state() const;
  Status save_signer_state(const pb::SignerState& state);
  // The consensus core's SafetyState (consensus/codec.hpp bytes) for multi-validator networks;
  // written with fsync. Opaque to the ledger. Block values the state refers to are stored once
  // each, by hash, beside it: `put_values` (hash, value) and `drop_values` (hashes) are applied in
  // the same synced batch, so the state never names a value that is not on disk.
  Result<std::optional<Bytes>> consensus_state() const;
  Status save_consensus_state(ByteView encoded,
                              const std::vector<std::pair<ByteView, ByteView>>& put_values = {},
                              const std::vector<Bytes>& drop_values = {});
  Result<std::optional<Bytes>> consensus_value(ByteView hash) const;

  // Read side.
  Result<std::optional<Bytes>> block_bytes(std::uint64_t height) const;
  Result<std::optional<pb::CommitCertificate>> commit(std::uint64_t height) const;
  Result<std::optional<pb::TxLocation>> tx_location(ByteView tx_id) const;
  Result<std::optional<Bytes>> tx_bytes(ByteView tx_id) const;
  Result<std::optional<Receipt>> receipt(ByteView tx_id) const;
  // The validator set in force at `height` (>= 1), from the committed history (decision 0041).
  Result<ValidatorSetEntry> validator_set(std::uint64_t height) const;
  // The newest scheduled set: its effective_height is above head + 1 while a change is pending.
  Result<ValidatorSetEntry> latest_validator_set() const;
  // Only its effective height (1 = the genesis set): one read.
  Result<std::uint64_t> latest_validator_set_height() const;
  // For every validator-set change in force at or below `height`: the block announcing it, its
  // certificate and the new members (what an offline verifier needs to trust the set at height).
  Result<std::vector<ValidatorHandoff>> handoffs_up_to(std::uint64_t height) const;
  Result<std::optional<pb::ReportRecord>> report(const std::string& report_id) const;
  // Recorded equivocations (ledger/evidence.hpp list_evidence).
  Result<EvidencePage> evidence(std::uint64_t from_height, ByteView after, std::size_t limit) const;
  // One committed world-state value (keys in state_keys.hpp), for the node's identity layer:
  // login and read checks consult accounts, certificates and the mapping as committed.
  Result<std::optional<Bytes>> state_value(ByteView key) const;
  // The roots a certificate may chain to now: the genesis roots plus those governance added,
  // minus those it removed (the rule BindCertificate applies). Code: state_corrupt.
  Result<std::vector<crypto::Certificate>> trusted_roots() const;
  // Revoked certificates from the revocation index (identity_queries), at most `limit`.
  Result<std::vector<pb::CertificateRecord>> revoked_certificates(std::size_t limit) const;
  // Committed world-state entries under `prefix`, in key order, at most `limit` (the node's
  // CRL lists the revoked certificates among cert/...).
  Result<std::vector<std::pair<Bytes, Bytes>>> state_scan(ByteView prefix, std::size_t limit) const;
  Result<std::vector<pb::ReportRecord>> list_reports(const ReportFilter& filter) const;
  // An organization's committed balance (0 when it never held any). Code: state_corrupt.
  Result<std::int64_t> balance(std::string_view org) const;
  // Every balance added up, with the supply counters. Codes: state_corrupt, value_overflow.
  Result<ValueAudit> value_audit() const;
  // The report index under `prefix` (keys::reports_by_*_prefix, keys::all_reports_prefix) in
  // key order, from the first key after `after` (empty: the start), each entry with its record,
  // until `visit` returns false. The index key is the position a later call may resume after.
  // An entry `may_match` (when given) refuses is skipped without reading its record.
  using ReportVisitor = std::function<bool(ByteView index_key, const pb::ReportRecord& report)>;
  using ReportEntryFilter = std::function<bool(const ReportIndexEntry& entry)>;
  Status visit_reports(ByteView prefix, ByteView after, const ReportVisitor& visit,
                       const ReportEntryFilter& may_match = {}) const;

  struct PrivateTag {};
  Chain(PrivateTag, Genesis g, TrustAnchor a, std::unique_ptr<Store> s, ExecOptions options);

 private:
  Result<PreparedBlock> assemble(std::vector<TxRef> txs, std::vector<Bytes> evidence,
                                 StateOverlay& overlay, std::vector<IndexWrite> indexes,
                                 std::int64_t time_ms, std::uint32_t proposer,
                                 const ChainHead& head);
  Status init_or_check_genesis();
  // The environment every execution runs in (admission, building, checking).
  ExecEnv exec_env();
  // The block-level step before a block's txs execute, identical in build_block and check_block:
  // expired replay records are pruned and the block's evidence is recorded.
  Status begin_block(StateOverlay& overlay, std::uint64_t height,
                     const std::vector<Bytes>& evidence);

  Genesis genesis_;
  TrustAnchor anchor_;
  std::unique_ptr<Store> store_;
  VerifyCache cache_;
  ExecOptions options_;
  Bytes offline_master_key_;
  offline::VerifyMemo offline_memo_;
  mutable std::mutex head_mu_;
  ChainHead head_;
  // Serializes build/check/commit: one block at a time changes state.
  std::mutex exec_mu_;
};

}  // namespace rl::ledger
