// regledger genesis init | ca create | ca issue
#include <chrono>
#include <iostream>

#include "client/cli/context.hpp"
#include "common/file_io.hpp"
#include "common/wall_clock.hpp"
#include "crypto/x509.hpp"
#include "genesis/network_init.hpp"

namespace rl::cli {
namespace {

struct GenesisInitOpts {
  std::string out;
  std::string definition;
  int validators = 0;
  int observers = -1;
  std::string suite;
  std::string chain_id;
  int api_port = 0;
  int p2p_port = 0;
  int metrics_port = 0;
};

int genesis_init(const GenesisInitOpts& o) {
  auto def = o.definition.empty()
                 ? Result<genesis::NetworkDefinition>(genesis::default_definition())
                 : genesis::load_definition(o.definition);
  if (!def.ok()) return report_error(def.error());
  if (o.validators > 0) def->validators = static_cast<std::uint32_t>(o.validators);
  if (!o.suite.empty()) {
    auto s = crypto::parse_suite(o.suite);
    if (!s.ok()) return report_error(s.error());
    def->suite = *s;
  }
  if (!o.chain_id.empty()) def->chain_id = o.chain_id;
  if (o.observers >= 0) def->observers = static_cast<std::uint32_t>(o.observers);
  if (o.api_port > 0) def->api_port_base = static_cast<std::uint16_t>(o.api_port);
  if (o.p2p_port > 0) def->p2p_port_base = static_cast<std::uint16_t>(o.p2p_port);
  if (o.metrics_port > 0) def->metrics_port_base = static_cast<std::uint16_t>(o.metrics_port);
  auto r = genesis::init_network(*def, o.out);
  if (!r.ok()) return report_error(r.error());
  std::cout << "network " << def->chain_id << " (" << crypto::suite_name(def->suite) << ", "
            << def->validators << " validator" << (def->validators == 1 ? "" : "s");
  if (def->observers > 0) std::cout << ", " << def->observers << " observer(s)";
  std::cout << ") created in " << o.out << "\n"
            << "  genesis:  " << r->genesis_path << "\n"
            << "  root CA:  " << o.out << "/ca/root.pem\n"
            << "  TLS CA:   " << r->tls_ca_path << " (use as --ca / $REGLEDGER_CA)\n";
  for (const auto& h : r->node_homes) std::cout << "  node:     regledgerd --home " << h << "\n";
  for (const auto& a : r->admin_dirs) {
    std::cout << "  admin:    " << a << " (password in " << a << "/password)\n";
  }
  return 0;
}

struct CaCreateOpts {
  std::string out;
  std::string cn = "RegLedger Root CA";
  std::string org = "RegLedger";
  std::string suite = "p256-sha256";
  int days = 3650;
};

int ca_create(const CaCreateOpts& o) {
  auto suite = crypto::parse_suite(o.suite);
  if (!suite.ok()) return report_error(suite.error());
  auto key = crypto::PrivateKey::generate(*suite);
  if (!key.ok()) return report_error(key.error());
  crypto::IssueOptions io;
  io.not_before = rl::wall_now_s() - 300;
  io.not_after = rl::wall_now_s() + static_cast<std::int64_t>(o.days) * 86400;
  io.profile = crypto::CertProfile::kRootCa;
  auto cert = crypto::create_root_certificate(*key, {o.cn, o.org, "", ""}, io);
  if (!cert.ok()) return report_error(cert.error());
  for (auto st : {write_file(o.out + "/ca.pem", cert->to_pem()),
                  write_file(o.out + "/ca.key", key->to_pem(), true)}) {
    if (!st.ok()) return report_error(st.error());
  }
  std::cout << "root CA written: " << o.out << "/ca.pem (key " << o.out << "/ca.key)\n";
  return 0;
}

struct CaIssueOpts {
  std::string ca_cert;
  std::string ca_key;
  std::string csr;
  std::string out;
  std::string profile = "end-entity";
  int days = 365;
  std::vector<std::string> ips;
  std::vector<std::string> dns;
};

int ca_issue(const CaIssueOpts& o) {
  auto ca_pem = read_file(o.ca_cert, 64 * 1024);
  auto key_pem = read_file(o.ca_key, 64 * 1024);
  auto csr_pem = read_file(o.csr, 64 * 1024);
  for (const auto* r : {&ca_pem, &key_pem, &csr_pem}) {
    if (!r->ok()) return report_error(r->error());
  }
  auto ca = crypto::Certificate::from_pem(*ca_pem);
  if (!ca.ok()) return report_error(ca.error());
  auto key = crypto::PrivateKey::from_pem(*key_pem);
  if (!key.ok()) return report_error(key.error());
  auto csr = crypto::CertificateRequest::from_pem(*csr_pem);
  if (!csr.ok()) return report_error(csr.error());
  crypto::IssueOptions io;
  io.not_before = rl::wall_now_s() - 300;
  io.not_after = rl::wall_now_s() + static_cast<std::int64_t>(o.days) * 86400;
  if (o.profile == "end-entity") {
    io.profile = crypto::CertProfile::kEndEntity;
  } else if (o.profile == "tls") {
    io.profile = crypto::CertProfile::kTlsServerClient;
  } else if (o.profile == "intermediate") {
    io.profile = crypto::CertProfile::kIntermediateCa;
  } else {
    return report_error(make_error("bad_profile", "profile is end-entity, tls or intermediate"));
  }
  io.ip_addresses = o.ips;
  io.dns_names = o.dns;
  auto cert = crypto::issue_certificate(*ca, *key, *csr, io);
  if (!cert.ok()) return report_error(cert.error());
  auto w = write_file(o.out, cert->to_pem());
  if (!w.ok()) return report_error(w.error());
  std::cout << "issued " << cert->subject_string() << " serial=" << cert->serial_hex() << " -> "
            << o.out << "\n";
  return 0;
}

}  // namespace

void add_network_commands(CLI::App& app, Globals& g) {
  auto* gen = app.add_subcommand("genesis", "Create a network: CAs, validator keys, genesis.json");
  gen->require_subcommand(1);
  auto gi = std::make_shared<GenesisInitOpts>();
  auto* init = gen->add_subcommand("init", "Create a new network in an empty directory");
  init->add_option("--out", gi->out, "Output directory")->required();
  init->add_option("--definition", gi->definition,
                   "Network definition JSON (see genesis/local/network.json)")
      ->check(CLI::ExistingFile);
  init->add_option("--validators", gi->validators, "Number of validators (overrides definition)")
      ->check(CLI::Range(1, 64));
  init->add_option("--observers", gi->observers,
                   "Number of non-voting observer nodes (overrides definition)")
      ->check(CLI::Range(0, 16));
  init->add_option("--suite", gi->suite, "p256-sha256 (default) or sm2-sm3");
  init->add_option("--chain-id", gi->chain_id, "Chain id (overrides definition)");
  init->add_option("--api-port", gi->api_port, "First node's API port; node i uses port+i")
      ->check(CLI::Range(1, 65535));
  init->add_option("--p2p-port", gi->p2p_port, "First node's P2P port; node i uses port+i")
      ->check(CLI::Range(1, 65535));
  init->add_option("--metrics-port", gi->metrics_port,
                   "First node's /metrics port (on 127.0.0.1); node i uses port+i "
                   "(default: the definition's metrics_port_base; none: no metrics listener)")
      ->check(CLI::Range(1, 65535));
  init->callback([gi, &g] { g.exit_code = genesis_init(*gi); });

  auto* ca = app.add_subcommand("ca", "Certificate authority: create roots, issue from CSRs");
  ca->require_subcommand(1);
  auto cc = std::make_shared<CaCreateOpts>();
  auto* create = ca->add_subcommand("create", "Create a self-signed root CA (ca.pem, ca.key)");
  create->add_option("--out", cc->out, "Output directory")->required();
  create->add_option("--cn", cc->cn, "Common name");
  create->add_option("--org", cc->org, "Organization");
  create->add_option("--suite", cc->suite, "p256-sha256 or sm2-sm3");
  create->add_option("--days", cc->days, "Validity in days")->check(CLI::Range(1, 36500));
  create->callback([cc, &g] { g.exit_code = ca_create(*cc); });

  auto ci = std::make_shared<CaIssueOpts>();
  auto* issue = ca->add_subcommand("issue", "Issue a certificate from a CSR");
  issue->add_option("--ca-cert", ci->ca_cert, "Issuer certificate (PEM)")->required();
  issue->add_option("--ca-key", ci->ca_key, "Issuer private key (PEM)")->required();
  issue->add_option("--csr", ci->csr, "Certificate signing request (PEM)")->required();
  issue->add_option("--out", ci->out, "Where to write the certificate (PEM)")->required();
  issue->add_option("--profile", ci->profile, "end-entity (default) | tls | intermediate");
  issue->add_option("--days", ci->days, "Validity in days")->check(CLI::Range(1, 36500));
  issue->add_option("--ip", ci->ips, "subjectAltName IP (repeatable)");
  issue->add_option("--dns", ci->dns, "subjectAltName DNS name (repeatable)");
  issue->callback([ci, &g] { g.exit_code = ca_issue(*ci); });
}

}  // namespace rl::cli
