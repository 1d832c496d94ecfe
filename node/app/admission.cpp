#include "node/app/admission.hpp"

#ifdef RL_BYZANTINE_TEST_BUILD
#include "node/validator/byzantine/swallow.hpp"  // regledgerd_byzantine only (decision 0074)
#endif

namespace rl::node {

Status admit_tx(ledger::Chain& chain, Mempool& mempool, ledger::DecodedTx tx, std::int64_t now_ms,
                bool relayed) {
  if (mempool.contains(tx.id)) {
    return make_error("duplicate_tx", "transaction is already pending");
  }
  auto committed = chain.tx_location(tx.id);
  if (committed.ok() && *committed) {
    return make_error("duplicate_tx", "transaction is already committed");
  }
  RL_TRY(relayed ? chain.admit_relayed(tx, now_ms) : chain.admit(tx, now_ms));
#ifdef RL_BYZANTINE_TEST_BUILD
  if (!relayed && byzantine::swallow(tx.id)) return {};
#endif
  return mempool.add(std::move(tx), relayed ? TxOrigin::kPeer : TxOrigin::kClient);
}

}  // namespace rl::node
