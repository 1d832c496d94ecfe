// What sealed reports cost (issue #15: "time to seal and open a 1 MB report with t=3 of n=4, and
// key releases per second per key service").
//
// One process, the real parts: `genesis init` (one validator and its key service ks-node0), the
// node's RocksDB chain and single-validator sealer, three more key services registered by
// governance, an audit log, the AuthService and SealedApi routes. Readers log in through the
// AuthService (challenge, password, certificate signature) like any client.
//
//   seal      client::seal_payload of a --mb payload: fresh key, the suite's AEAD over the
//             payload, keyword tags, Shamir 3 of 4, four ECIES encryptions.
//   release   POST /v1/keys/release through SealedApi::route of one key service (session check,
//             request signature, permission, state reads, policy evaluation of T and S, ECIES
//             open of its share, ECIES to the reader's key, audit append, JSON): releases per
//             second, one thread, over --releases requests.
//   open      directed opening of a committed sealed report: GET /v1/sealed/<id> through the
//             route (decode of the stored tx, base64 of the ciphertext), three releases from
//             three key services, recovery, key check, decryption. The ledger holds at most
//             256 KiB per report (ledger::limits::kMaxReportPayloadBytes; larger files are
//             chunked by issue #16's work), so "open" is measured on committed reports of
//             --ledger-kb, and "open --mb" as three releases + recovery + decryption of the
//             --mb ciphertext sealed above.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bench/common/must.hpp"
#include "bench/common/stats.hpp"
#include "bench/common/temp_dir.hpp"
#include "client/lib/sealed_client.hpp"
#include "client/lib/tx_builder.hpp"
#include "common/file_io.hpp"
#include "common/logging.hpp"
#include "crypto/envelope.hpp"
#include "crypto/symmetric.hpp"
#include "crypto/x509.hpp"
#include "genesis/network_init.hpp"
#include "ledger/chain.hpp"
#include "ledger/tx.hpp"
#include "node/app/admission.hpp"
#include "node/app/identity/audit_log.hpp"
#include "node/app/identity/auth_service.hpp"
#include "node/app/identity/identity_api.hpp"
#include "node/app/mempool.hpp"
#include "node/app/sealed/sealed_api.hpp"
#include "node/app/sealer.hpp"
#include "proto/login_sign_bytes.hpp"

namespace {

namespace fs = std::filesystem;
namespace ledger = rl::ledger;
namespace pb = rl::ledger::pb;
using Clock = std::chrono::steady_clock;
using nlohmann::json;
using rl::bench::must;

constexpr const char* kProgram = "sealed_bench";
constexpr const char* kPassword = "a long bench password";

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

std::int64_t now_ms() {
  return rl::node::identity::AuthService::system_now_ms();
}

// A single node with four key services and the accounts of the bench.
struct Node {
  rl::bench::TempDir dir{"regledger-sealed-bench-"};
  ledger::Genesis genesis;
  std::unique_ptr<ledger::Chain> chain;
  std::unique_ptr<rl::node::Mempool> mempool;
  std::unique_ptr<rl::node::Sealer> sealer;
  std::unique_ptr<rl::node::identity::AuditLog> audit;
  std::unique_ptr<rl::node::identity::AuthService> auth;
  std::unique_ptr<rl::node::identity::IdentityApi> identity;
  std::map<std::string, std::unique_ptr<rl::node::sealed::SealedApi>> services;
  std::map<std::string, std::string> key_files;  // by service
  std::optional<rl::client::Identity> admin;
  std::optional<rl::crypto::Certificate> issuing_cert;
  std::optional<rl::crypto::PrivateKey> issuing_key;

