#include "node/validator/byzantine/forgery.hpp"

#include <algorithm>
#include <array>

#include "crypto/hash.hpp"
#include "node/validator/message_parts.hpp"
#include "regledger.pb.h"

namespace rl::node::byzantine {
namespace {

namespace pb = ::regledger::v1;

constexpr std::array<std::string_view, kBadBlockKinds> kBlockNames = {
    "garbage_tx", "bad_signature_tx", "unknown_tx_ids"};
constexpr std::array<std::string_view, kBadPartKinds> kPartNames = {
    "total_too_large", "index_out_of_range", "count_mismatch",  "truncated",
    "overlong",        "short_header",       "digest_mismatch", "never_completes"};

// Forged parts are cut from a random message of three strides.
constexpr std::size_t kStride = 64;

Bytes random_bytes(std::mt19937_64& rng, std::size_t n) {
  Bytes out(n);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

Bytes serialize(const google::protobuf::MessageLite& m) {
  return to_bytes(m.SerializeAsString());
}

// Field offsets inside a part (message_parts.hpp): after magic, digest length and digest.
std::size_t header_at(const Bytes& part) {
  return 2 + part[1];
}
void put_u32(Bytes& part, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) part[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}
void put_u16(Bytes& part, std::size_t at, std::uint16_t v) {
  part[at] = static_cast<std::uint8_t>(v >> 8);
  part[at + 1] = static_cast<std::uint8_t>(v);
}

}  // namespace

Bytes random_hash(std::mt19937_64& rng) {
  return random_bytes(rng, 32);
}

std::string_view bad_block_name(BadBlock b) {
  return kBlockNames[static_cast<std::size_t>(b)];
}

std::string_view bad_part_name(BadPart p) {
  return kPartNames[static_cast<std::size_t>(p)];
}

Result<ForgedValue> forge_bad_block(crypto::Suite suite, const ledger::PreparedBlock& honest,
                                    BadBlock kind, std::mt19937_64& rng) {
  pb::Block block;
  if (!block.ParseFromArray(honest.block_bytes.data(),
                            static_cast<int>(honest.block_bytes.size()))) {
    return make_error("bad_block", "the honest block does not decode");
  }
  pb::BlockHeader header = honest.header;
  header.set_time_ms(header.time_ms() + 1);
  switch (kind) {
    case BadBlock::kGarbageTx: {
      // 0xFF starts a field of wire type 7, which no protobuf parser accepts.
      Bytes garbage(8, 0xFF);
      const Bytes tail = random_bytes(rng, 56);
      garbage.insert(garbage.end(), tail.begin(), tail.end());
      block.add_txs(to_string(garbage));
      break;
    }
    case BadBlock::kBadSignatureTx: {
      if (block.txs_size() == 0) return make_error("no_tx", "the honest block carries no tx");
      const int i = static_cast<int>(rng() % static_cast<std::uint64_t>(block.txs_size()));
      pb::Tx tx;
      if (!tx.ParseFromString(block.txs(i))) return make_error("bad_block", "a tx does not decode");
      std::string sig = tx.signature();
      if (sig.empty()) return make_error("bad_block", "a tx without a signature");
      // The last byte of the DER signature's s: the encoding stays valid, the signature does not.
      sig.back() = static_cast<char>(sig.back() ^ 0x01);
      tx.set_signature(sig);
      block.set_txs(i, tx.SerializeAsString());
      break;
    }
    case BadBlock::kUnknownTxIds: {
      const std::size_t n = std::max<std::size_t>(1, honest.txs.size());
      block.clear_txs();
      block.clear_tx_ids();
      for (std::size_t k = 0; k < n; ++k) block.add_tx_ids(to_string(random_hash(rng)));
      break;
    }
  }
  header.set_tx_count(static_cast<std::uint32_t>(block.txs_size() + block.tx_ids_size()));
  block.set_header(header.SerializeAsString());
  ForgedValue out;
  out.value_hash = crypto::hash(suite, as_bytes(block.header()));
  out.value = serialize(block);
  return out;
}

std::vector<Bytes> forge_bad_parts(crypto::Suite suite, BadPart kind, std::mt19937_64& rng) {
  std::vector<Bytes> parts = split_message(suite, random_bytes(rng, 3 * kStride), kStride);
  Bytes& first = parts.front();
  const std::size_t h = header_at(first);
  switch (kind) {
    case BadPart::kTotalTooLarge:
      put_u32(first, h, 0xFFFFFFFFu);
      break;
    case BadPart::kIndexOutOfRange:
      put_u16(first, h + 8, static_cast<std::uint16_t>(parts.size()));
      break;
    case BadPart::kCountMismatch:
      put_u16(first, h + 10, static_cast<std::uint16_t>(parts.size() + 1));
      break;
    case BadPart::kTruncated:
      first.pop_back();
      break;
    case BadPart::kOverlong:
      first.push_back(0);
      break;
    case BadPart::kShortHeader:
      first.resize(h + 4);
      break;
    case BadPart::kDigestMismatch:
      // The same altered digest in every part: they assemble, and the whole does not hash to it.
      for (auto& p : parts) p[2] ^= 0x01;
      return parts;
    case BadPart::kNeverCompletes:
      parts.pop_back();
      return parts;
  }
  return {first};
}

}  // namespace rl::node::byzantine
