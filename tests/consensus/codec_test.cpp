// The wire codec: round trips, strictness, and that no byte string can crash the decoder.

#include <gtest/gtest.h>

#include <random>

#include "consensus/codec.hpp"
#include "consensus/sign_bytes.hpp"

namespace rl::consensus {
namespace {

Proposal sample_proposal() {
  return Proposal{7, 3, 1, 2, to_bytes("the block"), Bytes(32, 0xAB), Bytes(70, 0x30)};
}
Vote sample_vote(VoteType t = VoteType::kPrecommit) {
  return Vote{t, 7, 3, 2, Bytes(32, 0xCD), Bytes(71, 0x31)};
}

TEST(Codec, MessagesRoundTrip) {
  for (const Message& m : {Message{sample_proposal()}, Message{sample_vote()},
                           Message{Vote{VoteType::kPrevote, 1, 0, 0, {}, {}}}}) {
    auto d = decode_message(encode_message(m));
    ASSERT_TRUE(d.ok()) << d.error().to_string();
    EXPECT_EQ(*d, m);
  }
}

TEST(Codec, CertificateEvidenceAndSafetyStateRoundTrip) {
  CommitCertificate c{9, 2, Bytes(32, 1), {{0, Bytes(64, 2)}, {3, Bytes(64, 3)}}};
  EXPECT_EQ(decode_certificate(encode_certificate(c)).value(), c);
  DuplicateVoteEvidence e{sample_vote(), sample_vote()};
  e.second.value_hash = {};
  EXPECT_EQ(decode_evidence(encode_evidence(e)).value(), e);
  SafetyState s;
  s.height = 5;
  s.round = 2;
  s.step = Step::kPrecommit;
  s.locked_round = 1;
  s.locked_value = to_bytes("v");
  s.locked_hash = Bytes(32, 9);
  s.last_vote = sample_vote();
  s.last_proposal = sample_proposal();
  s.recent_votes = {sample_vote(VoteType::kPrevote), sample_vote()};
  s.valid_pol = {sample_vote(VoteType::kPrevote)};
  EXPECT_EQ(decode_safety_state(encode_safety_state(s)).value(), s);
  EXPECT_EQ(decode_safety_state(encode_safety_state(SafetyState{})).value(), SafetyState{});
}

TEST(Codec, EveryTruncationAndTrailingByteIsAnError) {
  const Bytes full = encode_message(sample_proposal());
  for (std::size_t n = 0; n < full.size(); ++n) {
    auto d = decode_message(ByteView(full.data(), n));
    ASSERT_FALSE(d.ok()) << n;
    EXPECT_EQ(d.error().code, "malformed_consensus_bytes");
  }
  Bytes longer = full;
  longer.push_back(0);
  EXPECT_FALSE(decode_message(longer).ok());
}

TEST(Codec, RejectsOutOfRangeFields) {
  Bytes v = encode_message(sample_vote());
  v[2] = 3;  // vote type
  EXPECT_FALSE(decode_message(v).ok());
  Proposal p = sample_proposal();
  p.pol_round = 3;  // not below its round
  EXPECT_FALSE(decode_message(encode_message(p)).ok());
  p = sample_proposal();
  p.value_hash = Bytes(65, 1);
  EXPECT_FALSE(decode_message(encode_message(p)).ok());
  CommitCertificate c{9, 2, Bytes(32, 1), {{3, Bytes(8, 2)}, {3, Bytes(8, 3)}}};
  EXPECT_FALSE(decode_certificate(encode_certificate(c)).ok());  // duplicate signer
  Bytes huge_len = {1, 1};                                       // proposal claiming a 4 GiB value
  huge_len.resize(2 + 8 + 4 + 4 + 4, 0);
  huge_len[2 + 8 + 4 + 3] = 0xFF;  // pol round = none needs all four bytes
  huge_len[2 + 8 + 4] = 0xFF;
  huge_len[2 + 8 + 4 + 1] = 0xFF;
  huge_len[2 + 8 + 4 + 2] = 0xFF;
  huge_len.push_back(1);
  huge_len.push_back(0xAA);
  for (int i = 0; i < 4; ++i) huge_len.push_back(0xFF);
  auto d = decode_message(huge_len);
  ASSERT_FALSE(d.ok());
}

TEST(Codec, RandomGarbageNeverCrashes) {
  std::mt19937_64 rng(42);
  const Bytes good = encode_message(sample_proposal());
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes b;
    if (i % 2 == 0) {
      b.resize(rng() % 200);
      for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    } else {
      b = good;  // mutate a valid message
      for (int k = 0; k < 3; ++k) b[rng() % b.size()] = static_cast<std::uint8_t>(rng());
    }
    accepted += decode_message(b).ok() ? 1 : 0;
    (void)decode_certificate(b);
    (void)decode_evidence(b);
    (void)decode_safety_state(b);
  }
  EXPECT_LT(accepted, 20000);
}

TEST(SignBytes, ProposalAndVoteDomainsDiffer) {
  const Proposal p = sample_proposal();
  const Bytes pb = proposal_sign_bytes("chain", p);
  const std::string tag = "regledger/proposal/v1";
  EXPECT_EQ(Bytes(pb.begin(), pb.begin() + static_cast<std::ptrdiff_t>(tag.size())), to_bytes(tag));
  const Bytes vb = vote_sign_bytes("chain", sample_vote());
  EXPECT_NE(Bytes(vb.begin(), vb.begin() + 18), Bytes(pb.begin(), pb.begin() + 18));
  // The vote encoding is exactly proto::vote_sign_bytes (shared with ledger/ and client/).
  EXPECT_EQ(vb, precommit_sign_bytes("chain", 7, 3, Bytes(32, 0xCD)));
}

}  // namespace
}  // namespace rl::consensus
