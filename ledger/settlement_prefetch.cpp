#include "ledger/settlement_prefetch.hpp"

#include <algorithm>
#include <atomic>
#include <string_view>
#include <unordered_set>

#include "common/parallel_for.hpp"
#include "offline/codec.hpp"
#include "offline/ids.hpp"
#include "offline/root_voucher.hpp"

namespace rl::ledger {
namespace {

namespace opb = regledger::offline::v1;

// Below this many elements the threads cost more than they save.
constexpr std::size_t kMinParallel = 8;

struct Item {
  const std::string* bytes;
  bool root;
};

// What the settlement check does first with one hop, through the memo (chain_check.cpp).
void warm_hop(const TrustAnchor& anchor, const offline::TrustAnchors& trust, ByteView master_key,
              offline::VerifyMemo& memo, const std::string& bytes) {
  const offline::Limits& lim = anchor.offline_limits;
  auto hop =
      offline::decode<opb::Hop>(as_bytes(bytes), lim.max_message_bytes, "bad_voucher", "hop");
  if (!hop.ok()) return;
  auto body = offline::decode<opb::HopBody>(as_bytes(hop->body()), lim.max_message_bytes,
                                            "bad_voucher", "hop body");
  if (!body.ok() || body->suite() != crypto::suite_name(anchor.suite)) return;
  auto sender = memo.device_chain(anchor.suite, trust, body->sender_chain(),
                                  body->sender_device_id(), body->execute_time(), lim);
  if (!sender.ok()) return;
  if (!memo.tagged_signature(sender->cert.public_key(), as_bytes(body->sender_chain().leaf()),
                             offline::domain::kHopSig, as_bytes(hop->body()),
                             as_bytes(hop->sender_signature()))) {
    return;
  }
  if (master_key.empty()) return;
  (void)memo.issuer_mac(anchor.suite, master_key, body->sender_device_id(),
                        offline::hop_hash(anchor.suite, as_bytes(hop->body())),
                        as_bytes(hop->issuer_mac()));
}

}  // namespace

std::size_t prefetch_settlements(const TrustAnchor& anchor, ByteView master_key,
                                 offline::VerifyMemo& memo, const std::vector<TxRef>& txs) {
  if (anchor.offline_issuer_keys.empty()) return 0;  // no offline section: nothing settles
  const offline::Limits& lim = anchor.offline_limits;
  std::vector<opb::Provenance> provenances;
  for (const auto& tx : txs) {
    if (!tx->body.has_settle_vouchers()) continue;
    auto prov = offline::decode<opb::Provenance>(as_bytes(tx->body.settle_vouchers().provenance()),
                                                 lim.max_state_bytes, "bad_voucher", "provenance");
    if (prov.ok()) provenances.push_back(std::move(prov).value());
  }
  // A hop shared by several provenances of the block is verified once.
  std::vector<Item> items;
  std::unordered_set<std::string_view> seen;
  for (const auto& p : provenances) {
    for (const auto& r : p.roots()) {
      if (seen.insert(r).second) items.push_back({&r, true});
    }
    for (const auto& h : p.hops()) {
      if (seen.insert(h).second) items.push_back({&h, false});
    }
  }
  if (items.size() < kMinParallel) return 0;

  // The trust execution uses (exec::device_trust): the genesis roots, no revocation list.
  const offline::TrustAnchors trust{anchor.roots, {}};
  parallel_for(items.size(), "settle-prefetch", [&](std::size_t i) {
    if (items[i].root) {
      (void)offline::verify_root_voucher(anchor.suite, anchor.offline_issuer_keys,
                                         as_bytes(*items[i].bytes), lim, &memo);
    } else {
      warm_hop(anchor, trust, master_key, memo, *items[i].bytes);
    }
  });
  return items.size();
}

}  // namespace rl::ledger
