#pragma once
// TEST ONLY (regledgerd_byzantine, decision 0074): the invalid things a Byzantine validator sends,
// built from honest material. Pure: no I/O, no state; every random choice comes from `rng`.

#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "common/result.hpp"
#include "crypto/suite.hpp"
#include "ledger/chain.hpp"

namespace rl::node::byzantine {

// 32 bytes that are no block's or tx's hash.
Bytes random_hash(std::mt19937_64& rng);

enum class BadBlock : std::uint8_t {
  kGarbageTx,       // full form, one more "tx" that is not a Tx at all
  kBadSignatureTx,  // full form, one tx's signature altered (its body still decodes)
  kUnknownTxIds,    // compact form naming txs nobody has
};
inline constexpr std::size_t kBadBlockKinds = 3;
std::string_view bad_block_name(BadBlock b);

struct ForgedValue {
  Bytes value;
  Bytes value_hash;  // the suite hash of the forged header, as a proposal names it
};

// A proposal value made from an honestly built block: invalid the way `kind` says, with a header
// of its own (one millisecond later, so its hash is not the honest block's). Code: no_tx
// (kBadSignatureTx on a block without txs).
Result<ForgedValue> forge_bad_block(crypto::Suite suite, const ledger::PreparedBlock& honest,
                                    BadBlock kind, std::mt19937_64& rng);

enum class BadPart : std::uint8_t {
  kTotalTooLarge,    // declares a message beyond any receiver's bound
  kIndexOutOfRange,  // index >= count
  kCountMismatch,    // count disagrees with total and stride
  kTruncated,        // one byte short of its stride
  kOverlong,         // more data than its stride
  kShortHeader,      // ends inside the part header
  kDigestMismatch,   // every part of a message whose bytes do not hash to its digest
  kNeverCompletes,   // two parts of three; the third never comes
};
inline constexpr std::size_t kBadPartKinds = 8;
std::string_view bad_part_name(BadPart p);

// The consensus-channel payloads of one forged message in parts (node/validator/message_parts.hpp).
std::vector<Bytes> forge_bad_parts(crypto::Suite suite, BadPart kind, std::mt19937_64& rng);

}  // namespace rl::node::byzantine
