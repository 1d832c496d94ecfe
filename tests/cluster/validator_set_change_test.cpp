// Validator-set governance with real processes (decision 0041): four genesis validators; a
// fifth node, started from the same genesis but not in it, follows the chain; governance adds it
// and it signs commit certificates from the effective height on; governance then removes one of
// the four, which never signs again from its effective height, and commits continue after it is
// killed. A validator restarted after the changes resumes with the sets from its ledger. A
// receipt committed after both changes verifies offline from the genesis file alone, and a
// client reading headers follows the handoffs from genesis and catches a node that forges them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "client/lib/node_client.hpp"
#include "client/lib/tx_builder.hpp"
#include "common/file_io.hpp"
#include "config/node_config.hpp"
#include "crypto/x509.hpp"
#include "ledger/commit.hpp"
#include "ledger/receipt.hpp"
#include "proto/vote_sign_bytes.hpp"
#include "tests/cluster/cluster_checks.hpp"
#include "tests/cluster/lying_headers.hpp"
#include "tests/support/cluster.hpp"
#include "tests/support/must.hpp"

namespace rl::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr std::size_t kJoiner = 4;   // the spare validator
constexpr std::size_t kRemoved = 1;  // node1 leaves

// Governance transaction by the network's (only) regulator admin: threshold 1 executes it at
// once. Returns the height it was committed (and executed) at.
std::uint64_t govern(const Cluster& c, const std::string& id, ledger::pb::Propose action) {
  auto height = c.height(0);
  auto tx = must(client::build_signed_tx(c.admin(), c.genesis().chain_id, height,
                                         client::propose(id, height + 200, std::move(action))),
                 "sign proposal");
  auto tx_id = must(submit_and_wait(c.target(0), tx, seconds(20)), "proposal committed");
  auto r = must(c.target(0).client().get("/v1/txs/" + tx_id), "read tx");
  return json::parse(r.body)["height"].get<std::uint64_t>();
}

struct Served {
  ledger::pb::CommitCertificate cert;
  Bytes block_hash;
};

// The commit certificate of height h, as node i serves it with the header.
std::optional<Served> certificate(const Cluster& c, std::size_t i, std::uint64_t h) {
  auto r = c.target(i).client().get("/v1/headers/" + std::to_string(h));
  if (!r.ok() || r->status != 200) return std::nullopt;
  json j = json::parse(r->body, nullptr, false);
  if (j.is_discarded() || !j.contains("commit")) return std::nullopt;
  Served s;
  auto raw = from_base64(j["commit"].get<std::string>());
  auto hash = from_hex(j["block_hash"].get<std::string>());
  if (!raw.ok() || !hash.ok() || !s.cert.ParseFromArray(raw->data(), static_cast<int>(raw->size())))
    return std::nullopt;
  s.block_hash = std::move(hash).value();
  return s;
}

bool signed_by(const Cluster& c, const Served& s, const crypto::PublicKey& key) {
  Bytes msg = proto::vote_sign_bytes(c.genesis().chain_id, s.cert.height(), s.cert.round(),
                                     proto::VoteType::kPrecommit, s.block_hash);
  for (const auto& sig : s.cert.signatures()) {
    if (crypto::verify(key, msg, as_bytes(sig.signature()))) return true;
  }
  return false;
}

crypto::PublicKey node_key(const Cluster& c, std::size_t i) {
  auto pem = must(read_file(c.home(i) + "/node.pem"), "read node.pem");
  return must(crypto::Certificate::from_pem(pem), "parse node.pem").public_key();
}

