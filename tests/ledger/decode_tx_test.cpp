// decode_tx: size limits, strict protobuf decoding, required fields, never a crash.

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "crypto/hash.hpp"
#include "ledger/limits.hpp"
#include "tests/ledger/ledger_fixture.hpp"

namespace rl::ledger::testing {
namespace {

constexpr auto kSuite = crypto::Suite::kP256Sha256;

client::Identity admin() {
  return make_identity(kAdminAccount, kRegulatorOrg, shared_pki().admin_key,
                       shared_pki().admin_cert);
}

Bytes valid_tx() {
  return sign_as(admin(), register_org("bank-a"));
}

std::string error_code(const Result<DecodedTx>& r) {
  return r.ok() ? "ok" : r.error().code;
}

TEST(DecodeTx, ValidTxDecodesWithIdOverBodyOnly) {
  Bytes raw = valid_tx();
  auto d = decode_tx(kSuite, raw);
  ASSERT_TRUE(d.ok()) << d.error().to_string();
  EXPECT_EQ(d->raw, raw);
  EXPECT_EQ(d->body.signer(), kAdminAccount);
  EXPECT_EQ(d->body.payload_case(), pb::TxBody::kRegisterOrganization);
  EXPECT_EQ(d->id, crypto::hash(kSuite, as_bytes(d->tx.body())));
  EXPECT_EQ(payload_name(d->body), "register_organization");

  // The id never covers the signature: the same body with another signature has the same id.
  auto resigned = sign_tx(d->body, shared_pki().admin_key, admin().cert_id).value();
  ASSERT_NE(resigned, raw);  // ECDSA signatures are randomized
  auto d2 = decode_tx(kSuite, resigned);
  ASSERT_TRUE(d2.ok());
  EXPECT_EQ(d2->id, d->id);
}

TEST(DecodeTx, EmptyIsRejected) {
  auto d = decode_tx(kSuite, Bytes{});
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, "bad_tx_encoding");
}

TEST(DecodeTx, OverSizeLimitIsTxTooLarge) {
  Bytes big(limits::kMaxTxBytes + 1, 0x0a);
  EXPECT_EQ(error_code(decode_tx(kSuite, big)), "tx_too_large");

  // A structurally valid tx that is over the limit only because of its payload.
  Bytes huge =
      sign_as(admin(), submit_report(kCapital, "2026-Q3", std::string(limits::kMaxTxBytes, 'x')));
  ASSERT_GT(huge.size(), limits::kMaxTxBytes);
  EXPECT_EQ(error_code(decode_tx(kSuite, huge)), "tx_too_large");

  // Exactly at the limit is not "too large" (it fails later, as garbage).
  Bytes at_limit(limits::kMaxTxBytes, 0xff);
  EXPECT_EQ(error_code(decode_tx(kSuite, at_limit)), "bad_tx_encoding");
}

TEST(DecodeTx, TruncationAtEveryCutPointIsAnEncodingOrMissingFieldError) {
  Bytes raw = valid_tx();
  std::set<std::string> seen;
  for (std::size_t cut = 1; cut < raw.size(); ++cut) {
    Bytes part(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(cut));
    auto d = decode_tx(kSuite, part);
    ASSERT_FALSE(d.ok()) << "truncation at " << cut << " of " << raw.size() << " decoded";
    EXPECT_TRUE(d.error().code == "bad_tx_encoding" || d.error().code == "missing_field")
        << "cut " << cut << ": " << d.error().to_string();
    seen.insert(d.error().code);
  }
  // Both outcomes occur: cuts inside a field, and cuts on a field boundary.
  EXPECT_EQ(seen, (std::set<std::string>{"bad_tx_encoding", "missing_field"}));
}

TEST(DecodeTx, TruncatedBodyInsideWellFormedTx) {
  auto d = decode_tx(kSuite, valid_tx()).value();
  const std::string& body = d.tx.body();
  for (std::size_t cut : {std::size_t{1}, body.size() / 3, body.size() / 2, body.size() - 1}) {
    Bytes raw = encode_tx(body.substr(0, cut), d.tx.signature(), d.tx.signer_cert_id());
    auto r = decode_tx(kSuite, raw);
    ASSERT_FALSE(r.ok()) << "cut " << cut;
    EXPECT_TRUE(r.error().code == "bad_tx_encoding" || r.error().code == "missing_field" ||
                r.error().code == "unknown_payload")
        << "cut " << cut << ": " << r.error().to_string();
  }
}

TEST(DecodeTx, MissingTopLevelFields) {
  auto d = decode_tx(kSuite, valid_tx()).value();
  const auto& body = d.tx.body();
  const auto& sig = d.tx.signature();
  const auto& cid = d.tx.signer_cert_id();
  EXPECT_EQ(error_code(decode_tx(kSuite, encode_tx("", sig, cid))), "missing_field");
  EXPECT_EQ(error_code(decode_tx(kSuite, encode_tx(body, "", cid))), "missing_field");
  EXPECT_EQ(error_code(decode_tx(kSuite, encode_tx(body, sig, ""))), "missing_field");
  EXPECT_EQ(error_code(decode_tx(kSuite, encode_tx(body, sig, cid.substr(1)))), "missing_field");
  EXPECT_EQ(error_code(decode_tx(kSuite, encode_tx(body, sig, cid + "x"))), "missing_field");
}

TEST(DecodeTx, NoPayloadIsUnknownPayload) {
  pb::TxBody body = make_body(admin(), nullptr);
  ASSERT_EQ(body.payload_case(), pb::TxBody::PAYLOAD_NOT_SET);
  Bytes raw = sign_tx(body, shared_pki().admin_key, admin().cert_id).value();
  EXPECT_EQ(error_code(decode_tx(kSuite, raw)), "unknown_payload");
}

TEST(DecodeTx, UnknownPayloadFieldNumberIsUnknownPayload) {
  // A payload from a future version: field 100, length-delimited, which this node does not know
  // (field numbers up to 20 are taken; 18-20 are the offline device payloads).
  std::string body = make_body(admin(), nullptr).SerializeAsString();
  const std::string future_field = std::string("\xa2\x06\x03", 3) + "abc";
  body += future_field;
  pb::TxBody probe;
  ASSERT_TRUE(probe.ParseFromString(body));
  Bytes raw = encode_tx(body, "sig", to_string(admin().cert_id));
  EXPECT_EQ(error_code(decode_tx(kSuite, raw)), "unknown_payload");
}

TEST(DecodeTx, MissingBodyFields) {
  TxOptions no_expiry;
  no_expiry.expires_at_height = 0;
  EXPECT_EQ(error_code(decode_tx(kSuite, sign_as(admin(), register_org("x"), no_expiry))),
            "missing_field");

  TxOptions no_chain;
  no_chain.chain_id = "";
  EXPECT_EQ(error_code(decode_tx(kSuite, sign_as(admin(), register_org("x"), no_chain))),
            "missing_field");

  TxOptions no_signer;
  no_signer.signer = "";
  EXPECT_EQ(error_code(decode_tx(kSuite, sign_as(admin(), register_org("x"), no_signer))),
            "missing_field");

  TxOptions long_signer;
  long_signer.signer = std::string(65, 'a');
  EXPECT_EQ(error_code(decode_tx(kSuite, sign_as(admin(), register_org("x"), long_signer))),
            "missing_field");
  long_signer.signer = std::string(64, 'a');
  EXPECT_TRUE(decode_tx(kSuite, sign_as(admin(), register_org("x"), long_signer)).ok());
}

TEST(DecodeTx, BodyThatIsNotATxBody) {
  // Field 1 (chain_id) declared with a length running past the end of the body.
  Bytes raw = encode_tx(std::string("\x0a\x7f", 2) + "abc", "sig", to_string(admin().cert_id));
  EXPECT_EQ(error_code(decode_tx(kSuite, raw)), "bad_tx_encoding");
}

TEST(DecodeTx, RandomAndMutatedBytesNeverCrash) {
  static const std::set<std::string> kCodes = {"ok",
                                               "bad_tx_encoding",
                                               "missing_field",
                                               "unknown_payload",
                                               "tx_too_large",
                                               "tx_unknown_field",
                                               "tx_field_order",
                                               "tx_non_minimal_varint",
                                               "tx_trailing_bytes",
                                               "tx_non_canonical",
                                               "tx_signature_not_der",
                                               "tx_signature_high_s"};
  std::mt19937_64 rng(20260101);
  Bytes base = valid_tx();
  for (int i = 0; i < 3000; ++i) {
    Bytes b;
    if (i % 2 == 0) {
      b.resize(rng() % 300);
      for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    } else {
      b = base;
      for (int k = 0; k < 1 + static_cast<int>(rng() % 4); ++k) {
        b[rng() % b.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
      }
    }
    auto code = error_code(decode_tx(kSuite, b));
    EXPECT_TRUE(kCodes.count(code)) << code;
  }
}

}  // namespace
}  // namespace rl::ledger::testing
