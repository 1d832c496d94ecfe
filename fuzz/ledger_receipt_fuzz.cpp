// libFuzzer target: receipt JSON parsing and offline verification (what `regledger verify`
// runs on a file an auditor was handed), against the trust anchor of a real chain.
//
// Once per process a real chain is built: a genesis with four validators, one block of three
// register-organization txs committed with a certificate by three of them, and the receipt of
// the middle tx read back from the chain (as the node serves it). That receipt must verify, or
// the process aborts: every input then starts past the anchor checks, which an empty anchor
// never let it do.
//
// All keys come from fixed private scalars and all times from a fixed clock, so the validator
// set and the certificate keys are the same in every process: a receipt written into the corpus
// by one run still verifies in the next (signatures differ per process, the keys do not).
//
// Inputs are [mode][payload]. Mode even: the payload is receipt JSON, parsed and verified.
// Mode odd: the payload edits the valid receipt as 4-byte records [field][pos_hi][pos_lo][value]
// (see edit()), so that inputs reach the checks behind the parser without having to keep base64
// and JSON intact. An edited receipt that still verifies must prove the same tx in the same block,
// at the same position.

#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/keys.hpp"
#include "crypto/symmetric.hpp"
#include "crypto/x509.hpp"
#include "ledger/chain.hpp"
#include "ledger/commit.hpp"
#include "ledger/genesis.hpp"
#include "ledger/receipt.hpp"
#include "ledger/tx.hpp"

namespace {

namespace fs = std::filesystem;
using namespace rl;

constexpr crypto::Suite kSuite = crypto::Suite::kP256Sha256;
constexpr const char* kChainId = "regledger-receipt-fuzz";
constexpr const char* kAdmin = "regulator-admin";
constexpr std::int64_t kT0 = 1700000000;  // 2023-11-14T22:13:20Z
constexpr std::int64_t kDay = 86400;
constexpr std::size_t kValidators = 4;

// The fixed chain failed to build: a bug in the harness, not a finding. Says what failed, since
// a bare abort in LLVMFuzzerInitialize would leave nothing to go on.
template <typename T>
T must(Result<T> r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "ledger_receipt_fuzz setup: %s: %s\n", what,
                 r.error().to_string().c_str());
    std::abort();
  }
  return std::move(r).value();
}
void must(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "ledger_receipt_fuzz setup: %s: %s\n", what,
                 s.error().to_string().c_str());
    std::abort();
  }
}

crypto::PrivateKey fixed_key(std::uint8_t n) {
  Bytes scalar(32, 0);
  scalar[0] = 0x22;  // small scalars are valid P-256 private keys
  scalar[31] = n;
  return must(crypto::PrivateKey::from_raw_scalar(kSuite, scalar), "fixed key");
}

crypto::IssueOptions options(crypto::CertProfile profile, std::int64_t years) {
  crypto::IssueOptions o;
  o.profile = profile;
  o.serial = 1;
  o.not_before = kT0 - kDay;
  o.not_after = kT0 + years * 365 * kDay;
  return o;
}

crypto::Certificate issue(const crypto::Certificate& ca, const crypto::PrivateKey& ca_key,
                          const crypto::PrivateKey& key, const std::string& cn,
                          crypto::CertProfile profile, std::int64_t years) {
  auto csr = must(crypto::CertificateRequest::create(key, {cn, "RegLedger Fuzz", "", ""}),
                  "certificate request");
  return must(crypto::issue_certificate(ca, ca_key, csr, options(profile, years)), "issue");
}

