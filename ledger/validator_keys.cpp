#include "ledger/validator_keys.hpp"

#include <stdexcept>
#include <string>
#include <string_view>

#include "crypto/hash.hpp"

namespace rl::ledger {

Result<ValidatorKeys> make_validator_keys(crypto::Suite suite, std::vector<crypto::PublicKey> keys,
                                          const std::vector<std::uint64_t>& powers) {
  if (keys.size() != powers.size()) {
    throw std::logic_error("make_validator_keys: keys and powers differ in length");
  }
  std::vector<consensus::Validator> members;
  members.reserve(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i].suite() != suite) {
      return make_error("bad_validator_set",
                        "validator " + std::to_string(i) + " key is of another suite");
    }
    members.push_back({keys[i].to_der(), powers[i]});
  }
  auto set = consensus::ValidatorSet::create(std::move(members));
  if (!set.ok()) return make_error("bad_validator_set", set.error().message);
  ValidatorKeys out{std::move(set).value(), std::move(keys), {}};
  out.hash = validator_set_hash(suite, out.set);
  return out;
}

Bytes validator_set_hash(crypto::Suite suite, const consensus::ValidatorSet& set) {
  static constexpr std::string_view kTag = "regledger/valset/v1";
  Bytes buf(kTag.begin(), kTag.end());
  buf.push_back(0);
  for (const auto& v : set.validators()) {
    append_u64_be(buf, v.power);
    const auto n = static_cast<std::uint32_t>(v.id.size());
    for (int s = 24; s >= 0; s -= 8) buf.push_back(static_cast<std::uint8_t>(n >> s));
    buf.insert(buf.end(), v.id.begin(), v.id.end());
  }
  return crypto::hash(suite, buf);
}

bool ValidatorKeysVerifier::verify(const consensus::Validator& validator, ByteView message,
                                   ByteView signature) const {
  const auto index = keys_.set.index_of(validator.id);
  if (!index || *index >= keys_.keys.size()) return false;
  return crypto::verify(keys_.keys[*index], message, signature);
}

}  // namespace rl::ledger
