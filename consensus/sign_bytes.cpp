#include "consensus/sign_bytes.hpp"

#include "proto/vote_sign_bytes.hpp"

namespace rl::consensus {
namespace {

void append_u32_be(Bytes& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

}  // namespace

Bytes vote_sign_bytes(std::string_view chain_id, const Vote& v) {
  return rl::proto::vote_sign_bytes(chain_id, v.height, static_cast<std::uint32_t>(v.round), v.type,
                                    v.value_hash);
}

Bytes precommit_sign_bytes(std::string_view chain_id, Height height, Round round,
                           ByteView block_hash) {
  return rl::proto::vote_sign_bytes(chain_id, height, static_cast<std::uint32_t>(round),
                                    VoteType::kPrecommit, block_hash);
}

Bytes proposal_sign_bytes(std::string_view chain_id, const Proposal& p) {
  static constexpr std::string_view kTag = "regledger/proposal/v1";
  Bytes out;
  out.reserve(kTag.size() + 1 + 2 + chain_id.size() + 8 + 4 + 4 + 1 + p.value_hash.size());
  out.insert(out.end(), kTag.begin(), kTag.end());
  out.push_back(0x00);
  out.push_back(static_cast<std::uint8_t>(chain_id.size() >> 8));
  out.push_back(static_cast<std::uint8_t>(chain_id.size()));
  out.insert(out.end(), chain_id.begin(), chain_id.end());
  append_u64_be(out, p.height);
  append_u32_be(out, static_cast<std::uint32_t>(p.round));
  append_u32_be(out, p.pol_round < 0 ? 0xFFFFFFFFu : static_cast<std::uint32_t>(p.pol_round));
  out.push_back(static_cast<std::uint8_t>(p.value_hash.size()));
  out.insert(out.end(), p.value_hash.begin(), p.value_hash.end());
  return out;
}

}  // namespace rl::consensus
