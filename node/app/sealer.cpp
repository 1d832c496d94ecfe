#include "node/app/sealer.hpp"
#include "common/thread_name.hpp"
#include "common/wall_clock.hpp"

#include <spdlog/spdlog.h>

namespace rl::node {
namespace {}  // namespace

Sealer::Sealer(ledger::Chain& chain, Mempool& mempool, crypto::PrivateKey key,
               std::uint32_t validator_index, SealerConfig config)
    : chain_(chain),
      mempool_(mempool),
      key_(std::move(key)),
      index_(validator_index),
      config_(config) {}

Sealer::~Sealer() {
  stop();
}

void Sealer::start() {
  stopping_ = false;
  thread_ = std::thread([this] {
    name_this_thread("sealer");
    run();
  });
}

void Sealer::stop() {
  stopping_ = true;
  mempool_.wake_all();
  if (thread_.joinable()) thread_.join();
}

void Sealer::run() {
  auto next = std::chrono::steady_clock::now() + config_.interval;
  while (!stopping_) {
    // Seal when a full block is waiting or the interval has passed, whichever comes first.
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        next - std::chrono::steady_clock::now());
    std::size_t pending = mempool_.size();
    if (pending < config_.max_block_txs && left.count() > 0) {
      pending = mempool_.wait_for(config_.max_block_txs, left);
      if (stopping_) break;
      if (pending < config_.max_block_txs && std::chrono::steady_clock::now() < next) continue;
    }
    next = std::chrono::steady_clock::now() + config_.interval;
    if (pending == 0 && !config_.create_empty_blocks) continue;
    auto st = seal_once();
    if (!st.ok()) {
      // A failure to commit means the disk or the state is broken: stop producing blocks
      // rather than risk a fork with ourselves.
      spdlog::critical("sealer stopped error={} message={}", st.error().code, st.error().message);
      if (config_.on_fatal) config_.on_fatal(st.error());
      return;
    }
  }
}

Status Sealer::seal_once() {
  auto txs = mempool_.take(config_.max_block_txs);
  std::vector<ledger::DroppedTx> dropped;
  auto block = chain_.build_block(txs, rl::wall_now_ms(), index_, &dropped);
  if (!block.ok()) {
    mempool_.release(txs);
    return block.error();
  }
  for (const auto& d : dropped) {
    spdlog::info("tx dropped at execution tx_id={} code={} message={}", to_hex(d.tx_id),
                 d.error.code, d.error.message);
  }

  // Never sign twice: a restart after signing height h but before committing it re-signs h in
  // a later round, exactly as a consensus round change would.
  RL_ASSIGN_OR_RETURN(auto prior, chain_.signer_state());
  std::uint32_t round = 0;
  if (prior && prior->height() > block->height) {
    mempool_.release(txs);
    return make_error("signer_state_ahead",
                      "this validator already signed height " + std::to_string(prior->height()) +
                          " but the store is at " + std::to_string(block->height - 1));
  }
  if (prior && prior->height() == block->height) round = prior->round() + 1;
  ledger::pb::SignerState state;
  state.set_height(block->height);
  state.set_round(round);
  state.set_signed_block_hash(to_string(block->block_hash));
  RL_TRY(chain_.save_signer_state(state));

  RL_ASSIGN_OR_RETURN(auto sig, ledger::sign_precommit(chain_.anchor(), key_, index_, block->height,
                                                       round, block->block_hash));
  ledger::pb::CommitCertificate cert;
  cert.set_height(block->height);
  cert.set_round(round);
  cert.set_block_hash(to_string(block->block_hash));
  *cert.add_signatures() = sig;
  auto committed = chain_.commit_block(*block, cert);
  mempool_.release(txs);
  RL_TRY(committed);
  stats_.blocks++;
  stats_.txs += block->txs.size();
  stats_.dropped += dropped.size();
  spdlog::debug("block committed height={} txs={} dropped={} hash={}", block->height,
                block->txs.size(), dropped.size(), to_hex(block->block_hash));
  return {};
}

}  // namespace rl::node
