#include "tests/ledger/four_validator_fixture.hpp"

#include "common/wall_clock.hpp"
#include "ledger/commit.hpp"

namespace rl::ledger::testing {

void FourValidatorFixture::SetUp() {
  keys_.push_back(pki_.validator_key);
  genesis_.validators[0].power = 1;
  for (std::uint32_t i = 1; i < kValidators; ++i) {
    auto key = crypto::PrivateKey::generate(crypto::Suite::kP256Sha256).value();
    auto cert = issue_cert(pki_.root, pki_.root_key, key, "validator-" + std::to_string(i),
                           rl::wall_now_s() - 3600, rl::wall_now_s() + 30 * kDay,
                           crypto::CertProfile::kTlsServerClient);
    GenesisValidator v;
    v.name = "validator-" + std::to_string(i);
    v.certificate_pem = cert.to_pem();
    v.power = 1;
    v.p2p_address = "127.0.0.1:" + std::to_string(26656 + i);
    v.api_url = "https://127.0.0.1:" + std::to_string(8443 + i);
    genesis_.validators.push_back(v);
    keys_.push_back(std::move(key));
  }
  LedgerFixture::SetUp();
}

pb::CommitCertificate FourValidatorFixture::certify_in(const std::vector<std::uint32_t>& order,
                                                       std::uint64_t height, ByteView block_hash) {
  pb::CommitCertificate cert;
  cert.set_height(height);
  cert.set_round(0);
  cert.set_block_hash(to_string(block_hash));
  for (auto i : order) {
    *cert.add_signatures() =
        sign_precommit(chain_->anchor(), keys_[i], i, height, 0, block_hash).value();
  }
  return cert;
}

pb::CommitCertificate FourValidatorFixture::certify(std::uint64_t height, ByteView block_hash,
                                                    std::uint32_t /*round*/) {
  return certify_in({0, 1, 2}, height, block_hash);
}

}  // namespace rl::ledger::testing
