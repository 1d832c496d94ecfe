// One byte string per transaction (decision 0045, issue #19): decode_tx refuses every other
// encoding of a tx, each with its own code, and a block carrying such a twin is refused. The
// vectors below are exact bytes; docs/decisions/0045-bounded-growth-and-canonical-txs.md lists
// them too.

#include <gtest/gtest.h>

#include "crypto/signature_form.hpp"
#include "tests/ledger/ledger_fixture.hpp"

namespace rl::ledger::testing {
namespace {

constexpr auto kSuite = crypto::Suite::kP256Sha256;

std::string code_of(const Result<DecodedTx>& r) {
  return r.ok() ? "ok" : r.error().code;
}

Bytes hex(const std::string& h) {
  return from_hex(h).value();
}

// Body: chain_id "c", nonce 1, expires_at_height 10, signer "a", RegisterOrganization
// {org_id "o", name "O", kind "institution"}. Signature: DER (r = 1, s = 1). signer_cert_id: 32
// bytes of 0x11. decode_tx checks form, not the signature.
constexpr const char* kBody = "0a1f0a01631001180a22016152130a016f12014f1a0b696e737469747574696f6e";
constexpr const char* kSig = "120830060201010201011a20";
constexpr const char* kCertId = "1111111111111111111111111111111111111111111111111111111111111111";

struct Vector {
  const char* name;
  std::string hex;
  const char* code;
};

std::vector<Vector> vectors() {
  const std::string canonical = std::string(kBody) + kSig + kCertId;
  return {
      {"canonical", canonical, "ok"},
      {"unknown field 4 appended", canonical + "2200", "tx_unknown_field"},
      {"a zero byte appended", canonical + "00", "tx_trailing_bytes"},
      {"signer_cert_id given twice", canonical + "1a20" + kCertId, "tx_field_order"},
      {"signature before body", std::string("12083006020101020101") + kBody + "1a20" + kCertId,
       "tx_field_order"},
      {"body length as two bytes",
       std::string("0a9f00") + std::string(kBody).substr(4) + kSig + kCertId,
       "tx_non_minimal_varint"},
      {"nonce 0 written out in the body",
       "0a1f0a01631000180a22016152130a016f12014f1a0b696e737469747574696f6e" + std::string(kSig) +
           kCertId,
       "tx_non_canonical"},
      {"signature in BER long-form length",
       std::string(kBody) + "1209308106020101020101" + "1a20" + kCertId, "tx_signature_not_der"},
      {"s = n - 1",
       std::string(kBody) +
           "12283026020101022100ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550"
           "1a20" +
           kCertId,
       "tx_signature_high_s"},
  };
}

TEST(TxCanonicalVectors, EachFormHasItsOwnCode) {
  for (const auto& v : vectors()) {
    EXPECT_EQ(code_of(decode_tx(kSuite, hex(v.hex))), v.code) << v.name << ": " << v.hex;
  }
}

TEST(TxCanonicalVectors, TheCanonicalVectorReencodesToItself) {
  const Bytes raw = hex(vectors()[0].hex);
  auto d = decode_tx(kSuite, raw);
  ASSERT_TRUE(d.ok()) << d.error().to_string();
  EXPECT_EQ(to_bytes(d->tx.SerializeAsString()), raw);
  EXPECT_EQ(d->body.register_organization().kind(), "institution");
}

// The three twins of a real, validly signed tx that the issue names: each decodes to the same
// body (the same id), and the high-s one even verifies, so only decode_tx's rule tells them
// apart from the original.
struct Twins {
  Bytes original, high_s, unknown_field, trailing;
};

Twins twins_of(const Bytes& raw) {
  pb::Tx tx;
  EXPECT_TRUE(tx.ParseFromArray(raw.data(), static_cast<int>(raw.size())));
  Twins t;
  t.original = raw;
  pb::Tx mirrored = tx;
  mirrored.set_signature(
      to_string(crypto::mirror_ecdsa_signature(kSuite, as_bytes(tx.signature())).value()));
  t.high_s = to_bytes(mirrored.SerializeAsString());
  t.unknown_field = raw;
  for (std::uint8_t b : {0x22, 0x01, 0x78}) t.unknown_field.push_back(b);  // field 4: "x"
  t.trailing = raw;
  t.trailing.push_back(0x00);
  return t;
}

class TxCanonicalChain : public LedgerFixture {};

TEST_F(TxCanonicalChain, TwinsOfASignedTxAreRefusedAtDecode) {
  Bytes raw = sign_as(admin_, register_org("bank-c"));
  auto original = decode(raw);
  Twins t = twins_of(raw);
  // Without the rule the high-s twin would be a second valid byte string of the same tx.
  ASSERT_TRUE(crypto::verify(pki_.admin_key.public_key(),
                             tx_sign_bytes(as_bytes(original.tx.body())),
                             as_bytes(decode_tx(kSuite, raw).value().tx.signature())));
  pb::Tx high;
  ASSERT_TRUE(high.ParseFromArray(t.high_s.data(), static_cast<int>(t.high_s.size())));
  EXPECT_TRUE(crypto::verify(pki_.admin_key.public_key(),
                             tx_sign_bytes(as_bytes(original.tx.body())),
                             as_bytes(high.signature())));

  EXPECT_EQ(code_of(decode_tx(kSuite, t.high_s)), "tx_signature_high_s");
  EXPECT_EQ(code_of(decode_tx(kSuite, t.unknown_field)), "tx_unknown_field");
  EXPECT_EQ(code_of(decode_tx(kSuite, t.trailing)), "tx_trailing_bytes");
}

TEST_F(TxCanonicalChain, ABlockCarryingATwinIsRefusedAndTheOriginalCommits) {
  Bytes raw = sign_as(admin_, register_org("bank-c"));
  PreparedBlock b = build(*chain_, {raw});
  ASSERT_EQ(b.txs.size(), 1u);
  Twins t = twins_of(raw);
  const ChainHead before = chain_->head();
  for (const auto& [twin, code] :
       std::vector<std::pair<Bytes, std::string>>{{t.high_s, "tx_signature_high_s"},
                                                  {t.unknown_field, "tx_unknown_field"},
                                                  {t.trailing, "tx_trailing_bytes"}}) {
    // tx_root and tx_count match the twin; app_hash is the original's, which the twin (same
    // body) would reproduce.
    auto r = chain_->check_block(replace_txs(genesis_.suite, b.block_bytes, {twin}));
    ASSERT_FALSE(r.ok()) << code << ": the block was accepted";
    EXPECT_EQ(r.error().code, "bad_block");
    EXPECT_NE(r.error().message.find(code), std::string::npos) << r.error().to_string();
    EXPECT_TRUE(same_head(chain_->head(), before));
  }
  auto ok = chain_->check_block(b.block_bytes);
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  seal(*chain_, *ok);
  EXPECT_EQ(chain_->head().height, before.height + 1);
}

TEST(TxCanonicalSigning, SignTxProducesOnlyCanonicalTxs) {
  // Half of raw ECDSA signatures are high-s; sign() mirrors them, so all of these decode.
  const auto& pki = shared_pki();
  auto id = make_identity(kAdminAccount, kRegulatorOrg, pki.admin_key, pki.admin_cert);
  for (int i = 0; i < 64; ++i) {
    Bytes raw = sign_as(id, register_org("bank-" + std::to_string(i)));
    auto d = decode_tx(kSuite, raw);
    ASSERT_TRUE(d.ok()) << i << ": " << d.error().to_string();
  }
}

}  // namespace
}  // namespace rl::ledger::testing
