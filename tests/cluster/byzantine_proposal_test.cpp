// A Byzantine proposer against real regledgerd processes (issue #19): the test holds a stopped
// validator's key and TLS identity, and at a height where that validator proposes round 0 it
// sends the honest validators a correctly signed proposal whose block carries one
// non-canonical twin of a validly signed tx: the high-s mirror of its signature, an unknown
// field appended, or a trailing byte. Every honest validator must refuse the proposal with
// that form's own code (the same Chain::check_block path that accepts honest proposals), the
// round must move on and the chain keep committing, and no honest chain may hold the bytes.
//
// Only what check_block reads before the txs is made valid here (chain id, height, previous
// hash, time, proposer, tx count, the previous height's real certificate): the txs are decoded
// before anything is executed, so a twin that decode_tx accepted would fail later with another
// code (app_hash or tx_root mismatch) and the code assertion would catch it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "client/lib/tx_builder.hpp"
#include "common/wall_clock.hpp"
#include "config/node_config.hpp"
#include "consensus/codec.hpp"
#include "consensus/sign_bytes.hpp"
#include "consensus/validator_set.hpp"
#include "crypto/hash.hpp"
#include "crypto/signature_form.hpp"
#include "crypto/x509.hpp"
#include "node/validator/consensus_crypto.hpp"
#include "regledger.pb.h"
#include "tests/cluster/cluster_checks.hpp"
#include "tests/cluster/member_peer.hpp"
#include "tests/support/must.hpp"

