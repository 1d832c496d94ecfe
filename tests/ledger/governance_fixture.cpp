#include "tests/ledger/governance_fixture.hpp"

#include "client/lib/tx_builder.hpp"
#include "common/wall_clock.hpp"

namespace rl::ledger::testing {
namespace {

struct ExtraAdmins {
  crypto::PrivateKey key_b, key_c;
  crypto::Certificate cert_b, cert_c;
};

// One pair of keys per test process, like shared_pki().
const ExtraAdmins& extra_admins() {
  static const ExtraAdmins a = [] {
    const Pki& pki = shared_pki();
    const std::int64_t t = rl::wall_now_s();
    auto kb = crypto::PrivateKey::generate(crypto::Suite::kP256Sha256).value();
    auto kc = crypto::PrivateKey::generate(crypto::Suite::kP256Sha256).value();
    auto cb = issue_cert(pki.issuing, pki.issuing_key, kb, kAdminB, t - 3600, t + 30 * kDay);
    auto cc = issue_cert(pki.issuing, pki.issuing_key, kc, kAdminC, t - 3600, t + 30 * kDay);
    return ExtraAdmins{kb, kc, cb, cc};
  }();
  return a;
}

GenesisAccount genesis_admin(const Pki& pki, const std::string& id, const std::string& org,
                             const crypto::Certificate& cert) {
  GenesisAccount a;
  a.id = id;
  a.org = org;
  a.role = "admin";
  a.permission_code = "0199";
  a.credential = pki.admin_credential;
  a.certificate_pems = {cert.to_pem()};
  return a;
}

}  // namespace

Genesis make_governed_genesis(const Pki& pki, std::uint32_t threshold) {
  Genesis g = make_genesis(pki);
  const auto& x = extra_admins();
  g.organizations.push_back({kRegulatorB, "Securities Regulator", "regulator"});
  g.organizations.push_back({kRegulatorC, "Insurance Regulator", "regulator"});
  g.accounts.push_back(genesis_admin(pki, kAdminB, kRegulatorB, x.cert_b));
  g.accounts.push_back(genesis_admin(pki, kAdminC, kRegulatorC, x.cert_c));
  g.governance_threshold = threshold;
  return g;
}

Fill propose(const std::string& id, std::uint64_t expires_at_height, const Action& action) {
  pb::Propose p;
  if (action) action(p);
  return client::propose(id, expires_at_height, std::move(p));
}
Fill approve(const std::string& id) {
  return client::approve(id);
}
Fill revoke(const Bytes& cert_id, const std::string& reason) {
  return client::revoke_certificate(cert_id, reason);
}
Fill suspend(const std::string& account, const std::string& reason) {
  return client::suspend_account(account, true, reason);
}
Fill reinstate(const std::string& account, const std::string& reason) {
  return client::suspend_account(account, false, reason);
}

Action set_mapping(const std::function<std::uint32_t(std::uint32_t)>& f) {
  return [f](pb::Propose& p) {
    auto* m = p.mutable_set_permission_mapping();
    for (std::uint32_t l = 0; l < 100; ++l) m->add_max_data_level(f(l));
  };
}

namespace {
void fill_definition(pb::TemplateDefinition* d, const std::string& id, std::uint32_t floor,
                     const std::vector<std::string>& required) {
  d->set_template_id(id);
  d->set_name("Template " + id);
  d->set_data_level_floor(floor);
  for (const auto& f : required) d->add_required_fields(f);
  d->set_max_payload_bytes(4096);
}
}  // namespace

Action register_template(const std::string& id, std::uint32_t floor,
                         std::vector<std::string> required) {
  return [=](pb::Propose& p) {
    fill_definition(p.mutable_register_report_template()->mutable_definition(), id, floor,
                    required);
  };
}
Action update_template(const std::string& id, std::uint32_t floor,
                       std::vector<std::string> required) {
  return [=](pb::Propose& p) {
    fill_definition(p.mutable_update_report_template()->mutable_definition(), id, floor, required);
  };
}
Action add_root(const crypto::Certificate& root) {
  std::string der = to_string(root.to_der());
  return [der](pb::Propose& p) { p.mutable_add_trusted_root()->set_certificate_der(der); };
}
Action remove_root(const Bytes& cert_id) {
  std::string id = to_string(cert_id);
  return [id](pb::Propose& p) { p.mutable_remove_trusted_root()->set_cert_id(id); };
}

Ca make_root_ca(const std::string& cn) {
  auto key = crypto::PrivateKey::generate(crypto::Suite::kP256Sha256).value();
  crypto::IssueOptions o;
  o.not_before = rl::wall_now_s() - kDay;
  o.not_after = rl::wall_now_s() + 365 * kDay;
  o.profile = crypto::CertProfile::kRootCa;
  auto cert = crypto::create_root_certificate(key, {cn, "Other PKI", "", ""}, o).value();
  return Ca{std::move(key), std::move(cert)};
}

GovernedLedger::GovernedLedger(std::uint32_t threshold)
    : reg_b_(make_identity(kAdminB, kRegulatorB, extra_admins().key_b, extra_admins().cert_b)),
      reg_c_(make_identity(kAdminC, kRegulatorC, extra_admins().key_c, extra_admins().cert_c)) {
  genesis_ = make_governed_genesis(pki_, threshold);
}

void GovernedLedger::SetUp() {
  LedgerFixture::SetUp();
  commit_txs({sign_as(admin_, register_org("bank-a")), sign_as(admin_, register_org("bank-b"))});
}

void GovernedLedger::with_store(const std::function<void(const Store&)>& fn) {
  chain_.reset();
  {
    auto store = Store::open(dir_).value();
    fn(*store);
  }
  chain_ = open_chain(dir_, genesis_);
}

std::vector<pb::CertificateRecord> GovernedLedger::certificates_of(const std::string& account) {
  std::vector<pb::CertificateRecord> out;
  with_store([&](const Store& s) { out = account_certificates(s, account, 100).value(); });
  return out;
}

std::optional<pb::ProposalRecord> GovernedLedger::proposal_record(const std::string& id) {
  std::optional<pb::ProposalRecord> out;
  with_store([&](const Store& s) { out = find_proposal(s, id).value(); });
  return out;
}

std::uint32_t GovernedLedger::label_for(std::uint32_t level, const std::string& tmpl) {
  char code[5];
  std::snprintf(code, sizeof code, "00%02u", level);
  auto who =
      enroll(std::string("probe-") + std::to_string(++label_probe_), "bank-a", "reporter", code);
  auto b = commit_txs({sign_as(who, submit_report(tmpl, "2026-Q3", R"({"lcr":1})"))});
  return chain_->report(to_hex(b.txs[0]->id)).value()->data_level();
}

}  // namespace rl::ledger::testing
