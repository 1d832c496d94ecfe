#pragma once
// Test support for the ledger: an in-memory PKI (root CA, issuing CA, one validator, the
// regulator admin), a genesis built directly as a ledger::Genesis, real RocksDB chains in unique
// temporary directories, and helpers to sign transactions, seal blocks and enroll accounts.
//
// Helpers that cannot fail in a correct ledger call Result::value(), which throws on error; the
// exception fails the calling test with the ledger's error code and message.

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/lib/identity.hpp"
#include "crypto/keys.hpp"
#include "crypto/x509.hpp"
#include "ledger/chain.hpp"
#include "ledger/commit.hpp"
#include "ledger/genesis.hpp"
#include "ledger/tx.hpp"

namespace rl::ledger::testing {

inline constexpr const char* kChainId = "regledger-test";
inline constexpr const char* kRegulatorOrg = "regulator";
inline constexpr const char* kAdminAccount = "regulator-admin";
inline constexpr std::uint64_t kScryptN = 1024;  // the smallest cost the ledger accepts
inline constexpr std::int64_t kDay = 86400;

// Templates in the test genesis.
inline constexpr const char* kCapital = "capital-adequacy";  // floor 2, four required fields
inline constexpr const char* kLiquidity = "liquidity";       // floor 0, {"lcr"}, max 256 bytes
inline constexpr const char* kSensitive = "sensitive";       // floor 50, no required fields
inline constexpr std::uint64_t kLiquidityMaxPayload = 256;

// The test permission mapping: level -> min(99, level + 3), so a label taken from the mapping
// is distinguishable both from the submitter's level and from a template floor.
std::uint32_t mapped_level(std::uint32_t level);

struct Pki {
  crypto::PrivateKey root_key;
  crypto::Certificate root;
  crypto::PrivateKey issuing_key;
  crypto::Certificate issuing;
  crypto::PrivateKey validator_key;
  crypto::Certificate validator_cert;
  crypto::PrivateKey admin_key;
  crypto::Certificate admin_cert;  // CN = regulator-admin, issued by the issuing CA
  GenesisCredential admin_credential;
  std::int64_t genesis_time_ms = 0;
};

// A fresh PKI (new keys for everything).
Pki make_pki();
// One PKI per test process (key generation and scrypt are the slow part under ASan).
const Pki& shared_pki();

crypto::Certificate issue_cert(const crypto::Certificate& issuer,
                               const crypto::PrivateKey& issuer_key,
                               const crypto::PrivateKey& subject_key, const std::string& cn,
                               std::int64_t not_before, std::int64_t not_after,
                               crypto::CertProfile profile = crypto::CertProfile::kEndEntity);

// The test genesis: org "regulator" (kind regulator), account "regulator-admin" (admin, 0199)
// with its certificate bound, the three templates, the mapping above, one validator.
Genesis make_genesis(const Pki& pki, const std::string& chain_id = kChainId);

client::Identity make_identity(const std::string& account, const std::string& org,
                               const crypto::PrivateKey& key, const crypto::Certificate& cert,
                               const std::string& chain_id = kChainId);

// ---------------------------------------------------------------- transactions

using Fill = std::function<void(pb::TxBody&)>;

struct TxOptions {
  std::optional<std::uint64_t> nonce;      // default: a fresh, process-unique nonce
  std::uint64_t expires_at_height = 1000;  // within the default expiry window from any test height
  std::optional<std::string> chain_id;     // default: the identity's chain id
  std::optional<std::string> signer;       // default: the identity's account
};

std::uint64_t fresh_nonce();
pb::TxBody make_body(const client::Identity& id, const Fill& fill, const TxOptions& opts = {});
Bytes sign_as(const client::Identity& id, const Fill& fill, const TxOptions& opts = {});
// Serializes a Tx from parts (for hand-made, possibly malformed transactions).
Bytes encode_tx(const std::string& body, const std::string& signature, const std::string& cert_id);

Fill register_org(const std::string& id, const std::string& kind = "institution");
Fill register_account(const std::string& id, const std::string& org, const std::string& role,
                      const std::string& code);
Fill bind_certificate(const std::string& account, const crypto::Certificate& cert,
                      const std::vector<crypto::Certificate>& chain = {});
Fill submit_report(const std::string& tmpl, const std::string& period, const std::string& payload,
                   const std::string& batch = "");
// A payload with every field the capital-adequacy template requires.
std::string capital_payload(const std::string& institution = "bank-a");

// ---------------------------------------------------------------- blocks

// Replaces the block's header by `edit(header)` re-serialized; nothing else changes.
Bytes rewrite_header(const Bytes& block_bytes, const std::function<void(pb::BlockHeader&)>& edit);
// Replaces the block's txs and makes the header's tx_count and tx_root consistent with them
// (app_hash is left as it was).
Bytes replace_txs(crypto::Suite suite, const Bytes& block_bytes, const std::vector<Bytes>& txs);
pb::Block parse_block(const Bytes& block_bytes);
pb::BlockHeader parse_header(const Bytes& block_bytes);

struct Member {
  client::Identity id;
  std::vector<Bytes> txs;  // register_account + bind_certificate, signed by the admin
};

class LedgerFixture : public ::testing::Test {
 protected:
  LedgerFixture();
  void SetUp() override;
  void TearDown() override;