  explicit Node(rl::crypto::Suite suite) {
    auto def = rl::genesis::default_definition();
    def.suite = suite;
    def.scrypt_n = 1024;
    def.templates.push_back({"sealed", "Sealed findings", 0, {}, 256 * 1024});
    auto init = must(kProgram, rl::genesis::init_network(def, dir.path().string()), "genesis init");
    genesis = must(kProgram,
                   ledger::parse_genesis(must(kProgram, rl::read_file(init.genesis_path), "read")),
                   "genesis");
    const fs::path home(init.node_homes[0]);
    chain = must(kProgram, ledger::Chain::open((home / "data").string(), genesis), "chain");
    mempool = std::make_unique<rl::node::Mempool>(20000, 256u << 20, 2);
    auto key = must(kProgram,
                    rl::crypto::PrivateKey::from_pem(
                        must(kProgram, rl::read_file((home / "node.key").string()), "key")),
                    "node key");
    sealer = std::make_unique<rl::node::Sealer>(*chain, *mempool, key, 0, rl::node::SealerConfig{});
    audit = must(kProgram, rl::node::identity::AuditLog::open((home / "audit").string()), "audit");
    auth = std::make_unique<rl::node::identity::AuthService>(*chain, *audit,
                                                             rl::node::identity::AuthConfig{});
    identity = std::make_unique<rl::node::identity::IdentityApi>(
        *auth, rl::node::identity::ReadAccess::kSession);
    admin = must(kProgram, rl::client::load_identity(init.admin_dir), "admin");
    issuing_cert = must(kProgram,
                        rl::crypto::Certificate::from_pem(
                            must(kProgram, rl::read_file(dir.path() / "ca/issuing.pem"), "ca")),
                        "ca");
    issuing_key = must(kProgram,
                       rl::crypto::PrivateKey::from_pem(
                           must(kProgram, rl::read_file(dir.path() / "ca/issuing.key"), "ca")),
                       "ca key");
    add_service("ks-node0", (home / "key-service.key").string());
    for (int i = 1; i <= 3; ++i) {
      const std::string name = "ks-" + std::to_string(i);
      const auto path = (dir.path() / (name + ".key")).string();
      auto k = must(kProgram, rl::crypto::PrivateKey::generate(genesis.suite), "key");
      must(kProgram, rl::write_file(path, k.to_pem(), true), "key file");
      pb::Propose p;
      auto* a = p.mutable_set_key_service();
      a->set_name(name);
      a->set_org_id("regulator");
      a->set_public_key_der(rl::to_string(k.public_key().to_der()));
      a->set_api_url("https://127.0.0.1:1");
      commit(*admin, rl::client::propose("ks-" + std::to_string(i), chain->head().height + 50, p));
      add_service(name, path);
    }
  }

  void add_service(const std::string& name, const std::string& key_file) {
    key_files[name] = key_file;
    auto keys = must(kProgram, rl::node::sealed::KeyServiceKeys::load(genesis.suite, {key_file}),
                     "key service keys");
    services[name] = std::make_unique<rl::node::sealed::SealedApi>(
        *chain, *identity,
        std::make_unique<rl::node::sealed::KeyReleaser>(*chain, name, std::move(keys)));
  }

  void submit(const rl::client::Identity& who, const rl::client::Fill& fill) {
    auto tx = must(kProgram,
                   rl::client::build_signed_tx(who, genesis.chain_id, chain->head().height, fill),
                   "sign");
    must(kProgram,
         rl::node::admit_tx(*chain, *mempool,
                            must(kProgram, ledger::decode_tx(genesis.suite, tx), "decode"),
                            now_ms()),
         "admit");
  }
  void commit(const rl::client::Identity& who, const rl::client::Fill& fill) {
    submit(who, fill);
    must(kProgram, sealer->seal_once(), "seal");
  }