TEST(ValidatorSetChangeTest, AddedValidatorSignsRemovedOneNeverDoesAgain) {
  const auto started = std::chrono::steady_clock::now();
  ClusterOptions o;
  o.validators = 4;
  o.spare_validators = 1;
  o.name = "valset";
  Cluster c(o);
  c.start_all();
  ASSERT_TRUE(c.wait_height({0, 1, 2, 3}, 2, seconds(30))) << c.all_logs_tail();
  // The fifth node: same genesis, not a validator yet. It follows once the others admit it.
  c.start(kJoiner);
  ASSERT_TRUE(c.wait_healthy(kJoiner, seconds(20))) << c.log_tail(kJoiner);

  ledger::pb::Propose add;
  auto* v = add.mutable_add_validator()->mutable_validator();
  v->set_name("node4");
  auto joiner_cert =
      must(crypto::Certificate::from_pem(must(read_file(c.home(kJoiner) + "/node.pem"))));
  v->set_certificate_der(to_string(joiner_cert.to_der()));
  v->set_power(1);
  v->set_p2p_address("127.0.0.1:" + std::to_string(c.p2p_port(kJoiner)));
  const std::uint64_t added_at = govern(c, "add-node4", add);
  const std::uint64_t joins = added_at + 2;

  // It syncs, and from `joins` on its signature appears in commit certificates.
  ASSERT_TRUE(c.wait_height({kJoiner}, joins + 1, seconds(30))) << c.log_tail(kJoiner);
  const auto joiner_key = node_key(c, kJoiner);
  std::optional<std::uint64_t> signed_at;
  const auto deadline = std::chrono::steady_clock::now() + seconds(20);
  for (std::uint64_t h = joins; !signed_at && std::chrono::steady_clock::now() < deadline;) {
    if (c.height(0) <= h) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    auto s = certificate(c, 0, h);
    ASSERT_TRUE(s.has_value()) << "no certificate for height " << h;
    if (signed_by(c, *s, joiner_key)) signed_at = h;
    ++h;
  }
  ASSERT_TRUE(signed_at.has_value()) << "node4 never signed a commit\n" << c.all_logs_tail();
  for (std::uint64_t h = 1; h < joins; ++h) {
    auto s = certificate(c, 0, h);
    ASSERT_TRUE(s.has_value());
    EXPECT_FALSE(signed_by(c, *s, joiner_key)) << "node4 signed height " << h << " before joining";
  }

  ledger::pb::Propose remove;
  remove.mutable_remove_validator()->set_name("node1");
  const std::uint64_t removed_at = govern(c, "remove-node1", remove);
  const std::uint64_t leaves = removed_at + 2;
  ASSERT_TRUE(c.wait_height({0, 2, 3, kJoiner}, leaves + 2, seconds(30))) << c.all_logs_tail();
  c.kill9(kRemoved);
  const std::uint64_t after_kill = c.height(0);
  ASSERT_TRUE(c.wait_height({0, 2, 3, kJoiner}, after_kill + 3, seconds(30)))
      << "commits stopped after the removed validator was killed\n"
      << c.all_logs_tail();

  // A restart rebuilds the consensus schedule from the ledger's history (not from genesis).
  c.kill9(3);
  c.start(3);
  ASSERT_TRUE(c.wait_healthy(3, seconds(20))) << c.log_tail(3);
  const std::uint64_t before_restart_check = c.height(0);
  ASSERT_TRUE(c.wait_height({0, 2, 3, kJoiner}, before_restart_check + 3, seconds(30)))
      << "node3 did not resume after a restart past the changes\n"
      << c.all_logs_tail();

  const auto removed_key = node_key(c, kRemoved);
  const std::uint64_t top = c.height(0) - 1;  // the head's certificate comes with the next block
  std::size_t removed_signed_before = 0;
  for (std::uint64_t h = joins; h <= top; ++h) {
    auto s = certificate(c, 0, h);
    ASSERT_TRUE(s.has_value()) << "no certificate for height " << h;
    if (h >= leaves) {
      EXPECT_FALSE(signed_by(c, *s, removed_key)) << "node1 signed height " << h;
    } else if (signed_by(c, *s, removed_key)) {
      ++removed_signed_before;
    }
  }
  expect_same_chain(c, {0, 2, 3, kJoiner}, top);

  // A receipt after both changes, verified with the genesis file alone.
  auto reporter = enroll_reporter(c, 0);
  auto tx_id = must(submit_report(c, 2, reporter, "2026-Q3"), "report");
  auto r = must(c.target(0).client().get("/v1/receipts/" + tx_id), "receipt");
  ASSERT_EQ(r.status, 200) << r.body;
  auto receipt = must(ledger::receipt_from_json(r.body), "parse receipt");
  EXPECT_EQ(receipt.handoffs.size(), 2u);
  auto anchor = must(ledger::make_trust_anchor(c.genesis()), "anchor");
  auto verified = ledger::verify_receipt(anchor, receipt);
  EXPECT_TRUE(verified.ok()) << verified.error().message;

  // Verified header reads: the honest node's handoffs lead from genesis to the set that
  // certified the block; a node that alters them is caught and the next node answers.
  LyingHeaders liar(c.target(2).port, c.ca_pem(), c.home(2));
  client::NodeClientConfig cc;
  cc.urls = {liar.url(), "https://127.0.0.1:" + std::to_string(c.target(0).port)};
  cc.ca_pem = c.ca_pem();
  cc.genesis_json = ledger::genesis_to_json(c.genesis());
  auto nc = must(client::NodeClient::create(cc), "node client");
  auto block = nc.verified_block(leaves + 1);
  ASSERT_TRUE(block.ok()) << block.error().to_string();
  EXPECT_EQ(block->url, cc.urls[1]);
  ASSERT_EQ(block->faults.size(), 1u);
  EXPECT_EQ(block->faults[0].kind, client::NodeFault::Kind::kInvalid);
  EXPECT_NE(block->faults[0].reason.find("do not hash to"), std::string::npos)
      << block->faults[0].reason;
  EXPECT_GE(liar.tampered(), 1);

  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf(
      "node4 added at %llu (joins %llu), first signed %llu; node1 removed at %llu (leaves %llu, "
      "signed %zu certificates before); chain at %llu after %.1f s\n",
      static_cast<unsigned long long>(added_at), static_cast<unsigned long long>(joins),
      static_cast<unsigned long long>(*signed_at), static_cast<unsigned long long>(removed_at),
      static_cast<unsigned long long>(leaves), removed_signed_before,
      static_cast<unsigned long long>(top), secs);
}

}  // namespace
}  // namespace rl::testing
