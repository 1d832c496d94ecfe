#include "ledger/chain.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "crypto/hash.hpp"
#include "crypto/merkle.hpp"
#include "ledger/chain_invariants.hpp"
#include "ledger/evidence.hpp"
#include "ledger/exec_internal.hpp"
#include "ledger/identity_queries.hpp"
#include "ledger/limits.hpp"
#include "ledger/nonce_pruning.hpp"
#include "ledger/report_index.hpp"
#include "ledger/settlement_prefetch.hpp"
#include "ledger/signature_prefetch.hpp"
#include "ledger/state_keys.hpp"
#include "ledger/validator_sets.hpp"

namespace rl::ledger {
namespace {

const Bytes kHeadKey = to_bytes("head");

Bytes height_key(std::uint64_t h) {
  Bytes k;
  append_u64_be(k, h);
  return k;
}

template <typename Msg>
Bytes encode(const Msg& m) {
  std::string s;
  m.SerializeToString(&s);
  return to_bytes(s);
}

Error bad_block(const std::string& why) {
  return make_error("bad_block", why);
}

}  // namespace

Chain::Chain(PrivateTag, Genesis g, TrustAnchor a, std::unique_ptr<Store> s, ExecOptions options)
    : genesis_(std::move(g)), anchor_(std::move(a)), store_(std::move(s)), options_(options) {}

Result<std::unique_ptr<Chain>> Chain::open(const std::string& data_dir, const Genesis& genesis,
                                           ExecOptions options, StoreOptions store_options) {
  RL_ASSIGN_OR_RETURN(auto anchor, make_trust_anchor(genesis));
  RL_ASSIGN_OR_RETURN(auto store, Store::open(data_dir, std::move(store_options)));
  if (!options.permission_checks) {
    spdlog::warn("chain opened WITHOUT permission checks (benchmark/test only) dir={}", data_dir);
  }
  auto chain =
      std::make_unique<Chain>(PrivateTag{}, genesis, std::move(anchor), std::move(store), options);
  RL_TRY(chain->init_or_check_genesis());
  return chain;
}

Status Chain::set_offline_master_key(Bytes key) {
  if (!genesis_.offline) {
    return make_error("offline_disabled", "genesis has no offline section");
  }
  RL_TRY(check_master_key(anchor_.suite, *genesis_.offline, key));
  offline_master_key_ = std::move(key);
  return {};
}

Status Chain::init_or_check_genesis() {
  RL_ASSIGN_OR_RETURN(auto raw, store_->get(Cf::kMeta, kHeadKey));
  if (raw) {
    pb::ChainHeadRecord rec;
    if (!rec.ParseFromArray(raw->data(), static_cast<int>(raw->size()))) {
      return make_error("storage_corrupt", "chain head record does not decode");
    }
    if (!bytes_equal(rec.genesis_hash(), anchor_.genesis_hash)) {
      return make_error("genesis_mismatch",
                        "the data directory belongs to a different genesis (stored " +
                            to_hex(as_bytes(rec.genesis_hash())) + ", given " +
                            to_hex(anchor_.genesis_hash) + ")");
    }
    head_.height = rec.height();
    head_.block_hash = to_bytes(rec.block_hash());
    head_.app_hash = to_bytes(rec.app_hash());
    head_.time_ms = rec.time_ms();
    head_.total_txs = rec.total_txs();
    spdlog::info("chain opened height={} block_hash={} app_hash={}", head_.height,
                 to_hex(head_.block_hash), to_hex(head_.app_hash));
    RL_ASSIGN_OR_RETURN(bool current, report_indexes_current(*store_));
    if (!current) RL_TRY(rebuild_report_indexes(*store_));
    return {};
  }
  // Fresh store: genesis state and head at height 0 in one batch.
  StateOverlay overlay(*store_);
  RL_TRY(apply_genesis(genesis_, anchor_, overlay));
  Bytes zero(crypto::hash_size(anchor_.suite), 0);
  head_.height = 0;
  head_.block_hash = anchor_.genesis_hash;
  head_.app_hash = chain_app_hash(anchor_.suite, zero, overlay.write_set_hash(anchor_.suite));
  head_.time_ms = genesis_.genesis_time_ms;
  WriteBatch batch;
  for (const auto& [k, v] : overlay.writes()) batch.put(Cf::kState, k, v);
  pb::ChainHeadRecord rec;
  rec.set_height(0);
  rec.set_block_hash(to_string(head_.block_hash));
  rec.set_app_hash(to_string(head_.app_hash));
  rec.set_time_ms(head_.time_ms);
  rec.set_genesis_hash(to_string(anchor_.genesis_hash));
  batch.put(Cf::kMeta, kHeadKey, encode(rec));
  mark_report_indexes_current(batch);
  RL_TRY(store_->write(batch, true));
  spdlog::info("chain initialized from genesis chain_id={} app_hash={}", anchor_.chain_id,
               to_hex(head_.app_hash));
  return {};
}

ExecEnv Chain::exec_env() {
  return ExecEnv{anchor_, cache_, options_, &offline_master_key_,
                 options_.offline_verify_memo ? &offline_memo_ : nullptr};
}

ChainHead Chain::head() const {
  std::lock_guard lock(head_mu_);
  return head_;
}

Status Chain::admit(const DecodedTx& tx, std::int64_t now_ms) {
  ChainHead h = head();
  StateOverlay overlay(*store_);
  ExecEnv env = exec_env();
  BlockContext ctx{h.height + 1, std::max(now_ms, h.time_ms + 1)};
  return execute_tx(env, overlay, tx, ctx, 0, nullptr);
}

Result<EvidencePage> Chain::evidence(std::uint64_t from_height, ByteView after,
                                     std::size_t limit) const {
  return list_evidence(*store_, from_height, after, limit);
}

Result<std::vector<crypto::Certificate>> Chain::trusted_roots() const {
  StateOverlay committed(*store_);
  return exec::effective_roots(anchor_, committed);
}

Result<std::vector<pb::CertificateRecord>> Chain::revoked_certificates(std::size_t limit) const {
  return ledger::revoked_certificates(*store_, limit);
}

Status Chain::admit_relayed(const DecodedTx& tx, std::int64_t now_ms) {
  ChainHead h = head();
  StateOverlay overlay(*store_);
  ExecEnv env = exec_env();
  BlockContext ctx{h.height + 1, std::max(now_ms, h.time_ms + 1)};
  return check_tx_envelope(env, overlay, tx, ctx);
}

Result<PreparedBlock> Chain::build_block(const std::vector<DecodedTx>& candidates,
                                         std::int64_t time_ms, std::uint32_t proposer,
                                         std::vector<DroppedTx>* dropped,
                                         const std::vector<Bytes>& evidence) {
  std::vector<TxRef> refs;
  refs.reserve(candidates.size());
  for (const auto& tx : candidates) refs.push_back(std::make_shared<const DecodedTx>(tx));
  return build_block(refs, time_ms, proposer, dropped, evidence);
}

Result<PreparedBlock> Chain::build_block(const std::vector<TxRef>& candidates, std::int64_t time_ms,
                                         std::uint32_t proposer, std::vector<DroppedTx>* dropped,
                                         const std::vector<Bytes>& evidence) {
  std::lock_guard lock(exec_mu_);
  ChainHead h = head();
  BlockContext ctx{h.height + 1, std::max(time_ms, h.time_ms + 1)};
  StateOverlay overlay(*store_);
  std::vector<Bytes> chosen = select_block_evidence(anchor_, overlay, ctx.height, evidence);
  RL_TRY(begin_block(overlay, ctx.height, chosen));
  ExecEnv env = exec_env();
  if (options_.offline_verify_memo) {
    // Candidates normally come verified from admission (both calls are then lookups); those that
    // do not (a mempool refilled after a restart, a verdict dropped from a full cache) are
    // verified on every core here instead of one by one below.
    // Only as many as the block can take: the rest waits for a later block.
    const std::size_t n = std::min<std::size_t>(candidates.size(), genesis_.block.max_block_txs);
    const std::vector<TxRef> head_of(candidates.begin(),
                                     candidates.begin() + static_cast<std::ptrdiff_t>(n));
    prefetch_signatures(anchor_.suite, *store_, cache_, head_of);
    prefetch_settlements(anchor_, offline_master_key_, offline_memo_, head_of);
  }
  std::vector<TxRef> included;
  std::vector<IndexWrite> indexes;
  std::size_t bytes = 0;
  for (const auto& ref : candidates) {
    const DecodedTx& tx = *ref;
    if (included.size() >= genesis_.block.max_block_txs ||
        bytes + tx.raw.size() > limits::kMaxBlockBytes) {
      break;
    }
    auto st =
        execute_tx(env, overlay, tx, ctx, static_cast<std::uint32_t>(included.size()), &indexes);
    if (!st.ok()) {
      if (dropped) dropped->push_back({tx.id, st.error()});
      continue;
    }
    bytes += tx.raw.size();
    included.push_back(ref);
  }
  return assemble(std::move(included), std::move(chosen), overlay, std::move(indexes), ctx.time_ms,
                  proposer, h);
}

Status Chain::begin_block(StateOverlay& overlay, std::uint64_t height,
                          const std::vector<Bytes>& evidence) {
  RL_TRY(prune_expired_nonces(*store_, overlay, height,
                              nonce_prune_limit(genesis_.block.max_block_txs)));
  RL_TRY(record_block_evidence(anchor_, overlay, height, evidence));
  return {};
}

Result<PreparedBlock> Chain::assemble(std::vector<TxRef> txs, std::vector<Bytes> evidence,
                                      StateOverlay& overlay, std::vector<IndexWrite> indexes,
                                      std::int64_t time_ms, std::uint32_t proposer,
                                      const ChainHead& h) {
  PreparedBlock b;
  b.height = h.height + 1;
  std::vector<Bytes> leaves;
  leaves.reserve(txs.size());
  for (const auto& tx : txs) leaves.push_back(crypto::merkle_leaf_hash(anchor_.suite, tx->raw));

  RL_ASSIGN_OR_RETURN(auto last_commit, commit(h.height));
  Bytes last_commit_bytes = last_commit ? encode(*last_commit) : Bytes{};

  auto& hdr = b.header;
  hdr.set_chain_id(anchor_.chain_id);
  hdr.set_height(b.height);
  hdr.set_time_ms(time_ms);
  hdr.set_prev_block_hash(to_string(h.block_hash));
  hdr.set_tx_root(to_string(crypto::merkle_root(anchor_.suite, leaves)));
  hdr.set_app_hash(
      to_string(chain_app_hash(anchor_.suite, h.app_hash, overlay.write_set_hash(anchor_.suite))));
  // The set in force at this height and at the next one, as this block's state says (a change
  // executed in this block takes effect two heights later and does not affect either).
  RL_ASSIGN_OR_RETURN(auto set_now, validator_keys_at(anchor_, overlay, b.height));
  RL_ASSIGN_OR_RETURN(auto set_next, validator_keys_at(anchor_, overlay, b.height + 1));
  hdr.set_validators_hash(to_string(set_now.hash));
  hdr.set_next_validators_hash(to_string(set_next.hash));
  hdr.set_proposer(proposer);
  hdr.set_tx_count(static_cast<std::uint32_t>(txs.size()));
  if (!last_commit_bytes.empty()) {
    hdr.set_last_commit_hash(to_string(crypto::hash(anchor_.suite, last_commit_bytes)));
  }
  hdr.set_evidence_root(to_string(evidence_root(anchor_.suite, evidence)));
  pb::Block block;
  block.set_header(hdr.SerializeAsString());
  for (const auto& tx : txs) block.add_txs(to_string(tx->raw));
  block.set_last_commit(to_string(last_commit_bytes));
  for (const auto& e : evidence) block.add_evidence(to_string(e));
  b.block_bytes = encode(block);
  b.block_hash = crypto::hash(anchor_.suite, as_bytes(block.header()));
  b.txs = std::move(txs);
  b.writes = overlay.writes();
  b.deletes = overlay.deletes();
  b.indexes = std::move(indexes);
  return b;
}

Result<PreparedBlock> Chain::check_block(ByteView block_bytes, const std::vector<TxRef>* decoded) {
  if (block_bytes.size() > limits::kMaxBlockBytes) return bad_block("block too large");
  pb::Block block;
  if (!block.ParseFromArray(block_bytes.data(), static_cast<int>(block_bytes.size()))) {
    return bad_block("block does not decode");
  }
  // The compact form exists only as a proposal value; the node rebuilds it before checking.
  if (block.tx_ids_size() > 0) return bad_block("a compact block is not a block");
  if (decoded && decoded->size() != static_cast<std::size_t>(block.txs_size())) {
    return bad_block("decoded txs do not match the block");
  }
  pb::BlockHeader hdr;
  if (!hdr.ParseFromString(block.header())) return bad_block("header does not decode");
  if (block.txs_size() > static_cast<int>(genesis_.block.max_block_txs)) {
    return bad_block("block carries " + std::to_string(block.txs_size()) +
                     " txs; the network allows " + std::to_string(genesis_.block.max_block_txs));
  }
  if (static_cast<std::size_t>(block.evidence_size()) > kMaxBlockEvidence) {
    return bad_block("block carries " + std::to_string(block.evidence_size()) +
                     " evidence items; at most " + std::to_string(kMaxBlockEvidence));
  }

  std::lock_guard lock(exec_mu_);
  ChainHead h = head();
  if (hdr.chain_id() != anchor_.chain_id) return bad_block("wrong chain id");
  if (hdr.height() != h.height + 1) {
    return bad_block("height " + std::to_string(hdr.height()) + " does not follow head " +
                     std::to_string(h.height));
  }
  if (!bytes_equal(hdr.prev_block_hash(), h.block_hash))
    return bad_block("prev_block_hash mismatch");
  if (hdr.time_ms() <= h.time_ms) return bad_block("block time does not advance");
  StateOverlay committed(*store_);
  RL_ASSIGN_OR_RETURN(auto set_now, validator_keys_at(anchor_, committed, hdr.height()));
  if (hdr.proposer() >= set_now.keys.size()) return bad_block("unknown proposer");
  if (hdr.tx_count() != static_cast<std::uint32_t>(block.txs_size())) {
    return bad_block("tx_count mismatch");
  }
  // The previous height's certificate carried in the block must itself be valid.
  if (h.height == 0 && !block.last_commit().empty()) {
    return bad_block("the first block cannot carry a last_commit");
  }
  if (h.height > 0) {
    pb::CommitCertificate last;
    if (!last.ParseFromString(block.last_commit())) return bad_block("last_commit does not decode");
    RL_ASSIGN_OR_RETURN(auto set_last, validator_keys_at(anchor_, committed, h.height));
    auto st = verify_commit(anchor_, set_last, h.height, h.block_hash, last);
    if (!st.ok()) return bad_block("last_commit: " + st.error().message);
  }

  StateOverlay overlay(*store_);
  ExecEnv env = exec_env();
  BlockContext ctx{hdr.height(), hdr.time_ms()};
  std::vector<TxRef> txs;
  txs.reserve(static_cast<std::size_t>(block.txs_size()));
  for (int i = 0; i < block.txs_size(); ++i) {
    // Transactions this node already decoded (a block rebuilt from the mempool) are reused when
    // their bytes are exactly the block's: decoding is pure, so the result is the same.
    if (decoded) {
      const TxRef& pre = (*decoded)[static_cast<std::size_t>(i)];
      if (pre && as_bytes(block.txs(i)).size() == pre->raw.size() &&
          std::equal(pre->raw.begin(), pre->raw.end(), as_bytes(block.txs(i)).begin())) {
        txs.push_back(pre);
        continue;
      }
    }
    auto tx = decode_tx(anchor_.suite, as_bytes(block.txs(i)));
    if (!tx.ok()) return bad_block("tx " + std::to_string(i) + ": " + tx.error().to_string());
    txs.push_back(std::make_shared<const DecodedTx>(std::move(tx).value()));
  }
  prefetch_signatures(anchor_.suite, *store_, cache_, txs);
  if (options_.offline_verify_memo) {
    prefetch_settlements(anchor_, offline_master_key_, offline_memo_, txs);
  }
  std::vector<Bytes> evidence;
  evidence.reserve(static_cast<std::size_t>(block.evidence_size()));
  for (const auto& e : block.evidence()) evidence.push_back(to_bytes(e));
  if (auto st = begin_block(overlay, ctx.height, evidence); !st.ok()) {
    if (st.error().code == "bad_evidence") return bad_block(st.error().message);
    return st.error();
  }
  std::vector<IndexWrite> indexes;
  for (std::size_t i = 0; i < txs.size(); ++i) {
    auto st = execute_tx(env, overlay, *txs[i], ctx, static_cast<std::uint32_t>(i), &indexes);
    if (!st.ok()) return bad_block("tx " + std::to_string(i) + ": " + st.error().to_string());
  }
  RL_ASSIGN_OR_RETURN(auto rebuilt, assemble(std::move(txs), std::move(evidence), overlay,
                                             std::move(indexes), hdr.time_ms(), hdr.proposer(), h));
  // Everything we recomputed must match what the proposer claimed, byte for byte.
  if (rebuilt.header.tx_root() != hdr.tx_root()) return bad_block("tx_root mismatch");
  if (rebuilt.header.evidence_root() != hdr.evidence_root()) {
    return bad_block("evidence_root mismatch");
  }
  if (rebuilt.header.app_hash() != hdr.app_hash()) return bad_block("app_hash mismatch");
  if (rebuilt.header.validators_hash() != hdr.validators_hash()) {
    return bad_block("validators_hash mismatch");
  }
  if (rebuilt.header.next_validators_hash() != hdr.next_validators_hash()) {
    return bad_block("next_validators_hash mismatch");
  }
  if (hdr.last_commit_hash() !=
      (block.last_commit().empty()
           ? std::string()
           : to_string(crypto::hash(anchor_.suite, as_bytes(block.last_commit()))))) {
    return bad_block("last_commit_hash mismatch");
  }
  // The header must be exactly the canonical encoding of what we recomputed (with the
  // proposer's own last_commit hash): otherwise unknown fields or alternative encodings would
  // give one block several hashes.
  pb::BlockHeader canonical = rebuilt.header;
  canonical.set_last_commit_hash(hdr.last_commit_hash());
  if (canonical.SerializeAsString() != block.header()) {
    return bad_block("header is not in canonical form");
  }
  // Keep the proposer's exact bytes: the block hash is over them.
  rebuilt.header = hdr;
  rebuilt.block_bytes.assign(block_bytes.begin(), block_bytes.end());
  rebuilt.block_hash = crypto::hash(anchor_.suite, as_bytes(block.header()));
  return rebuilt;
}

Status Chain::commit_block(const PreparedBlock& b, const pb::CommitCertificate& cert) {
  std::lock_guard lock(exec_mu_);
  {
    // The set in force at b.height was fixed by blocks up to b.height - 2: committed state.
    StateOverlay committed(*store_);
    RL_ASSIGN_OR_RETURN(auto set, validator_keys_at(anchor_, committed, b.height));
    RL_TRY(verify_commit(anchor_, set, b.height, b.block_hash, cert));
  }
  ChainHead h = head();
  if (b.height != h.height + 1) {
    return make_error("stale_block", "block " + std::to_string(b.height) +
                                         " does not follow head " + std::to_string(h.height));
  }
  RL_TRY(check_block_extends_head(anchor_.suite, *store_, b, h));
  WriteBatch batch;
  Bytes hk = height_key(b.height);
  batch.put(Cf::kBlocks, hk, b.block_bytes);
  batch.put(Cf::kCommits, hk, encode(cert));
  for (const auto& [k, v] : b.writes) batch.put(Cf::kState, k, v);
  for (const auto& k : b.deletes) batch.del(Cf::kState, k);
  for (const auto& iw : b.indexes) batch.put(Cf::kIndex, iw.key, iw.value);
  for (std::size_t i = 0; i < b.txs.size(); ++i) {
    pb::TxLocation loc;
    loc.set_height(b.height);
    loc.set_index(static_cast<std::uint32_t>(i));
    batch.put(Cf::kTxIndex, b.txs[i]->id, encode(loc));
  }
  pb::ChainHeadRecord rec;
  rec.set_height(b.height);
  rec.set_block_hash(to_string(b.block_hash));
  rec.set_app_hash(b.header.app_hash());
  rec.set_time_ms(b.header.time_ms());
  rec.set_genesis_hash(to_string(anchor_.genesis_hash));
  rec.set_total_txs(h.total_txs + b.txs.size());
  batch.put(Cf::kMeta, kHeadKey, encode(rec));
  RL_TRY(store_->write(batch, /*sync=*/true));
  // Without this the cache filled up with committed txs' verdicts and, at its bound, was dropped
  // whole: every pending tx then had its signature verified a second time.
  for (const auto& tx : b.txs) cache_.forget(signature_cache_key(anchor_.suite, *tx));
  {
    std::lock_guard hl(head_mu_);
    head_.height = b.height;
    head_.block_hash = b.block_hash;
    head_.app_hash = to_bytes(b.header.app_hash());
    head_.time_ms = b.header.time_ms();
    head_.total_txs = rec.total_txs();
  }
  return {};
}

Result<std::optional<pb::SignerState>> Chain::signer_state() const {
  RL_ASSIGN_OR_RETURN(auto raw, store_->get(Cf::kConsensus, to_bytes("signer")));
  if (!raw) return std::optional<pb::SignerState>();
  pb::SignerState st;
  if (!st.ParseFromArray(raw->data(), static_cast<int>(raw->size()))) {
    return make_error("storage_corrupt", "signer state does not decode");
  }
  return std::optional<pb::SignerState>(std::move(st));
}

Status Chain::save_signer_state(const pb::SignerState& state) {
  WriteBatch batch;
  batch.put(Cf::kConsensus, to_bytes("signer"), encode(state));
  return store_->write(batch, /*sync=*/true);
}

Result<std::optional<Bytes>> Chain::consensus_state() const {
  return store_->get(Cf::kConsensus, to_bytes("consensus"));
}

namespace {
Bytes consensus_value_key(ByteView hash) {
  static constexpr std::string_view kPrefix = "value/";
  // Sized up front and filled with copy: GCC 12 at -O3 reports a false -Warray-bounds for the
  // to_bytes + insert form.
  Bytes key(kPrefix.size() + hash.size());
  std::copy(kPrefix.begin(), kPrefix.end(), key.begin());
  std::copy(hash.begin(), hash.end(), key.begin() + static_cast<std::ptrdiff_t>(kPrefix.size()));
  return key;
}
}  // namespace

Status Chain::save_consensus_state(ByteView encoded,
                                   const std::vector<std::pair<ByteView, ByteView>>& put_values,
                                   const std::vector<Bytes>& drop_values) {
  WriteBatch batch;
  for (const auto& hash : drop_values) batch.del(Cf::kConsensus, consensus_value_key(hash));
  for (const auto& [hash, value] : put_values) {
    batch.put(Cf::kConsensus, consensus_value_key(hash), value);
  }
  batch.put(Cf::kConsensus, to_bytes("consensus"), encoded);
  return store_->write(batch, /*sync=*/true);
}

Result<std::optional<Bytes>> Chain::consensus_value(ByteView hash) const {
  return store_->get(Cf::kConsensus, consensus_value_key(hash));
}

Result<std::optional<Bytes>> Chain::block_bytes(std::uint64_t height) const {
  return store_->get(Cf::kBlocks, height_key(height));
}

Result<std::optional<pb::CommitCertificate>> Chain::commit(std::uint64_t height) const {
  if (height == 0) return std::optional<pb::CommitCertificate>();
  RL_ASSIGN_OR_RETURN(auto raw, store_->get(Cf::kCommits, height_key(height)));
  if (!raw) return std::optional<pb::CommitCertificate>();
  pb::CommitCertificate c;
  if (!c.ParseFromArray(raw->data(), static_cast<int>(raw->size()))) {
    return make_error("storage_corrupt", "commit certificate does not decode");
  }
  return std::optional<pb::CommitCertificate>(std::move(c));
}

Result<std::optional<pb::TxLocation>> Chain::tx_location(ByteView tx_id) const {
  RL_ASSIGN_OR_RETURN(auto raw, store_->get(Cf::kTxIndex, tx_id));
  if (!raw) return std::optional<pb::TxLocation>();
  pb::TxLocation loc;
  if (!loc.ParseFromArray(raw->data(), static_cast<int>(raw->size()))) {
    return make_error("storage_corrupt", "tx location does not decode");
  }
  return std::optional<pb::TxLocation>(loc);
}

Result<std::optional<Bytes>> Chain::tx_bytes(ByteView tx_id) const {
  RL_ASSIGN_OR_RETURN(auto loc, tx_location(tx_id));
  if (!loc) return std::optional<Bytes>();
  RL_ASSIGN_OR_RETURN(auto raw, block_bytes(loc->height()));
  pb::Block block;
  if (!raw || !block.ParseFromArray(raw->data(), static_cast<int>(raw->size())) ||
      static_cast<int>(loc->index()) >= block.txs_size()) {
    return make_error("storage_corrupt", "indexed tx is not in its block");
  }
  return std::optional<Bytes>(to_bytes(block.txs(static_cast<int>(loc->index()))));
}

Result<std::optional<Receipt>> Chain::receipt(ByteView tx_id) const {
  RL_ASSIGN_OR_RETURN(auto loc, tx_location(tx_id));
  if (!loc) return std::optional<Receipt>();
  RL_ASSIGN_OR_RETURN(auto raw, block_bytes(loc->height()));
  pb::Block block;
  if (!raw || !block.ParseFromArray(raw->data(), static_cast<int>(raw->size()))) {
    return make_error("storage_corrupt", "block does not decode");
  }
  RL_ASSIGN_OR_RETURN(auto cert, commit(loc->height()));
  if (!cert) return make_error("storage_corrupt", "committed block has no certificate");
  Receipt r;
  r.chain_id = anchor_.chain_id;
  r.height = loc->height();
  r.index = loc->index();
  r.tx_count = static_cast<std::uint32_t>(block.txs_size());
  r.tx = to_bytes(block.txs(static_cast<int>(loc->index())));
  r.header = to_bytes(block.header());
  std::vector<Bytes> leaves;
  for (const auto& t : block.txs())
    leaves.push_back(crypto::merkle_leaf_hash(anchor_.suite, as_bytes(t)));
  r.proof = crypto::merkle_inclusion_proof(anchor_.suite, leaves, loc->index());
  r.commit = encode(*cert);

  RL_ASSIGN_OR_RETURN(r.handoffs, handoffs_up_to(loc->height()));

  pb::Tx tx;
  if (!tx.ParseFromString(block.txs(static_cast<int>(loc->index())))) {
    return make_error("storage_corrupt", "tx does not decode");
  }
  RL_ASSIGN_OR_RETURN(auto crec_raw,
                      store_->get(Cf::kState, keys::certificate(as_bytes(tx.signer_cert_id()))));
  if (crec_raw) {
    pb::CertificateRecord crec;
    if (crec.ParseFromArray(crec_raw->data(), static_cast<int>(crec_raw->size()))) {
      r.signer_chain.push_back(to_bytes(crec.certificate_der()));
      for (const auto& c : crec.chain_der()) r.signer_chain.push_back(to_bytes(c));
    }
  }
  return std::optional<Receipt>(std::move(r));
}

Result<ValidatorSetEntry> Chain::validator_set(std::uint64_t height) const {
  StateOverlay committed(*store_);
  return validator_set_at(anchor_, committed, height);
}

Result<ValidatorSetEntry> Chain::latest_validator_set() const {
  StateOverlay committed(*store_);
  return ledger::latest_validator_set(anchor_, committed);
}

Result<std::uint64_t> Chain::latest_validator_set_height() const {
  StateOverlay committed(*store_);
  return ledger::latest_validator_set_height(committed);
}

Result<std::vector<ValidatorHandoff>> Chain::handoffs_up_to(std::uint64_t height) const {
  StateOverlay committed(*store_);
  RL_ASSIGN_OR_RETURN(auto changes, validator_set_changes(committed));
  std::vector<ValidatorHandoff> out;
  for (const auto& c : changes) {
    if (c.effective_height() > height) break;
    // Block effective_height - 1 is the first whose next_validators_hash names the new set; it
    // is certified by the set before.
    const std::uint64_t at = c.effective_height() - 1;
    RL_ASSIGN_OR_RETURN(auto raw, block_bytes(at));
    RL_ASSIGN_OR_RETURN(auto cert, commit(at));
    pb::Block block;
    if (!raw || !cert || !block.ParseFromArray(raw->data(), static_cast<int>(raw->size()))) {
      return make_error("storage_corrupt",
                        "block " + std::to_string(at) + " announcing a validator set is missing");
    }
    ValidatorHandoff hand;
    hand.header = to_bytes(block.header());
    hand.commit = encode(*cert);
    for (const auto& v : c.validators()) {
      RL_ASSIGN_OR_RETURN(auto key, member_key(v));
      hand.members.push_back({key.to_der(), v.power()});
    }
    out.push_back(std::move(hand));
  }
  return out;
}

Result<std::optional<Bytes>> Chain::state_value(ByteView key) const {
  return store_->get(Cf::kState, key);
}

Result<std::vector<std::pair<Bytes, Bytes>>> Chain::state_scan(ByteView prefix,
                                                               std::size_t limit) const {
  return store_->scan_prefix(Cf::kState, prefix, limit);
}

Result<std::int64_t> Chain::balance(std::string_view org) const {
  RL_ASSIGN_OR_RETURN(auto raw, store_->get(Cf::kState, keys::balance(org)));
  if (!raw) return std::int64_t{0};
  pb::BalanceRecord rec;
  if (!rec.ParseFromArray(raw->data(), static_cast<int>(raw->size()))) {
    return make_error("state_corrupt", "balance record does not decode");
  }
  return rec.amount();
}

Result<ValueAudit> Chain::value_audit() const {
  ValueAudit a;
  RL_ASSIGN_OR_RETURN(auto raw, store_->get(Cf::kState, keys::value_supply()));
  if (raw) {
    pb::ValueSupplyRecord s;
    if (!s.ParseFromArray(raw->data(), static_cast<int>(raw->size()))) {
      return make_error("state_corrupt", "value supply record does not decode");
    }
    a.issued = s.issued();
    a.on_devices = s.on_devices();
  }
  Status inner;
  RL_TRY(store_->visit_prefix(Cf::kState, keys::balances_prefix(), {}, [&](ByteView, ByteView v) {
    pb::BalanceRecord rec;
    if (!rec.ParseFromArray(v.data(), static_cast<int>(v.size()))) {
      inner = make_error("state_corrupt", "balance record does not decode");
      return false;
    }
    if (__builtin_add_overflow(a.balances, rec.amount(), &a.balances)) {
      inner = make_error("value_overflow", "balances add up past int64");
      return false;
    }
    ++a.organizations;
    return true;
  }));
  RL_TRY(inner);
  return a;
}

Result<std::optional<pb::ReportRecord>> Chain::report(const std::string& report_id) const {
  if (report_id.size() > 2 * 64) return std::optional<pb::ReportRecord>();
  RL_ASSIGN_OR_RETURN(auto raw, store_->get(Cf::kState, keys::report(report_id)));
  if (!raw) return std::optional<pb::ReportRecord>();
  pb::ReportRecord rec;
  if (!rec.ParseFromArray(raw->data(), static_cast<int>(raw->size()))) {
    return make_error("storage_corrupt", "report record does not decode");
  }
  return std::optional<pb::ReportRecord>(std::move(rec));
}

Result<std::vector<pb::ReportRecord>> Chain::list_reports(const ReportFilter& f) const {
  Bytes prefix;
  if (!f.org.empty()) {
    prefix = keys::reports_by_org_prefix(f.org);
  } else if (!f.template_id.empty()) {
    prefix = keys::reports_by_template_prefix(f.template_id, f.period);
  } else {
    return make_error("bad_query", "filter by org or by template");
  }
  const std::size_t limit = std::min(f.limit, limits::kMaxQueryLimit);
  std::vector<pb::ReportRecord> out;
  if (limit == 0) return out;
  RL_TRY(visit_reports(prefix, {}, [&](ByteView, const pb::ReportRecord& r) {
    out.push_back(r);
    return out.size() < limit;
  }));
  return out;
}

Status Chain::visit_reports(ByteView prefix, ByteView after, const ReportVisitor& visit,
                            const ReportEntryFilter& may_match) const {
  Status inner;
  RL_TRY(store_->visit_prefix(Cf::kIndex, prefix, after, [&](ByteView key, ByteView value) {
    auto entry = decode_report_index_value(value);
    if (!entry.ok()) {
      inner = entry.error();
      return false;
    }
    if (may_match && !may_match(*entry)) return true;
    auto rec = report(std::string(entry->report_id));
    if (!rec.ok()) {
      inner = rec.error();
      return false;
    }
    // Index entries are written in the same batch as their records: a missing one is damage.
    if (!*rec) {
      inner = make_error("storage_corrupt", "a report index entry names no report");
      return false;
    }
    return visit(key, **rec);
  }));
  return inner;
}

}  // namespace rl::ledger