  // An organization (if new), an account with a bound certificate.
  rl::client::Identity enroll(const std::string& org, const std::string& kind,
                              const std::string& account, const std::string& role,
                              const std::string& permission) {
    if (!must(kProgram, chain->state_value(rl::to_bytes("org/" + org)), "org")) {
      commit(*admin, [&](pb::TxBody& b) {
        b.mutable_register_organization()->set_org_id(org);
        b.mutable_register_organization()->set_name(org);
        b.mutable_register_organization()->set_kind(kind);
      });
    }
    auto cred = must(kProgram, rl::genesis::make_credential(kPassword, 1024), "credential");
    commit(*admin, [&](pb::TxBody& b) {
      auto* p = b.mutable_register_account();
      p->set_account_id(account);
      p->set_org_id(org);
      p->set_role(role);
      p->set_permission_code(permission);
      auto* c = p->mutable_credential();
      c->set_salt(rl::to_string(cred.salt));
      c->set_hash(rl::to_string(cred.hash));
      c->set_n(cred.n);
      c->set_r(cred.r);
      c->set_p(cred.p);
    });
    auto key = must(kProgram, rl::crypto::PrivateKey::generate(genesis.suite), "key");
    auto csr =
        must(kProgram, rl::crypto::CertificateRequest::create(key, {account, org, "", ""}), "csr");
    rl::crypto::IssueOptions io;
    io.not_before = now_ms() / 1000 - 3600;
    io.not_after = now_ms() / 1000 + 86400;
    auto cert =
        must(kProgram, rl::crypto::issue_certificate(*issuing_cert, *issuing_key, csr, io), "cert");
    commit(*admin, [&](pb::TxBody& b) {
      b.mutable_bind_certificate()->set_account_id(account);
      b.mutable_bind_certificate()->set_certificate_der(rl::to_string(cert.to_der()));
    });
    return {"", account, org, genesis.chain_id, genesis.suite, key, cert, cert.id(genesis.suite)};
  }

  std::string login(const rl::client::Identity& id, rl::node::identity::SessionScope scope) {
    auto ch = must(kProgram, auth->issue_challenge(id.account, "bench"), "challenge");
    rl::node::identity::LoginRequest req;
    req.scope = scope;
    req.account = id.account;
    req.password = kPassword;
    req.certificate_pem = id.cert.to_pem();
    req.challenge_id = ch.challenge_id;
    req.signature = must(
        kProgram,
        rl::crypto::sign(id.key, rl::node::identity::login_message(genesis.chain_id, ch.challenge)),
        "sign");
    return must(kProgram, auth->login(req, "bench"), "login").token;
  }

  rl::http::HttpResponse route(const std::string& service, const std::string& method,
                               const std::string& path, const std::string& token,
                               const std::string& body = {}) {
    rl::http::HttpRequest req;
    req.method = method;
    req.target = req.path = path;
    req.headers["authorization"] = "Bearer " + token;
    req.body = body;
    req.remote = "127.0.0.1:1";
    return services.at(service)->route(req);
  }
};

std::vector<rl::client::KeyServiceInfo> key_services(Node& n) {
  auto r = n.route("ks-node0", "GET", "/v1/key-services", "");
  return must(kProgram, rl::client::parse_key_services(json::parse(r.body)), "key services");
}

rl::crypto::shamir::Share release(Node& n, const std::string& service, const std::string& token,
                                  const rl::client::Identity& reader, const std::string& id,
                                  std::uint32_t x) {
  auto body = must(kProgram, rl::client::release_request(reader, id, service, now_ms()), "request");
  auto r = n.route(service, "POST", "/v1/keys/release", token, body.dump());
  if (r.status != 200) {
    std::fprintf(stderr, "%s: release refused: %s\n", kProgram, r.body.c_str());
    std::exit(1);
  }
  return must(kProgram, rl::client::share_from_release(reader, id, service, x, json::parse(r.body)),
              "share");
}

}  // namespace

