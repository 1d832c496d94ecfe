// Block sync and status payloads from peers: every malformed or oversized input is refused
// with its code before anything acts on it.
#include "node/validator/sync_protocol.hpp"

#include <gtest/gtest.h>

namespace rl::node {
namespace {

Bytes ser(const google::protobuf::MessageLite& m) {
  return to_bytes(m.SerializeAsString());
}

TEST(SyncProtocol, StatusDecodesAndRefusesGarbageAndOversize) {
  pb::PeerStatus s;
  s.set_height(42);
  s.set_block_hash(std::string(32, 'h'));
  auto ok = decode_peer_status(ser(s));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->height(), 42u);
  EXPECT_EQ(decode_peer_status(Bytes{0xff, 0xff, 0xff}).error().code, "bad_status");
  EXPECT_EQ(decode_peer_status(Bytes(kMaxStatusBytes + 1, 0)).error().code, "bad_status");
  s.set_app_hash(std::string(65, 'a'));
  EXPECT_EQ(decode_peer_status(ser(s)).error().code, "bad_status");
}

TEST(SyncProtocol, RequestBoundsAreEnforced) {
  pb::SyncRequest r;
  r.set_from_height(10);
  r.set_max_blocks(64);
  ASSERT_TRUE(decode_sync_request(ser(r)).ok());
  r.set_max_blocks(0);
  EXPECT_EQ(decode_sync_request(ser(r)).error().code, "bad_sync_request");
  r.set_max_blocks(kMaxSyncBlocksPerRequest + 1);
  EXPECT_EQ(decode_sync_request(ser(r)).error().code, "bad_sync_request");
  r.set_max_blocks(1);
  r.set_from_height(0);
  EXPECT_EQ(decode_sync_request(ser(r)).error().code, "bad_sync_request");
  EXPECT_EQ(decode_sync_request(Bytes(kMaxSyncRequestBytes + 1, 0x08)).error().code,
            "bad_sync_request");
  EXPECT_EQ(decode_sync_request(Bytes{0x0a, 0xff}).error().code, "bad_sync_request");
}

TEST(SyncProtocol, ResponseSizeAndCountAreBounded) {
  pb::SyncResponse r;
  r.set_from_height(1);
  auto* e = r.add_blocks();
  e->set_block(std::string(1000, 'b'));
  e->set_certificate("c");
  Bytes bytes = ser(r);
  ASSERT_TRUE(decode_sync_response(bytes, bytes.size()).ok());
  EXPECT_EQ(decode_sync_response(bytes, bytes.size() - 1).error().code, "bad_sync_response");
  pb::SyncResponse many;
  for (std::uint32_t i = 0; i <= kMaxSyncBlocksPerRequest; ++i) many.add_blocks();
  Bytes many_bytes = ser(many);
  EXPECT_EQ(decode_sync_response(many_bytes, 1 << 20).error().code, "bad_sync_response");
  EXPECT_EQ(decode_sync_response(Bytes{0x12, 0x80}, 1 << 20).error().code, "bad_sync_response");
}

TEST(SyncProtocol, BlockRequestAndResponseAreBounded) {
  pb::BlockRequest q;
  q.set_block_hash(std::string(32, 'h'));
  ASSERT_TRUE(decode_block_request(ser(q), 32).ok());
  q.set_block_hash(std::string(31, 'h'));
  EXPECT_EQ(decode_block_request(ser(q), 32).error().code, "bad_block_request");
  q.set_block_hash("");
  EXPECT_EQ(decode_block_request(ser(q), 32).error().code, "bad_block_request");
  EXPECT_EQ(decode_block_request(Bytes(kMaxBlockRequestBytes + 1, 0x08), 32).error().code,
            "bad_block_request");
  EXPECT_EQ(decode_block_request(Bytes{0x0a, 0xff}, 32).error().code, "bad_block_request");
  // Missing txs by id: each a hash, and no more than a request may name.
  q.set_block_hash(std::string(32, 'h'));
  q.add_tx_ids(std::string(32, 'a'));
  ASSERT_TRUE(decode_block_request(ser(q), 32).ok());
  q.add_tx_ids("short");
  EXPECT_EQ(decode_block_request(ser(q), 32).error().code, "bad_block_request");
  q.clear_tx_ids();
  for (std::size_t i = 0; i <= kMaxRequestedTxs; ++i) q.add_tx_ids(std::string(32, 'a'));
  EXPECT_EQ(decode_block_request(ser(q), 32).error().code, "bad_block_request");

  pb::BlockResponse a;
  a.set_block_hash(std::string(32, 'h'));
  a.set_block(std::string(1000, 'b'));
  Bytes bytes = ser(a);
  ASSERT_TRUE(decode_block_response(bytes, 32, bytes.size()).ok());
  EXPECT_EQ(decode_block_response(bytes, 32, bytes.size() - 1).error().code, "bad_block_response");
  a.add_txs("tx");  // a block and txs at once
  EXPECT_EQ(decode_block_response(ser(a), 32, 1 << 20).error().code, "bad_block_response");
  a.clear_block();
  ASSERT_TRUE(decode_block_response(ser(a), 32, 1 << 20).ok());
  a.set_block_hash("x");
  EXPECT_EQ(decode_block_response(ser(a), 32, 1 << 20).error().code, "bad_block_response");
  EXPECT_EQ(decode_block_response(Bytes{0x12, 0x80}, 32, 1 << 20).error().code,
            "bad_block_response");
}

}  // namespace
}  // namespace rl::node