  // A new, unique, empty directory under the system temp dir, removed in TearDown.
  std::string make_temp_dir();
  std::unique_ptr<Chain> open_chain(const std::string& dir, const Genesis& genesis);

  DecodedTx decode(const Bytes& raw) const;
  std::vector<DecodedTx> decode_all(const std::vector<Bytes>& raws) const;

  // A valid commit certificate for (height, block_hash) signed by the genesis validator.
  // Virtual: fixtures whose validator set changes sign with the set in force at `height`.
  virtual pb::CommitCertificate certify(std::uint64_t height, ByteView block_hash,
                                        std::uint32_t round = 0);
  // Builds a block on `chain` at head time + 1 s. Does not commit.
  PreparedBlock build(Chain& chain, const std::vector<Bytes>& txs,
                      std::vector<DroppedTx>* dropped = nullptr);
  void seal(Chain& chain, const PreparedBlock& block);
  // Builds and commits; every tx must be included unless `dropped` is given.
  PreparedBlock commit_txs(Chain& chain, const std::vector<Bytes>& txs,
                           std::vector<DroppedTx>* dropped = nullptr);
  PreparedBlock commit_txs(const std::vector<Bytes>& txs) { return commit_txs(*chain_, txs); }

  // A new account `account` in `org`: fresh key, certificate (CN = account) from the issuing CA,
  // and the admin-signed txs that register and bind it.
  Member new_member(const std::string& account, const std::string& org, const std::string& role,
                    const std::string& code);
  // new_member() committed in one block on chain_ (the org must exist).
  client::Identity enroll(const std::string& account, const std::string& org,
                          const std::string& role, const std::string& code);

  // The full rejection contract for one transaction on `chain`: admit() fails with `code`;
  // build_block() drops it with `code` and yields exactly the empty block (so the failed tx left
  // no write, not even its nonce); a block that carries it anyway fails check_block with
  // bad_block naming `code`; head height and app hash are unchanged.
  void expect_rejected(Chain& chain, const Bytes& tx, const std::string& code);
  void expect_rejected(const Bytes& tx, const std::string& code) {
    expect_rejected(*chain_, tx, code);
  }

  const Pki& pki_;
  Genesis genesis_;
  client::Identity admin_;
  std::string dir_;
  std::unique_ptr<Chain> chain_;

 private:
  std::vector<std::string> dirs_;
};

bool same_head(const ChainHead& a, const ChainHead& b);

}  // namespace rl::ledger::testing