int main(int argc, char** argv) {
  int mb = 1;
  int ledger_kb = 256;
  int runs = 9;
  int releases = 2000;
  std::string suite_name = "p256-sha256";
  CLI::App app{"Sealed reports: seal and open times (t = 3 of n = 4), key releases per second"};
  app.add_option("--mb", mb, "Payload of the seal / open figures, MiB")->check(CLI::Range(1, 16));
  app.add_option("--ledger-kb", ledger_kb, "Payload of the committed report opened end to end, KiB")
      ->check(CLI::Range(1, 255));
  app.add_option("--runs", runs, "Runs per figure (the median is reported)")
      ->check(CLI::PositiveNumber);
  app.add_option("--releases", releases, "Key releases timed on one key service")
      ->check(CLI::PositiveNumber);
  app.add_option("--suite", suite_name, "p256-sha256 | sm2-sm3")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  rl::init_logging(kProgram, "warn");

  Node n(must(kProgram, rl::crypto::parse_suite(suite_name), "suite"));
  const auto suite = n.genesis.suite;
  pb::Propose t;
  t.mutable_set_sealing_policy()->set_policy_id("fiu-findings");
  t.mutable_set_sealing_policy()->set_policy("kind:regulator or attr:fiu");
  n.commit(*n.admin, rl::client::propose("t-policy", n.chain->head().height + 50, t));
  auto reporter = n.enroll("bank-a", "institution", "bank-a-reporter", "reporter", "0105");
  auto reader = n.enroll("regulator", "regulator", "reg-auditor", "auditor", "1105");
  const auto services = key_services(n);
  rl::client::SealRequest request{"fiu-findings", "role:auditor or dept:aml", 3, {}, {"fraud"}};

  // seal --mb, and open --mb (releases come from the committed report below).
  const std::string big(static_cast<std::size_t>(mb) << 20, 'x');
  std::vector<double> seal_ms;
  rl::client::SealedPayload big_sealed;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = Clock::now();
    big_sealed =
        must(kProgram,
             rl::client::seal_payload(suite, n.genesis.chain_id, reporter.org, reporter.account,
                                      request, services, rl::as_bytes(big)),
             "seal");
    seal_ms.push_back(ms_since(t0));
  }

  // A committed sealed report of --ledger-kb.
  const std::string small(static_cast<std::size_t>(ledger_kb) << 10, 'y');
  auto sealed =
      must(kProgram,
           rl::client::seal_payload(suite, n.genesis.chain_id, reporter.org, reporter.account,
                                    request, services, rl::as_bytes(small)),
           "seal");
  const auto tx =
      must(kProgram,
           rl::client::build_signed_tx(reporter, n.genesis.chain_id, n.chain->head().height,
                                       [&](pb::TxBody& b) {
                                         auto* p = b.mutable_submit_report();
                                         p->set_template_id("sealed");
                                         p->set_period("2026-Q3");
                                         p->set_content_type("application/json");
                                         p->set_payload(rl::to_string(sealed.ciphertext));
                                         *p->mutable_seal() = sealed.envelope;
                                       }),
           "sign");
  const auto decoded = must(kProgram, ledger::decode_tx(suite, tx), "decode");
  const std::string id = rl::to_hex(decoded.id);
  must(kProgram, rl::node::admit_tx(*n.chain, *n.mempool, decoded, now_ms()), "admit");
  must(kProgram, n.sealer->seal_once(), "seal block");

  const auto doc_token = n.login(reader, rl::node::identity::SessionScope::kDocuments);
  const auto key_token = n.login(reader, rl::node::identity::SessionScope::kKeys);
  std::vector<double> open_ledger_ms, open_big_ms;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = Clock::now();
    auto doc = n.route("ks-node0", "GET", "/v1/sealed/" + id, doc_token);
    auto fetched =
        must(kProgram, rl::client::parse_fetched_sealed(n.genesis.chain_id, json::parse(doc.body)),
             "fetched");
    std::vector<rl::crypto::shamir::Share> shares;
    for (std::size_t s = 0; s < fetched.threshold; ++s) {
      shares.push_back(
          release(n, fetched.shares[s].service, key_token, reader, id, fetched.shares[s].x));
    }
    auto key = must(kProgram, rl::client::recover_data_key(suite, fetched, shares), "recover");
    auto plain = must(kProgram, rl::client::open_payload(suite, fetched, key), "open");
    open_ledger_ms.push_back(ms_since(t0));
    if (plain.size() != small.size()) return 1;

    // open --mb = these three releases and the recovery (timed here) + the decryption of the
    // --mb ciphertext (timed below): the releases do not depend on the payload's size.
    const auto t1 = Clock::now();
    std::vector<rl::crypto::shamir::Share> again;
    for (std::size_t s = 0; s < fetched.threshold; ++s) {
      again.push_back(
          release(n, fetched.shares[s].service, key_token, reader, id, fetched.shares[s].x));
    }
    (void)must(kProgram, rl::client::recover_data_key(suite, fetched, again), "recover");
    open_big_ms.push_back(ms_since(t1));
  }
  // Decryption of the --mb ciphertext, timed on its own and added to the releases above.
  rl::client::FetchedSealed big_fetched;
  big_fetched.context = {n.genesis.chain_id, reporter.org, reporter.account,
                         rl::to_bytes(big_sealed.envelope.seal_id()), "fiu-findings"};
  big_fetched.ciphertext = big_sealed.ciphertext;
  std::vector<double> big_decrypt_ms;
  {
    // The --mb report's key, from its own real shares opened with the services' private keys:
    // setup only, not timed.
    std::vector<rl::crypto::shamir::Share> shares;
    const auto ctx = big_fetched.context;
    for (int s = 0; s < 3; ++s) {
      const auto& ks = big_sealed.envelope.shares(s);
      auto pk = must(kProgram,
                     rl::crypto::PrivateKey::from_pem(
                         must(kProgram, rl::read_file(n.key_files.at(ks.service())), "read")),
                     "key");
      auto y =
          must(kProgram,
               rl::crypto::decrypt_with(pk, ledger::sealing::share_aad(ctx, ks.service(), ks.x()),
                                        rl::as_bytes(ks.wrapped())),
               "share");
      shares.push_back({static_cast<std::uint8_t>(ks.x()), y});
    }
    auto key = must(kProgram, rl::crypto::shamir::combine(shares), "combine");
    for (int i = 0; i < runs; ++i) {
      const auto t0 = Clock::now();
      auto plain = must(kProgram, rl::client::open_payload(suite, big_fetched, key), "open big");
      big_decrypt_ms.push_back(ms_since(t0));
      if (plain.size() != big.size()) return 1;
    }
  }

  // Releases per second on one key service.
  const auto t0 = Clock::now();
  for (int i = 0; i < releases; ++i) {
    (void)release(n, "ks-1", key_token, reader, id, sealed.envelope.shares(1).x());
  }
  const double per_s = releases / (ms_since(t0) / 1000.0);

  const double seal_med = rl::bench::median(seal_ms);
  const double open_big = rl::bench::median(open_big_ms) + rl::bench::median(big_decrypt_ms);
  std::printf("sealed reports, suite %s, t=3 of n=4 key services, %d runs (medians)\n",
              std::string(rl::crypto::suite_name(suite)).c_str(), runs);
  std::printf("  seal %d MiB                      %8.2f ms\n", mb, seal_med);
  std::printf(
      "  open %d MiB (3 releases + decrypt) %8.2f ms   (releases %.2f ms, decrypt %.2f ms)\n", mb,
      open_big, rl::bench::median(open_big_ms), rl::bench::median(big_decrypt_ms));
  std::printf("  open %d KiB committed, end to end  %8.2f ms   (fetch + 3 releases + decrypt)\n",
              ledger_kb, rl::bench::median(open_ledger_ms));
  std::printf("  key releases, one key service      %8.0f /s   (%d releases, one thread)\n", per_s,
              releases);
  std::printf("  open/seal ratio (%d MiB)           %8.2f\n", mb, open_big / seal_med);
  return 0;
}
