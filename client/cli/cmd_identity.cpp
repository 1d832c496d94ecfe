// regledger org register | account register | account enroll
#include <chrono>
#include <iostream>

#include "client/cli/context.hpp"
#include "client/lib/tx_builder.hpp"
#include "common/file_io.hpp"
#include "common/wall_clock.hpp"
#include "crypto/symmetric.hpp"
#include "crypto/x509.hpp"
#include "genesis/network_init.hpp"

namespace rl::cli {
namespace {

struct OrgOpts {
  std::string as, id, name, kind = "institution";
};

struct AccountOpts {
  std::string as, id, org, role = "reporter", permission, password_file, department;
  std::uint64_t scrypt_n = 1 << 14;
};

int account_register(Globals& g, const AccountOpts& o) {
  auto pw = read_file(o.password_file, 4096);
  if (!pw.ok()) return report_error(pw.error());
  std::string password = *pw;
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
    password.pop_back();
  }
  if (password.size() < 12) {
    return report_error(make_error("weak_password", "passwords are at least 12 characters"));
  }
  auto cred = genesis::make_credential(password, o.scrypt_n);
  if (!cred.ok()) return report_error(cred.error());
  return submit_signed(
      g, o.as,
      [&](ledger::pb::TxBody& b) {
        auto* p = b.mutable_register_account();
        p->set_account_id(o.id);
        p->set_org_id(o.org);
        p->set_role(o.role);
        p->set_permission_code(o.permission);
        p->set_department(o.department);
        auto* c = p->mutable_credential();
        c->set_salt(to_string(cred->salt));
        c->set_hash(to_string(cred->hash));
        c->set_n(cred->n);
        c->set_r(cred->r);
        c->set_p(cred->p);
      },
      "account " + o.id);
}

struct EnrollOpts {
  std::string as, account, org, issuer_cert, issuer_key, out;
  int days = 365;
};

// Key + CSR + issuance by the issuing CA + BindCertificate on the ledger. The identity is saved
// only after the binding is committed, so a saved identity is always usable.
int account_enroll(Globals& g, const EnrollOpts& o) {
  auto admin = load_signer(o.as);
  if (!admin.ok()) return report_error(admin.error());
  auto ca_pem = read_file(o.issuer_cert, 64 * 1024);
  if (!ca_pem.ok()) return report_error(ca_pem.error());
  auto ca_key_pem = read_file(o.issuer_key, 64 * 1024);
  if (!ca_key_pem.ok()) return report_error(ca_key_pem.error());
  auto ca = crypto::Certificate::from_pem(*ca_pem);
  if (!ca.ok()) return report_error(ca.error());
  auto ca_key = crypto::PrivateKey::from_pem(*ca_key_pem);
  if (!ca_key.ok()) return report_error(ca_key.error());

  auto key = crypto::PrivateKey::generate(admin->suite);
  if (!key.ok()) return report_error(key.error());
  auto csr = crypto::CertificateRequest::create(*key, {o.account, o.org, "Reporting", ""});
  if (!csr.ok()) return report_error(csr.error());
  crypto::IssueOptions io;
  io.not_before = rl::wall_now_s() - 300;
  io.not_after = rl::wall_now_s() + static_cast<std::int64_t>(o.days) * 86400;
  io.profile = crypto::CertProfile::kEndEntity;
  auto cert = crypto::issue_certificate(*ca, *ca_key, *csr, io);
  if (!cert.ok()) return report_error(cert.error());
  if (!g.json_output) {
    std::cout << "certificate issued subject=\"" << cert->subject_string()
              << "\" serial=" << cert->serial_hex() << "\n";
  }
  int rc = submit_signed(
      g, o.as,
      [&](ledger::pb::TxBody& b) {
        auto* p = b.mutable_bind_certificate();
        p->set_account_id(o.account);
        p->set_certificate_der(to_string(cert->to_der()));
      },
      "certificate binding for " + o.account);
  if (rc != 0) return rc;
  auto saved =
      client::save_identity(o.out, o.account, o.org, admin->chain_id, admin->suite, *key, *cert);
  if (!saved.ok()) return report_error(saved.error());
  if (!g.json_output) std::cout << "identity saved to " << o.out << "\n";
  return 0;
}

}  // namespace

void add_identity_commands(CLI::App& app, Globals& g) {
  auto* org = app.add_subcommand("org", "Organizations");
  org->require_subcommand(1);
  auto oo = std::make_shared<OrgOpts>();
  auto* oreg = org->add_subcommand("register", "Register an organization (regulator admin)");
  oreg->add_option("--as", oo->as, "Identity directory of the signing admin")->required();
  oreg->add_option("--id", oo->id, "Organization id, [A-Za-z0-9._-]{1,64}")->required();
  oreg->add_option("--name", oo->name, "Display name")->required();
  oreg->add_option("--kind", oo->kind, "institution | regulator | auditor");
  oreg->callback([oo, &g] {
    g.exit_code = submit_signed(
        g, oo->as,
        [&](ledger::pb::TxBody& b) {
          auto* p = b.mutable_register_organization();
          p->set_org_id(oo->id);
          p->set_name(oo->name);
          p->set_kind(oo->kind);
        },
        "organization " + oo->id);
  });

  auto* acct = app.add_subcommand("account", "Accounts and their certificates");
  acct->require_subcommand(1);
  auto ao = std::make_shared<AccountOpts>();
  auto* areg = acct->add_subcommand("register", "Register an account (admin)");
  areg->add_option("--as", ao->as, "Identity directory of the signing admin")->required();
  areg->add_option("--id", ao->id, "Account id")->required();
  areg->add_option("--org", ao->org, "Organization id")->required();
  areg->add_option("--role", ao->role, "admin | reporter | auditor");
  areg->add_option("--permission", ao->permission,
                   "Permission code RRLL: RR 00 input, 11 output, 01 both; LL level 00-99")
      ->required();
  areg->add_option("--department", ao->department,
                   "Department within the organization (the `dept` attribute of sealing "
                   "policies, docs/sealed.md); optional");
  areg->add_option("--password-file", ao->password_file, "File holding the account password")
      ->required()
      ->check(CLI::ExistingFile);
  areg->callback([ao, &g] { g.exit_code = account_register(g, *ao); });

  auto eo = std::make_shared<EnrollOpts>();
  auto* enroll = acct->add_subcommand(
      "enroll", "Generate a key and CSR, issue the certificate, bind it on the ledger");
  enroll->add_option("--as", eo->as, "Identity directory of the signing admin")->required();
  enroll->add_option("--account", eo->account, "Account id to enroll")->required();
  enroll->add_option("--org", eo->org, "The account's organization")->required();
  enroll->add_option("--issuer-cert", eo->issuer_cert, "Issuing CA certificate")->required();
  enroll->add_option("--issuer-key", eo->issuer_key, "Issuing CA key")->required();
  enroll->add_option("--out", eo->out, "Directory for the new identity")->required();
  enroll->add_option("--days", eo->days, "Certificate validity in days")
      ->check(CLI::Range(1, 3650));
  enroll->callback([eo, &g] { g.exit_code = account_enroll(g, *eo); });
}

}  // namespace rl::cli