// A temporary RocksDB directory, removed when the chain is done with it.
struct TempDir {
  fs::path path =
      fs::temp_directory_path() / ("rl-receipt-fuzz-" + to_hex(crypto::random_bytes(8)));
  TempDir() { fs::create_directories(path); }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

struct World {
  ledger::TrustAnchor anchor;
  ledger::Receipt receipt;
  ledger::VerifiedReceipt verified;
};

World build_world() {
  const crypto::PrivateKey root_key = fixed_key(1);
  const crypto::PrivateKey issuing_key = fixed_key(2);
  const crypto::PrivateKey admin_key = fixed_key(3);
  const crypto::Certificate root =
      must(crypto::create_root_certificate(root_key, {"Fuzz Root CA", "RegLedger Fuzz", "", ""},
                                           options(crypto::CertProfile::kRootCa, 24)),
           "root certificate");
  const crypto::Certificate issuing = issue(root, root_key, issuing_key, "Fuzz Issuing CA",
                                            crypto::CertProfile::kIntermediateCa, 20);
  const crypto::Certificate admin_cert =
      issue(issuing, issuing_key, admin_key, kAdmin, crypto::CertProfile::kEndEntity, 20);

  ledger::Genesis g;
  g.chain_id = kChainId;
  g.suite = kSuite;
  g.genesis_time_ms = kT0 * 1000;
  g.root_pems = {root.to_pem()};
  g.intermediate_pems = {issuing.to_pem()};
  std::vector<crypto::PrivateKey> validator_keys;
  for (std::size_t i = 0; i < kValidators; ++i) {
    validator_keys.push_back(fixed_key(static_cast<std::uint8_t>(10 + i)));
    const std::string name = "validator-" + std::to_string(i);
    ledger::GenesisValidator v;
    v.name = name;
    v.certificate_pem = issue(root, root_key, validator_keys.back(), name,
                              crypto::CertProfile::kTlsServerClient, 20)
                            .to_pem();
    v.power = 10;
    v.p2p_address = "127.0.0.1:" + std::to_string(26656 + i);
    v.api_url = "https://127.0.0.1:" + std::to_string(8443 + i);
    g.validators.push_back(v);
  }
  g.organizations = {{"regulator", "Financial Regulator", "regulator"}};
  ledger::GenesisAccount admin;
  admin.id = kAdmin;
  admin.org = "regulator";
  admin.role = "admin";
  admin.permission_code = "0199";
  admin.certificate_pems = {admin_cert.to_pem()};
  g.accounts = {admin};
  for (std::uint32_t i = 0; i < 100; ++i) g.permission_mapping[i] = i;

  TempDir dir;
  auto chain = must(ledger::Chain::open(dir.path.string(), g), "Chain::open");
  // Three txs, so the receipt of the middle one carries a Merkle path (one tx has none).
  std::vector<ledger::DecodedTx> txs;
  for (std::uint64_t n = 1; n <= 3; ++n) {
    ledger::pb::TxBody body;
    body.set_chain_id(kChainId);
    body.set_nonce(n);
    body.set_expires_at_height(100);
    body.set_signer(kAdmin);
    auto* org = body.mutable_register_organization();
    org->set_org_id("bank-" + std::to_string(n));
    org->set_name("Bank " + std::to_string(n));
    org->set_kind("institution");
    const Bytes raw = must(ledger::sign_tx(body, admin_key, admin_cert.id(kSuite)), "sign_tx");
    txs.push_back(must(ledger::decode_tx(kSuite, raw), "decode_tx"));
  }
  std::vector<ledger::DroppedTx> dropped;
  auto block = must(chain->build_block(txs, g.genesis_time_ms + 1000, 0, &dropped), "build_block");
  if (!dropped.empty() || block.txs.size() != txs.size()) {
    std::fprintf(stderr, "ledger_receipt_fuzz setup: a tx was dropped: %s\n",
                 dropped.empty() ? "?" : dropped.front().error.to_string().c_str());
    std::abort();
  }
  // Three of four validators (30 of 40 power, > 2/3), in increasing index order.
  ledger::pb::CommitCertificate cert;
  cert.set_height(block.height);
  cert.set_round(0);
  cert.set_block_hash(to_string(block.block_hash));
  for (std::uint32_t i = 0; i < 3; ++i) {
    *cert.add_signatures() = must(ledger::sign_precommit(chain->anchor(), validator_keys[i], i,
                                                         block.height, 0, block.block_hash),
                                  "sign_precommit");
  }
  must(chain->commit_block(block, cert), "commit_block");

  World w;
  w.anchor = chain->anchor();
  auto receipt = must(chain->receipt(txs[1].id), "Chain::receipt");
  if (!receipt) {
    std::fprintf(stderr, "ledger_receipt_fuzz setup: the committed tx has no receipt\n");
    std::abort();
  }
  w.receipt = std::move(*receipt);
  // The point of the harness: the un-mutated receipt verifies against the anchor.
  w.verified = must(ledger::verify_receipt(w.anchor, w.receipt), "the valid receipt");
  if (w.receipt.proof.empty() || w.verified.commit_signatures != 3) {
    std::fprintf(stderr, "ledger_receipt_fuzz setup: the receipt lacks a Merkle path or a vote\n");
    std::abort();
  }
  return w;
}

const World& world() {
  static const World w = build_world();
  return w;
}

// Applies the edit records of `payload` to a copy of the valid receipt. `field` picks the target
// (its low 3 bits) and what to do (bit 3: truncate to `pos` instead of xor-ing `value` at `pos`).
ledger::Receipt edit(ByteView payload) {
  ledger::Receipt r = world().receipt;
  for (std::size_t i = 0; i + 3 < payload.size(); i += 4) {
    const std::uint8_t field = payload[i];
    const std::size_t pos = (std::size_t{payload[i + 1]} << 8) | payload[i + 2];
    const std::uint8_t value = payload[i + 3];
    Bytes* target = nullptr;
    switch (field & 7) {
      case 0:
        target = &r.tx;
        break;
      case 1:
        target = &r.header;
        break;
      case 2:
        target = &r.commit;
        break;
      case 3:
        if (!r.signer_chain.empty()) target = &r.signer_chain[(field >> 4) % r.signer_chain.size()];
        break;
      case 4:
        if (!r.proof.empty()) target = &r.proof[(field >> 4) % r.proof.size()];
        break;
      case 5:  // the scalars verification compares with the header and the Merkle path
        if (field & 8) {
          r.height ^= std::uint64_t{value} << (8 * (pos % 8));
        } else if (pos % 2 == 0) {
          r.index ^= value;
        } else {
          r.tx_count ^= value;
        }
        continue;
      case 6:  // drop or repeat a proof hash / a chain certificate
        if (field & 8) {
          if (!r.proof.empty()) r.proof.erase(r.proof.begin() + pos % r.proof.size());
          if (value & 1 && !r.signer_chain.empty()) r.signer_chain.pop_back();
        } else {
          if (!r.proof.empty()) r.proof.push_back(r.proof[pos % r.proof.size()]);
          if (value & 1 && !r.signer_chain.empty()) r.signer_chain.push_back(r.signer_chain[0]);
        }
        continue;
      default:
        r.chain_id.push_back(static_cast<char>(value));
        continue;
    }
    if (target == nullptr || target->empty()) continue;
    if (field & 8) {
      target->resize(pos % (target->size() + 1));
    } else {
      (*target)[pos % target->size()] ^= value;
    }
  }
  return r;
}

void write_file(const fs::path& p, const Bytes& bytes) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

Bytes framed(std::uint8_t mode, std::string_view payload) {
  Bytes out{mode};
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

}  // namespace

// Builds the chain, then writes the valid receipt (as JSON, and as an empty edit list) into the
// corpus directory named on the command line. Written on every start, not only into an empty
// directory: a corpus carried over from the fuzzer before this harness holds no valid receipt.
// libFuzzer reads the corpus after this returns.
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  // Mutated headers and txs hold invalid UTF-8 strings; protobuf's log line for each would bury
  // the fuzzer's own output.
  google::protobuf::SetLogHandler(nullptr);
  const World& w = world();
  for (int i = 1; i < *argc; ++i) {
    const char* arg = (*argv)[i];
    std::error_code ec;
    if (arg[0] == '-' || !fs::is_directory(arg, ec)) continue;
    write_file(fs::path(arg) / "valid-receipt-json", framed(0, ledger::receipt_to_json(w.receipt)));
    write_file(fs::path(arg) / "valid-receipt-unedited", framed(1, ""));
    break;
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const World& w = world();
  const ByteView payload(data + 1, size - 1);
  if (data[0] % 2 == 0) {
    auto r = ledger::receipt_from_json(
        std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()));
    if (r.ok()) (void)ledger::verify_receipt(w.anchor, *r);
    return 0;
  }
  const ledger::Receipt r = edit(payload);
  auto v = ledger::verify_receipt(w.anchor, r);
  // Soundness: no edit of a valid receipt may make it prove anything else. (Bytes that do not
  // change the meaning, such as another signer chain ordering, may still verify.)
  if (v.ok() &&
      (v->tx_id_hex != w.verified.tx_id_hex || v->block_hash_hex != w.verified.block_hash_hex ||
       v->height != w.verified.height || r.index != w.receipt.index)) {
    std::fprintf(stderr, "an edited receipt verified for another tx, block or position\n");
    std::abort();
  }
  return 0;
}
