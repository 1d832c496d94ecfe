// prefetch_signatures against a real RocksDB store: it verifies, on several threads, exactly the
// signatures that sequential execution would accept, and nothing else.
#include "ledger/signature_prefetch.hpp"

#include <gtest/gtest.h>

#include "crypto/hash.hpp"
#include "ledger/state_keys.hpp"
#include "tests/ledger/ledger_fixture.hpp"

namespace rl::ledger {
namespace {

using testing::LedgerFixture;

class SignaturePrefetchTest : public LedgerFixture {
 protected:
  void SetUp() override {
    LedgerFixture::SetUp();
    store_ = Store::open(make_temp_dir()).value();
    // The admin's certificate is bound in this store's committed state.
    pb::CertificateRecord rec;
    rec.set_cert_id(to_string(admin_.cert_id));
    rec.set_account_id(admin_.account);
    rec.set_certificate_der(to_string(admin_.cert.to_der()));
    WriteBatch b;
    b.put(Cf::kState, keys::certificate(admin_.cert_id), as_bytes(rec.SerializeAsString()));
    ASSERT_TRUE(store_->write(b).ok());
  }

  std::vector<DecodedTx> signed_txs(std::size_t n) {
    std::vector<DecodedTx> out;
    for (std::size_t i = 0; i < n; ++i) {
      out.push_back(decode(testing::sign_as(
          admin_, testing::register_org(std::string("prefetch-") + std::to_string(i)))));
    }
    return out;
  }

  static std::vector<TxRef> refs(const std::vector<DecodedTx>& txs) {
    std::vector<TxRef> out;
    for (const auto& tx : txs) out.push_back(std::make_shared<const DecodedTx>(tx));
    return out;
  }

  bool cached(const VerifyCache& c, const DecodedTx& tx) {
    return c.is_verified(crypto::hash(genesis_.suite, tx.raw));
  }

  std::unique_ptr<Store> store_;
};

TEST_F(SignaturePrefetchTest, VerifiesEveryGoodSignatureAndNoBadOne) {
  auto txs = signed_txs(100);
  // Tx 7 carries another tx's signature; tx 9 names a certificate that is not bound.
  pb::Tx forged = txs[7].tx;
  forged.set_signature(txs[8].tx.signature());
  txs[7] = decode(to_bytes(forged.SerializeAsString()));
  pb::Tx unbound = txs[9].tx;
  unbound.set_signer_cert_id(std::string(32, 'x'));
  txs[9] = decode(to_bytes(unbound.SerializeAsString()));

  VerifyCache cache;
  EXPECT_EQ(prefetch_signatures(genesis_.suite, *store_, cache, refs(txs)), 98u);
  for (std::size_t i = 0; i < txs.size(); ++i) {
    EXPECT_EQ(cached(cache, txs[i]), i != 7 && i != 9) << i;
  }
  // A second pass finds everything it can judge already cached.
  EXPECT_EQ(prefetch_signatures(genesis_.suite, *store_, cache, refs(txs)), 0u);
}

TEST_F(SignaturePrefetchTest, SmallBlocksAreLeftToSequentialExecution) {
  auto txs = signed_txs(5);
  VerifyCache cache;
  EXPECT_EQ(prefetch_signatures(genesis_.suite, *store_, cache, refs(txs)), 0u);
  for (const auto& tx : txs) EXPECT_FALSE(cached(cache, tx));
}

}  // namespace
}  // namespace rl::ledger