namespace rl::testing {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
namespace pb = ledger::pb;

constexpr std::size_t kByzantine = 3;  // stopped; the test speaks with its key
const std::vector<std::size_t> kHonest = {0, 1, 2};

struct HeaderAt {
  Bytes header;  // serialized BlockHeader
  Bytes commit;  // serialized CommitCertificate
  std::int64_t time_ms = 0;
};

HeaderAt header_at(const Cluster& c, std::size_t node, std::uint64_t h) {
  auto client = c.target(node).client(3000);
  auto r = client.get("/v1/headers/" + std::to_string(h));
  if (!r.ok() || r->status != 200) throw std::runtime_error("GET /v1/headers failed");
  json j = json::parse(r->body);
  return {must(from_base64(j["header"].get<std::string>())),
          must(from_base64(j["commit"].get<std::string>())), j["time_ms"].get<std::int64_t>()};
}

// A block for height `h` on top of `prev` (height h - 1) proposed by `proposer`, carrying `tx`.
Bytes block_on(const Cluster& c, const HeaderAt& prev, std::uint64_t h, std::uint32_t proposer,
               const Bytes& tx) {
  const auto suite = c.genesis().suite;
  const auto now_ms = rl::wall_now_ms();
  pb::BlockHeader hdr;
  hdr.set_chain_id(c.genesis().chain_id);
  hdr.set_height(h);
  hdr.set_time_ms(std::max(now_ms, prev.time_ms + 1));
  hdr.set_prev_block_hash(to_string(crypto::hash(suite, prev.header)));
  hdr.set_proposer(proposer);
  hdr.set_tx_count(1);
  hdr.set_last_commit_hash(to_string(crypto::hash(suite, prev.commit)));
  pb::Block block;
  block.set_header(hdr.SerializeAsString());
  block.add_txs(to_string(tx));
  block.set_last_commit(to_string(prev.commit));
  return to_bytes(block.SerializeAsString());
}

// Waits until every honest node has committed exactly h - 1 for some h >= `from` at which
// `proposer` proposes round 0; returns h. Waiting for all of them means each one's core is at h
// when the proposal arrives (a proposal for another height is dropped unchecked).
std::uint64_t next_height_proposed_by(const Cluster& c, const consensus::ValidatorSet& set,
                                      std::uint32_t proposer, std::uint64_t from) {
  const auto deadline = std::chrono::steady_clock::now() + seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::uint64_t h0 = c.height(kHonest[0]);
    const std::uint64_t h = h0 + 1;
    if (h >= from && set.proposer(h, 0) == proposer && c.height(kHonest[1]) == h0 &&
        c.height(kHonest[2]) == h0) {
      return h;
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  throw std::runtime_error("the honest nodes never reached a height the Byzantine node proposes");
}

bool all_logged(const Cluster& c, const std::string& line) {
  for (auto i : kHonest) {
    if (node_log(c, i).find(line) == std::string::npos) return false;
  }
  return true;
}

struct Form {
  std::string name;
  std::string code;
  Bytes raw;
};

TEST(ByzantineProposalTest, NonCanonicalTxInAProposalIsRefusedWithItsCodeAndTheChainMovesOn) {
  Cluster c({});
  c.start_all();
  ASSERT_TRUE(c.wait_height({0, 1, 2, 3}, 2, seconds(30))) << c.all_logs_tail();
  EXPECT_EQ(c.stop(kByzantine), 0);
  const auto cfg = must(node::load_node_config(c.home(kByzantine)), "config");
  node::KeySigner signer(
      must(crypto::PrivateKey::from_pem(must(read_file(c.home(kByzantine) + "/node.key"))), "key"));
  const consensus::ValidatorSet set = genesis_set(c.genesis());
  const auto suite = c.genesis().suite;

  // A validly signed tx (never submitted) and its three twins.
  const Bytes original =
      must(client::build_signed_tx(c.admin(), c.genesis().chain_id, c.height(0), [](pb::TxBody& b) {
        auto* r = b.mutable_register_organization();
        r->set_org_id("bank-twin");
        r->set_name("Twin Bank");
        r->set_kind("institution");
      }));
  pb::Tx tx;
  ASSERT_TRUE(tx.ParseFromArray(original.data(), static_cast<int>(original.size())));
  tx.set_signature(
      to_string(must(crypto::mirror_ecdsa_signature(suite, as_bytes(tx.signature())))));
  Bytes unknown = original;
  for (std::uint8_t b : {0x22, 0x01, 0x78}) unknown.push_back(b);  // field 4 (undefined): "x"
  Bytes trailing = original;
  trailing.push_back(0x00);
  const std::vector<Form> forms = {
      {"high-s signature", "tx_signature_high_s", to_bytes(tx.SerializeAsString())},
      {"unknown field", "tx_unknown_field", unknown},
      {"trailing byte", "tx_trailing_bytes", trailing}};

  std::uint64_t next = 0;
  std::vector<std::uint64_t> proposed_at;
  for (const auto& form : forms) {
    // A proposal can reach a node a moment before it enters the height (then it is dropped as
    // for another height): a few attempts, at later heights of this proposer.
    bool refused = false;
    for (int attempt = 0; attempt < 3 && !refused; ++attempt) {
      const std::uint64_t h = next_height_proposed_by(c, set, cfg.validator_index, next);
      next = h + 1;
      const Bytes value =
          block_on(c, header_at(c, kHonest[0], h - 1), h, cfg.validator_index, form.raw);
      pb::Block parsed;
      ASSERT_TRUE(parsed.ParseFromArray(value.data(), static_cast<int>(value.size())));
      consensus::Proposal p;
      p.height = h;
      p.round = 0;
      p.pol_round = consensus::kNoRound;
      p.proposer = cfg.validator_index;
      p.value = value;
      p.value_hash = crypto::hash(suite, as_bytes(parsed.header()));
      p.signature = signer.sign(consensus::proposal_sign_bytes(c.genesis().chain_id, p));
      const Bytes frame = consensus::encode_message(p);
      std::vector<std::unique_ptr<p2p::test::RawPeer>> peers;
      for (auto i : kHonest) peers.push_back(connect_as_member(c, kByzantine, i));
      for (std::size_t k = 0; k < peers.size(); ++k) {
        ASSERT_TRUE(peers[k]->send_frame(p2p::Channel::kConsensus, frame)) << "node " << k;
      }
      const std::string line = "proposal refused height=" + std::to_string(h) +
                               " round=0 code=bad_block message=tx 0: " + form.code + ":";
      // The connections stay open while the nodes read the frame.
      const auto deadline = std::chrono::steady_clock::now() + seconds(10);
      while (!refused && std::chrono::steady_clock::now() < deadline) {
        refused = all_logged(c, line);
        if (!refused) std::this_thread::sleep_for(milliseconds(100));
      }
      peers.clear();
      if (refused) proposed_at.push_back(h);
      std::printf("[byzantine] %s at height %llu: %s\n", form.name.c_str(),
                  static_cast<unsigned long long>(h),
                  refused ? "refused by every honest validator" : "not refused by all yet");
    }
    EXPECT_TRUE(refused) << form.name << ": not every honest validator logged '" << form.code
                         << "'\n"
                         << c.all_logs_tail(4000);
  }

  // The round moved on (to an honest proposer) and the chain keeps committing.
  const std::uint64_t top = next + 2;
  ASSERT_TRUE(c.wait_height(kHonest, top, seconds(60))) << c.all_logs_tail();
  expect_same_chain(c, kHonest, top);
  // No honest chain holds any of the twins (nor the original, which was never submitted).
  for (auto i : kHonest) {
    auto client = c.target(i).client(3000);
    for (std::uint64_t h = 1; h <= top; ++h) {
      auto r = client.get("/v1/blocks/" + std::to_string(h));
      ASSERT_TRUE(r.ok() && r->status == 200) << "node " << i << " height " << h;
      const Bytes raw = must(from_base64(json::parse(r->body)["block"].get<std::string>()));
      pb::Block b;
      ASSERT_TRUE(b.ParseFromArray(raw.data(), static_cast<int>(raw.size())));
      for (const auto& t : b.txs()) {
        for (const auto& form : forms) {
          EXPECT_NE(to_bytes(t), form.raw) << form.name << " committed at " << h;
        }
        EXPECT_NE(to_bytes(t), original) << "the original committed at " << h;
      }
    }
  }
  c.start(kByzantine);
  ASSERT_TRUE(c.wait_height({kByzantine}, top, seconds(30))) << c.log_tail(kByzantine);
}

}  // namespace
}  // namespace rl::testing
